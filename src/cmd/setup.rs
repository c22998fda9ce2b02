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
use crate::sandbox::{DEMO_PASSWORD, DEMO_PHONE};
use crate::telegram::login::{self, LoginStep, QrStep};
use crate::telegram::{Account, CodeDelivery, FileSession, PendingLogin, Telegram};

const TIMEOUT: Duration = Duration::from_secs(30);

/// Where HTTP client configurations point when TGMCP_HTTP does not say.
const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8000";

pub async fn run(ctx: &Context, mut args: SetupArgs) -> Result<ExitCode> {
    if args.rotate_token {
        return rotate_token(ctx);
    }
    if let Some(source) = args.import_telethon.take() {
        return import_telethon(ctx, &args, &source).await;
    }
    if args.qr {
        return qr_setup(ctx, args).await;
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let credentials = credentials(ctx, &args, interactive).await?;
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
    logged_in(ctx, &credentials, &account)
}

/// After any login: no pending step left, the credentials saved for `serve`, a bearer
/// token (the profile's, or a new one), and the client configurations printed.
fn logged_in(ctx: &Context, credentials: &Credentials, account: &Account) -> Result<ExitCode> {
    PendingLogin::remove(&ctx.config.login_file())?;
    crate::config::save_credentials(&ctx.config.credentials_file(), credentials)?;
    let token = match crate::http::token::load(&ctx.config.token_file())? {
        Some(token) => token,
        None => new_token(ctx)?,
    };
    print_success(ctx, account, &token);
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
        return token_shown(ctx);
    }
    output::line(&format!(
        "New bearer token for profile '{}' saved in {}. Restart `{} serve --http` to use it; clients with the old token get 401 from then on.\n",
        ctx.config.profile,
        ctx.config.token_file().display(),
        ctx.invocation()
    ));
    print_http_configs(&http);
    token_shown(ctx)
}

