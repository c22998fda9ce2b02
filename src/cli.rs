//! The command line, as clap types only: the doc comments are the help text (and the
//! man page). Every setting flag has an environment twin, which clap shows in `--help`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::{BoolishValueParser, PossibleValuesParser};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::config::ProfileName;

const LONG_ABOUT: &str = "\
Use your own Telegram account from AI tools and the terminal.

`tgmcp serve` is an MCP server that an IDE or desktop assistant (Cursor, Claude Desktop, \
VS Code, Claude Code) starts over stdio. The other subcommands reach the same Telegram \
core from a terminal, a script or a cron job.

Start with `tgmcp setup` to log in once (phone, code, 2FA password), or try everything \
offline first with `tgmcp --sandbox <subcommand>`.

Exit codes: 0 ok, 1 the request failed (Telegram said no, peer not found, policy), \
2 usage or configuration error, 3 not logged in, 4 network or Telegram unreachable, \
130 interrupted.";

#[derive(Debug, Parser)]
#[command(
    name = "tgmcp",
    version,
    about = "Use your own Telegram account from AI tools (MCP) and the terminal",
    long_about = LONG_ABOUT,
    propagate_version = true,
    arg_required_else_help = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every subcommand, before or after its name.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Profile to use: one Telegram account, with its own session and settings
    #[arg(
        long,
        global = true,
        env = "TGMCP_PROFILE",
        value_name = "NAME",
        default_value = "default",
        value_parser = parse_profile
    )]
    pub profile: ProfileName,

    /// Print machine-readable JSON on stdout instead of text
    #[arg(
        long,
        global = true,
        env = "TGMCP_JSON",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub json: bool,

    /// Run against a built-in offline Telegram with demo chats; no account or network needed
    ///
    /// The sandbox is a real MTProto data center on loopback with a seeded demo world and a
    /// logged-in demo profile; your real account and sessions are not touched. Commands
    /// share one demo, which remembers what they did until `tgmcp --sandbox reset`.
    #[arg(
        long,
        global = true,
        env = "TGMCP_SANDBOX",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub sandbox: bool,

    /// Log more on stderr (-v info, -vv debug, -vvv trace)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Log only errors, and hide progress
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Config file to read instead of the default one (which is optional)
    #[arg(long, global = true, env = "TGMCP_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Read settings from a .env file (KEY=VALUE lines), as fast-mcp-telegram does: its
    /// API_ID, API_HASH, PHONE_NUMBER, SESSION_NAME, SERVER_MODE, HOST, PORT, DISABLE_AUTH and
    /// LOG_LEVEL, and TGMCP_HOME, TGMCP_PROFILE, TGMCP_CONFIG, TGMCP_API_ID, TGMCP_API_HASH,
    /// TGMCP_PHONE and TGMCP_LOG. The process environment wins over the file
    #[arg(long, global = true, env = "TGMCP_ENV_FILE", value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// Format of the logs on stderr
    #[arg(
        long,
        global = true,
        env = "TGMCP_LOG_FORMAT",
        value_enum,
        value_name = "FORMAT",
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines
    #[default]
    Text,
    /// One JSON object per line
    Json,
}

/// `--limit`: a count of messages, at least one (`--all` for every match).
fn parse_limit(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("use 1 or more (or --all for every match)".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "use a whole number of messages, 1 or more (up to {})",
            u32::MAX
        )),
    }
}

fn parse_profile(name: &str) -> Result<ProfileName, String> {
    ProfileName::new(name).map_err(|_| "use 1 to 64 letters, digits, '_' or '-'".to_owned())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to Telegram and save the session for this profile
    #[command(long_about = SETUP_LONG_ABOUT)]
    Setup(SetupArgs),

    /// Run the MCP server over stdio, or over HTTP with --http
    #[command(long_about = SERVE_LONG_ABOUT)]
    Serve(ServeArgs),

    /// Check the session and the connection to Telegram
    Health(HealthArgs),

    /// Search messages in all your chats, or list and search one chat
    #[command(long_about = SEARCH_LONG_ABOUT, after_help = SEARCH_EXAMPLES)]
    Search(SearchArgs),

    /// Send a text message or files, from arguments or stdin
    #[command(long_about = SEND_LONG_ABOUT, after_help = SEND_EXAMPLES)]
    Send(SendArgs),

    /// Save the photo or file of a message
    #[command(after_help = DOWNLOAD_EXAMPLES)]
    Download(DownloadArgs),

    /// Call any Telegram API method by name, with JSON parameters
    #[command(long_about = INVOKE_LONG_ABOUT, after_help = INVOKE_EXAMPLES)]
    Invoke(InvokeArgs),

    /// Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token
    #[command(long_about = RESET_LONG_ABOUT)]
    Reset,

    /// Run the offline sandbox data center on loopback (for tests and demos)
    #[command(hide = true)]
    Sandbox(SandboxArgs),

    /// Print the man page or shell completions (for packagers; the repository commits both)
    #[command(hide = true)]
    Generate(GenerateArgs),

    /// List your chats, or only those with unread messages (--unread)
    #[command(after_help = CHATS_EXAMPLES)]
    Chats(ChatsArgs),

    /// Show a chat's messages, oldest first, and optionally mark them read
    #[command(after_help = READ_EXAMPLES)]
    Read(ReadArgs),
    /// Print new messages as they arrive, until interrupted
    #[command(long_about = WATCH_LONG_ABOUT, after_help = WATCH_EXAMPLES)]
    Watch(WatchArgs),
    /// List, remove or give a new token to the accounts of a hosted server's folder
    #[command(long_about = ACCOUNTS_LONG_ABOUT)]
    Accounts(AccountsArgs),
}

const ACCOUNTS_LONG_ABOUT: &str = "\
List, remove or give a new token to the accounts of a hosted server's folder.

