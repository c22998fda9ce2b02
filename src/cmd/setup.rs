//! `tgmcp setup`: log in once, at a terminal or in steps from a script.
//!
//! At a terminal it asks for whatever is missing and asks again after a wrong code or
//! password. Without one it never waits for input: it does what the given flags allow,
//! remembers the pending login in the profile, prints `{"next":"code"}` (or
//! `{"next":"password","hint":…}`) and exits with [`ExitCode::InputNeeded`]; the next
//! `tgmcp setup --code …` continues where it stopped.
//!
//! A finished login also gives the profile a bearer token for `tgmcp serve --http`, and
//! prints client configurations for stdio and HTTP; `--rotate-token` replaces the token
//! without logging in again.

use std::io::IsTerminal;
use std::time::Duration;

use dialoguer::console::Term;
use dialoguer::{Input, Password};
use serde_json::json;

use super::{Context, output};
use crate::cli::SetupArgs;
use crate::config::Credentials;
use crate::error::{Error, ExitCode, Result};
use crate::sandbox::{DEMO_PASSWORD, DEMO_PHONE, Event};
use crate::telegram::login::{self, LoginStep};
use crate::telegram::{Account, FileSession, PendingLogin, Telegram};

const TIMEOUT: Duration = Duration::from_secs(30);

/// Where HTTP client configurations point when TGMCP_HTTP does not say.
const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8000";

