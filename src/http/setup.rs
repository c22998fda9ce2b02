//! `serve --http --web-setup`: log in from a browser at `/setup`.
//!
//! A small page rendered here (no external assets, usable without JavaScript; a few lines
//! of script only poll a QR code's status): phone → code → 2FA password, or a QR code,
//! then the MCP client configurations with the bearer token and an `mcp.json` to
//! download. In hosted mode a login makes a new account (a folder under DIR, picked up
//! by the running server); with one profile it logs that profile in. "Reauthorize" takes
//! an existing token, logs its account in again and keeps the token.
//!
//! Each setup is its own Telegram client and its own lock, so a login in progress never
//! holds up the server or another login. Its state is found by a random id in an
//! HttpOnly, SameSite=Strict cookie and ends after [`SETUP_LIFETIME`]; every form carries
//! the setup's CSRF token; wrong codes and passwords are counted per setup and per client
//! address. Nothing typed here (phone, code, password, token) reaches a log.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::AppState;
use crate::config::{CREDENTIALS_FILE, Credentials, SESSION_FILE, TOKEN_FILE};
use crate::error::{Error, Result};
use crate::telegram::login::{self, LoginStep, QrStep};
use crate::telegram::{Account, ConnectOptions, FileSession, PendingLogin, Telegram};

/// A setup ends this long after it began, finished or not.
pub const SETUP_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Wrong codes and passwords one setup may send before it ends.
const MAX_TRIES_PER_SETUP: u32 = 5;
/// Wrong codes and passwords one client address may send per [`SETUP_LIFETIME`].
const MAX_TRIES_PER_ADDRESS: u32 = 10;
/// Login codes (or QR codes) one client address may ask for per [`SETUP_LIFETIME`], so
/// the page cannot be used to flood phone numbers with codes.
const MAX_STARTS_PER_ADDRESS: u32 = 10;
/// Setups in progress at once, so a flood of visits cannot grow memory without end.
const MAX_SETUPS: usize = 64;
const COOKIE: &str = "tgmcp_setup";
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Makes a session file nobody is logged in with, at the given path (Telegram: an empty
/// one; the `--sandbox` demo: one its DC knows the key of).
pub type SessionMaker = Arc<dyn Fn(&Path) -> Result<()> + Send + Sync>;

/// Where logins made at `/setup` go.
#[derive(Clone)]
pub enum Target {
    /// The profile the server serves: its folder (session, token, credentials).
    Profile { dir: PathBuf },
    /// Hosted mode: new accounts become folders of the accounts folder.
    Accounts { dir: PathBuf },
}

/// What `--web-setup` needs besides the server's own options.
#[derive(Clone)]
pub struct Options {
    pub target: Target,
    /// api_id and api_hash for new logins.
    pub credentials: Credentials,
    pub new_session: SessionMaker,
    /// A setup ends this long after it began (at most [`SETUP_LIFETIME`]).
    pub expiry: Duration,
}

/// The client address of a request, put in its extensions by the connection loop.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Phone,
    Code,
    Password { hint: Option<String> },
    Qr { url: String, expires: i64 },
    Done,
}

/// The account a setup logs in.
#[derive(Clone)]
enum Login {
    /// A new account (hosted) or the profile (single): logged in into `dir`.
    New,
    /// An existing account or the profile, found by its token, which it keeps.
    Reauthorize { token: String },
}

struct Setup {
    created: Instant,
    expiry: Duration,
    csrf: String,
    stage: Stage,
    login: Login,
    /// The folder the session is written to while logging in.
    dir: Option<PathBuf>,
    tg: Option<Telegram>,
    updates: Option<tokio::sync::mpsc::Receiver<grammers_session::updates::UpdatesLike>>,
    pending: Option<PendingLogin>,
    wrong: u32,
    notice: Option<String>,
    result: Option<(Account, String)>,
}