`tgmcp serve --http --accounts DIR` serves every account in DIR, each selected by its own \
bearer token; `tgmcp setup --accounts DIR --profile NAME` makes one. A running server \
sees added, removed and rotated accounts within a few seconds, without a restart.";

#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// The hosted server's accounts folder
    #[arg(long, env = "TGMCP_ACCOUNTS", value_name = "DIR")]
    pub accounts: std::path::PathBuf,

    #[command(subcommand)]
    pub action: AccountsAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum AccountsAction {
    /// Every account: its name, whether it has a login, whether it has a token
    List,
    /// Delete an account's folder: its session and token (it can no longer be used)
    Remove {
        /// The account's name
        name: String,
    },
    /// Replace an account's bearer token and print the new one (the old one stops
    /// working within a few seconds, also on a running server)
    RotateToken {
        /// The account's name
        name: String,
    },
}

const SERVE_LONG_ABOUT: &str = "\
Run the MCP server over stdio, or over HTTP with --http.

An MCP client (Cursor, Claude Desktop, VS Code, Claude Code) starts `tgmcp serve` and talks \
JSON-RPC on its stdin and stdout; logs go to stderr. `tgmcp setup` prints ready-to-paste \
client configurations.

With --http the same tools are served over MCP streamable HTTP at /mcp (and /v1/mcp), on \
127.0.0.1:8000 unless an address is given. Clients send the profile's bearer token \
(`Authorization: Bearer …`), which `tgmcp setup` creates and prints; --no-auth turns that \
off, on a loopback address only. GET /health and /ready report the server's and \
Telegram's state without a token; GET /metrics is Prometheus text, behind the token unless \
--metrics-public. SIGINT or SIGTERM stops accepting, lets calls in flight finish, and \
exits 0.";

const RESET_LONG_ABOUT: &str = "\
Start the offline demo over (`tgmcp --sandbox reset`): a new world, login and token.

`tgmcp --sandbox …` commands share one demo: the first starts a sandbox data center in the \
background and the others connect to it, so what one sends the next finds, and a login or \
bearer token made with `tgmcp --sandbox setup` stays. Its files live in `sandbox/` under \
TGMCP_HOME when that is set, otherwise in your state folder (~/.local/state/tgmcp/sandbox \
on Linux). Reset stops that data center and removes the folder's contents; your real \
profiles are not touched.";

const SETUP_LONG_ABOUT: &str = "\
Log in to Telegram and save the session for this profile.

At a terminal, setup asks for whatever is missing. Without one (scripts, MCP clients), \
it runs in steps: `--phone` asks Telegram to send a code and exits; a second run with \
`--code` (and `--password` for two-step verification) finishes the login.

Get an api_id and api_hash for your own app at https://my.telegram.org. They can also \
come from the config file or the API_ID and API_HASH variables.";

#[derive(Args)]
pub struct SetupArgs {
    /// api_id of your app, from https://my.telegram.org
    #[arg(
        long,
        env = "TGMCP_API_ID",
        value_name = "ID",
        value_parser = clap::value_parser!(i32).range(1..)
    )]
    pub api_id: Option<i32>,

    /// api_hash of your app, from https://my.telegram.org
    #[arg(
        long,
        env = "TGMCP_API_HASH",
        hide_env_values = true,
        value_name = "HASH"
    )]
    pub api_hash: Option<String>,

    /// Phone number of the account, in international format (+15551234567)
    #[arg(
        long,
        env = "TGMCP_PHONE",
        hide_env_values = true,
        value_name = "PHONE"
    )]
    pub phone: Option<String>,

    /// Login code Telegram sent to the account's apps or by SMS
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,

    /// Two-step verification password; prefer the variable or the prompt, as other users
    /// can see command-line flags in the process list
    #[arg(
        long,
        env = "TGMCP_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD"
    )]
    pub password: Option<String>,

    /// Replace the profile's existing session (logging in again)
    #[arg(long)]
    pub overwrite: bool,

    /// Replace the profile's HTTP bearer token with a new one and print the HTTP client
    /// configurations; no login needed (servers already running keep the old token until
    /// restarted)
    #[arg(long, conflicts_with_all = ["phone", "code", "password", "overwrite"])]
    pub rotate_token: bool,

    /// Log in with an existing Telethon session instead of a code: the path of a
    /// `.session` file (as fast-mcp-telegram and Telethon scripts keep them) or a
    /// StringSession. Its DC and auth key are checked with Telegram, then saved in the
    /// profile; the Telethon session keeps working too
    #[arg(
        long,
        value_name = "FILE|STRING",
        conflicts_with_all = ["phone", "code", "password", "rotate_token"]
    )]
    pub import_telethon: Option<String>,

    /// Log in by scanning a QR code with Telegram on a phone that is logged in (Settings →
    /// Devices → Link Desktop Device) instead of typing a code. Without a terminal it
    /// prints {"next":"qr","url":"tg://login?token=…","expires":…} and exits 10: show
    /// the URL as a QR code, scan it, then run `tgmcp setup --qr` again
    #[arg(
        long,
        conflicts_with_all = ["phone", "code", "rotate_token", "import_telethon"]
    )]
    pub qr: bool,

    /// Make (or log in again) an account of a hosted server's folder DIR instead of a
    /// profile: the account is named by --profile, its session and bearer token kept in
    /// DIR/NAME for `tgmcp serve --http --accounts DIR` (a running server picks it up)
    #[arg(long, env = "TGMCP_ACCOUNTS", value_name = "DIR")]
    pub accounts: Option<std::path::PathBuf>,
}

