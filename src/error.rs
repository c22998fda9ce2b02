//! The one error type of tgmcp, and the exit codes the CLI maps it to.
//!
//! Every kind is something a user can act on, and every message says what happened and
//! what to do next (`what happened — what to do`). The MCP face reports the same error
//! as a structured tool result through [`Error::kind`], [`Error::rpc_name`] and
//! [`Error::retry_after`].

use grammers_mtsender::{InvocationError, RpcError};

/// Process exit codes, documented in the man page. Scripts depend on them: never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ExitCode {
    /// Success.
    Ok = 0,
    /// The request failed: Telegram said no, the peer was not found, or policy refused it.
    Failed = 1,
    /// Usage or configuration error.
    Usage = 2,
    /// The profile has no logged-in session.
    NotLoggedIn = 3,
    /// The network or Telegram could not be reached.
    Network = 4,
    /// `tgmcp setup` without a terminal stopped to ask for the next input (it printed
    /// `{"next":…}`); run it again with that input.
    InputNeeded = 10,
    /// Interrupted (Ctrl-C), as shells report SIGINT.
    Interrupted = 130,
}

impl ExitCode {
    pub const fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}

/// Telegram RPC errors that mean "no such peer, or not one this account can reach".
const PEER_NOT_FOUND_NAMES: &[&str] = &[
    "PEER_ID_INVALID",
    "USERNAME_NOT_OCCUPIED",
    "USERNAME_INVALID",
    "CHANNEL_INVALID",
    "CHAT_ID_INVALID",
];

#[derive(thiserror::Error, Debug, Clone)]
pub enum Error {
    /// The profile has no authorized session. `profile` is unknown where Telegram's
    /// answer is converted; the CLI and MCP faces fill it with [`Error::with_profile`].
    #[error("{}", not_logged_in_message(.profile.as_deref(), .rpc.as_deref(), *.demo))]
    NotLoggedIn {
        profile: Option<String>,
        /// Telegram's reason, e.g. `AUTH_KEY_UNREGISTERED` or `SESSION_REVOKED`.
        rpc: Option<String>,
        /// A `--sandbox` demo profile: the hint names `tgmcp --sandbox setup`.
        demo: bool,
    },

    /// The peer (user, group or channel) does not exist or this account cannot see it.
    #[error("{}", peer_not_found_message(.0))]
    PeerNotFound(String),

    /// The chat exists, but what the request names in it does not: a message id with no
    /// message, or a message with no file to download. Found out by reading, so unlike
    /// [`Error::InvalidInput`] the request did reach Telegram (reads only).
    #[error("{0}")]
    NotFound(String),

    /// Telegram rate-limits the account: retry after `seconds`.
    #[error("{}", flood_wait_message(*.seconds, .method.as_deref()))]
    FloodWait {
        seconds: u32,
        method: Option<String>,
    },

    /// Telegram refused the request with an error name (see https://core.telegram.org/api/errors).
    #[error("{}", rpc_message(*.code, .name, .method.as_deref()))]
    Rpc {
        code: i32,
        name: String,
        method: Option<String>,
    },

    /// Telegram (or the network in between) could not be reached.
    #[error("cannot reach Telegram: {0} — check the network connection and try again")]
    Network(String),

    /// Something took longer than its limit: a file URL that answers slowly, or a call
    /// over the server's `--request-timeout`. Says nothing about Telegram's connection.
    #[error("timed out: {0}")]
    Timeout(String),

    /// The request itself is wrong; the message says which part and how to fix it.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// Telegram refused what the user supplied (a wrong login code or password); the
    /// message says what to try next.
    #[error("{0}")]
    Rejected(String),

    /// Only the first parts of a long message were sent; the rest failed and was not
    /// retried (sending is not idempotent). When the failing part's own fate is unknown,
    /// the kind is `unknown_outcome`, not `partial_send`: nothing may be resent.
    #[error("{}", partial_send_message(sent, *.parts, reason))]
    PartialSend {
        sent: Vec<i32>,
        parts: usize,
        reason: Box<Error>,
    },