impl Drop for Setup {
    /// A new account that never finished logging in leaves no folder behind.
    fn drop(&mut self) {
        if self.stage != Stage::Done
            && let Some(dir) = &self.dir
            && dir
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".setup-"))
        {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Setup {
    fn expired(&self) -> bool {
        self.created.elapsed() >= self.expiry
    }
}

pub struct WebSetup {
    options: Options,
    setups: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Setup>>>>,
    wrong_by_address: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    starts_by_address: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    /// Hosted mode: the accounts, to find one by its token as the server does.
    accounts: Option<Arc<crate::hosted::Accounts>>,
}

fn random_id() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Config(format!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl WebSetup {
    pub fn new(options: Options, accounts: Option<Arc<crate::hosted::Accounts>>) -> Self {
        Self {
            options,
            setups: Mutex::default(),
            wrong_by_address: Mutex::default(),
            starts_by_address: Mutex::default(),
            accounts,
        }
    }

    /// Drops expired setups (closing their clients), then makes a new one.
    fn create(&self) -> Result<(String, Arc<tokio::sync::Mutex<Setup>>)> {
        let mut setups = self.setups.lock().unwrap_or_else(|e| e.into_inner());
        setups.retain(|_, setup| setup.try_lock().map(|s| !s.expired()).unwrap_or(true));
        if setups.len() >= MAX_SETUPS {
            return Err(Error::Rejected(
                "too many logins are in progress at /setup — try again in a few minutes".into(),
            ));
        }
        let id = random_id()?;
        let setup = Arc::new(tokio::sync::Mutex::new(Setup {
            created: Instant::now(),
            expiry: self.options.expiry.min(SETUP_LIFETIME),
            csrf: random_id()?,
            stage: Stage::Phone,
            login: Login::New,
            dir: None,
            tg: None,
            updates: None,
            pending: None,
            wrong: 0,
            notice: None,
            result: None,
        }));
        setups.insert(id.clone(), Arc::clone(&setup));
        Ok((id, setup))
    }

    fn find(&self, headers: &HeaderMap) -> Option<Arc<tokio::sync::Mutex<Setup>>> {
        let id = cookie(headers)?;
        let setups = self.setups.lock().unwrap_or_else(|e| e.into_inner());
        setups.get(&id).cloned()
    }

    fn forget(&self, headers: &HeaderMap) {
        if let Some(id) = cookie(headers) {
            self.setups
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
        }
    }

    /// Whether `addr` may try another code or password.
    fn address_allowed(&self, addr: Option<IpAddr>) -> bool {
        under_limit(&self.wrong_by_address, addr, MAX_TRIES_PER_ADDRESS)
    }

    fn count_wrong(&self, addr: Option<IpAddr>) {
        count(&self.wrong_by_address, addr);
    }
}

/// Whether `addr` has counted fewer than `max` in the last [`SETUP_LIFETIME`].
fn under_limit(
    map: &Mutex<HashMap<IpAddr, (Instant, u32)>>,
    addr: Option<IpAddr>,
    max: u32,
) -> bool {
    let Some(addr) = addr else { return true };
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    map.retain(|_, (since, _)| since.elapsed() < SETUP_LIFETIME);
    map.get(&addr).is_none_or(|(_, n)| *n < max)
}

fn count(map: &Mutex<HashMap<IpAddr, (Instant, u32)>>, addr: Option<IpAddr>) {
    if let Some(addr) = addr {
        let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(addr).or_insert((Instant::now(), 0)).1 += 1;
    }
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

fn set_cookie(id: &str, secure: bool, expiry: Duration) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/setup; Max-Age={}{secure}",
        expiry.min(SETUP_LIFETIME).as_secs()
    ))
    .expect("ASCII")
}

/// The host the browser used, and whether it is loopback (plain HTTP expected) or not
/// (TLS in front expected).
fn origin_of(headers: &HeaderMap) -> (String, bool) {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let name = host
        .rsplit_once(':')
        .filter(|(h, p)| !h.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        .map_or(host.as_str(), |(h, _)| h)
        .trim_matches(['[', ']']);
    let loopback = name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let scheme = if loopback { "http" } else { "https" };
    (format!("{scheme}://{host}"), !loopback)
}

fn form(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().take(16).collect()
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    response
}

fn see_other() -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static("/setup"));
    response
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>tgmcp setup — {t}</title><style>body{{font:16px system-ui,sans-serif;max-width:42em;margin:2em auto;padding:0 1em}}input{{font-size:1em;padding:.3em}}pre{{background:#f4f4f4;padding:.6em;overflow:auto}}.notice{{color:#a00}}</style></head><body><h1>{t}</h1>{body}</body></html>",
        t = escape(title)
    )
}

fn csrf_field(csrf: &str) -> String {
    format!("<input type=hidden name=csrf value=\"{}\">", escape(csrf))
}