impl fmt::Debug for SetupArgs {
    /// Secrets stay out of logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("SetupArgs")
            .field("api_id", &self.api_id)
            .field("api_hash", &redacted(&self.api_hash))
            .field("phone", &redacted(&self.phone))
            .field("code", &redacted(&self.code))
            .field("password", &redacted(&self.password))
            .field("overwrite", &self.overwrite)
            .field("rotate_token", &self.rotate_token)
            .field("import_telethon", &redacted(&self.import_telethon))
            .field("qr", &self.qr)
            .finish()
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Offer only the tools that read: hide send_message, edit_message and
    /// send_message_to_phone, and refuse them if called; invoke_mtproto then runs only
    /// methods that change nothing
    #[arg(
        long,
        env = "TGMCP_READ_ONLY",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub read_only: bool,

    /// Offer only these tools (names separated by commas)
    #[arg(
        long,
        env = "TGMCP_TOOLS",
        value_name = "NAMES",
        value_delimiter = ',',
        value_parser = PossibleValuesParser::new(crate::mcp::TOOL_NAMES)
    )]
    pub tools: Option<Vec<String>>,

    /// Let callers run methods that cannot be undone (deleting messages, chats, the
    /// account's sessions …) through invoke_mtproto and /mtproto-api when they also set
    /// allow_dangerous. Off by default: a model can be talked into setting allow_dangerous
    /// by a message it reads, so the person who starts the server decides
    #[arg(
        long,
        env = "TGMCP_ALLOW_DANGEROUS_METHODS",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub allow_dangerous_methods: bool,

    /// Most writes (sends, edits, invoke_mtproto writers) per minute for this account, so
    /// a runaway assistant cannot get it limited by Telegram; over it a call fails with
    /// retry_after and sends nothing. 0 turns the limit off
    #[arg(
        long,
        env = "TGMCP_MAX_WRITES_PER_MINUTE",
        value_name = "N",
        default_value_t = crate::telegram::limit::DEFAULT_WRITES_PER_MINUTE
    )]
    pub max_writes_per_minute: u32,

    /// Draft mode: send_message saves the text as a draft in the chat instead of sending
    /// it; the user sees it in their Telegram app and sends it themselves
    #[arg(
        long,
        env = "TGMCP_DRAFTS",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub drafts: bool,

    /// Ask the user before each write (send, edit, invoke_mtproto writers) with a yes/no
    /// form in the MCP client (elicitation); a decline sends nothing. Clients that cannot
    /// ask get a refusal — use --drafts for those
    #[arg(
        long,
        env = "TGMCP_CONFIRM_WRITES",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub confirm_writes: bool,

    /// Let tools read local files only inside this folder (repeatable; symlinks that lead
    /// outside are refused). Without it, any file this user can read. Over --http, local
    /// files are always refused
    #[arg(
        long,
        env = "TGMCP_FILE_ROOT",
        value_name = "DIR",
        value_delimiter = ','
    )]
    pub file_root: Vec<PathBuf>,

    /// Where download_media saves files [default on stdio: the user's Downloads folder;
    /// over --http, download_media is refused unless this is set]
    #[arg(long, env = "TGMCP_DOWNLOAD_DIR", value_name = "DIR")]
    pub download_dir: Option<PathBuf>,

    #[command(flatten)]
    pub urls: UrlArgs,

    #[command(flatten)]
    pub http: HttpArgs,
}

/// How files named by URL are fetched (`send --file`, and the tools' `files`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Files by URL")]
pub struct UrlArgs {
    /// Also fetch plain http:// URLs (default: https only)
    #[arg(
        long,
        env = "TGMCP_ALLOW_HTTP_URLS",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub allow_http_urls: bool,

    /// Let URLs reach loopback, private, link-local and other internal addresses (and
    /// cloud metadata services). Off by default so a URL cannot reach into your network;
    /// turn it on only if you mean it
    #[arg(
        long,
        env = "TGMCP_ALLOW_PRIVATE_URLS",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub allow_private_urls: bool,

    /// Largest file sent, from disk or a URL: bytes, or with a unit (50MB, 2GB, 512KiB)
    #[arg(
        long,
        env = "TGMCP_MAX_FILE_SIZE",
        value_name = "SIZE",
        default_value = "50MB",
        value_parser = parse_size
    )]
    pub max_file_size: u64,
}

impl UrlArgs {
    pub fn fetch_policy(&self) -> crate::net::FetchPolicy {
        crate::net::FetchPolicy {
            allow_http: self.allow_http_urls,
            allow_private: self.allow_private_urls,
            max_bytes: self.max_file_size,
            ..crate::net::FetchPolicy::default()
        }
    }
}

/// `123`, `50MB`, `2GiB` … as bytes (Telegram's own limit is 2 GB, or 4 GB with Premium).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size: use bytes or e.g. 50MB"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1024,
        "m" | "mb" => 1000 * 1000,
        "mib" => 1024 * 1024,
        "g" | "gb" => 1000 * 1000 * 1000,
        "gib" => 1024 * 1024 * 1024,
        other => {
            return Err(format!(
                "unknown size unit {other:?}: use B, KB, MB, GB, KiB, MiB or GiB"
            ));
        }
    };
    let bytes = number
        .checked_mul(factor)
        .ok_or_else(|| format!("{text} is too large"))?;
    if bytes == 0 || bytes > 4 * 1024 * 1024 * 1024 {
        return Err(format!("{text}: the size must be from 1 byte to 4GiB"));
    }
    Ok(bytes)
}