    /// The connection dropped after a write left: Telegram may or may not have done it.
    /// Never retried automatically; the message says what to check.
    #[error("{0}")]
    UnknownOutcome(String),

    /// No such method in Telegram's API (`invoke`); the message names the closest ones.
    #[error("unknown method: {0}")]
    UnknownMethod(String),

    /// Refused by tgmcp's own policy (read-only mode, tool allow-list, dangerous methods).
    #[error("refused by policy: {0}")]
    Forbidden(String),

    /// Configuration problem; the message names the setting or file and the fix.
    #[error("{0}")]
    Config(String),

    /// The session file cannot be read, parsed or written; the message names the file
    /// and the fix.
    #[error("{0}")]
    Session(String),

    /// The user interrupted the operation.
    #[error("interrupted")]
    Interrupted,

    /// This server's own send rate limit (`serve --max-writes-per-minute`): nothing was
    /// sent; retry after `seconds`.
    #[error(
        "this server allows {per_minute} writes per minute (--max-writes-per-minute) and that is used up — nothing was sent; retry after {seconds} s"
    )]
    RateLimited { seconds: u32, per_minute: u32 },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A [`Error::NotLoggedIn`] for `profile`, with no Telegram reason.
    pub fn not_logged_in(profile: impl Into<String>) -> Self {
        Self::NotLoggedIn {
            profile: Some(profile.into()),
            rpc: None,
            demo: false,
        }
    }

    /// Marks a [`Error::NotLoggedIn`] as the `--sandbox` demo's, so its hint says
    /// `tgmcp --sandbox setup` rather than a real login. Other errors pass through.
    pub fn in_demo(self) -> Self {
        match self {
            Self::NotLoggedIn { profile, rpc, .. } => Self::NotLoggedIn {
                profile,
                rpc,
                demo: true,
            },
            other => other,
        }
    }

    /// Names the profile in a [`Error::NotLoggedIn`] that does not name one yet, so the
    /// message can say which `tgmcp setup` to run. Other errors pass through.
    pub fn with_profile(self, name: &str) -> Self {
        match self {
            Self::NotLoggedIn {
                profile: None,
                rpc,
                demo,
            } => Self::NotLoggedIn {
                profile: Some(name.to_owned()),
                rpc,
                demo,
            },
            other => other,
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        self.exit_status().code()
    }

    pub fn exit_status(&self) -> ExitCode {
        match self {
            Self::PeerNotFound(_)
            | Self::NotFound(_)
            | Self::FloodWait { .. }
            | Self::Rpc { .. }
            | Self::Rejected(_)
            | Self::PartialSend { .. }
            | Self::UnknownOutcome(_)
            | Self::RateLimited { .. }
            | Self::Forbidden(_) => ExitCode::Failed,
            Self::InvalidInput(_) | Self::UnknownMethod(_) | Self::Config(_) | Self::Session(_) => {
                ExitCode::Usage
            }
            Self::NotLoggedIn { .. } => ExitCode::NotLoggedIn,
            Self::Network(_) | Self::Timeout(_) => ExitCode::Network,
            Self::Interrupted => ExitCode::Interrupted,
        }
    }

    /// A stable snake_case name for the kind, for JSON output and MCP structured errors.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotLoggedIn { .. } => "not_logged_in",
            Self::PeerNotFound(_) => "peer_not_found",
            Self::NotFound(_) => "not_found",
            Self::FloodWait { .. } => "flood_wait",
            Self::Rpc { .. } => "rpc_error",
            Self::Network(_) => "network",
            Self::Timeout(_) => "timeout",
            Self::InvalidInput(_) => "invalid_input",
            Self::Rejected(_) => "rejected",
            Self::PartialSend { reason, .. } if reason.kind() == "unknown_outcome" => {
                "unknown_outcome"
            }
            Self::PartialSend { .. } => "partial_send",
            Self::UnknownOutcome(_) => "unknown_outcome",
            Self::UnknownMethod(_) => "unknown_method",
            Self::Forbidden(_) => "forbidden",
            Self::Config(_) => "config",
            Self::Session(_) => "session",
            Self::Interrupted => "interrupted",
            Self::RateLimited { .. } => "rate_limited",
        }
    }

    /// Seconds to wait before retrying, when Telegram said so.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            Self::FloodWait { seconds, .. } | Self::RateLimited { seconds, .. } => Some(*seconds),
            Self::PartialSend { reason, .. } => reason.retry_after(),
            _ => None,
        }
    }

    /// Telegram's error name, when Telegram's answer caused this error.
    pub fn rpc_name(&self) -> Option<&str> {
        match self {
            Self::Rpc { name, .. } => Some(name),
            Self::NotLoggedIn { rpc, .. } => rpc.as_deref(),
            Self::PartialSend { reason, .. } => reason.rpc_name(),
            _ => None,
        }
    }
}