/// `GET /setup`: the page for where the setup stands (a new setup on a first visit).
pub(super) async fn show(State(state): State<AppState>, request: Request) -> Response {
    let Some(web) = &state.web_setup else {
        return super::not_found().await;
    };
    let headers = request.headers();
    let (setup, new_cookie) = match web.find(headers) {
        Some(setup) if !setup.lock().await.expired() => (setup, None),
        _ => match web.create() {
            Ok((id, setup)) => (setup, Some(id)),
            Err(e) => {
                return html(
                    StatusCode::SERVICE_UNAVAILABLE,
                    page("Busy", &escape(&e.to_string())),
                );
            }
        },
    };
    let setup = setup.lock().await;
    let (base, secure) = origin_of(headers);
    let mut response = html(StatusCode::OK, render(&web.options, &setup, &base));
    if let Some(id) = new_cookie {
        response.headers_mut().insert(
            header::SET_COOKIE,
            set_cookie(&id, secure, web.options.expiry),
        );
    }
    response
}

fn render(options: &Options, setup: &Setup, base: &str) -> String {
    let notice = setup
        .notice
        .as_deref()
        .map(|n| format!("<p class=notice role=alert>{}</p>", escape(n)))
        .unwrap_or_default();
    let csrf = csrf_field(&setup.csrf);
    match &setup.stage {
        Stage::Phone => {
            let what = match options.target {
                Target::Accounts { .. } => {
                    "Log a Telegram account in to this server: it gets its own bearer token."
                }
                Target::Profile { .. } => "Log this server's Telegram profile in.",
            };
            page(
                "Log in to Telegram",
                &format!(
                    "{notice}<p>{what}</p>\
                     <form method=post action=/setup/phone>{csrf}<label>Phone number (international format) <input name=phone id=phone type=tel autocomplete=tel required></label> <button id=send-code>Send code</button></form>\
                     <h2>Or scan a QR code</h2><form method=post action=/setup/qr>{csrf}<button id=qr>Show a QR code</button></form>\
                     <h2>Reauthorize</h2><p>Log an account in again and keep its bearer token.</p>\
                     <form method=post action=/setup/phone>{csrf}<label>Bearer token <input name=token id=token type=password autocomplete=off required></label><br><label>Phone number <input name=phone id=reauth-phone type=tel></label> <button id=reauthorize>Send code</button> <button name=qr value=1 id=reauthorize-qr>QR code</button></form>"
                ),
            )
        }
        Stage::Code => page(
            "Enter the login code",
            &format!(
                "{notice}<p>Telegram sent a code to your Telegram apps (or by SMS).</p><form method=post action=/setup/code>{csrf}<label>Code <input name=code id=code inputmode=numeric autocomplete=one-time-code required></label> <button id=sign-in>Log in</button></form>{restart}",
                restart = restart_form(&setup.csrf)
            ),
        ),
        Stage::Password { hint } => {
            let hint = hint
                .as_deref()
                .filter(|h| !h.is_empty())
                .map(|h| format!("<p>Hint: <span id=hint>{}</span></p>", escape(h)))
                .unwrap_or_default();
            page(
                "Two-step verification",
                &format!(
                    "{notice}<p>This account has a 2FA password.</p>{hint}<form method=post action=/setup/password>{csrf}<label>Password <input name=password id=password type=password autocomplete=current-password required></label> <button id=check-password>Log in</button></form>{restart}",
                    restart = restart_form(&setup.csrf)
                ),
            )
        }
        Stage::Qr { url, .. } => {
            let svg = qr_svg(url);
            page(
                "Scan the QR code",
                &format!(
                    "{notice}<p>Open Telegram on your phone: Settings → Devices → Link Desktop Device, and scan this.</p><div id=qr-code>{svg}</div>\
                     <p><a href=/setup id=refresh>Check again</a> after scanning (this page checks by itself when scripts run).</p>{restart}\
                     <script>const shown={url};setInterval(async()=>{{try{{const r=await fetch('/setup/qr/status',{{credentials:'same-origin'}});const s=await r.json();if(s.state!=='qr'||s.url!==shown)location.reload();}}catch(e){{}}}},1500);</script>",
                    url = serde_json::Value::String(url.clone()),
                    restart = restart_form(&setup.csrf)
                ),
            )
        }
        Stage::Done => {
            let Some((account, token)) = &setup.result else {
                return page("Done", "");
            };
            let configs = configs(base, token);
            let who = account
                .username
                .as_deref()
                .map(|u| format!(" @{u}"))
                .unwrap_or_default();
            page(
                "Logged in",
                &format!(
                    "<p id=logged-in>Logged in as {name}{who} (id {id}). Keep the token secret: it is your Telegram account.</p>\
                     <p><a href=/setup/mcp.json download=mcp.json id=download>Download mcp.json</a> (until this page expires)</p>\
                     <h2>Claude Desktop</h2><pre>{desktop}</pre><h2>Cursor (.cursor/mcp.json)</h2><pre id=cursor>{cursor}</pre>\
                     <h2>VS Code (.vscode/mcp.json)</h2><pre>{vscode}</pre><h2>Claude Code</h2><pre>{claude}</pre>",
                    name = escape(&account.name),
                    who = escape(&who),
                    id = account.id,
                    desktop = escape(&pretty(&configs["claude_desktop"])),
                    cursor = escape(&pretty(&configs["cursor"])),
                    vscode = escape(&pretty(&configs["vscode"])),
                    claude = escape(configs["claude_code"].as_str().unwrap_or_default()),
                ),
            )
        }
    }
}

