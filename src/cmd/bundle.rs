//! `tgmcp health --bundle FILE`: a diagnostic archive (`.tar.gz`) to attach to a bug
//! report — version and platform, the settings with every secret taken out, what the
//! profile folder holds (names, sizes, modes; never contents), the health checks, a
//! running server's /health, /ready and /metrics with `--url`, and the end of a log file
//! with `--log`.
//!
//! Secrets are kept out twice: what is known to be secret (the api_hash, the bearer
//! token, every auth key and hash in the session, a pending login's phone, the values of
//! secret variables) is replaced wherever it appears, and so is anything shaped like one
//! (a `Bearer` value, a phone number, long hex or base64 runs, the value after `code`,
//! `password`, `token`, `api_hash` or `phone`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Context;
use crate::cli::HealthArgs;
use crate::error::{Error, ExitCode, Result};

const REDACTED: &str = "<redacted>";
/// The end of a log file that goes in: enough for a bug, bounded whatever the file's size.
const LOG_TAIL_BYTES: u64 = 1 << 20;
/// Variables whose values are secrets: named as set, never shown.
const SECRET_VARS: &[&str] = &[
    "TGMCP_API_HASH",
    "API_HASH",
    "TGMCP_PASSWORD",
    "TGMCP_PHONE",
    "PHONE_NUMBER",
    "TGMCP_TOKEN",
    "BEARER_TOKEN",
];
/// Variables worth showing (besides every `TGMCP_*`).
const SHOWN_VARS: &[&str] = &[
    "API_ID",
    "API_HASH",
    "RUST_LOG",
    "LOG_LEVEL",
    "HOST",
    "PORT",
    "SERVER_MODE",
    "SESSION_NAME",
    "PHONE_NUMBER",
    "DISABLE_AUTH",
    "TZ",
    "LANG",
];
/// Words after which a value is taken to be a secret in free text (logs, stderr).
const SECRET_WORDS: &[&str] = &[
    "code", "password", "token", "api_hash", "phone", "hash", "auth_key", "bearer",
];

pub async fn write(ctx: &Context, args: &HealthArgs, path: &Path) -> Result<ExitCode> {
    if path.exists() {
        return Err(Error::Config(format!(
            "{} exists — name a new file for the bundle",
            path.display()
        )));
    }
    let secrets = Secrets::collect(ctx);
    let mut entries: Vec<(String, String)> = vec![
        ("README.txt".into(), readme()),
        ("version.txt".into(), version()),
        ("environment.txt".into(), environment(ctx)),
        ("profile.txt".into(), profile_listing(ctx)),
    ];
    if let Some(config) = ctx.config.file.path().filter(|p| p.exists()) {
        let text = std::fs::read_to_string(config).unwrap_or_else(|e| format!("(unreadable: {e})"));
        entries.push(("config.toml".into(), redact_config(&text)));
    }
    let (health, health_stderr) = health_checks(ctx, args).await;
    entries.push(("health.json".into(), health));
    entries.push(("health.stderr.txt".into(), health_stderr));
    if let Some(url) = &args.url {
        for (name, text) in server_answers(ctx, url, Duration::from_secs(args.timeout)).await {
            entries.push((format!("server/{name}"), text));
        }
    }
    if let Some(log) = &args.log {
        entries.push(("log.txt".into(), log_tail(log)));
    }

    let entries: Vec<(String, String)> = entries
        .into_iter()
        .map(|(name, text)| {
            let text = secrets.scrub(&name, &text);
            (name, text)
        })
        .collect();
    write_archive(path, &entries)?;
    eprintln!(
        "Wrote {} ({} files, secrets removed): attach it to your bug report after a look inside (`tar tzf {}`).",
        path.display(),
        entries.len(),
        path.display()
    );
    super::output::line(&path.display().to_string());
    Ok(ExitCode::Ok)
}

fn readme() -> String {
    "A tgmcp diagnostic bundle, made by `tgmcp health --bundle`.\n\
     Secrets (auth keys, api_hash, bearer tokens, phone numbers, login codes, passwords)\n\
     were replaced by <redacted>; session files are described, never included.\n"
        .into()
}

fn version() -> String {
    format!(
        "tgmcp {}\nos: {} {}\nfamily: {}\n",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH,
        std::env::consts::FAMILY,
    )
}

fn environment(ctx: &Context) -> String {
    let mut lines: Vec<String> = ctx
        .env
        .vars()
        .filter(|(name, _)| name.starts_with("TGMCP_") || SHOWN_VARS.contains(name))
        .map(|(name, value)| {
            if SECRET_VARS.contains(&name) {
                format!("{name}={REDACTED}")
            } else {
                format!("{name}={value}")
            }
        })
        .collect();
    lines.sort();
    if lines.is_empty() {
        return "(no tgmcp variables set)\n".into();
    }
    lines.join("\n") + "\n"
}