/// Marks a hosted account's name where a profile name goes ([`Error::with_profile`]): its
/// fix is a `setup --accounts` run by the server's operator.
pub const ACCOUNT_PREFIX: &str = "account:";

fn not_logged_in_message(profile: Option<&str>, rpc: Option<&str>, demo: bool) -> String {
    if let Some(account) = profile.and_then(|p| p.strip_prefix(ACCOUNT_PREFIX)) {
        let why = rpc
            .map(|rpc| format!(" (Telegram said {rpc})"))
            .unwrap_or_default();
        return format!(
            "account '{account}' is not logged in{why} — the server's operator logs it in again with `tgmcp setup --accounts DIR --profile {account}`; its token stays the same and the running server picks the login up"
        );
    }
    let mut message = String::from("not logged in");
    if let Some(profile) = profile {
        message.push_str(&format!(" for profile '{profile}'"));
    }
    if let Some(rpc) = rpc {
        message.push_str(&format!(" (Telegram said {rpc})"));
    }
    let tgmcp = if demo { "tgmcp --sandbox" } else { "tgmcp" };
    match profile {
        Some(profile) if profile != "default" => {
            message.push_str(&format!(" — run `{tgmcp} --profile {profile} setup`"));
        }
        _ => message.push_str(&format!(" — run `{tgmcp} setup`")),
    }
    message
}

fn partial_send_message(sent: &[i32], parts: usize, reason: &Error) -> String {
    let done = format!(
        "sent {} of {parts} parts (message ids {sent:?})",
        sent.len()
    );
    match reason {
        // The failing part may be in the chat: "send the rest" would repeat it.
        Error::UnknownOutcome(_) | Error::PartialSend { .. }
            if reason.kind() == "unknown_outcome" =>
        {
            let rest = if sent.len() + 1 < parts {
                "; the parts after it were not sent"
            } else {
                ""
            };
            format!(
                "{done}, then: {reason}{rest} — do not resend any part before reading the chat to see which parts arrived"
            )
        }
        _ => format!("{done}, then: {reason} — the remaining parts were not sent"),
    }
}

fn flood_wait_message(seconds: u32, method: Option<&str>) -> String {
    let what = method.map_or_else(String::new, |method| {
        format!(" before calling {method} again")
    });
    format!("Telegram asks to wait {seconds} s{what} (flood wait) — retry after that")
}

fn rpc_message(code: i32, name: &str, method: Option<&str>) -> String {
    let what = method.map_or_else(String::new, |method| format!(" to {method}"));
    if let Some(hint) = rpc_hint(name) {
        return format!("Telegram answered {name} ({code}){what} — {hint}");
    }
    let hint = match code {
        // The offline sandbox's own answer for what it does not play; not the caller's fault.
        _ if name.ends_with("NOT_SUPPORTED_BY_SANDBOX") => {
            "the offline sandbox (--sandbox) does not play this; it works against Telegram itself"
        }
        400 => "check the request's arguments",
        403 => "this account lacks the right to do that here",
        406 => "Telegram wants this resolved in an official app first",
        500..=599 => "a problem on Telegram's side; try again later",
        _ => "see https://core.telegram.org/api/errors",
    };
    format!("Telegram answered {name} ({code}){what} — {hint}")
}