fn restart_form(csrf: &str) -> String {
    format!(
        "<form method=post action=/setup/restart>{}<button id=restart>Start over</button></form>",
        csrf_field(csrf)
    )
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The client configurations for `base` (the server's URL as the browser reached it).
fn configs(base: &str, token: &str) -> serde_json::Value {
    let url = format!("{base}/mcp");
    let bearer = format!("Bearer {token}");
    json!({
        "url": url,
        "claude_desktop": {"mcpServers": {"telegram": {"command": "npx", "args": ["-y", "mcp-remote", url, "--header", "Authorization:${AUTH_HEADER}"], "env": {"AUTH_HEADER": bearer}}}},
        "cursor": {"mcpServers": {"telegram": {"url": url, "headers": {"Authorization": bearer}}}},
        "vscode": {"servers": {"telegram": {"type": "http", "url": url, "headers": {"Authorization": bearer}}}},
        "claude_code": format!("claude mcp add --transport http telegram {url} --header \"Authorization: {bearer}\""),
    })
}

/// `url` as an SVG QR code.
pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .build(),
        Err(_) => String::new(),
    }
}

/// Checks the cookie's setup and the form's CSRF token; the setup, locked.
async fn checked<'a>(
    web: &WebSetup,
    headers: &HeaderMap,
    setup: &'a Arc<tokio::sync::Mutex<Setup>>,
    fields: &HashMap<String, String>,
) -> std::result::Result<tokio::sync::MutexGuard<'a, Setup>, Response> {
    let setup = setup.lock().await;
    if setup.expired() {
        drop(setup);
        web.forget(headers);
        return Err(expired());
    }
    let given = fields.get("csrf").map(String::as_str).unwrap_or_default();
    if !super::token::matches(&setup.csrf, given) {
        return Err(html(
            StatusCode::FORBIDDEN,
            page(
                "Refused",
                "<p>This form is not from this setup page (CSRF token missing or wrong). <a href=/setup>Open the setup page</a> again.</p>",
            ),
        ));
    }
    Ok(setup)
}

fn expired() -> Response {
    html(
        StatusCode::FORBIDDEN,
        page(
            "Setup expired",
            "<p>This setup expired or its cookie is missing. <a href=/setup>Start again</a>.</p>",
        ),
    )
}