/// The token is saved before it is printed; when printing failed, say where it is, as
/// the old token no longer works.
fn token_shown(ctx: &Context) -> Result<ExitCode> {
    match output::write_error() {
        None => Ok(ExitCode::Ok),
        Some(e) => Err(Error::Config(format!(
            "cannot write to stdout ({e}), but the new bearer token was saved in {} — read it there (the old token stops working when the server restarts)",
            ctx.config.token_file().display()
        ))),
    }
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
    let mut serve = ctx.invocation();
    serve.push_str(" serve --http");
    if addr != DEFAULT_HTTP_ADDR {
        serve.push_str(&format!(" {addr}"));
    }
    if let Some(dir) = &ctx.accounts {
        // A hosted server serves every account of the folder; no profile to name.
        serve = "tgmcp serve --http".to_owned();
        if addr != DEFAULT_HTTP_ADDR {
            serve.push_str(&format!(" {addr}"));
        }
        serve.push_str(&format!(" --accounts {}", dir.display()));
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

async fn credentials(ctx: &Context, args: &SetupArgs, interactive: bool) -> Result<Credentials> {
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
    let api_id: i32 = ask(|| {
        Input::new()
            .with_prompt("api_id")
            .validate_with(|v: &i32| {
                if *v > 0 {
                    Ok(())
                } else {
                    Err("a positive number")
                }
            })
            .interact_text_on(&Term::stderr())
            .map_err(prompt_error)
    })
    .await?;
    let api_hash: String = ask(|| {
        Password::new()
            .with_prompt("api_hash")
            .interact_on(&Term::stderr())
            .map_err(prompt_error)
    })
    .await?;
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
                "profile '{}' is already logged in — run `{cmd} setup --overwrite` to log in again, or `{cmd} health` to check it",
                ctx.config.profile,
                cmd = ctx.invocation(),
            )));
        }
        let mut data = existing.snapshot();
        data.peer_infos.clear();
        data.updates_state = Default::default();
        drop(existing);
        return Ok(std::sync::Arc::new(FileSession::create(path, &data)?));
    }
    let session = FileSession::create(path, &grammers_session::SessionData::default())?;
    Ok(std::sync::Arc::new(session))
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
                // fast-mcp-telegram's PHONE_NUMBER (never the demo's: it has its own).
                None if let Some(phone) =
                    crate::config::reference::phone(&ctx.env).filter(|_| ctx.demo.is_none()) =>
                {
                    phone
                }
                None if interactive => {
                    let demo = ctx.demo.is_some();
                    ask(move || prompt_phone(demo)).await?
                }
                None => {
                    return Err(Error::Config(
                        "the phone number is needed — pass --phone +15551234567 (or set TGMCP_PHONE or PHONE_NUMBER)".into(),
                    ));
                }
            };
            let pending = login::send_code(tg, &phone, &credentials.api_hash).await?;
            pending.save(&login_path)?;
            if let Some(demo) = &ctx.demo {
                // The sandbox has no SMS: say what it "sent".
                crate::logging::stderr_line(
                    ctx.global.log_format,
                    "INFO",
                    &format!(
                        "sandbox: the login code is {}; the demo account's 2FA password is `{DEMO_PASSWORD}`",
                        demo.dc.login_code
                    ),
                );
            }
            pending
        }
    };

    if !pending.password_needed {
        loop {
            let sent_by = pending.sent_by;
            let Some(code) =
                next_input(args.code.take(), interactive, move || prompt_code(sent_by)).await?
            else {
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
        let Some(password) = next_input(args.password.take(), interactive, move || {
            prompt_password(hint.as_deref())
        })
        .await?
        else {
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

/// A value from a flag, else a prompt at a terminal, else `None` (ask in the next step).
async fn next_input(
    given: Option<String>,
    interactive: bool,
    prompt: impl FnOnce() -> Result<String> + Send + 'static,
) -> Result<Option<String>> {
    match given {
        Some(value) => Ok(Some(value)),
        None if interactive => ask(prompt).await.map(Some),
        None => Ok(None),
    }
}

/// Runs a terminal prompt on a thread of its own, so that Ctrl-C stops it at once: a
/// hidden prompt reads whole lines, and would otherwise hold the signal until Enter.
/// Interrupted (here, or by main's own Ctrl-C, which drops this future), the terminal
/// gets its settings back (echo on, cooked mode, the cursor shown) and a line break, so
/// "tgmcp: interrupted" starts a line of its own. The thread, left blocked on the
/// terminal, ends with the process.
async fn ask<T: Send + 'static>(prompt: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    let mut terminal = TerminalGuard::save();
    let answer = tokio::select! {
        joined = tokio::task::spawn_blocking(prompt) => joined.unwrap_or_else(|e| {
            Err(Error::Config(format!("the terminal prompt stopped: {e}")))
        }),
        _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
    };
    terminal.settled = !matches!(answer, Err(Error::Interrupted));
    answer
}

/// The terminal's settings before a prompt, put back when the prompt did not finish.
struct TerminalGuard {
    #[cfg(unix)]
    saved: Option<rustix::termios::Termios>,
    settled: bool,
}

impl TerminalGuard {
    fn save() -> Self {
        Self {
            #[cfg(unix)]
            saved: rustix::termios::tcgetattr(std::io::stdin()).ok(),
            settled: false,
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                saved,
            );
        }
        let term = Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("");
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

fn prompt_phone(demo: bool) -> Result<String> {
    let mut input = Input::<String>::new()
        .with_prompt("Phone number (international format, e.g. +15551234567)");
    if demo {
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

fn prompt_code(sent_by: Option<CodeDelivery>) -> Result<String> {
    let sent_by = sent_by.unwrap_or(CodeDelivery::Other);
    Input::<String>::new()
        .with_prompt(format!("Login code ({})", sent_by.where_to_look()))
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

/// `setup --accounts`: the account is reached over the hosted server only.
fn print_account_success(ctx: &Context, account: &Account, http: &serde_json::Value) {
    let name = ctx.config.profile.as_str();
    if ctx.global.json {
        output::json(
            &json!({"ok": true, "profile": name, "account": account, "mcp": {"http": http}}),
        );
        return;
    }
    output::line(&format!(
        "Logged in as {} (id {}) as account '{name}' of {}.\n",
        account.name,
        account.id,
        ctx.config.paths.data_dir.display()
    ));
    print_http_configs(http);
}

fn print_success(ctx: &Context, account: &Account, token: &str) {
    let profile = ctx.config.profile.as_str();
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "tgmcp".to_owned());
    let mut serve_args = Vec::new();
    if ctx.demo.is_some() {
        serve_args.push("--sandbox".to_owned());
    }
    if !ctx.config.profile.is_default() {
        serve_args.extend(["--profile".to_owned(), profile.to_owned()]);
    }
    serve_args.push("serve".to_owned());
    let desktop = json!({"mcpServers": {"telegram": {"command": exe, "args": serve_args}}});
    let vscode =
        json!({"servers": {"telegram": {"type": "stdio", "command": exe, "args": serve_args}}});
    let claude_code = format!("claude mcp add telegram -- {exe} {}", serve_args.join(" "));
    let http = http_configs(ctx, token);
    if ctx.accounts.is_some() {
        return print_account_success(ctx, account, &http);
    }

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
    if let Some(demo) = &ctx.demo {
        output::line(&format!(
            "(This is the offline demo: its login and token stay in {} until `tgmcp --sandbox reset`. Run `tgmcp setup` to log in for real.)\n",
            demo.home.display()
        ));
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

/// `setup --import-telethon`: the login of a Telethon session, checked with Telegram
/// before it replaces anything. The session is tried from a file beside the profile's
/// own, which it replaces only once Telegram has said who is logged in.
async fn import_telethon(ctx: &Context, args: &SetupArgs, source: &str) -> Result<ExitCode> {
    if ctx.demo.is_some() {
        return Err(Error::Config(
            "--import-telethon takes a real Telegram session; it has no meaning with --sandbox"
                .into(),
        ));
    }
    let telethon = crate::telegram::telethon::TelethonSession::read(source)
        .map_err(|e| Error::InvalidInput(format!("--import-telethon: {e}")))?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let credentials = credentials(ctx, args, interactive).await?;
    ctx.config.ensure_profile_dir()?;
    let session_path = ctx.config.session_file();
    if session_path.exists()
        && !args.overwrite
        && FileSession::open(&session_path)?.is_logged_in_hint()
    {
        return Err(Error::Config(format!(
            "profile '{}' is already logged in — add --overwrite to replace its session with the Telethon one, or use --profile NAME for a new profile",
            ctx.config.profile
        )));
    }
    let trial = session_path.with_file_name("session.import.json");
    let remove_trial = || {
        let _ = std::fs::remove_file(&trial);
        let _ = std::fs::remove_file(trial.with_extension("lock"));
    };
    let checked = async {
        let session =
            std::sync::Arc::new(FileSession::create(&trial, &telethon.to_session_data())?);
        let tg = ctx.connect(session, credentials.api_id, TIMEOUT);
        let account = tg.me().await;
        let closed = tg.close().await;
        // Not logged in: the Telethon session was logged out (or never in); exit 3.
        let account = account?;
        closed?;
        Ok::<_, Error>(account)
    }
    .await;
    let account = match checked {
        Ok(account) => account,
        Err(e) => {
            remove_trial();
            return Err(e);
        }
    };
    std::fs::rename(&trial, &session_path).map_err(|e| {
        remove_trial();
        Error::Config(format!("cannot save {}: {e}", session_path.display()))
    })?;
    remove_trial();
    logged_in(ctx, &credentials, &account)
}

/// How long a QR code is shown before a new one is asked for, at most (Telegram's expire
/// after about 30 s, and say so).
const QR_REFRESH: Duration = Duration::from_secs(30);

/// `setup --qr`: log in by scanning a QR code with a phone that is logged in, then the 2FA
/// password if the account has one (through the same steps as a code login).
async fn qr_setup(ctx: &Context, mut args: SetupArgs) -> Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let credentials = credentials(ctx, &args, interactive).await?;
    ctx.config.ensure_profile_dir()?;
    let login_path = ctx.config.login_file();
    // A scan already done that waits for the password continues there.
    let pending = PendingLogin::load(&login_path)?.filter(|p| p.password_needed && !p.is_expired());
    let session = open_session(ctx, &ctx.config.session_file(), &args, pending.is_some()).await?;
    let tg = Telegram::open(
        session,
        crate::telegram::ConnectOptions {
            api_id: credentials.api_id,
            timeout: TIMEOUT,
            updates: true,
            ..Default::default()
        },
    );
    let result = match pending {
        Some(pending) => {
            login(
                ctx,
                &tg,
                &credentials,
                &mut args,
                Some(pending),
                interactive,
            )
            .await
        }
        None => qr_login(ctx, &tg, &credentials, &mut args, interactive).await,
    };
    let closed = tg.close().await;
    let account = match result? {
        Some(account) => account,
        None => return Ok(ExitCode::InputNeeded),
    };
    closed?;
    logged_in(ctx, &credentials, &account)
}

/// Shows QR codes until one is scanned; `None` when a run without a terminal printed the
/// code to scan and must be run again.
async fn qr_login(
    ctx: &Context,
    tg: &Telegram,
    credentials: &Credentials,
    args: &mut SetupArgs,
    interactive: bool,
) -> Result<Option<Account>> {
    let mut updates = tg.take_updates();
    let mut shown = false;
    loop {
        match login::qr_step(tg, &credentials.api_hash).await? {
            QrStep::Done(account) => return Ok(Some(account)),
            QrStep::PasswordNeeded { hint } => {
                let pending = PendingLogin::password_after_qr(hint);
                pending.save(&ctx.config.login_file())?;
                return login(ctx, tg, credentials, args, Some(pending), interactive).await;
            }
            QrStep::Token {
                url,
                token,
                expires,
            } => {
                if let Some(demo) = &ctx.demo {
                    // The demo has no phone to scan with: its account "scans" at once.
                    super::demo::scan(&demo.home, &token)?;
                    crate::logging::stderr_line(
                        ctx.global.log_format,
                        "INFO",
                        &format!("sandbox: the demo account's phone scanned the QR code ({url})"),
                    );
                    continue;
                }
                if !interactive {
                    output::json(&json!({"next": "qr", "url": url, "expires": expires}));
                    return Ok(None);
                }
                if !shown {
                    eprintln!(
                        "Scan this with Telegram on your phone: Settings → Devices → Link Desktop Device."
                    );
                    shown = true;
                }
                eprintln!("{}\n{url}", qr_text(&url)?);
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64);
                let left =
                    Duration::from_secs(expires.saturating_sub(now).max(1) as u64).min(QR_REFRESH);
                let until = tokio::time::Instant::now() + left;
                match updates.as_mut() {
                    Some(updates) => login::wait_for_scan(updates, until).await,
                    None => tokio::time::sleep_until(until).await,
                }
            }
        }
    }
}

/// `text` as a QR code in Unicode half blocks (two rows a line), quiet zone included.
fn qr_text(text: &str) -> Result<String> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| Error::InvalidInput(format!("cannot draw the QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .build())
}