/// `tgmcp serve --http` and its settings.
#[derive(Debug, Args)]
#[command(next_help_heading = "HTTP")]
pub struct HttpArgs {
    /// Serve MCP over streamable HTTP on this address instead of stdio
    /// [default when given alone: 127.0.0.1:8000]
    #[arg(
        long = "http",
        env = "TGMCP_HTTP",
        value_name = "ADDR",
        num_args = 0..=1,
        default_missing_value = "127.0.0.1:8000"
    )]
    pub addr: Option<SocketAddr>,

    /// Serve without a bearer token; allowed on a loopback address only
    #[arg(
        long,
        env = "TGMCP_NO_AUTH",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new(),
        requires = "addr"
    )]
    pub no_auth: bool,

    /// Also accept requests whose Host header names this host (the name clients use to
    /// reach the server, e.g. behind a reverse proxy): HOST (any port), HOST:PORT, [IPv6]
    /// or [IPv6]:PORT; repeat or separate with commas
    #[arg(
        long,
        env = "TGMCP_ALLOW_HOST",
        value_name = "HOST",
        value_delimiter = ',',
        requires = "addr"
    )]
    pub allow_host: Vec<String>,

    /// Serve /metrics without the bearer token
    #[arg(
        long,
        env = "TGMCP_METRICS_PUBLIC",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new(),
        requires = "addr"
    )]
    pub metrics_public: bool,

    /// Largest request body accepted, in bytes (larger: 413)
    #[arg(
        long,
        env = "TGMCP_MAX_BODY_BYTES",
        value_name = "BYTES",
        default_value_t = 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(1024..=(64 * 1024 * 1024))
    )]
    pub max_body_bytes: u64,

    /// MCP requests handled at once (more: 503)
    #[arg(
        long,
        env = "TGMCP_MAX_CONCURRENT",
        value_name = "N",
        default_value_t = 64,
        value_parser = clap::value_parser!(u32).range(1..=10_000)
    )]
    pub max_concurrent: u32,

    /// Longest an MCP request may take, in seconds (longer: a timeout error)
    #[arg(
        long,
        env = "TGMCP_REQUEST_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub request_timeout: u64,

    /// Seconds a connection has to send a whole request head, from when it opens or its
    /// next request starts (slower: closed)
    #[arg(
        long,
        env = "TGMCP_HEADER_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=600)
    )]
    pub header_timeout: u64,

    /// Seconds a kept-alive connection may wait with no request before it is closed
    #[arg(
        long,
        env = "TGMCP_IDLE_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub idle_timeout: u64,

    /// Connections open at once (lowered to fit the descriptor limit, `ulimit -n`). At
    /// the cap, the connection that has waited longest with no request is closed to make
    /// room; when all are busy, a new one is answered 503
    #[arg(
        long,
        env = "TGMCP_MAX_CONNECTIONS",
        value_name = "N",
        default_value_t = 256,
        value_parser = clap::value_parser!(u32).range(2..=100_000)
    )]
    pub max_connections: u32,

    /// Hosted mode: serve every account in DIR (made by `tgmcp setup --accounts DIR`),
    /// each bearer token its own account and session
    #[arg(long, env = "TGMCP_ACCOUNTS", value_name = "DIR", requires = "addr")]
    pub accounts: Option<std::path::PathBuf>,

    /// Hosted mode: accounts connected to Telegram at once; past it, the least recently
    /// used is disconnected (its calls finished, its session written)
    #[arg(
        long,
        env = "TGMCP_MAX_ACTIVE_SESSIONS",
        value_name = "N",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u32).range(1..=1_000_000),
        requires = "accounts"
    )]
    pub max_active_sessions: u32,

    /// Hosted mode: seconds an account may go unused before it is disconnected
    #[arg(
        long,
        env = "TGMCP_SESSION_IDLE_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 900,
        value_parser = clap::value_parser!(u64).range(1..=604_800),
        requires = "accounts"
    )]
    pub session_idle_timeout: u64,

    /// Hosted mode: requests one account may have running at once (more: 503), so one
    /// account cannot take every slot of --max-concurrent
    #[arg(
        long,
        env = "TGMCP_ACCOUNT_MAX_CONCURRENT",
        value_name = "N",
        default_value_t = 8,
        value_parser = clap::value_parser!(u32).range(1..=10_000),
        requires = "accounts"
    )]
    pub account_max_concurrent: u32,

    /// Also take the token in the path, /v1/url_auth/TOKEN/mcp, for clients that cannot
    /// send headers. Weaker: URLs end up in proxy logs, browser history and shell
    /// history (tgmcp itself never logs the token)
    #[arg(
        long,
        env = "TGMCP_ALLOW_URL_TOKEN",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new(),
        requires = "addr"
    )]
    pub allow_url_token: bool,

    /// Serve a login page at /setup: phone, code and 2FA password (or a QR code), then
    /// the MCP client configurations with the token. In hosted mode each login makes a
    /// new account; "Reauthorize" logs an account in again and keeps its token. Expose it
    /// beyond loopback only behind TLS, on a name given with --allow-host
    #[arg(
        long,
        env = "TGMCP_WEB_SETUP",
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new(),
        requires = "addr"
    )]
    pub web_setup: bool,

    /// Seconds a /setup login may take before it must start over (at most 15 minutes)
    #[arg(
        long,
        env = "TGMCP_WEB_SETUP_EXPIRY",
        value_name = "SECS",
        default_value_t = 900,
        value_parser = clap::value_parser!(u64).range(5..=900),
        requires = "web_setup"
    )]
    pub web_setup_expiry: u64,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Give up after this many seconds
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub timeout: u64,

    /// Probe a running `tgmcp serve --http` at this URL (its /health and /ready) instead of
    /// the profile; exit 0 when both answer 200, 1 otherwise
    #[arg(long, env = "TGMCP_HEALTH_URL", value_name = "URL")]
    pub url: Option<String>,

    /// Write a diagnostic archive (.tar.gz) for a bug report instead: version, platform,
    /// settings and the health checks (and with --url the server's /health, /ready and
    /// /metrics), every secret taken out. Never overwrites
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,

    /// With --bundle: add the end of this log file (its secrets taken out too)
    #[arg(long, value_name = "FILE", requires = "bundle")]
    pub log: Option<PathBuf>,
}

const SEARCH_LONG_ABOUT: &str = "\
Search messages in all your chats, or list and search one chat.