/// `POST /setup/{step}`: one step of the login.
pub(super) async fn step(
    State(state): State<AppState>,
    axum::extract::Path(step): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let Some(web) = state.web_setup.clone() else {
        return super::not_found().await;
    };
    let addr = request.extensions().get::<ClientAddr>().map(|a| a.0);
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024).await else {
        return html(StatusCode::PAYLOAD_TOO_LARGE, page("Too large", ""));
    };
    let fields = form(&body);
    let Some(setup) = web.find(&parts.headers) else {
        return expired();
    };
    let mut guard = match checked(&web, &parts.headers, &setup, &fields).await {
        Ok(guard) => guard,
        Err(response) => return response,
    };
    guard.notice = None;
    let result = match step.as_str() {
        "phone" | "qr" => {
            if !under_limit(&web.starts_by_address, addr, MAX_STARTS_PER_ADDRESS) {
                return html(
                    StatusCode::TOO_MANY_REQUESTS,
                    page(
                        "Too many logins",
                        "<p>Too many logins were started from this address. Wait 15 minutes, then <a href=/setup>start again</a>.</p>",
                    ),
                );
            }
            count(&web.starts_by_address, addr);
            start(&web, &mut guard, &fields, step == "qr").await
        }
        "code" | "password" => {
            if !web.address_allowed(addr) || guard.wrong >= MAX_TRIES_PER_SETUP {
                let response = html(
                    StatusCode::TOO_MANY_REQUESTS,
                    page(
                        "Too many tries",
                        "<p>Too many wrong codes or passwords. Wait 15 minutes, then <a href=/setup>start again</a>.</p>",
                    ),
                );
                if guard.wrong >= MAX_TRIES_PER_SETUP {
                    end(&mut guard).await;
                    drop(guard);
                    web.forget(&parts.headers);
                }
                return response;
            }
            let field = fields.get(step.as_str()).cloned().unwrap_or_default();
            let wrong = if step == "code" {
                code(&web, &mut guard, &field).await
            } else {
                password(&web, &mut guard, &field).await
            };
            match wrong {
                Ok(true) => {
                    guard.wrong += 1;
                    web.count_wrong(addr);
                    Ok(())
                }
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            }
        }
        "restart" => {
            abandon(&mut guard).await;
            guard.stage = Stage::Phone;
            guard.login = Login::New;
            Ok(())
        }
        _ => {
            drop(guard);
            return super::not_found().await;
        }
    };
    if let Err(e) = result {
        tracing::info!(
            step = step.as_str(),
            kind = e.kind(),
            "a web setup step failed"
        );
        guard.notice = Some(e.to_string());
    }
    see_other()
}

