//! The send rate limit: a token bucket per account, so a runaway agent cannot get the
//! user's account limited by Telegram. One token per write operation (a message split
//! in parts is one), taken before anything is sent.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::client::Telegram;
use crate::error::{Error, Result};

/// `serve --max-writes-per-minute` unless given: well under what gets an account
/// limited, well over what a person asks an assistant to send.
pub const DEFAULT_WRITES_PER_MINUTE: u32 = 20;

#[derive(Debug)]
pub struct WriteLimit {
    per_minute: u32,
    state: Mutex<(f64, Instant)>,
}

impl WriteLimit {
    /// A full bucket of `per_minute` tokens; 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            state: Mutex::new((f64::from(per_minute), Instant::now())),
        }
    }

    /// Takes a token at `now`, or says how long until one is there.
    pub fn take_at(&self, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = &mut *state;
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * per_second).min(capacity);
        *last = now.max(*last);
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / per_second))
        }
    }
}

impl Telegram {
    /// Takes one write from the account's rate limit, before anything is sent.
    pub fn take_write(&self) -> Result<()> {
        let Some(limit) = self.write_limit() else {
            return Ok(());
        };
        limit
            .take_at(Instant::now())
            .map_err(|wait| Error::RateLimited {
                seconds: wait.as_secs_f64().ceil().max(1.0) as u32,
                per_minute: limit.per_minute,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_then_one_token_per_interval() {
        let limit = WriteLimit::new(2);
        let start = Instant::now();
        assert!(limit.take_at(start).is_ok());
        assert!(limit.take_at(start).is_ok());
        let wait = limit.take_at(start).unwrap_err();
        assert_eq!(wait.as_secs(), 30);
        assert!(limit.take_at(start + Duration::from_secs(31)).is_ok());
        assert!(WriteLimit::new(0).take_at(start).is_ok());
    }
}