`tgmcp search QUERY` searches every chat; `--chat CHAT` searches one, and without QUERY \
lists its latest messages. Telegram matches whole words and word beginnings; separate \
several searches with commas (\"invoice, receipt\") to get the messages that match any.

At a terminal the results are a table (date in your time zone, chat, sender, text cut to \
the width, link). `--json` prints the same JSON as the MCP tool (a page with `messages`, \
`has_more` and `cursor`), `--jsonl` one message per line. When nothing matches, the exit \
code is 1 and stdout stays empty, as with grep; with `--json` it is 0 and an empty page.";

const SEARCH_EXAMPLES: &str = "\
Examples:
  tgmcp search invoice --since 7d
  tgmcp search 'invoice, receipt' --type private --limit 50
  tgmcp search --chat @rust_berlin --from @hans_m --since yesterday
  tgmcp search meeting --all --jsonl | jq -r .text";

const SEND_LONG_ABOUT: &str = "\
Send a text message or files, from arguments or stdin.

The text is the words after CHAT, joined with spaces; `-`, or no text when stdin is not a \
terminal, reads it from stdin (empty stdin sends nothing and exits 0). A text longer than \
Telegram's 4096 characters is sent as several messages, split at paragraphs, lines or \
words.

Prints the id of each message sent, and its link where the chat is public; `--json` \
prints the messages as the MCP tool does. Exit 0 means Telegram acknowledged every part. \
If a later part fails, the error says which parts were sent and the exit code is 1: \
nothing is ever sent twice on its own. A flood wait up to `--max-wait` is waited out \
(with a note on stderr); a longer one exits 1 naming the wait. When Telegram cannot be \
reached within `--timeout`, the exit code is 4 and nothing was sent; once connected, a send \
whose answer does not come in time may have been delivered: exit 1, saying so. No prompts \
or colours: made for scripts and cron.

`--file` attaches files (local paths, https URLs, data: URIs); TEXT is then optional and \
becomes the caption (a text over 1024 characters follows the files as its own message). \
Photos go as photos unless `--as-document`; several files go as albums of up to 10. URLs \
are fetched only over https and never from loopback, private or link-local addresses \
(`--allow-http-urls`, `--allow-private-urls`). At a terminal, a progress bar per file \
shows on stderr.";

const SEND_EXAMPLES: &str = "\
Examples:
  tgmcp send me 'backup done'
  tgmcp send @carol --markdown '**Build green** on main'
  df -h | tgmcp send @erin_ops -
  tgmcp send https://t.me/rust_berlin --reply-to 1 -- '-5 degrees, bring gloves'
  tgmcp send me --file report.pdf --file chart.png 'Q3 numbers'";

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to search for; commas separate several searches ("invoice, receipt").
    /// Optional with --chat, which then lists the latest messages
    #[arg(value_name = "QUERY", required_unless_present_any = ["chat", "from"])]
    pub query: Option<String>,

    /// Search only this chat: me, @username, the exact name of one of your chats ("Rust
    /// Berlin"), a t.me link, a numeric id (-100… for channels and supergroups) or +phone
    /// of a contact
    #[arg(short, long, value_name = "CHAT", allow_negative_numbers = true)]
    pub chat: Option<String>,

    /// Only messages sent by this person (with --chat); the same forms as CHAT
    #[arg(
        long,
        value_name = "USER",
        requires = "chat",
        allow_negative_numbers = true
    )]
    pub from: Option<String>,

    /// Only messages sent at or after DATE: 2024-05-01, 2024-05-01T10:00, or how long ago:
    /// 30m, 12h, 7d, 2w, today, yesterday (local time unless DATE has an offset)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only messages sent at or before DATE (same forms; a bare date includes that whole day)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Only chats of this type (not with --chat)
    #[arg(
        long = "type",
        value_enum,
        value_name = "TYPE",
        conflicts_with = "chat"
    )]
    pub chat_type: Option<SearchChatType>,

    /// Show at most N messages, newest first
    #[arg(
        short = 'n',
        long,
        value_name = "N",
        default_value_t = 20,
        value_parser = parse_limit
    )]
    pub limit: u32,

    /// Fetch every match, page after page (a spinner on stderr shows progress at a terminal)
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,

    /// Continue a search where an earlier one stopped: the `cursor` of its --json output,
    /// with the same QUERY and --chat
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,

    /// Print one JSON message per line (JSON Lines), for pipes; overrides --json
    #[arg(long)]
    pub jsonl: bool,
}

/// Kinds of chat `tgmcp search --type` narrows a global search to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SearchChatType {
    /// Private chats with people and bots
    Private,
    /// Basic groups and supergroups
    Group,
    /// Broadcast channels
    Channel,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Where to send: me (Saved Messages), @username, the exact name of one of your chats
    /// ("Carol Chen"), a t.me link, a numeric id (-100… for channels and supergroups) or
    /// +phone of a contact
    #[arg(value_name = "CHAT", allow_negative_numbers = true)]
    pub chat: String,

    /// Message text; several words are joined with spaces. `-` (or no TEXT, with stdin not
    /// a terminal) reads stdin. Put `--` before text that starts with `-` (a number like
    /// -5 needs none)
    #[arg(value_name = "TEXT", allow_negative_numbers = true)]
    pub text: Vec<String>,

    /// Format the text as Markdown: **bold**, *italic*, `code`, [text](https://…)
    #[arg(long, conflicts_with = "html")]
    pub markdown: bool,

    /// Format the text as HTML: <b>, <i>, <u>, <s>, <code>, <pre>, <a href="…">
    #[arg(long)]
    pub html: bool,

    /// Reply to the message with this id in CHAT, or to the message a link names
    /// (https://t.me/name/123; it must be in CHAT). On a post of a channel with comments,
    /// the reply is a comment in its discussion group
    #[arg(long, value_name = "ID|LINK", value_parser = parse_reply_to)]
    pub reply_to: Option<ReplyTo>,

    /// Deliver without a notification sound
    #[arg(long)]
    pub silent: bool,

    /// Do not show a link preview
    #[arg(long)]
    pub no_preview: bool,

    /// Split a long text into at most this many messages; a longer text (or a longer
    /// stdin) is refused before anything is sent
    #[arg(
        long,
        value_name = "N",
        default_value_t = crate::telegram::DEFAULT_MAX_PARTS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000)
    )]
    pub max_parts: usize,

    /// Wait out a flood wait of up to this many seconds (in all); Telegram asking for a
    /// longer one exits 1, naming the wait
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub max_wait: u64,

    /// Give up when Telegram does not answer a request within this many seconds (exit 4)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub timeout: u64,

    /// Attach a file: a local path, an https URL or a data: URI (repeatable). Several go
    /// as albums where Telegram allows; TEXT becomes the caption
    #[arg(short, long = "file", value_name = "PATH_OR_URL")]
    pub files: Vec<String>,

    /// Send images as files (documents) instead of photos
    #[arg(long, requires = "files")]
    pub as_document: bool,

    #[command(flatten)]
    pub urls: UrlArgs,
}

