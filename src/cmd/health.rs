//! `tgmcp health`: is this profile ready to use? Config, credentials, the session file and
//! its permissions, the DC, the authorization and the round-trip time, as a checklist or
//! JSON, with an exit code a monitor can act on.

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
            list.fail(
                "credentials",
                "api_id and api_hash are not set — pass them to `tgmcp setup`, set TGMCP_API_ID/TGMCP_API_HASH, or add them to the config file",
                ExitCode::Usage,
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
