//! `tgmcp health`: is this profile ready to use? Config, credentials, the session file and
//! its permissions, the DC, the authorization and the round-trip time, as a checklist or
//! JSON, with an exit code a monitor can act on. With `--url`, the same for a running
//! `tgmcp serve --http`, through its /health and /ready.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Context, output};
use crate::cli::HealthArgs;
use crate::error::{Error, ExitCode, Result};
use crate::telegram::{Account, FileSession};

#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
}

#[derive(Debug, Serialize)]
struct Report {
    ok: bool,
    profile: String,
    authorized: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<Account>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency_ms: Option<u64>,
    checks: Vec<Check>,
}

struct Checklist {
    checks: Vec<Check>,
    /// The exit code of the first failure.
    failure: Option<ExitCode>,
}

impl Checklist {
    fn pass(&mut self, name: &'static str, detail: impl Into<String>) {
        self.checks.push(Check {
            name,
            ok: true,
            detail: detail.into(),
        });
    }

    fn fail(&mut self, name: &'static str, detail: impl Into<String>, code: ExitCode) {
        self.checks.push(Check {
            name,
            ok: false,
            detail: detail.into(),
        });
        self.failure.get_or_insert(code);
    }

    fn fail_with(&mut self, name: &'static str, error: &Error) {
        self.fail(name, error.to_string(), error.exit_status());
    }
}

pub async fn run(ctx: &Context, args: HealthArgs) -> Result<ExitCode> {
    if let Some(path) = &args.bundle {
        return super::bundle::write(ctx, &args, path).await;
    }
    if let Some(url) = &args.url {
        return probe_server(ctx, url, Duration::from_secs(args.timeout.max(1))).await;
    }
    let mut list = Checklist {
        checks: Vec::new(),
        failure: None,
    };
    let mut report = Report {
        ok: false,
        profile: ctx.config.profile.to_string(),
        authorized: false,
        account: None,
        latency_ms: None,
        checks: Vec::new(),
    };

    match (&ctx.demo, ctx.config.file.path()) {
        (Some(_), _) => list.pass("config", "sandbox: no configuration needed"),
        (None, Some(path)) if path.exists() => {
            list.pass("config", format!("{} is valid", path.display()))
        }
        (None, _) => list.pass("config", "no config file; using flags and environment"),
    }

    let api_id = match ctx.credentials(None, None) {
        Ok(Some(c)) => {
            list.pass(
                "credentials",
                format!("api_id {} and an api_hash are set", c.api_id),
            );
            Some(c.api_id)
        }
        Ok(None) => {
            // Never set up at all is "not logged in" (exit 3), as everywhere else; a
            // session without credentials is a configuration problem.
            let never_set_up = !ctx.config.session_file().exists();
            list.fail(
                "credentials",
                "api_id and api_hash are not set — pass them to `tgmcp setup`, set TGMCP_API_ID/TGMCP_API_HASH, or add them to the config file",
                if never_set_up {
                    ExitCode::NotLoggedIn
                } else {
                    ExitCode::Usage
                },
            );
            None
        }
        Err(e) => {
            list.fail_with("credentials", &e);
            None
        }
    };

    let session = check_session(ctx, &mut list);

    if let (Some(session), Some(api_id)) = (session, api_id) {
        let tg = ctx.connect(session, api_id, Duration::from_secs(args.timeout.max(1)));
        let started = Instant::now();
        match tg.is_authorized().await {
            Err(e) => list.fail_with("telegram", &e),
            Ok(authorized) => {
                list.pass(
                    "telegram",
                    format!("DC reached in {} ms", started.elapsed().as_millis()),
                );
                if !authorized {
                    list.fail(
                        "authorized",
                        format!(
                            "Telegram does not accept this session (logged out or revoked) — run `tgmcp --profile {} setup --overwrite`",
                            ctx.config.profile
                        ),
                        ExitCode::NotLoggedIn,
                    );
                } else {
                    report.authorized = true;
                    list.pass("authorized", "the session is logged in");
                    match tg.me().await {
                        Ok(account) => {
                            list.pass("account", describe(&account));
                            report.account = Some(account);
                        }
                        Err(e) => list.fail_with("account", &e),
                    }
                    let ping = Instant::now();
                    match tg.is_authorized().await {
                        Ok(_) => {
                            let ms = ping.elapsed().as_millis() as u64;
                            report.latency_ms = Some(ms);
                            list.pass("latency", format!("{ms} ms round trip"));
                        }
                        Err(e) => list.fail_with("latency", &e),
                    }
                }
            }
        }
        let _ = tg.close().await;
    }

    report.ok = list.failure.is_none();
    report.checks = list.checks;
    if ctx.global.json {
        output::json(&report);
    } else {
        for check in &report.checks {
            let mark = if check.ok { "ok  " } else { "FAIL" };
            output::line(&format!("{mark} {:<12} {}", check.name, check.detail));
        }
    }
    Ok(list.failure.unwrap_or(ExitCode::Ok))
}

