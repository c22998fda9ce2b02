//! The MCP face: `tgmcp serve` exposes the Telegram core as nine MCP tools, over stdio
//! or streamable HTTP ([`crate::http`]).
//!
//! Each tool is a thin adapter ([`tools`]) that turns JSON arguments into a core request
//! and the core's serde output into a tool result ([`reply`]): the same JSON as
//! structured content, plus a short text rendering ([`text`]) for clients that only
//! read text. The server answers `initialize` at once and reaches Telegram lazily
//! ([`link`]), so an IDE never waits on the network to start it.

mod check;
mod confirm;
mod feed;
mod link;
mod links;
mod params;
mod params_actions;
mod params_inbox;
mod params_watch;
mod progress;
mod prompts;
mod reply;
mod resources;
mod schema;
mod server;
pub mod stdio;
mod text;
mod tools;
mod tools_actions;
mod tools_inbox;
mod tools_watch;

pub use link::{Link, Opener, Status};
pub use server::{CallNote, CallObserver, FileOptions, TelegramServer, Transport};

use crate::error::Error;

/// Every tool, by the names the reference Telegram MCP server uses.
pub const TOOL_NAMES: [&str; 18] = [
    "search_messages_globally",
    "search_messages_in_chat",
    "read_messages",
    "send_message",
    "edit_message",
    "find_chats",
    "get_chat_info",
    "send_message_to_phone",
    "download_media",
    // Any API method; gated per method (read-only, dangerous) rather than as a whole.
    "invoke_mtproto",
    "get_unread",
    "mark_read",
    "list_topics",
    "wait_for_messages",
    "forward_messages",
    "delete_messages",
    "pin_message",
    "send_reaction",
];

/// The tools that write to Telegram; `--read-only` turns them off.
pub const WRITE_TOOLS: [&str; 8] = [
    "send_message",
    "edit_message",
    "send_message_to_phone",
    "mark_read",
    "forward_messages",
    "delete_messages",
    "pin_message",
    "send_reaction",
];

/// Which tools this server offers: `--read-only` and the `--tools` allow-list.
#[derive(Debug, Clone, Default)]
pub struct ToolSelection {
    read_only: bool,
    /// `None` offers every tool.
    allowed: Option<Vec<String>>,
    /// `--allow-dangerous-methods`: the operator lets callers run dangerous methods with
    /// `allow_dangerous`. Off, `allow_dangerous` from a model or an HTTP body is refused.
    dangerous_methods: bool,
    /// `download_media` needs a folder it may write to (over HTTP, `--download-dir`).
    no_download_folder: bool,
    /// `--confirm-writes`: the user says yes to each write ([`confirm`]).
    confirm_writes: bool,
}

impl ToolSelection {
    pub fn new(read_only: bool, allowed: Option<Vec<String>>) -> Self {
        Self {
            read_only,
            allowed,
            dangerous_methods: false,
            no_download_folder: false,
            confirm_writes: false,
        }
    }

    /// Asks the user before each write (`serve --confirm-writes`).
    pub fn with_confirm_writes(mut self, on: bool) -> Self {
        self.confirm_writes = on;
        self
    }

    pub fn confirms_writes(&self) -> bool {
        self.confirm_writes
    }

    /// The operator's consent to dangerous methods (`serve --allow-dangerous-methods`).
    pub fn with_dangerous_methods(mut self, allowed: bool) -> Self {
        self.dangerous_methods = allowed;
        self
    }

    /// Refuses a dangerous method the caller allowed but the operator did not: a
    /// prompt-injected model can set `allow_dangerous`, only the person who started the
    /// server can pass the flag.
    pub fn operator_consent(&self, method: &str) -> Result<(), Error> {
        if self.dangerous_methods || !crate::tl::policy::is_dangerous(method) {
            return Ok(());
        }
        Err(Error::Forbidden(format!(
            "{method} cannot be undone, and this server does not run such methods for its callers — whoever starts it can allow them with `tgmcp serve --allow-dangerous-methods` (or TGMCP_ALLOW_DANGEROUS_METHODS=1); allow_dangerous alone is not enough"
        )))
    }

    /// Hides `download_media`, which can only refuse without a download folder.
    pub fn without_download_folder(mut self) -> Self {
        self.no_download_folder = true;
        self
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn offers(&self, tool: &str) -> bool {
        self.refusal(tool).is_none()
    }

    /// Why a known tool is off, as the error a call to it gets; `None` when it is on.
    pub fn refusal(&self, tool: &str) -> Option<Error> {
        if self.read_only && WRITE_TOOLS.contains(&tool) {
            return Some(Error::Forbidden(format!(
                "{tool} is off because this server runs read-only (--read-only or TGMCP_READ_ONLY) — restart it without that to write"
            )));
        }
        if tool == "download_media" && self.read_only {
            return Some(Error::Forbidden(
                "download_media writes files, so it is off while this server runs read-only (--read-only or TGMCP_READ_ONLY)".into(),
            ));
        }
        if tool == "download_media" && self.no_download_folder {
            return Some(Error::Forbidden(
                "download_media is off over HTTP unless the server has a download folder — start it with --download-dir DIR".into(),
            ));
        }
        match &self.allowed {
            Some(allowed) if !allowed.iter().any(|name| name == tool) => {
                Some(Error::Forbidden(format!(
                    "{tool} is not in this server's tool list (--tools or TGMCP_TOOLS: {})",
                    allowed.join(",")
                )))
            }
            _ => None,
        }
    }

    /// Allowed tools that `--read-only` hides anyway: worth a warning at startup.
    pub fn overridden_by_read_only(&self) -> Vec<&str> {
        match (&self.allowed, self.read_only) {
            (Some(allowed), true) => allowed
                .iter()
                .map(String::as_str)
                .filter(|name| WRITE_TOOLS.contains(name))
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_is_offered_by_default() {
        let all = ToolSelection::default();
        assert!(TOOL_NAMES.iter().all(|name| all.offers(name)));
    }

    #[test]
    fn read_only_turns_off_the_write_tools() {
        let read_only = ToolSelection::new(true, None);
        for name in TOOL_NAMES {
            assert_eq!(
                read_only.offers(name),
                !WRITE_TOOLS.contains(&name) && name != "download_media",
                "{name}"
            );
        }
        let refusal = read_only.refusal("send_message").unwrap();
        assert_eq!(refusal.kind(), "forbidden");
        assert!(refusal.to_string().contains("read-only"));
    }

    #[test]
    fn allow_list_and_read_only_combine() {
        let selection =
            ToolSelection::new(true, Some(vec!["find_chats".into(), "send_message".into()]));
        assert!(selection.offers("find_chats"));
        assert!(!selection.offers("send_message"));
        assert!(!selection.offers("read_messages"));
        assert_eq!(selection.overridden_by_read_only(), ["send_message"]);
        assert!(
            selection
                .refusal("read_messages")
                .unwrap()
                .to_string()
                .contains("find_chats,send_message")
        );
    }
}