/// `send --reply-to`: a message id in the chat sent to, or a message link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyTo {
    Id(i32),
    /// The chat the link names (checked against the chat sent to) and the message id.
    Link {
        chat: String,
        id: i32,
    },
}

fn parse_reply_to(text: &str) -> Result<ReplyTo, String> {
    if let Ok(id) = text.trim().parse::<i64>() {
        return i32::try_from(id)
            .ok()
            .filter(|id| *id > 0)
            .map(ReplyTo::Id)
            .ok_or_else(|| format!("{id} is not a message id: ids are positive"));
    }
    crate::telegram::peers::parse_message_link(text)
        .map(|(chat, id)| ReplyTo::Link { chat, id })
        .ok_or_else(|| {
            "give a message id (as `tgmcp search` shows it) or a message link such as https://t.me/name/123".into()
        })
}

const INVOKE_LONG_ABOUT: &str = "\
Call a Telegram API method by name, with JSON parameters, and print its answer as JSON.

Every method of the API layer tgmcp is built with is available; `--list` shows them and \
`--describe` one method's parameters. Objects name their constructor in \"_\" \
({\"_\": \"inputPeerEmpty\"}); optional fields are simply left out; bytes are base64 (or \
plain text); 64-bit integers may be strings. Wherever a peer, user or channel goes, a chat \
as `send` takes it works too (me, @username, an id, +phone), unless --no-resolve.

Methods that cannot be undone or spend money (deleting messages or chats, leaving a \
channel, resetting sessions, payments …) need --allow-dangerous; methods that handle login \
secrets or grant access to the account need --allow-secrets, which works only from a \
terminal.";

const INVOKE_EXAMPLES: &str = "\
Examples:
  tgmcp invoke contacts.resolveUsername '{\"username\": \"rust_berlin\"}'
  echo '{\"id\": [\"me\", \"@carol\"]}' | tgmcp invoke users.getUsers -
  tgmcp invoke --list channels.
  tgmcp invoke --describe messages.sendMessage";

const DOWNLOAD_EXAMPLES: &str = "\
Examples:
  tgmcp download @bob_builder 50                   # ./invoice-april.pdf (or \"invoice-april (1).pdf\")
  tgmcp download @rust_berlin 10 -o ~/Downloads/   # into a folder, under the file's own name
  tgmcp download https://t.me/rust_berlin/10 -o slides.pdf   # a message link; never overwritten
  tgmcp --json download @bob_builder 50            # {\"path\":…,\"size\":…,\"mime_type\":…}";

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The chat the message is in: me, @username, the exact name of one of your chats, a
    /// t.me link, a numeric id (-100… for channels and supergroups) or +phone of a
    /// contact; or a message link
    /// (https://t.me/name/123, https://t.me/c/123456/789) without MESSAGE_ID
    #[arg(value_name = "CHAT", allow_negative_numbers = true)]
    pub chat: String,

    /// The message's id (as `tgmcp search` prints it)
    #[arg(value_name = "MESSAGE_ID")]
    pub message_id: Option<i32>,

    /// Where to save: an existing folder (the file keeps its own name) or a file name. By
    /// default the current folder. An existing file is never overwritten
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<std::path::PathBuf>,

    /// Seconds to wait for Telegram before giving up (exit 4)
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["method", "list", "describe"])))]
pub struct InvokeArgs {
    /// Method name as in Telegram's schema, e.g. messages.getHistory (any case; a
    /// `Request` suffix is fine)
    #[arg(value_name = "METHOD")]
    pub method: Option<String>,

    /// Parameters as a JSON object; `-` reads them from stdin; none means `{}`
    #[arg(value_name = "JSON", requires = "method")]
    pub params: Option<String>,

    /// List the API's methods (those starting with PREFIX, e.g. `messages.`)
    #[arg(
        long,
        value_name = "PREFIX",
        num_args = 0..=1,
        default_missing_value = "",
        conflicts_with_all = ["method", "describe"]
    )]
    pub list: Option<String>,

    /// Print a method's parameters (types, flags) and what it returns
    #[arg(long, value_name = "METHOD", conflicts_with = "method")]
    pub describe: Option<String>,

    /// Allow methods that cannot be undone (deleting messages, chats, sessions …)
    #[arg(long)]
    pub allow_dangerous: bool,

    /// Allow methods that handle login secrets or grant access to the account
    /// (auth.exportAuthorization, account.getPassword …); their answer is printed. Only
    /// from a terminal
    #[arg(long)]
    pub allow_secrets: bool,

    /// Do not turn chat references (me, @username, ids) into input peers
    #[arg(long)]
    pub no_resolve: bool,

    /// Give up when Telegram does not answer within this many seconds (exit 4)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free one
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,

    /// Play the demo that `--sandbox` commands share, announcing it in this folder (how
    /// the first `--sandbox` command starts it in the background)
    #[arg(long, value_name = "DIR", hide = true)]
    pub demo_home: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: Generate,
}

