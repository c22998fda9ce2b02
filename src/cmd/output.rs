//! Writing results to stdout. A closed pipe (`tgmcp … | head -1`) is not an error: the
//! reader has what it wanted, so the rest is dropped quietly.

use std::io::{self, Write};

use serde::Serialize;

/// Writes `text` and a newline to stdout.
pub fn line(text: &str) {
    let mut out = io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush())
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        tracing::warn!("cannot write to stdout: {e}");
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