/// What a few common refusals mean, where "check the request's arguments" would not say.
fn rpc_hint(name: &str) -> Option<&'static str> {
    Some(match name {
        "REPLY_MESSAGE_ID_INVALID" => {
            "there is no message with that id in this chat to reply to; check the reply id (--reply-to, reply_to_msg_id)"
        }
        "MESSAGE_ID_INVALID" => {
            "there is no message with that id in this chat (ids are per chat, except in channels and supergroups)"
        }
        "MESSAGE_NOT_MODIFIED" => "the new text is the same as the old one; nothing to change",
        "MESSAGE_AUTHOR_REQUIRED" => "only the message's author can edit it",
        "CHAT_WRITE_FORBIDDEN" | "CHAT_SEND_PLAIN_FORBIDDEN" => {
            "this account cannot write in this chat (only admins can post, or it was restricted)"
        }
        "CHAT_ADMIN_REQUIRED" => "that needs admin rights in this chat",
        "USER_IS_BLOCKED" | "YOU_BLOCKED_USER" => "one of you has blocked the other",
        "REACTION_INVALID" => {
            "this chat does not allow that reaction; use one of Telegram's standard ones, such as 👍 ❤ 🔥 🎉 😁 🤔 👀"
        }
        "MESSAGE_DELETE_FORBIDDEN" => {
            "this account may delete only its own messages here (others' need admin rights); delete without for_everyone to remove it for yourself"
        }
        _ => return None,
    })
}

/// The peer and, unless the detail already says what to do, how to name one.
fn peer_not_found_message(detail: &str) -> String {
    if detail.contains(" — ") {
        format!("peer not found: {detail}")
    } else {
        format!(
            "peer not found: {detail} — check the @username, link or id (a bare id works only for chats this account has already seen)"
        )
    }
}

/// The TL name of the request that failed (`messages.sendMessage`), when grammers knows it.
fn method_name(error: &RpcError) -> Option<String> {
    let name = grammers_tl_types::name_for_id(error.caused_by?);
    (name != "(unknown)").then(|| name.to_owned())
}

impl From<RpcError> for Error {
    fn from(error: RpcError) -> Self {
        let method = method_name(&error);
        if error.code == 401 {
            return Self::NotLoggedIn {
                profile: None,
                rpc: Some(error.name),
                demo: false,
            };
        }
        // FLOOD_WAIT_X, FLOOD_PREMIUM_WAIT_X, SLOWMODE_WAIT_X: grammers moves X into `value`.
        if let Some(seconds) = error.value
            && (error.code == 420 || error.name.ends_with("_WAIT"))
        {
            return Self::FloodWait { seconds, method };
        }
        if PEER_NOT_FOUND_NAMES.contains(&error.name.as_str()) {
            let what = match method {
                Some(method) => format!("Telegram answered {} to {method}", error.name),
                None => format!("Telegram answered {}", error.name),
            };
            return Self::PeerNotFound(what);
        }
        Self::Rpc {
            code: error.code,
            name: error.name,
            method,
        }
    }
}

impl From<InvocationError> for Error {
    fn from(error: InvocationError) -> Self {
        match error {
            InvocationError::Rpc(error) => error.into(),
            // Our own session store reports `Error` already; keep its kind and message.
            InvocationError::Session(error) => match error.downcast::<Error>() {
                Ok(error) => *error,
                Err(error) => Self::Session(format!("session store failed: {error}")),
            },
            InvocationError::Io(error) => Self::Network(error.to_string()),
            InvocationError::Transport(error) => Self::Network(format!("transport error: {error}")),
            InvocationError::Deserialize(error) => {
                Self::Network(format!("unreadable answer from Telegram: {error}"))
            }
            InvocationError::Authentication(error) => {
                Self::Network(format!("could not set up an encrypted connection: {error}"))
            }
            // grammers drops a request it cannot send without a peer's access hash.
            InvocationError::Dropped(reason) if reason.contains("peer") => {
                Self::PeerNotFound(format!("no access hash known ({reason})"))
            }
            InvocationError::Dropped(reason) => {
                Self::Network(format!("the connection was closed before an answer arrived ({reason})"))
            }
            InvocationError::InvalidDc => Self::Session(
                "Telegram sent this account to a data center the session file does not know — run `tgmcp setup --overwrite` to log in again"
                    .to_owned(),
            ),
        }
    }
}