/// `health --url`: asks a running server's /health and /ready; ok when both answer 200.
async fn probe_server(ctx: &Context, url: &str, timeout: Duration) -> Result<ExitCode> {
    let base = url.trim_end_matches('/');
    let base = base
        .strip_suffix("/v1/mcp")
        .or_else(|| base.strip_suffix("/mcp"))
        .unwrap_or(base);
    if !base.starts_with("http://") && !base.starts_with("https://") {
        return Err(Error::InvalidInput(format!(
            "--url needs the server's address as http://HOST:PORT, not {:?}",
            crate::net::redact_url(url)
        )));
    }
    crate::net::install_crypto_provider();
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| Error::Config(format!("cannot make an HTTP client: {e}")))?;
    let mut list = Checklist {
        checks: Vec::new(),
        failure: None,
    };
    let mut answers = serde_json::Map::new();
    for endpoint in ["health", "ready"] {
        let target = format!("{base}/{endpoint}");
        let shown = crate::net::redact_url(&target);
        match client.get(&target).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body: serde_json::Value = response
                    .text()
                    .await
                    .ok()
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or(serde_json::Value::Null);
                let detail = summarize(endpoint, status, &body);
                if status == 200 {
                    list.pass(endpoint_name(endpoint), detail);
                } else {
                    list.fail(endpoint_name(endpoint), detail, ExitCode::Failed);
                }
                answers.insert(
                    endpoint.to_owned(),
                    serde_json::json!({"status": status, "body": body}),
                );
            }
            Err(e) => {
                let refused = connection_refused(&e);
                let reason = if e.is_timeout() {
                    format!("no answer from {shown} within {}s", timeout.as_secs())
                } else if refused {
                    format!(
                        "cannot reach {shown}: connection refused — is `tgmcp serve --http` running on that address?"
                    )
                } else {
                    format!("cannot reach {shown}: {}", e.without_url())
                };
                list.fail(endpoint_name(endpoint), reason, ExitCode::Failed);
                answers.insert(
                    endpoint.to_owned(),
                    serde_json::json!({"status": null, "body": null}),
                );
            }
        }
    }
    let ok = list.failure.is_none();
    if ctx.global.json {
        let mut report = serde_json::json!({"ok": ok, "url": base, "checks": list.checks});
        if let Some(object) = report.as_object_mut() {
            object.extend(answers);
        }
        output::json(&report);
    } else {
        for check in &list.checks {
            let mark = if check.ok { "ok  " } else { "FAIL" };
            output::line(&format!("{mark} {:<12} {}", check.name, check.detail));
        }
    }
    Ok(list.failure.unwrap_or(ExitCode::Ok))
}

fn endpoint_name(endpoint: &str) -> &'static str {
    if endpoint == "health" {
        "health"
    } else {
        "ready"
    }
}

/// One line about a /health or /ready answer.
fn summarize(endpoint: &str, status: u16, body: &serde_json::Value) -> String {
    if endpoint == "ready" {
        return match body["reason"].as_str() {
            Some(reason) => format!("{status}: not ready ({reason})"),
            None => format!("{status}: ready"),
        };
    }
    let telegram = &body["telegram"];
    let flag = |key: &str| match telegram[key].as_bool() {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    let mut line = format!(
        "{status}: {} (tgmcp {}), Telegram connected {}, authorized {}, {} MCP sessions",
        body["status"].as_str().unwrap_or("?"),
        body["version"].as_str().unwrap_or("?"),
        flag("connected"),
        flag("authorized"),
        body["sessions"].as_u64().unwrap_or(0)
    );
    if let Some(kind) = telegram["last_error_kind"].as_str() {
        line.push_str(&format!("; last error: {kind}"));
    }
    line
}

fn describe(account: &Account) -> String {
    match &account.username {
        Some(username) => format!("{} @{username} (id {})", account.name, account.id),
        None => format!("{} (id {})", account.name, account.id),
    }
}

/// The session file exists, parses, and only its owner can read it.
fn check_session(ctx: &Context, list: &mut Checklist) -> Option<std::sync::Arc<FileSession>> {
    let path = ctx.config.session_file();
    if !path.exists() {
        list.fail(
            "session",
            format!(
                "no session for profile '{}' at {} — run `tgmcp setup`",
                ctx.config.profile,
                path.display()
            ),
            ExitCode::NotLoggedIn,
        );
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
        match mode(&path) {
            Ok(m) if m & 0o077 != 0 => {
                list.fail(
                    "session",
                    format!(
                        "{} is readable by others (mode {m:03o}); it holds your login — run `chmod 600 {}`",
                        path.display(),
                        path.display()
                    ),
                    ExitCode::Usage,
                );
                return None;
            }
            Err(e) => {
                list.fail(
                    "session",
                    format!("cannot read {}: {e}", path.display()),
                    ExitCode::Usage,
                );
                return None;
            }
            Ok(_) => {}
        }
        if let Some(dir) = path.parent()
            && let Ok(m) = mode(dir)
            && m & 0o077 != 0
        {
            list.fail(
                "session",
                format!(
                    "{} is open to others (mode {m:03o}) — run `chmod 700 {}`",
                    dir.display(),
                    dir.display()
                ),
                ExitCode::Usage,
            );
            return None;
        }
    }
    match FileSession::open(&path) {
        Ok(session) => {
            list.pass("session", format!("{} (private)", path.display()));
            Some(std::sync::Arc::new(session))
        }
        Err(e) => {
            list.fail_with("session", &e);
            None
        }
    }
}

/// Whether a request failed because nothing listens there (the port is closed).
fn connection_refused(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        source = err.source();
    }
    false
}