#[derive(Clone, Copy, Debug, Subcommand)]
pub enum Generate {
    /// The man page, in roff (man/tgmcp.1)
    Man,
    /// Completions for a shell (completions/)
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("tgmcp").chain(args.iter().copied()))
    }

    /// clap reads the real environment; skip default checks a developer's setup changes.
    fn unset(var: &str) -> bool {
        std::env::var_os(var).is_none()
    }

    #[test]
    fn definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_before_or_after_the_subcommand() {
        let cli = parse(&["--profile", "work", "health", "--json", "-vv"]).unwrap();
        assert_eq!(cli.global.profile.as_str(), "work");
        assert!(cli.global.json);
        assert_eq!(cli.global.verbose, 2);
        assert!(matches!(
            cli.command,
            Command::Health(HealthArgs {
                timeout: 10,
                url: None,
                bundle: None,
                log: None
            })
        ));

        let cli = parse(&[
            "search",
            "hello",
            "--sandbox",
            "--config",
            "/tmp/c.toml",
            "--log-format",
            "json",
            "--profile",
            "x",
        ])
        .unwrap();
        assert!(cli.global.sandbox);
        assert_eq!(cli.global.config.as_deref(), Some("/tmp/c.toml".as_ref()));
        assert_eq!(cli.global.log_format, LogFormat::Json);
        assert_eq!(cli.global.profile.as_str(), "x");
        assert!(
            matches!(cli.command, Command::Search(SearchArgs { query: Some(q), .. }) if q == "hello")
        );
    }

    #[test]
    fn defaults() {
        let cli = parse(&["serve"]).unwrap();
        if unset("TGMCP_PROFILE") {
            assert!(cli.global.profile.is_default());
        }
        if unset("TGMCP_JSON") {
            assert!(!cli.global.json);
        }
        if unset("TGMCP_LOG_FORMAT") {
            assert_eq!(cli.global.log_format, LogFormat::Text);
        }
        assert_eq!(cli.global.verbose, 0);
        assert!(!cli.global.quiet);
        let cli = parse(&["sandbox"]).unwrap();
        let Command::Sandbox(args) = cli.command else {
            panic!("not sandbox");
        };
        assert_eq!(args.listen, "127.0.0.1:0".parse().unwrap());
    }

    #[test]
    fn send_joins_words_later() {
        let cli = parse(&["send", "@durov", "hello", "world"]).unwrap();
        let Command::Send(args) = cli.command else {
            panic!("not send");
        };
        assert_eq!(args.chat, "@durov");
        assert_eq!(args.text, ["hello", "world"]);

        let cli = parse(&["send", "me", "-"]).unwrap();
        let Command::Send(args) = cli.command else {
            panic!("not send");
        };
        assert_eq!(args.text, ["-"]);

        let cli = parse(&["send", "me", "--", "-5 degrees", "--json"]).unwrap();
        let Command::Send(args) = cli.command else {
            panic!("not send");
        };
        assert_eq!(args.text, ["-5 degrees", "--json"]);

        assert_eq!(
            parse(&["send"]).unwrap_err().kind(),
            ErrorKind::MissingRequiredArgument
        );
    }

    #[test]
    fn setup_and_invoke() {
        let cli = parse(&[
            "setup",
            "--api-id",
            "12345",
            "--api-hash",
            "abcdef",
            "--phone",
            "+15550100",
            "--code",
            "11111",
            "--overwrite",
        ])
        .unwrap();
        let Command::Setup(args) = cli.command else {
            panic!("not setup");
        };
        assert_eq!(args.api_id, Some(12345));
        assert_eq!(args.code.as_deref(), Some("11111"));
        assert!(args.overwrite);
        let debug = format!("{args:?}");
        assert!(
            !debug.contains("abcdef") && !debug.contains("5550100") && !debug.contains("11111")
        );

        let cli = parse(&["invoke", "messages.getHistory", r#"{"peer":"me"}"#]).unwrap();
        let Command::Invoke(args) = cli.command else {
            panic!("not invoke");
        };
        assert_eq!(args.method.as_deref(), Some("messages.getHistory"));
        assert_eq!(args.params.as_deref(), Some(r#"{"peer":"me"}"#));
    }

    #[test]
    fn usage_errors() {
        let kind = |args: &[&str]| parse(args).unwrap_err().kind();
        assert_eq!(
            kind(&["--profile", "../etc", "serve"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind(&["setup", "--api-id", "abc"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind(&["setup", "--api-id", "0"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind(&["health", "--timeout", "0"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind(&["serve", "--log-format", "xml"]),
            ErrorKind::InvalidValue
        );
        assert_eq!(kind(&["serve", "-q", "-v"]), ErrorKind::ArgumentConflict);
        assert_eq!(
            kind(&["sandbox", "--listen", "nowhere"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind(&[]),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
        // clap's usage errors exit 2, the same as ours.
        assert_eq!(parse(&["nope"]).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn search_flags() {
        let cli = parse(&[
            "search",
            "invoice, receipt",
            "--since",
            "7d",
            "--type",
            "private",
        ])
        .unwrap();
        let Command::Search(args) = cli.command else {
            panic!("not search");
        };
        assert_eq!(args.query.as_deref(), Some("invoice, receipt"));
        assert_eq!(args.since.as_deref(), Some("7d"));
        assert_eq!(args.chat_type, Some(SearchChatType::Private));
        assert_eq!(args.limit, 20);
        assert!(!args.all && !args.jsonl);

        // A chat without a query lists it; marked ids are values, not flags.
        let cli = parse(&[
            "search",
            "--chat",
            "-1001234567890",
            "--from",
            "@carol",
            "--all",
        ])
        .unwrap();
        let Command::Search(args) = cli.command else {
            panic!("not search");
        };
        assert_eq!(args.chat.as_deref(), Some("-1001234567890"));
        assert_eq!(args.query, None);
        assert!(args.all);

        let kind = |args: &[&str]| parse(args).unwrap_err().kind();
        assert_eq!(kind(&["search"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(
            kind(&["search", "x", "--from", "@a"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            kind(&["search", "x", "--chat", "me", "--type", "group"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            kind(&["search", "x", "--all", "-n", "5"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            kind(&["search", "x", "-n", "0"]),
            ErrorKind::ValueValidation
        );
    }

    #[test]
    fn send_flags() {
        let cli = parse(&[
            "send",
            "-1001234567890",
            "-5",
            "degrees",
            "--markdown",
            "--reply-to",
            "7",
        ])
        .unwrap();
        let Command::Send(args) = cli.command else {
            panic!("not send");
        };
        assert_eq!(args.chat, "-1001234567890");
        assert_eq!(args.text, ["-5", "degrees"]);
        assert!(args.markdown && !args.html);
        assert_eq!(args.reply_to, Some(ReplyTo::Id(7)));
        assert_eq!((args.max_wait, args.timeout), (60, 30));

        let kind = |args: &[&str]| parse(args).unwrap_err().kind();
        assert_eq!(
            kind(&["send", "me", "x", "--markdown", "--html"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            kind(&["send", "me", "x", "--reply-to", "0"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind(&["send", "me", "x", "--timeout", "0"]),
            ErrorKind::ValueValidation
        );
    }

    #[test]
    fn generate_is_hidden() {
        let cli = parse(&["generate", "completions", "zsh"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Generate(GenerateArgs {
                what: Generate::Completions {
                    shell: clap_complete::Shell::Zsh
                }
            })
        ));
        let help = Cli::command().render_long_help().to_string();
        assert!(!help.contains("generate"));
    }

    #[test]
    fn sandbox_is_hidden_from_help() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("serve"));
        assert!(!help.contains("sandbox data center"));
        assert!(help.contains("TGMCP_PROFILE"));
    }
}

const CHATS_EXAMPLES: &str = "\
Examples:
  tgmcp chats --unread
  tgmcp chats rust --type group
  tgmcp chats --unread --json";

#[derive(Debug, Args)]
pub struct ChatsArgs {
    /// A name or @username to look for; without one, your most recent chats
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,

    /// Only chats with unread messages (muted and archived ones included), newest first
    #[arg(long, conflicts_with = "query")]
    pub unread: bool,

    /// Only chats of this type
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub chat_type: Option<SearchChatType>,

    /// Show at most N chats
    #[arg(short = 'n', long, value_name = "N", default_value_t = 50, value_parser = parse_limit)]
    pub limit: u32,

    /// Print one JSON chat per line (JSON Lines), for pipes; overrides --json
    #[arg(long)]
    pub jsonl: bool,
}

const READ_EXAMPLES: &str = "\
Examples:
  tgmcp read @bob_builder
  tgmcp read @tgmcp_dev --unread --mark-read
  tgmcp read @tgmcp_dev --topic 2 --limit 5";

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// The chat: me, @username, the exact name of one of your chats ("Rust Berlin"), a
    /// t.me link, a numeric id (-100… for channels and supergroups) or +phone of a contact
    #[arg(value_name = "CHAT", allow_negative_numbers = true)]
    pub chat: String,

    /// Only the messages you have not read yet (the oldest ones first)
    #[arg(long, conflicts_with = "topic")]
    pub unread: bool,

    /// Show at most N messages: the latest ones, or with --unread the oldest unread ones
    #[arg(short = 'n', long, value_name = "N", default_value_t = 20, value_parser = parse_limit)]
    pub limit: u32,

    /// Only this forum topic (`tgmcp read CHAT` of a forum lists messages of all topics)
    #[arg(long, value_name = "ID", value_parser = clap::value_parser!(i32).range(1..))]
    pub topic: Option<i32>,

    /// Then mark the chat (or topic) read up to the newest message shown
    #[arg(long)]
    pub mark_read: bool,

    /// Print one JSON message per line (JSON Lines), for pipes; overrides --json
    #[arg(long)]
    pub jsonl: bool,
}

const WATCH_LONG_ABOUT: &str = "\
Print new messages as they arrive, until interrupted.

Watches every chat, or only the CHATs given. Each message is printed once, also when the \
connection drops in between (what arrived meanwhile is fetched when it is back). It runs \
beside `tgmcp serve` on the same profile. `--jsonl` (or `--json`) prints one JSON message \
per line, the shape `search --jsonl` prints. Stops after --count messages or --timeout \
seconds: exit 0 if something was printed, 1 if nothing arrived; Ctrl-C exits 130.";

const WATCH_EXAMPLES: &str = "\
Examples:
  tgmcp watch                                      # every chat, until Ctrl-C
  tgmcp watch @ops --jsonl | while read -r m; do echo \"$m\" | jq -r .text; done
  tgmcp watch @bob_builder --count 1 --timeout 60  # the next message from Bob";

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Only these chats: me, @username, the exact name of one of your chats, a t.me link,
    /// a numeric id (-100… for channels and supergroups) or +phone of a contact
    #[arg(value_name = "CHAT", allow_negative_numbers = true)]
    pub chats: Vec<String>,

    /// Print one JSON message per line (JSON Lines), for pipes
    #[arg(long)]
    pub jsonl: bool,

    /// Stop after this many seconds
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// Stop after this many messages
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
}
