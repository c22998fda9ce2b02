//! Writing results to stdout. A closed pipe (`tgmcp … | head -1`) is not an error: the
//! reader has what it wanted, so the rest is dropped quietly. Any other write error (a
//! full disk) is remembered, and `main` exits non-zero with it: a script must not take
//! a half-written result for a whole one.

use std::io::{self, Write};
use std::sync::Mutex;

use serde::Serialize;

/// The first write error on stdout other than a closed pipe.
static WRITE_ERROR: Mutex<Option<String>> = Mutex::new(None);

/// Remembers a failed write to stdout (a closed pipe is not a failure).
pub fn failed(error: &io::Error) {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return;
    }
    let mut first = WRITE_ERROR.lock().unwrap_or_else(|e| e.into_inner());
    if first.is_none() {
        *first = Some(error.to_string());
    }
}

/// Why writing to stdout failed, if it did (other than a closed pipe).
pub fn write_error() -> Option<String> {
    WRITE_ERROR
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Writes `text` and a newline to stdout.
pub fn line(text: &str) {
    let mut out = io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        failed(&e);
    }
}

/// Writes `value` as one line of JSON.
pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string(value) {
        Ok(text) => line(&text),
        Err(e) => tracing::error!("cannot encode the result as JSON: {e}"),
    }
}

/// Writes `value` as indented JSON (for people reading `--json` at a terminal).
pub fn json_pretty<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => line(&text),
        Err(e) => tracing::error!("cannot encode the result as JSON: {e}"),
    }
}
