//! One integration test binary (faster to link than one per file). Every test runs the
//! real grammers client, the real binary or the real MCP server against an in-process
//! sandbox DC on loopback; nothing here reaches Telegram.

mod bundle;
mod cli;
mod cli_search;
mod cli_send;
mod common;
mod core;
mod demo;
mod docs;
mod files;
mod files_server;
mod first_login;
mod fuzz;
mod generated;
mod golden;
mod hardening;
mod hosted;
mod http;
mod http_clients;
mod http_hardening;
mod invoke;
mod mcp;
mod migrate;
mod ops;
mod qr;
mod reliability;
mod requests;
mod sandbox;
mod sandbox_contacts;
mod sandbox_dc;
mod sandbox_dialogs;
mod sandbox_lookups;
mod sandbox_messages;
mod sandbox_protocol;
mod sandbox_send;
mod sandbox_sent;
mod sandbox_support;
mod sdk;
mod telethon;
mod unknown_outcome;
mod web_setup;
mod web_setup_browser;
