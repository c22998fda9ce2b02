//! Logs go to stderr only (stdout carries data: JSON-RPC under `serve`, results otherwise).

use tracing_subscriber::EnvFilter;

use crate::cli::{GlobalArgs, LogFormat};

/// `TGMCP_LOG`, then `RUST_LOG`, then the level `-v`/`-q` ask for (warnings by default).
pub fn init(global: &GlobalArgs) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let directive = std::env::var("TGMCP_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| level.to_owned());
    // rmcp logs every request's arguments at debug level, and arguments hold message text
    // and phone numbers: keep it at info unless someone asks for rmcp by name.
    let directive = if directive.contains("rmcp") {
        directive
    } else {
        format!("{directive},rmcp=info")
    };
    let filter = EnvFilter::try_new(&directive).unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match global.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}
