//! Logs go to stderr only (stdout carries data: JSON-RPC under `serve`, results otherwise).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

use crate::cli::{GlobalArgs, LogFormat};
use crate::config::Env;
use crate::error::Result;

/// `TGMCP_LOG`, then `RUST_LOG`, then the level `-v`/`-q` ask for (warnings by default).
pub fn init(global: &GlobalArgs) {
    // The process environment has no LOG_LEVEL error to report here: it is checked by
    // `init_with`, which main uses.
    let env = Env::from_process();
    init_directive(global, directive(global, &env, None));
}

/// As [`init`], from `env` (the process over `--env-file`), with the reference server's
/// `LOG_LEVEL` below `-v`/`-q`. An invalid `LOG_LEVEL` is an error and installs nothing.
pub fn init_with(global: &GlobalArgs, env: &Env) -> Result<()> {
    let reference = crate::config::reference::log_level(env)?;
    init_directive(global, directive(global, env, reference));
    Ok(())
}

fn directive(global: &GlobalArgs, env: &Env, reference: Option<&str>) -> String {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => reference.unwrap_or("warn"),
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    env.get("TGMCP_LOG")
        .or_else(|| env.get("RUST_LOG"))
        .unwrap_or(level)
        .to_owned()
}

fn init_directive(global: &GlobalArgs, directive: String) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    // rmcp logs requests as Rust debug dumps (at debug level, and at info what a client
    // sent, such as a cancellation's reason), and they hold message text and phone
    // numbers: rmcp stays at warnings at most, and never above the chosen level, unless
    // someone asks for rmcp by name.
    let directive = if directive.contains("rmcp") {
        directive
    } else {
        format!("{directive},rmcp={}", rmcp_cap(&directive))
    };
    let filter = EnvFilter::try_new(&directive).unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match global.log_format {
        // One shape for every line: timestamp, level, fields, target — never the span
        // keys, which only some events would have. [`json_line`] writes the same.
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder
            .with_target(false)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

/// A line for a person on stderr outside the log (a notice, the final error, anything
/// before the log exists): as a JSON log line under `--log-format json`, so that every
/// line of stderr parses as JSON and has the same keys.
pub fn stderr_line(format: LogFormat, level: &str, message: &str) {
    match format {
        LogFormat::Json => eprintln!("{}", json_line(level, message)),
        LogFormat::Text => eprintln!("{message}"),
    }
}

/// `message` as the JSON log writes an event: the same keys in the same order, the
/// timestamp in the same format (RFC 3339, UTC).
pub fn json_line(level: &str, message: &str) -> String {
    use tracing_subscriber::fmt::format::Writer;
    use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
    let mut timestamp = String::new();
    let _ = SystemTime.format_time(&mut Writer::new(&mut timestamp));
    let string = |s: &str| serde_json::Value::from(s).to_string();
    format!(
        "{{\"timestamp\":{},\"level\":{},\"fields\":{{\"message\":{}}},\"target\":\"tgmcp\"}}",
        string(&timestamp),
        string(level),
        string(message)
    )
}

/// rmcp's level: the directive's default level, capped at warnings.
fn rmcp_cap(directive: &str) -> LevelFilter {
    let default = directive
        .split(',')
        .map(str::trim)
        .filter(|d| !d.contains('='))
        .filter_map(|d| d.parse::<LevelFilter>().ok())
        .next_back()
        .unwrap_or(LevelFilter::OFF);
    default.min(LevelFilter::WARN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rmcp_never_logs_above_warnings_or_the_chosen_level() {
        assert_eq!(rmcp_cap("error"), LevelFilter::ERROR);
        assert_eq!(rmcp_cap("warn"), LevelFilter::WARN);
        assert_eq!(rmcp_cap("info"), LevelFilter::WARN);
        assert_eq!(rmcp_cap("trace"), LevelFilter::WARN);
        assert_eq!(rmcp_cap("tgmcp=debug"), LevelFilter::OFF);
        assert_eq!(rmcp_cap("tgmcp=debug,error"), LevelFilter::ERROR);
    }

    #[test]
    fn a_line_outside_the_log_has_the_log_keys() {
        let line: serde_json::Value =
            serde_json::from_str(&json_line("INFO", "serving \"x\"\n")).unwrap();
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 4, "{line}");
        for key in ["timestamp", "level", "fields", "target"] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
        assert_eq!(line["fields"]["message"], "serving \"x\"\n");
        let timestamp = line["timestamp"].as_str().unwrap();
        assert!(
            timestamp.ends_with('Z') && timestamp.contains('T'),
            "{timestamp}"
        );
    }
}