pub async fn run(ctx: &Context, mut args: SetupArgs) -> Result<ExitCode> {
    if args.rotate_token {
        return rotate_token(ctx);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let credentials = credentials(ctx, &args, interactive)?;
    ctx.config.ensure_profile_dir()?;
    let session_path = ctx.config.session_file();
    let login_path = ctx.config.login_file();

    let mut pending = PendingLogin::load(&login_path)?.filter(|p| {
        let fresh = !p.is_expired();
        if !fresh {
            tracing::info!("the pending login expired; starting again");
        }
        fresh
    });
    if args.overwrite || (pending.is_some() && args.phone.is_some()) {
        // A new phone number, or an explicit restart, abandons any half-done login.
        PendingLogin::remove(&login_path)?;
        pending = None;
    }

    let session = open_session(ctx, &session_path, &args, pending.is_some()).await?;
    let tg = ctx.connect(session, credentials.api_id, TIMEOUT);
    announce_sandbox_codes(ctx);

    let result = login(ctx, &tg, &credentials, &mut args, pending, interactive).await;
    let closed = tg.close().await;
    let account = match result? {
        Some(account) => account,
        None => {
            // The next step (`setup --code …`) runs without the flags this one was given:
            // keep the api id and hash for it, as a finished login would.
            crate::config::save_credentials(&ctx.config.credentials_file(), &credentials)?;
            return Ok(ExitCode::InputNeeded);
        }
    };
    closed?;
    PendingLogin::remove(&login_path)?;
    crate::config::save_credentials(&ctx.config.credentials_file(), &credentials)?;
    let token = match crate::http::token::load(&ctx.config.token_file())? {
        Some(token) => token,
        None => new_token(ctx)?,
    };
    print_success(ctx, &account, &token);
    Ok(ExitCode::Ok)
}

/// A new bearer token for the profile, replacing any old one.
fn new_token(ctx: &Context) -> Result<String> {
    ctx.config.ensure_profile_dir()?;
    let token = crate::http::token::generate()?;
    crate::http::token::save(&ctx.config.token_file(), &token)?;
    Ok(token)
}

/// `setup --rotate-token`: the old token stops working at the server's next start.
fn rotate_token(ctx: &Context) -> Result<ExitCode> {
    let token = new_token(ctx)?;
    let http = http_configs(ctx, &token);
    if ctx.global.json {
        output::json(&json!({
            "ok": true,
            "profile": ctx.config.profile.as_str(),
            "token_file": ctx.config.token_file(),
            "mcp": http,
        }));
        return Ok(ExitCode::Ok);
    }
    output::line(&format!(
        "New bearer token for profile '{}' saved in {}. Restart `tgmcp serve --http` to use it; clients with the old token get 401 from then on.\n",
        ctx.config.profile,
        ctx.config.token_file().display()
    ));
    print_http_configs(&http);
    Ok(ExitCode::Ok)
}

/// HTTP client configurations with the token, for the address TGMCP_HTTP names.
fn http_configs(ctx: &Context, token: &str) -> serde_json::Value {
    let addr = ctx
        .env
        .get("TGMCP_HTTP")
        .filter(|a| !a.is_empty())
        .unwrap_or(DEFAULT_HTTP_ADDR);
    let url = format!("http://{addr}/mcp");
    let bearer = format!("Bearer {token}");
    let mut serve = "tgmcp".to_owned();
    if !ctx.config.profile.is_default() {
        serve.push_str(&format!(" --profile {}", ctx.config.profile));
    }
    serve.push_str(" serve --http");
    if addr != DEFAULT_HTTP_ADDR {
        serve.push_str(&format!(" {addr}"));
    }
    json!({
        "serve": serve,
        "url": url,
        "cursor": {"mcpServers": {"telegram": {"url": url, "headers": {"Authorization": bearer}}}},
        "vscode": {"servers": {"telegram": {"type": "http", "url": url, "headers": {"Authorization": bearer}}}},
        "claude_code": format!("claude mcp add --transport http telegram {url} --header \"Authorization: {bearer}\""),
    })
}

fn print_http_configs(http: &serde_json::Value) {
    output::line(&format!(
        "Over HTTP, after starting `{}` (keep the token secret: it is your Telegram account):",
        http["serve"].as_str().unwrap_or_default()
    ));
    output::line("\nCursor (mcpServers in .cursor/mcp.json):");
    output::json_pretty(&http["cursor"]);
    output::line("\nVS Code (.vscode/mcp.json):");
    output::json_pretty(&http["vscode"]);
    output::line("\nClaude Code:");
    output::line(&format!(
        "  {}",
        http["claude_code"].as_str().unwrap_or_default()
    ));
}

fn credentials(ctx: &Context, args: &SetupArgs, interactive: bool) -> Result<Credentials> {
    if let Some(credentials) = ctx.credentials(args.api_id, args.api_hash.as_deref())? {
        return Ok(credentials);
    }
    let config_path = ctx.config.paths.config_file();
    if !interactive {
        return Err(Error::Config(format!(
            "api_id and api_hash are needed to log in — create them at https://my.telegram.org, then pass --api-id and --api-hash, set TGMCP_API_ID and TGMCP_API_HASH, or put api_id and api_hash in {}",
            config_path.display()
        )));
    }
    eprintln!(
        "tgmcp needs an api_id and api_hash for your own app: create them at https://my.telegram.org (API development tools)."
    );
    let api_id: i32 = Input::new()
        .with_prompt("api_id")
        .validate_with(|v: &i32| {
            if *v > 0 {
                Ok(())
            } else {
                Err("a positive number")
            }
        })
        .interact_text_on(&Term::stderr())
        .map_err(prompt_error)?;
    let api_hash: String = Password::new()
        .with_prompt("api_hash")
        .interact_on(&Term::stderr())
        .map_err(prompt_error)?;
    eprintln!(
        "Tip: add api_id and api_hash to {} (or set TGMCP_API_ID/TGMCP_API_HASH) so `tgmcp serve` can use them.",
        config_path.display()
    );
    Ok(Credentials {
        api_id,
        api_hash: api_hash.trim().to_owned(),
    })
}

/// The session to log in with. An existing one keeps its DC addresses and auth keys (a
/// new key means a new key exchange); `--overwrite` forgets the account and peers it
/// cached. A logged-in session is never replaced without `--overwrite`.
async fn open_session(
    ctx: &Context,
    path: &std::path::Path,
    args: &SetupArgs,
    continuing: bool,
) -> Result<std::sync::Arc<FileSession>> {
    if continuing || path.exists() {
        let existing = FileSession::open(path)?;
        if continuing || !existing.is_logged_in_hint() {
            return Ok(std::sync::Arc::new(existing));
        }
        if !args.overwrite {
            return Err(Error::Config(format!(
                "profile '{}' is already logged in — run `tgmcp setup --overwrite` to log in again, or `tgmcp health` to check it",
                ctx.config.profile
            )));
        }
        let mut data = existing.snapshot();
        data.peer_infos.clear();
        data.updates_state = Default::default();
        drop(existing);
        return Ok(std::sync::Arc::new(FileSession::create(path, &data)?));
    }
    let session = match &ctx.demo {
        Some(demo) => demo.sandbox.write_session(path, None).await?,
        None => FileSession::create(path, &grammers_session::SessionData::default())?,
    };
    Ok(std::sync::Arc::new(session))
}

/// The sandbox has no SMS: it tells the person at the terminal what it "sent".
fn announce_sandbox_codes(ctx: &Context) {
    if let Some(demo) = &ctx.demo {
        let mut events = demo.sandbox.events();
        tokio::spawn(async move {
            while let Some(Event::CodeSent { code, .. }) = events.recv().await {
                eprintln!(
                    "sandbox: the login code is {code}; the demo account's 2FA password is `{DEMO_PASSWORD}`"
                );
            }
        });
    }
}

/// Drives the login to the end, or to the next input a non-terminal run lacks (`None`).
async fn login(
    ctx: &Context,
    tg: &Telegram,
    credentials: &Credentials,
    args: &mut SetupArgs,
    pending: Option<PendingLogin>,
    interactive: bool,
) -> Result<Option<Account>> {
    let login_path = ctx.config.login_file();
    let mut pending = match pending {
        Some(pending) => pending,
        None => {
            let phone = match args.phone.take() {
                Some(phone) => phone,
                None if ctx.demo.is_some() && !interactive => DEMO_PHONE.to_owned(),
                None if interactive => prompt_phone(ctx)?,
                None => {
                    return Err(Error::Config(
                        "the phone number is needed — pass --phone +15551234567 (or set TGMCP_PHONE)".into(),
                    ));
                }
            };
            let pending = login::send_code(tg, &phone, &credentials.api_hash).await?;
            pending.save(&login_path)?;
            pending
        }
    };

    if !pending.password_needed {
        loop {
            let Some(code) = next_input(args.code.take(), interactive, prompt_code)? else {
                sandbox_needs_one_run(ctx)?;
                output::json(&json!({"next": "code"}));
                return Ok(None);
            };
            match login::sign_in(tg, &pending, &code).await? {
                LoginStep::Done(account) => return Ok(Some(account)),
                LoginStep::CodeInvalid if interactive => {
                    eprintln!("That code is wrong; check the latest one and try again.")
                }
                LoginStep::CodeInvalid => {
                    return Err(Error::Rejected(
                        "the login code is wrong — run `tgmcp setup --code …` again with the latest code".into(),
                    ));
                }
                LoginStep::PasswordNeeded { hint } => {
                    pending.password_needed = true;
                    pending.hint = hint;
                    pending.save(&login_path)?;
                    break;
                }
                LoginStep::PasswordInvalid { .. } => {
                    unreachable!("sign_in does not check passwords")
                }
            }
        }
    }

    loop {
        let hint = pending.hint.clone();
        let Some(password) = next_input(args.password.take(), interactive, || {
            prompt_password(hint.as_deref())
        })?
        else {
            sandbox_needs_one_run(ctx)?;
            output::json(&json!({"next": "password", "hint": pending.hint}));
            return Ok(None);
        };
        match login::check_password(tg, &password).await? {
            LoginStep::Done(account) => return Ok(Some(account)),
            LoginStep::PasswordInvalid { hint } if interactive => {
                pending.hint = hint;
                eprintln!("That password is wrong; try again.");
            }
            LoginStep::PasswordInvalid { .. } => {
                return Err(Error::Rejected(
                    "the 2FA password is wrong — run `tgmcp setup --password …` again (or set TGMCP_PASSWORD)".into(),
                ));
            }
            other => {
                return Err(Error::InvalidInput(format!(
                    "unexpected login step: {other:?}"
                )));
            }
        }
    }
}

/// The embedded sandbox ends with this process, so a stepwise login cannot continue in
/// the next one: say how to finish in one run instead.
fn sandbox_needs_one_run(ctx: &Context) -> Result<()> {
    match &ctx.demo {
        Some(demo) => Err(Error::Config(format!(
            "the sandbox lasts only as long as this run — pass everything at once: `tgmcp --sandbox setup --code {} --password {DEMO_PASSWORD}` (or run it at a terminal)",
            demo.sandbox.world().login_code
        ))),
        None => Ok(()),
    }
}

/// A value from a flag, else a prompt at a terminal, else `None` (ask in the next step).
fn next_input(
    given: Option<String>,
    interactive: bool,
    prompt: impl FnOnce() -> Result<String>,
) -> Result<Option<String>> {
    match given {
        Some(value) => Ok(Some(value)),
        None if interactive => prompt().map(Some),
        None => Ok(None),
    }
}

fn prompt_error(e: dialoguer::Error) -> Error {
    match e {
        dialoguer::Error::IO(e) if e.kind() == std::io::ErrorKind::Interrupted => {
            Error::Interrupted
        }
        dialoguer::Error::IO(e) => Error::Config(format!("cannot read from the terminal: {e}")),
    }
}

fn prompt_phone(ctx: &Context) -> Result<String> {
    let mut input = Input::<String>::new()
        .with_prompt("Phone number (international format, e.g. +15551234567)");
    if ctx.demo.is_some() {
        input = input.default(DEMO_PHONE.to_owned());
    }
    input
        .validate_with(|v: &String| {
            let digits = v.chars().filter(char::is_ascii_digit).count();
            if (5..=15).contains(&digits) {
                Ok(())
            } else {
                Err("5 to 15 digits, with the country code")
            }
        })
        .interact_text_on(&Term::stderr())
        .map_err(prompt_error)
}

fn prompt_code() -> Result<String> {
    Input::<String>::new()
        .with_prompt("Login code (sent to your Telegram apps or by SMS)")
        .interact_text_on(&Term::stderr())
        .map_err(prompt_error)
}

fn prompt_password(hint: Option<&str>) -> Result<String> {
    let prompt = match hint {
        Some(hint) if !hint.is_empty() => format!("Two-step verification password (hint: {hint})"),
        _ => "Two-step verification password".to_owned(),
    };
    Password::new()
        .with_prompt(prompt)
        .interact_on(&Term::stderr())
        .map_err(prompt_error)
}

fn print_success(ctx: &Context, account: &Account, token: &str) {
    let profile = ctx.config.profile.as_str();
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "tgmcp".to_owned());
    let mut serve_args = vec!["serve".to_owned()];
    if !ctx.config.profile.is_default() {
        serve_args = vec![
            "--profile".to_owned(),
            profile.to_owned(),
            "serve".to_owned(),
        ];
    }
    let desktop = json!({"mcpServers": {"telegram": {"command": exe, "args": serve_args}}});
    let vscode =
        json!({"servers": {"telegram": {"type": "stdio", "command": exe, "args": serve_args}}});
    let claude_code = format!("claude mcp add telegram -- {exe} {}", serve_args.join(" "));
    let http = http_configs(ctx, token);

    if ctx.global.json {
        output::json(&json!({
            "ok": true,
            "profile": profile,
            "account": account,
            "mcp": {"claude_desktop": desktop, "cursor": desktop, "vscode": vscode, "claude_code": claude_code, "http": http},
        }));
        return;
    }
    let username = account
        .username
        .as_deref()
        .map(|u| format!(" @{u}"))
        .unwrap_or_default();
    output::line(&format!(
        "Logged in as {}{username} (id {}) on profile '{profile}'.\n",
        account.name, account.id
    ));
    if ctx.demo.is_some() {
        output::line(
            "(This was the sandbox: nothing was saved. Run `tgmcp setup` to log in for real.)\n",
        );
    }
    output::line("Claude Desktop / Cursor (mcpServers in the app's MCP config):");
    output::json_pretty(&desktop);
    output::line("\nVS Code (.vscode/mcp.json):");
    output::json_pretty(&vscode);
    output::line("\nClaude Code:");
    output::line(&format!("  {claude_code}"));
    output::line("");
    print_http_configs(&http);
}