/// What the profile folder holds: names, sizes and modes, never contents.
fn profile_listing(ctx: &Context) -> String {
    let dir = ctx.config.profile_dir();
    let mut out = format!("profile '{}' in {}\n", ctx.config.profile, dir.display());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        out.push_str("(no profile folder)\n");
        return out;
    };
    let mut rows: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| {
            let meta = entry.metadata().ok();
            let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
            #[cfg(unix)]
            let mode = {
                use std::os::unix::fs::PermissionsExt as _;
                meta.map_or(0, |m| m.permissions().mode() & 0o7777)
            };
            #[cfg(not(unix))]
            let mode = 0;
            format!(
                "{:o} {:>9} {}",
                mode,
                size,
                entry.file_name().to_string_lossy()
            )
        })
        .collect();
    rows.sort();
    out.push_str(&rows.join("\n"));
    out.push('\n');
    out
}

/// The config file with the value of every key that names a secret taken out.
fn redact_config(text: &str) -> String {
    text.lines()
        .map(|line| match line.split_once('=') {
            Some((key, _))
                if SECRET_WORDS
                    .iter()
                    .any(|w| key.trim().to_ascii_lowercase().contains(w)) =>
            {
                format!("{}= \"{REDACTED}\"", key)
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// `tgmcp health --json` for the same profile, run as its own process so the checks are
/// exactly the ones `health` makes.
async fn health_checks(ctx: &Context, args: &HealthArgs) -> (String, String) {
    let Ok(exe) = std::env::current_exe() else {
        return (
            "null\n".into(),
            "cannot find the tgmcp binary to run the checks\n".into(),
        );
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--profile").arg(ctx.config.profile.as_str());
    if let Some(config) = &ctx.global.config {
        cmd.arg("--config").arg(config);
    }
    if ctx.global.sandbox {
        cmd.arg("--sandbox");
    }
    cmd.args(["health", "--json", "--timeout", &args.timeout.to_string()])
        .stdin(std::process::Stdio::null());
    // The checks end by their own --timeout; the wait is off the async runtime.
    let output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e)));
    match output {
        Ok(out) => (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            format!(
                "exit {}\n{}",
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr)
            ),
        ),
        Err(e) => ("null\n".into(), format!("cannot run the checks: {e}\n")),
    }
}

/// A running server's /health, /ready and /metrics (with the profile's token, which does
/// not go in the bundle).
async fn server_answers(ctx: &Context, url: &str, timeout: Duration) -> Vec<(String, String)> {
    let base = url.trim_end_matches('/');
    let base = base
        .strip_suffix("/v1/mcp")
        .or_else(|| base.strip_suffix("/mcp"))
        .unwrap_or(base)
        .to_owned();
    crate::net::install_crypto_provider();
    let client = match reqwest::Client::builder().timeout(timeout).build() {
        Ok(client) => client,
        Err(e) => return vec![("error.txt".into(), format!("no HTTP client: {e}\n"))],
    };
    let token = crate::http::token::load(&ctx.config.token_file())
        .ok()
        .flatten();
    let mut out = Vec::new();
    for (endpoint, file) in [
        ("health", "health.json"),
        ("ready", "ready.json"),
        ("metrics", "metrics.txt"),
    ] {
        let mut request = client.get(format!("{base}/{endpoint}"));
        if endpoint == "metrics"
            && let Some(token) = &token
        {
            request = request.bearer_auth(token);
        }
        let text = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                format!("HTTP {status}\n{body}")
            }
            Err(e) => format!("no answer: {e}\n"),
        };
        out.push((file.to_owned(), text));
    }
    out
}

/// The last [`LOG_TAIL_BYTES`] of `path`, from a line start.
fn log_tail(path: &Path) -> String {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let read = || -> std::io::Result<String> {
        let mut file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        file.seek(SeekFrom::Start(len.saturating_sub(LOG_TAIL_BYTES)))?;
        let mut bytes = Vec::new();
        file.take(LOG_TAIL_BYTES).read_to_end(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(if len > LOG_TAIL_BYTES {
            text.split_once('\n')
                .map_or(text.clone(), |(_, rest)| rest.to_owned())
        } else {
            text
        })
    };
    read().unwrap_or_else(|e| format!("(cannot read {}: {e})\n", path.display()))
}

fn write_archive(path: &Path, entries: &[(String, String)]) -> Result<()> {
    let fail = |e: std::io::Error| Error::Config(format!("cannot write {}: {e}", path.display()));
    let partial: PathBuf = path.with_extension("partial");
    let file = crate::config::open_private_file(&partial).map_err(fail)?;
    let result = (|| -> std::io::Result<()> {
        let gzip = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        let mut tar = tar::Builder::new(gzip);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for (name, text) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o600);
            header.set_mtime(now);
            header.set_cksum();
            tar.append_data(&mut header, format!("tgmcp-bundle/{name}"), text.as_bytes())?;
        }
        let mut gzip = tar.into_inner()?;
        gzip.flush()?;
        gzip.finish()?.sync_all()
    })();
    match result.and_then(|()| std::fs::rename(&partial, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(fail(e))
        }
    }
}

