//! tgmcp: your own Telegram account for AI tools (MCP) and the terminal.
//!
//! One core ([`telegram`]) with two faces: the MCP server ([`mcp`], over stdio or [`http`])
//! and the CLI ([`cmd`]). The
//! [`sandbox`] is an offline Telegram DC that the tests and `--sandbox` run against.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod error;
pub mod histogram;
pub mod hosted;
pub mod http;
pub mod logging;
pub mod mcp;
pub mod net;
pub mod sandbox;
pub mod telegram;
pub mod tl;
