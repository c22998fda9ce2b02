//! `tgmcp chats`: the chat list at a terminal, or only the chats with unread messages.

use std::io::{self, IsTerminal};

use crate::cli::{ChatsArgs, SearchChatType};
use crate::error::{ExitCode, Result};
use crate::telegram::{ChatType, Entity, FindChats, GetUnread};

use super::Context;
use super::output;

const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// One row of the table: the chat, and what `--unread` knows about it.
struct Row<'a> {
    chat: &'a Entity,
    unread: Option<i32>,
    last: Option<&'a str>,
}

pub async fn run(ctx: &Context, args: ChatsArgs) -> Result<ExitCode> {
    let chat_type = args.chat_type.map(|kind| match kind {
        SearchChatType::Private => ChatType::Private,
        SearchChatType::Group => ChatType::Group,
        SearchChatType::Channel => ChatType::Channel,
    });
    let limit = (args.limit as usize).min(crate::telegram::unread::MAX_UNREAD_CHATS);
    let tg = ctx.connect_logged_in(CALL_TIMEOUT)?;
    if args.unread {
        let request = GetUnread {
            include_messages: false,
            chat_limit: limit,
            include_muted: true,
            include_archived: true,
            chat_type,
            ..GetUnread::default()
        };
        let result = tg.get_unread(request).await;
        super::finish(tg, &result).await;
        let unread = result?;
        if args.jsonl {
            unread.chats.iter().for_each(output::json);
        } else if ctx.global.json {
            print_json(&unread);
        } else {
            let rows: Vec<Row> = unread
                .chats
                .iter()
                .map(|c| Row {
                    chat: &c.chat,
                    unread: Some(c.unread_count),
                    last: c.last_message_date.as_deref(),
                })
                .collect();
            table(&rows);
            if unread.chats.is_empty() && io::stderr().is_terminal() && !ctx.global.quiet {
                eprintln!("tgmcp: nothing unread");
            }
        }
        return Ok(ExitCode::Ok);
    }
    let request = FindChats {
        query: args.query.clone(),
        limit,
        chat_type,
    };
    let result = tg.find_chats(request).await;
    super::finish(tg, &result).await;
    let list = result?;
    if args.jsonl {
        list.chats.iter().for_each(output::json);
    } else if ctx.global.json {
        print_json(&list);
    } else {
        let rows: Vec<Row> = list
            .chats
            .iter()
            .map(|c| Row {
                chat: c,
                unread: c.unread_count,
                last: None,
            })
            .collect();
        table(&rows);
    }
    if list.chats.is_empty() {
        if io::stderr().is_terminal() && !ctx.global.quiet {
            eprintln!("tgmcp: no chats found");
        }
        return Ok(ExitCode::Failed);
    }
    Ok(ExitCode::Ok)
}

fn print_json<T: serde::Serialize>(value: &T) {
    if io::stdout().is_terminal() {
        output::json_pretty(value);
    } else {
        output::json(value);
    }
}

/// `ID  TYPE  TITLE  USERNAME  UNREAD  LAST`, aligned; control characters shown as spaces.
fn table(rows: &[Row]) {
    if rows.is_empty() {
        return;
    }
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.chat.id.to_string(),
                kind(r.chat).to_owned(),
                clean(&r.chat.title),
                r.chat
                    .username
                    .as_deref()
                    .map(|u| format!("@{}", clean(u)))
                    .unwrap_or_default(),
                r.unread.map(|n| n.to_string()).unwrap_or_default(),
                r.last.map(short_date).unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["ID", "TYPE", "TITLE", "USERNAME", "UNREAD", "LAST"];
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 6]| {
        let mut text = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = w.saturating_sub(cell.chars().count());
            if i == 4 {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            }
        }
        text.trim_end().to_owned()
    };
    output::line(&line(&header.map(str::to_owned)));
    for row in &cells {
        output::line(&line(row));
    }
}

fn kind(entity: &Entity) -> &'static str {
    match (entity.kind, entity.bot) {
        (ChatType::Private, true) => "bot",
        (ChatType::Private, false) => "private",
        (ChatType::Group, _) => "group",
        (ChatType::Channel, _) => "channel",
    }
}

/// `2024-05-01T10:00:00Z` → `2024-05-01 10:00`.
fn short_date(iso: &str) -> String {
    iso.replacen('T', " ", 1).chars().take(16).collect()
}

pub(super) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