/// Known secret values, and the shapes of unknown ones.
struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    fn collect(ctx: &Context) -> Self {
        let mut values = Vec::new();
        if let Ok(Some(credentials)) = ctx.credentials(None, None) {
            values.push(credentials.api_hash);
        }
        if let Ok(Some(token)) = crate::http::token::load(&ctx.config.token_file()) {
            values.push(token);
        }
        // Every long string or number in the session and a pending login: auth keys,
        // access hashes, the phone and its code hash.
        for file in [ctx.config.session_file(), ctx.config.login_file()] {
            if let Ok(text) = std::fs::read_to_string(&file)
                && let Ok(json) = serde_json::from_str::<serde_json::Value>(&text)
            {
                long_values(&json, &mut values);
            }
        }
        for name in SECRET_VARS {
            if let Some(value) = ctx.env.get(name) {
                values.push(value.to_owned());
            }
        }
        values.retain(|v| v.len() >= 4);
        // Longest first, so a secret that contains another goes whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Self { values }
    }

    /// `text` without secrets; JSON stays JSON (values under secret keys become
    /// `"<redacted>"`, strings are scrubbed, numbers are kept).
    fn scrub(&self, name: &str, text: &str) -> String {
        if name.ends_with(".json")
            && let Ok(mut json) = serde_json::from_str::<serde_json::Value>(text)
        {
            self.scrub_json(&mut json);
            return serde_json::to_string_pretty(&json).unwrap_or_default() + "\n";
        }
        self.scrub_text(text)
    }

    fn scrub_text(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for value in &self.values {
            text = text.replace(value.as_str(), REDACTED);
        }
        scrub_shapes(&text)
    }

    fn scrub_json(&self, json: &mut serde_json::Value) {
        match json {
            serde_json::Value::String(s) => *s = self.scrub_text(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    let key = key.to_ascii_lowercase();
                    // The account's phone is already masked (+1555…67); other secret keys go.
                    if SECRET_WORDS
                        .iter()
                        .any(|w| key == *w || key.ends_with(&format!("_{w}")))
                        && key != "phone"
                    {
                        *value = serde_json::Value::String(REDACTED.into());
                    } else {
                        self.scrub_json(value);
                    }
                }
            }
            _ => {}
        }
    }
}

fn long_values(json: &serde_json::Value, out: &mut Vec<String>) {
    match json {
        // Auth keys (hex), hashes and the phone are strings; ids are numbers, and no
        // secret.
        serde_json::Value::String(s) if s.len() >= 6 => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| long_values(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| long_values(v, out)),
        _ => {}
    }
}

/// Takes out what looks like a secret: the value after a secret word, phone numbers,
/// and long hex or base64 runs (keys, hashes, tokens).
fn scrub_shapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let mut pending_secret = false;
    let flush = |token: &mut String, out: &mut String, secret: &mut bool| {
        if token.is_empty() {
            return;
        }
        let lower = token.to_ascii_lowercase();
        if lower == "redacted" {
            // Our own marker: the secret is already gone.
            out.push_str(token);
            *secret = false;
            token.clear();
            return;
        }
        let is_word = SECRET_WORDS.iter().any(|w| {
            lower.trim_matches('"') == *w
                || lower.ends_with(&format!("_{w}"))
                || lower.ends_with(&format!("-{w}"))
        });
        if *secret && !is_word {
            out.push_str(REDACTED);
            *secret = false;
        } else if looks_secret(token) {
            out.push_str(REDACTED);
        } else {
            out.push_str(token);
        }
        if is_word {
            *secret = true;
        }
        token.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || matches!(c, '+' | '_' | '-' | '/' | '.') {
            token.push(c);
        } else {
            flush(&mut token, &mut out, &mut pending_secret);
            out.push(c);
            if c == '\n' {
                pending_secret = false;
            }
        }
    }
    flush(&mut token, &mut out, &mut pending_secret);
    out
}

/// A phone number, or a long run of hex or base64.
fn looks_secret(token: &str) -> bool {
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let phone = token.starts_with('+')
        && (7..=15).contains(&digits)
        && token[1..].chars().all(|c| c.is_ascii_digit() || c == '-');
    let hex = token.len() >= 32 && token.chars().all(|c| c.is_ascii_hexdigit());
    let b64 = token.len() >= 40
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
        && token.chars().any(|c| c.is_ascii_digit())
        && token.chars().any(|c| c.is_ascii_uppercase());
    phone || hex || b64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_secrets_go() {
        let text = "setup --code 40913 and password: hunter2\nphone=+15551234567 Bearer abcDEF1234567890abcdef1234567890abcdefXYZ\nkey 0123456789abcdef0123456789abcdef ok 12345\n";
        let out = scrub_shapes(text);
        for secret in [
            "40913",
            "hunter2",
            "+15551234567",
            "abcDEF1234567890",
            "0123456789abcdef0123456789abcdef",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(out.contains("ok 12345"), "{out}");
        assert!(out.contains("setup --code <redacted>"), "{out}");
    }

    #[test]
    fn config_values_of_secret_keys_go() {
        let out =
            redact_config("api_id = 1\napi_hash = \"0123\"\n[profiles.x]\nphone = \"+1555\"\n");
        assert!(out.contains("api_id = 1"));
        assert!(!out.contains("0123") && !out.contains("+1555"), "{out}");
    }
}