impl From<Error> for ExitCode {
    fn from(error: Error) -> Self {
        error.exit_status()
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use grammers_mtproto::transport;
    use grammers_tl_types as tl;

    use super::*;

    fn rpc(code: i32, message: &str) -> InvocationError {
        InvocationError::Rpc(RpcError::from(tl::types::RpcError {
            error_code: code,
            error_message: message.into(),
        }))
    }

    #[test]
    fn unauthorized_means_not_logged_in() {
        for name in [
            "AUTH_KEY_UNREGISTERED",
            "SESSION_REVOKED",
            "USER_DEACTIVATED",
            "SESSION_EXPIRED",
        ] {
            let error = Error::from(rpc(401, name));
            assert_eq!(error.kind(), "not_logged_in", "{name}");
            assert_eq!(error.exit_code(), 3);
            assert_eq!(error.rpc_name(), Some(name));
            assert_eq!(
                error.to_string(),
                format!("not logged in (Telegram said {name}) — run `tgmcp setup`")
            );
        }
    }

    #[test]
    fn profile_is_filled_in_later() {
        let error = Error::from(rpc(401, "AUTH_KEY_UNREGISTERED")).with_profile("work");
        assert_eq!(
            error.to_string(),
            "not logged in for profile 'work' (Telegram said AUTH_KEY_UNREGISTERED) — run `tgmcp --profile work setup`"
        );
        let error = Error::not_logged_in("default");
        assert_eq!(
            error.to_string(),
            "not logged in for profile 'default' — run `tgmcp setup`"
        );
        // A profile already named is kept; other kinds pass through.
        assert_eq!(
            error.with_profile("other").to_string(),
            "not logged in for profile 'default' — run `tgmcp setup`"
        );
        assert_eq!(Error::Interrupted.with_profile("x").kind(), "interrupted");
    }

    #[test]
    fn flood_wait_carries_seconds_and_method() {
        let InvocationError::Rpc(raw) = rpc(420, "FLOOD_WAIT_31") else {
            unreachable!()
        };
        let error = Error::from(InvocationError::Rpc(raw.with_caused_by(0xfef48f62)));
        assert_eq!(error.kind(), "flood_wait");
        assert_eq!(error.retry_after(), Some(31));
        assert_eq!(error.exit_code(), 1);
        assert!(matches!(
            &error,
            Error::FloodWait { seconds: 31, method: Some(m) } if m == "messages.sendMessage"
        ));
        assert_eq!(
            error.to_string(),
            "Telegram asks to wait 31 s before calling messages.sendMessage again (flood wait) — retry after that"
        );

        let error = Error::from(rpc(420, "SLOWMODE_WAIT_10"));
        assert_eq!(error.retry_after(), Some(10));
        let error = Error::from(rpc(420, "FLOOD_PREMIUM_WAIT_5"));
        assert_eq!(error.retry_after(), Some(5));
        // A 420 without a number has nothing to wait for.
        let error = Error::from(rpc(420, "FROZEN_METHOD_INVALID"));
        assert_eq!(error.kind(), "rpc_error");
        assert_eq!(error.retry_after(), None);
    }

    #[test]
    fn unknown_peers() {
        for name in PEER_NOT_FOUND_NAMES {
            let error = Error::from(rpc(400, name));
            assert_eq!(error.kind(), "peer_not_found", "{name}");
            assert_eq!(error.exit_code(), 1);
            assert!(error.to_string().contains(name));
        }
        let error = Error::from(InvocationError::Dropped(
            "cannot invoke request without a peer ref",
        ));
        assert_eq!(error.kind(), "peer_not_found");
    }

    #[test]
    fn other_rpc_errors_keep_code_and_name() {
        let error = Error::from(rpc(400, "BUTTON_DATA_INVALID"));
        assert!(matches!(
            &error,
            Error::Rpc { code: 400, name, method: None } if name == "BUTTON_DATA_INVALID"
        ));
        assert_eq!(error.kind(), "rpc_error");
        assert_eq!(error.rpc_name(), Some("BUTTON_DATA_INVALID"));
        assert_eq!(error.exit_code(), 1);
        assert_eq!(
            error.to_string(),
            "Telegram answered BUTTON_DATA_INVALID (400) — check the request's arguments"
        );
        // Common refusals say what they mean instead.
        let error = Error::from(rpc(400, "MESSAGE_ID_INVALID"));
        assert_eq!(error.rpc_name(), Some("MESSAGE_ID_INVALID"));
        assert!(
            error
                .to_string()
                .contains("there is no message with that id in this chat"),
            "{error}"
        );
        let error = Error::from(rpc(500, "INTERDC_2_CALL_ERROR"));
        assert!(error.to_string().contains("try again later"));
    }

    #[test]
    fn what_the_sandbox_does_not_play_says_so() {
        for name in [
            "METHOD_NOT_SUPPORTED_BY_SANDBOX",
            "SCHEDULE_NOT_SUPPORTED_BY_SANDBOX",
        ] {
            let message = Error::from(rpc(400, name)).to_string();
            assert!(
                message.contains("the offline sandbox (--sandbox) does not play this"),
                "{message}"
            );
            assert!(!message.contains("arguments"), "{message}");
        }
    }

    #[test]
    fn transport_failures_are_network() {
        let errors = [
            InvocationError::Io(io::Error::new(io::ErrorKind::ConnectionRefused, "refused")),
            InvocationError::Transport(transport::Error::BadStatus { status: 429 }),
            InvocationError::Dropped("request dropped"),
        ];
        for error in errors {
            let error = Error::from(error);
            assert_eq!(error.kind(), "network");
            assert_eq!(error.exit_code(), 4);
        }
    }

    #[test]
    fn session_errors_pass_through() {
        let ours =
            Error::Session("session file /x is corrupt — run `tgmcp setup --overwrite`".into());
        let error = Error::from(InvocationError::Session(Box::new(ours)));
        assert_eq!(
            error.to_string(),
            "session file /x is corrupt — run `tgmcp setup --overwrite`"
        );
        let foreign: Box<dyn std::error::Error + Send + Sync> = "boom".into();
        let error = Error::from(InvocationError::Session(foreign));
        assert_eq!(error.kind(), "session");
        assert_eq!(error.exit_code(), 2);
        assert_eq!(Error::from(InvocationError::InvalidDc).kind(), "session");
    }

    #[test]
    fn exit_codes() {
        let cases = [
            (Error::not_logged_in("p"), 3, "not_logged_in"),
            (Error::PeerNotFound("@x".into()), 1, "peer_not_found"),
            (Error::NotFound("no message 5".into()), 1, "not_found"),
            (
                Error::FloodWait {
                    seconds: 3,
                    method: None,
                },
                1,
                "flood_wait",
            ),
            (
                Error::Rpc {
                    code: 400,
                    name: "X".into(),
                    method: None,
                },
                1,
                "rpc_error",
            ),
            (Error::Network("down".into()), 4, "network"),
            (Error::Timeout("slow".into()), 4, "timeout"),
            (Error::InvalidInput("bad".into()), 2, "invalid_input"),
            (Error::Forbidden("no".into()), 1, "forbidden"),
            (Error::UnknownMethod("x".into()), 2, "unknown_method"),
            (Error::Config("bad".into()), 2, "config"),
            (Error::Session("bad".into()), 2, "session"),
            (Error::Interrupted, 130, "interrupted"),
        ];
        for (error, code, kind) in cases {
            assert_eq!(error.exit_code(), code, "{error}");
            assert_eq!(error.kind(), kind);
            assert_eq!(ExitCode::from(error).code(), code);
        }
        assert_eq!(ExitCode::Ok.code(), 0);
    }
}
