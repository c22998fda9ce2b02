//! `tgmcp watch [CHAT…] [--jsonl] [--timeout S] [--count N]`: new messages as they
//! arrive, one line each, for people and for `while read` loops.
//!
//! Its own connection keeps Telegram's updates; the session file is shared safely with a
//! `serve` on the same profile. A message printed is never printed again, and a dropped
//! connection loses none (the core fills the gap with getDifference).

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use super::Context;
use super::send::naming;
use crate::cli::WatchArgs;
use crate::error::{Error, ExitCode, Result};
use crate::telegram::{ConnectOptions, Message, Telegram};

const CALL_TIMEOUT: Duration = Duration::from_secs(30);

pub async fn run(ctx: &Context, args: WatchArgs) -> Result<ExitCode> {
    let session = ctx.open_session()?;
    let tg = Telegram::open(
        session,
        ConnectOptions {
            api_id: super::send::api_id(ctx)?,
            timeout: CALL_TIMEOUT,
            updates: true,
            ..ConnectOptions::default()
        },
    );
    let jsonl = args.jsonl || ctx.global.json;
    let result = watch(&tg, &args, jsonl, ctx.global.quiet).await;
    super::finish(tg, &result).await;
    let chats: Vec<&str> = args.chats.iter().map(String::as_str).collect();
    result.map_err(|e| naming(e, &chats))
}

async fn watch(tg: &Telegram, args: &WatchArgs, jsonl: bool, quiet: bool) -> Result<ExitCode> {
    let mut only = HashSet::new();
    for chat in &args.chats {
        only.insert(tg.chat_id_of(chat).await?);
    }
    let mut messages = tg.new_messages().await?;
    if std::io::stderr().is_terminal() && !quiet {
        eprintln!("Watching for new messages; Ctrl-C stops.");
    }
    let deadline = args
        .timeout
        .map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    let timeout = async {
        match deadline {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(timeout);
    let stop = super::shutdown_signal();
    tokio::pin!(stop);
    let mut printed = 0u64;
    loop {
        let batch = tokio::select! {
            batch = messages.next() => batch?,
            () = &mut timeout => break,
            () = &mut stop => return Err(Error::Interrupted),
        };
        for message in batch {
            if !only.is_empty() && !only.contains(&message.chat.id) {
                continue;
            }
            if !print(&message, jsonl) {
                // The reader went away (`| head -1`): it has what it wanted.
                return Ok(ExitCode::Ok);
            }
            printed += 1;
            if args.count.is_some_and(|count| printed >= count) {
                return Ok(ExitCode::Ok);
            }
        }
    }
    Ok(if printed == 0 {
        ExitCode::Failed
    } else {
        ExitCode::Ok
    })
}

/// Writes one message; `false` once stdout is closed.
fn print(message: &Message, jsonl: bool) -> bool {
    let line = if jsonl {
        serde_json::to_string(message).unwrap_or_default()
    } else {
        human(message)
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) => {
            super::output::failed(&e);
            false
        }
    }
}

/// `2024-05-01T10:00:00Z Bob Builder #52 Bob Builder: text` on one line.
fn human(message: &Message) -> String {
    let sender = message
        .sender
        .as_ref()
        .map(|s| s.title.as_str())
        .filter(|title| !title.is_empty())
        .unwrap_or(if message.out { "you" } else { "?" });
    let chat = if message.chat.title.is_empty() {
        message.chat.id.to_string()
    } else {
        message.chat.title.clone()
    };
    let text: String = message
        .text
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    format!("{} {chat} #{} {sender}: {text}", message.date, message.id)
}
