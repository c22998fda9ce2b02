//! `tgmcp read`: one chat's messages as a chat view, oldest first, with ids; optionally
//! marking them read.

use std::io::{self, IsTerminal};

use crate::cli::ReadArgs;
use crate::error::{ExitCode, Result};
use crate::telegram::{ChatSearch, MarkRead, Message};

use super::Context;
use super::chats::clean;
use super::output;

const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub async fn run(ctx: &Context, args: ReadArgs) -> Result<ExitCode> {
    let limit = args.limit as usize;
    let tg = ctx.connect_logged_in(CALL_TIMEOUT)?;
    let result = async {
        let messages = if args.unread {
            tg.unread_messages(&args.chat, limit).await?
        } else {
            let page = tg
                .chat_view(ChatSearch {
                    chat: args.chat.clone(),
                    limit,
                    topic_id: args.topic,
                    ..ChatSearch::default()
                })
                .await?;
            let mut messages = page.messages;
            messages.reverse();
            messages
        };
        if args.mark_read
            && let Some(newest) = messages.iter().map(|m| m.id).max()
        {
            // Every unread message was shown: read it all, mentions and reactions too.
            let all_shown = args.unread && messages.len() < limit;
            tg.mark_read(MarkRead {
                chat: args.chat.clone(),
                max_id: (!all_shown).then_some(newest),
                topic_id: args.topic,
            })
            .await?;
        }
        Ok(messages)
    }
    .await;
    super::finish(tg, &result).await;
    let messages = result.map_err(|e| super::send::naming(e, &[args.chat.as_str()]))?;
    if args.jsonl {
        messages.iter().for_each(output::json);
    } else if ctx.global.json {
        let value = serde_json::json!({ "messages": messages });
        if io::stdout().is_terminal() {
            output::json_pretty(&value);
        } else {
            output::json(&value);
        }
    } else {
        for m in &messages {
            output::line(&chat_line(m, !args.unread));
        }
    }
    if messages.is_empty() && io::stderr().is_terminal() && !ctx.global.quiet {
        eprintln!(
            "tgmcp: {}",
            if args.unread {
                "nothing unread there"
            } else {
                "no messages"
            }
        );
    }
    Ok(ExitCode::Ok)
}

/// `#12  2024-05-01 10:00  Bob Builder: text` (`you` for the account's own messages;
/// `Bob Builder (unread):` with `flag_unread`, pointless when every line is unread).
fn chat_line(m: &Message, flag_unread: bool) -> String {
    let date: String = m.date.replacen('T', " ", 1).chars().take(16).collect();
    let who = if m.out {
        "you".to_owned()
    } else {
        m.sender
            .as_ref()
            .map(|s| clean(&s.title))
            .unwrap_or_else(|| clean(&m.chat.title))
    };
    let mut line = format!("#{}  {date}  {who}", m.id);
    if let Some(reply) = m.reply_to_msg_id {
        line.push_str(&format!(" (reply to #{reply})"));
    }
    if let Some(from) = &m.forwarded_from {
        line.push_str(&format!(" (forwarded from {})", clean(&from.title)));
    }
    if m.pinned {
        line.push_str(" (pinned)");
    }
    if m.unread && flag_unread {
        line.push_str(" (unread)");
    }
    line.push_str(": ");
    if let Some(media) = &m.media {
        line.push_str(&format!("[{}] ", media.kind));
    }
    line.push_str(&clean(&m.text));
    line.trim_end().to_owned()
}
