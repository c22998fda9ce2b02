//! Whether an operation has let a write leave for Telegram: what a face needs to know when
//! it stops waiting for the operation (a deadline, a cancelled call, Ctrl-C).
//!
//! Stopping a read is harmless, and saying "try again" is right. Stopping a write whose
//! request may already have reached Telegram is not: Telegram may carry it out, so the
//! only honest report is an unknown outcome, and "try again" would send it twice. The
//! core marks the moment a write leaves ([`note_write`], from [`Telegram::write`]); a
//! face runs the operation inside [`WriteWatch::watch`] and asks afterwards.
//!
//! [`Telegram::write`]: super::Telegram::write

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use super::session::FileSession;
use crate::error::Error;

tokio::task_local! {
    static WATCH: WriteWatch;
}

/// Requests that change nothing anyone can see: parts of a file being uploaded and media
/// prepared for an album. Stopping after them leaves nothing sent.
const PREPARATION: &[&str] = &[
    "upload.saveFilePart",
    "upload.saveBigFilePart",
    "messages.uploadMedia",
    // `setup`'s login steps: stopped after them, no chat has changed, and the next
    // `setup` starts or continues the login (Ctrl-C at a prompt is a plain interruption).
    "auth.sendCode",
    "auth.signIn",
    "auth.checkPassword",
    "account.getPassword",
];

/// Notes whether a write left during the operations run inside [`WriteWatch::watch`].
#[derive(Clone, Default)]
pub struct WriteWatch {
    /// The session of each write that was started; `Some(None)` for a write with no
    /// session to ask (counted as connected).
    writes: Arc<Mutex<Option<Option<Arc<FileSession>>>>>,
}

impl WriteWatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `operation`, noting every write it lets leave.
    pub async fn watch<F: Future>(&self, operation: F) -> F::Output {
        WATCH.scope(self.clone(), operation).await
    }

    /// Whether a write request may have reached Telegram: one was started, and a
    /// connection to Telegram existed (a request never leaves without one).
    pub fn write_left(&self) -> bool {
        match &*self.writes.lock().unwrap_or_else(PoisonError::into_inner) {
            None => false,
            Some(None) => true,
            Some(Some(session)) => session.has_connected(),
        }
    }

    /// The error for an operation stopped (by `why`) after a write left, or `None` when
    /// nothing can have been carried out.
    pub fn stopped(&self, why: &str) -> Option<Error> {
        self.write_left().then(|| Self::stopped_error(why))
    }

    /// The unknown outcome of a write stopped (by `why`) after it left.
    pub fn stopped_error(why: &str) -> Error {
        Error::UnknownOutcome(format!(
            "{why} after a write had been sent to Telegram: it may or may not have been carried out (a message may have been delivered) — check the chat before trying again"
        ))
    }
}

/// Called by the core as a write request `method` leaves over `session`'s connection.
pub(crate) fn note_write(method: &str, session: Option<&Arc<FileSession>>) {
    if PREPARATION.contains(&method) {
        return;
    }
    let _ = WATCH.try_with(|watch| {
        let mut writes = watch.writes.lock().unwrap_or_else(PoisonError::into_inner);
        if writes.is_none() {
            *writes = Some(session.cloned());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_inside_the_watch_is_noted_and_preparation_is_not() {
        let watch = WriteWatch::new();
        watch
            .watch(async { note_write("upload.saveFilePart", None) })
            .await;
        assert!(!watch.write_left());
        assert!(watch.stopped("stopped").is_none());
        watch
            .watch(async { note_write("messages.sendMessage", None) })
            .await;
        assert!(watch.write_left());
        assert_eq!(watch.stopped("stopped").unwrap().kind(), "unknown_outcome");
        // Outside any watch, a write is noted nowhere (and does not panic).
        note_write("messages.sendMessage", None);
    }
}