/// Ends the setup's Telegram client and drops an unfinished new account's folder.
async fn abandon(setup: &mut Setup) {
    end(setup).await;
    if let Some(dir) = setup.dir.take()
        && dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".setup-"))
    {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Ends the setup's Telegram client (its session written).
async fn end(setup: &mut Setup) {
    setup.updates = None;
    if let Some(tg) = setup.tg.take()
        && let Err(e) = tg.close().await
    {
        tracing::warn!("closing a web setup's connection: {e}");
    }
}

/// The phone (or QR) step: decides which account logs in, opens its session, asks
/// Telegram for a code or a QR token.
async fn start(
    web: &WebSetup,
    setup: &mut Setup,
    fields: &HashMap<String, String>,
    qr: bool,
) -> Result<()> {
    if setup.stage != Stage::Phone {
        return Err(Error::InvalidInput(
            "this setup is past that step — start over to use another number".into(),
        ));
    }
    // A start that failed (a wrong number, Telegram said no) is tried afresh.
    abandon(setup).await;
    let qr = qr || fields.get("qr").is_some_and(|v| v == "1");
    let phone = fields
        .get("phone")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    let token = fields
        .get("token")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if !qr {
        let digits = phone
            .as_deref()
            .map_or(0, |p| p.chars().filter(char::is_ascii_digit).count());
        if !(5..=15).contains(&digits) {
            return Err(Error::InvalidInput(
                "the phone number needs 5 to 15 digits, with the country code (e.g. +15551234567)"
                    .into(),
            ));
        }
    }
    let (login, dir) = match token {
        Some(token) => {
            let dir = web.account_of(&token).ok_or_else(|| {
                Error::InvalidInput(
                    "no account has this bearer token — check it, or log in as a new account above"
                        .into(),
                )
            })?;
            (Login::Reauthorize { token }, dir)
        }
        None => (Login::New, web.new_login_dir()?),
    };
    let session = Arc::new(FileSession::open(dir.join(SESSION_FILE))?);
    let tg = Telegram::open(
        session,
        ConnectOptions {
            api_id: web.options.credentials.api_id,
            timeout: CALL_TIMEOUT,
            updates: qr,
            ..ConnectOptions::default()
        },
    );
    setup.updates = tg.take_updates();
    setup.tg = Some(tg);
    setup.login = login;
    setup.dir = Some(dir);
    let tg = setup.tg.as_ref().expect("set above");
    if qr {
        return qr_next(web, setup).await;
    }
    let phone = phone.unwrap_or_default();
    let pending = login::send_code(tg, &phone, &web.options.credentials.api_hash).await?;
    setup.pending = Some(pending);
    setup.stage = Stage::Code;
    Ok(())
}

/// The code step; `Ok(true)` when the code was wrong.
async fn code(web: &WebSetup, setup: &mut Setup, code: &str) -> Result<bool> {
    let (Stage::Code, Some(tg), Some(pending)) = (&setup.stage, &setup.tg, &setup.pending) else {
        return Err(Error::InvalidInput("no code is expected now".into()));
    };
    match login::sign_in(tg, pending, code).await? {
        LoginStep::Done(account) => finish(web, setup, account).await.map(|()| false),
        LoginStep::CodeInvalid => {
            setup.notice = Some("That code is wrong; check the latest one and try again.".into());
            Ok(true)
        }
        LoginStep::PasswordNeeded { hint } | LoginStep::PasswordInvalid { hint } => {
            setup.stage = Stage::Password { hint };
            Ok(false)
        }
    }
}

/// The password step; `Ok(true)` when the password was wrong.
async fn password(web: &WebSetup, setup: &mut Setup, password: &str) -> Result<bool> {
    let (Stage::Password { .. }, Some(tg)) = (&setup.stage, &setup.tg) else {
        return Err(Error::InvalidInput("no password is expected now".into()));
    };
    match login::check_password(tg, password).await? {
        LoginStep::Done(account) => finish(web, setup, account).await.map(|()| false),
        LoginStep::PasswordInvalid { hint } | LoginStep::PasswordNeeded { hint } => {
            setup.stage = Stage::Password { hint };
            setup.notice = Some("That password is wrong; try again.".into());
            Ok(true)
        }
        LoginStep::CodeInvalid => Ok(true),
    }
}

/// Asks Telegram where the QR login stands: a code to show, the password, or done.
async fn qr_next(web: &WebSetup, setup: &mut Setup) -> Result<()> {
    let tg = setup
        .tg
        .as_ref()
        .ok_or_else(|| Error::InvalidInput("no QR login in progress".into()))?;
    match login::qr_step(tg, &web.options.credentials.api_hash).await? {
        QrStep::Token { url, expires, .. } => {
            setup.stage = Stage::Qr { url, expires };
            Ok(())
        }
        QrStep::PasswordNeeded { hint } => {
            setup.stage = Stage::Password { hint };
            Ok(())
        }
        QrStep::Done(account) => finish(web, setup, account).await,
    }
}

/// `GET /setup/qr/status`: `{"state": "qr", "url": …}` while the code waits for a scan
/// (a new `url` once it expired), else the stage the setup moved to.
pub(super) async fn qr_status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(web) = state.web_setup.clone() else {
        return super::not_found().await;
    };
    let Some(setup) = web.find(&headers) else {
        return super::json_response(StatusCode::FORBIDDEN, &json!({"state": "expired"}));
    };
    let mut setup = setup.lock().await;
    if setup.expired() {
        return super::json_response(StatusCode::FORBIDDEN, &json!({"state": "expired"}));
    }
    if let Stage::Qr { expires, .. } = setup.stage {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut scanned = now >= expires;
        if let Some(updates) = setup.updates.as_mut() {
            use grammers_session::updates::UpdatesLike;
            use grammers_tl_types as tl;
            while let Ok(update) = updates.try_recv() {
                match update {
                    UpdatesLike::Updates(tl::enums::Updates::UpdateShort(short))
                        if matches!(short.update, tl::enums::Update::LoginToken) =>
                    {
                        scanned = true
                    }
                    UpdatesLike::ConnectionClosed => scanned = true,
                    _ => {}
                }
            }
        }
        if scanned && let Err(e) = qr_next(&web, &mut setup).await {
            setup.notice = Some(e.to_string());
            setup.stage = Stage::Phone;
            end(&mut setup).await;
        }
    }
    let body = match &setup.stage {
        Stage::Qr { url, .. } => json!({"state": "qr", "url": url}),
        Stage::Password { .. } => json!({"state": "password"}),
        Stage::Done => json!({"state": "done"}),
        Stage::Code => json!({"state": "code"}),
        Stage::Phone => json!({"state": "phone"}),
    };
    let mut response = super::json_response(StatusCode::OK, &body);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /setup/mcp.json`: the Cursor-style configuration with the token, as a download.
pub(super) async fn mcp_json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(web) = state.web_setup.clone() else {
        return super::not_found().await;
    };
    let Some(setup) = web.find(&headers) else {
        return expired();
    };
    let setup = setup.lock().await;
    let Some((_, token)) = setup.result.as_ref().filter(|_| !setup.expired()) else {
        return expired();
    };
    let (base, _) = origin_of(&headers);
    let body = pretty(&configs(&base, token)["cursor"]);
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"mcp.json\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

impl WebSetup {
    /// The folder of the account (or the profile) `token` belongs to.
    fn account_of(&self, token: &str) -> Option<PathBuf> {
        match &self.options.target {
            Target::Profile { dir } => {
                let saved = crate::http::token::load(&dir.join(TOKEN_FILE)).ok()??;
                super::token::matches(&saved, token).then(|| dir.clone())
            }
            Target::Accounts { dir } if self.accounts.is_some() => {
                let account = self.accounts.as_ref()?.find(token)?;
                Some(dir.join(account.name()))
            }
            Target::Accounts { dir } => {
                let entries = std::fs::read_dir(dir).ok()?;
                let mut found = None;
                for entry in entries.flatten() {
                    let path = entry.path();
                    if let Ok(Some(saved)) = crate::http::token::load(&path.join(TOKEN_FILE))
                        && super::token::matches(&saved, token)
                    {
                        found = Some(path);
                    }
                }
                found
            }
        }
    }

    /// The folder a new login writes its session to: the profile's (when it is not
    /// logged in), or a staging folder in the accounts folder that becomes the account.
    fn new_login_dir(&self) -> Result<PathBuf> {
        match &self.options.target {
            Target::Profile { dir } => {
                let session = dir.join(SESSION_FILE);
                if session.exists() && FileSession::open(&session)?.is_logged_in_hint() {
                    return Err(Error::InvalidInput(
                        "this server's profile is already logged in — to log it in again, use Reauthorize with its bearer token".into(),
                    ));
                }
                crate::config::ensure_private_dir(dir)
                    .map_err(|e| Error::Config(format!("cannot create the profile folder: {e}")))?;
                if !session.exists() {
                    (self.options.new_session)(&session)?;
                }
                Ok(dir.clone())
            }
            Target::Accounts { dir } => {
                // A dot name is no account name, so the server ignores it until renamed.
                let staging = dir.join(format!(".setup-{}", &random_id()?[..12]));
                crate::config::ensure_private_dir(&staging)
                    .map_err(|e| Error::Config(format!("cannot create an account folder: {e}")))?;
                (self.options.new_session)(&staging.join(SESSION_FILE))?;
                Ok(staging)
            }
        }
    }
}

/// A finished login: the session written, the credentials saved, the token kept (or a
/// new one made), and a staging folder renamed into a new account.
async fn finish(web: &WebSetup, setup: &mut Setup, account: Account) -> Result<()> {
    end(setup).await;
    let dir = setup
        .dir
        .clone()
        .ok_or_else(|| Error::InvalidInput("no login in progress".into()))?;
    crate::config::save_credentials(&dir.join(CREDENTIALS_FILE), &web.options.credentials)?;
    let token = match &setup.login {
        Login::Reauthorize { token, .. } => token.clone(),
        Login::New => match crate::http::token::load(&dir.join(TOKEN_FILE))? {
            Some(token) if matches!(web.options.target, Target::Profile { .. }) => token,
            _ => {
                let token = crate::http::token::generate()?;
                crate::http::token::save(&dir.join(TOKEN_FILE), &token)?;
                token
            }
        },
    };
    if let (Login::New, Target::Accounts { dir: accounts }) = (&setup.login, &web.options.target) {
        let name = format!("web-{}", account.id);
        let mut target = accounts.join(&name);
        let mut n = 1;
        while target.exists() {
            n += 1;
            target = accounts.join(format!("{name}-{n}"));
        }
        std::fs::rename(&dir, &target)
            .map_err(|e| Error::Config(format!("cannot save the new account: {e}")))?;
        setup.dir = Some(target);
        // Served at once, not at the next periodic read of the folder.
        if let Some(accounts) = &web.accounts {
            accounts.rescan();
        }
    }
    tracing::info!("a web setup logged an account in");
    setup.result = Some((account, token));
    setup.stage = Stage::Done;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; tgmcp_setup=xyz; b=2"),
        );
        assert_eq!(cookie(&headers).as_deref(), Some("xyz"));
    }

    #[test]
    fn html_is_escaped_and_qr_is_svg() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert!(qr_svg("tg://login?token=abc").contains("<svg"));
    }
}
