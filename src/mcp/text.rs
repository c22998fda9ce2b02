//! Short text renderings of tool results, for MCP clients that show a model only the
//! text content. Every id a model needs to act next (chat id, message id, cursor) is in
//! the text, so nothing requires the structured content.

use std::fmt::Write as _;

use crate::telegram::{
    ChatInfo, ChatList, ChatType, Entity, Message, PhoneSendResult, ReadResult, SearchPage,
    SendResult,
};

pub fn search_page(page: &SearchPage) -> String {
    let mut out = match (page.messages.len(), page.total) {
        (0, _) => "No messages found.".to_owned(),
        (n, Some(total)) => format!(
            "{n} of {total} {}:",
            plural(usize::try_from(total).unwrap_or(0), "message")
        ),
        (n, None) => format!("{n} {}:", plural(n, "message")),
    };
    for message in &page.messages {
        out.push('\n');
        out.push_str(&message_line(message));
    }
    if let Some(cursor) = page.cursor.as_deref().filter(|_| page.has_more) {
        let _ = write!(out, "\nMore results: pass cursor \"{cursor}\".");
    }
    out
}

pub fn read_result(read: &ReadResult) -> String {
    let mut out = String::new();
    for message in &read.messages {
        out.push_str(&message_line(message));
        out.push('\n');
    }
    if !read.missing.is_empty() {
        let _ = write!(out, "Not found: {}.", join_ids(&read.missing));
    }
    let out = out.trim_end();
    if out.is_empty() {
        "No messages.".to_owned()
    } else {
        out.to_owned()
    }
}

pub fn send_result(sent: &SendResult) -> String {
    if sent.draft {
        return "Saved as a draft in the chat, not sent: the user sees it in their Telegram app and sends it themselves.".into();
    }
    let to = sent
        .messages
        .first()
        .map(|m| format!(" to {}", entity_ref(&m.chat)))
        .unwrap_or_default();
    let comment = sent
        .comment_on
        .as_ref()
        .map(|on| {
            format!(
                " as a comment on post {} of {}",
                on.post_id,
                entity_ref(&on.chat)
            )
        })
        .unwrap_or_default();
    match sent.message_ids.as_slice() {
        [id] => format!("Sent message {id}{to}{comment}."),
        ids => format!(
            "Sent {} messages{to}{comment} (ids {}).",
            ids.len(),
            join_ids(ids)
        ),
    }
}

pub fn edited(message: &Message) -> String {
    format!(
        "Edited message {} in {}:\n{}",
        message.id,
        entity_ref(&message.chat),
        message.text
    )
}

pub fn chat_list(list: &ChatList) -> String {
    if list.chats.is_empty() {
        return "No chats found.".to_owned();
    }
    list.chats
        .iter()
        .map(entity_line)
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn chat_info(info: &ChatInfo) -> String {
    let mut out = entity_line(&info.chat);
    if let Some(about) = &info.about {
        let _ = write!(out, "\nAbout: {about}");
    }
    if let Some(status) = &info.status {
        let _ = write!(out, "\nStatus: {status}");
    }
    if let Some(last_seen) = &info.last_seen {
        let _ = write!(out, "\nLast seen: {last_seen}");
    }
    if let Some(online) = info.online_count {
        let _ = write!(out, "\nOnline: {online}");
    }
    if let Some(unread) = info.unread_count {
        let _ = write!(out, "\nUnread: {unread}");
    }
    if let Some(common) = info.common_chats_count {
        let _ = write!(out, "\nGroups in common: {common}");
    }
    let _ = write!(
        out,
        "\nCan write: {}",
        if info.can_write { "yes" } else { "no" }
    );
    if let Some(link) = &info.link {
        let _ = write!(out, "\nLink: {link}");
    }
    out
}

pub fn phone_send(sent: &PhoneSendResult) -> String {
    let what = match sent.message_ids.as_slice() {
        [id] => format!("Sent message {id}"),
        ids => format!("Sent {} messages (ids {})", ids.len(), join_ids(ids)),
    };
    let contact = if sent.contact_removed {
        "; the contact added for it was removed again"
    } else {
        ""
    };
    format!("{what} to {}{contact}.", entity_ref(&sent.user))
}

/// `#12 in Rust Berlin (-1001900000003), 2024-05-01T10:00:00Z, Bob Builder: text`
fn message_line(message: &Message) -> String {
    let mut line = format!(
        "#{} in {}, {}",
        message.id,
        entity_ref(&message.chat),
        message.date
    );
    match (&message.sender, message.out) {
        (_, true) => line.push_str(", you"),
        // In a private chat the other person is the chat, named already.
        (Some(sender), false) if sender.id != message.chat.id => {
            let _ = write!(line, ", {}", sender_ref(sender));
        }
        _ => {}
    }
    if let Some(reply_to) = message.reply_to_msg_id {
        let _ = write!(line, ", reply to #{reply_to}");
    }
    if message.edit_date.is_some() {
        line.push_str(", edited");
    }
    if let Some(from) = &message.forwarded_from {
        let _ = write!(line, ", forwarded from {}", from.title);
    }
    if let Some(topic) = message.topic_id {
        let _ = write!(line, ", topic #{topic}");
    }
    if message.pinned {
        line.push_str(", pinned");
    }
    if message.mentioned {
        line.push_str(", mentions you");
    }
    if message.unread {
        line.push_str(", unread");
    }
    if !message.reactions.is_empty() {
        let _ = write!(line, ", reactions {}", reactions_text(&message.reactions));
    }
    line.push_str(": ");
    if let Some(media) = &message.media {
        let _ = write!(line, "[{}", media.kind);
        if let Some(name) = &media.file_name {
            let _ = write!(line, " {name}");
        }
        line.push_str("] ");
    }
    line.push_str(&message.text);
    line.trim_end().to_owned()
}

/// `Bob Builder @bob_builder (7000000002), private, 3 unread`
fn entity_line(entity: &Entity) -> String {
    let mut line = format!("{}, {}", entity_ref(entity), kind_name(entity));
    if let Some(members) = entity.members_count {
        let _ = write!(line, ", {members} members");
    }
    if let Some(unread) = entity.unread_count.filter(|n| *n > 0) {
        let _ = write!(line, ", {unread} unread");
    }
    line
}

/// `Rust Berlin @rust_berlin (-1001900000003)`: the name and the id to pass back.
fn entity_ref(entity: &Entity) -> String {
    match &entity.username {
        Some(username) => format!("{} @{username} ({})", entity.title, entity.id),
        None => format!("{} ({})", entity.title, entity.id),
    }
}

/// A sender, shorter than [`entity_ref`]: the username is enough to tell people apart.
fn sender_ref(entity: &Entity) -> String {
    match &entity.username {
        Some(username) => format!("{} @{username}", entity.title),
        None => format!("{} ({})", entity.title, entity.id),
    }
}

fn kind_name(entity: &Entity) -> &'static str {
    match (entity.kind, entity.bot) {
        (ChatType::Private, true) => "bot",
        (ChatType::Private, false) => "private",
        (ChatType::Group, _) => "group",
        (ChatType::Channel, _) => "channel",
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

fn join_ids(ids: &[i32]) -> String {
    ids.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `3 chats with unread messages` then, per chat, its counts and its unread lines.
pub fn unread(unread: &crate::telegram::Unread) -> String {
    if unread.chats.is_empty() {
        return "Nothing unread.".to_owned();
    }
    let mut out = format!(
        "{} with unread messages:",
        plural(unread.chats.len(), "chat")
    );
    for chat in &unread.chats {
        let _ = write!(
            out,
            "\n\n{}: {} unread",
            entity_line(&chat.chat),
            chat.unread_count
        );
        if chat.unread_mentions > 0 {
            let _ = write!(out, ", {} mentions", chat.unread_mentions);
        }
        if chat.unread_reactions > 0 {
            let _ = write!(out, ", {} reactions", chat.unread_reactions);
        }
        for (flag, name) in [
            (chat.muted, "muted"),
            (chat.archived, "archived"),
            (chat.pinned, "pinned"),
        ] {
            if flag {
                let _ = write!(out, ", {name}");
            }
        }
        for message in &chat.messages {
            let _ = write!(out, "\n{}", message_line(message));
        }
        if chat.cut {
            out.push_str("\n(more unread)");
        }
    }
    if unread.cut {
        out.push_str("\n\nSome unread messages or chats were left out (raise the limits).");
    }
    out
}

pub fn marked_read(read: &crate::telegram::MarkedRead) -> String {
    let mut out = format!("Marked chat {}", read.chat_id);
    if let Some(topic) = read.topic_id {
        let _ = write!(out, " topic {topic}");
    }
    match read.max_id {
        Some(id) => {
            let _ = write!(out, " read up to #{id}.");
        }
        None => out.push_str(" read, mentions and reactions included."),
    }
    out
}

pub fn topic_list(list: &crate::telegram::TopicList) -> String {
    let mut out = format!(
        "{} in {}:",
        plural(list.topics.len(), "topic"),
        entity_ref(&list.chat)
    );
    for t in &list.topics {
        let _ = write!(out, "\n{} (topic_id {})", t.title, t.id);
        if t.unread_count > 0 {
            let _ = write!(out, ", {} unread", t.unread_count);
        }
        if t.unread_mentions > 0 {
            let _ = write!(out, ", {} mentions", t.unread_mentions);
        }
        if let Some(date) = &t.last_message_date {
            let _ = write!(out, ", last {date}");
        }
    }
    out
}

/// `wait_for_messages`: the new messages, oldest first.
pub fn new_messages(page: &crate::telegram::NewMessagesPage) -> String {
    let mut out = match page.messages.len() {
        0 => "No new messages.".to_owned(),
        n => format!("{n} new {}:", plural(n, "message")),
    };
    for message in &page.messages {
        out.push('\n');
        out.push_str(&message_line(message));
    }
    out
}

pub fn forwarded(sent: &crate::telegram::SendResult) -> String {
    let to = sent
        .messages
        .first()
        .map(|m| format!(" to {}", entity_ref(&m.chat)))
        .unwrap_or_default();
    format!(
        "Forwarded {} {}{to} (new ids {}).",
        sent.message_ids.len(),
        plural(sent.message_ids.len(), "message"),
        join_ids(&sent.message_ids)
    )
}

pub fn deleted(result: &crate::telegram::DeleteResult) -> String {
    let whom = if result.for_everyone {
        "for everyone"
    } else {
        "for the user only"
    };
    format!(
        "Deleted {} {} {whom}.",
        result.deleted,
        plural(usize::try_from(result.deleted).unwrap_or(0), "message")
    )
}

pub fn pinned(result: &crate::telegram::PinResult) -> String {
    if result.pinned {
        format!("Pinned message {}.", result.message_id)
    } else {
        format!("Unpinned message {}.", result.message_id)
    }
}

pub fn reacted(result: &crate::telegram::ReactionResult) -> String {
    let reactions = reactions_text(&result.reactions);
    if reactions.is_empty() {
        format!("Message {} has no reactions now.", result.message_id)
    } else {
        format!("Message {} reactions: {reactions}.", result.message_id)
    }
}

/// `👍 2 (mine), 🔥 1`.
fn reactions_text(reactions: &[crate::telegram::Reaction]) -> String {
    reactions
        .iter()
        .map(|r| {
            let mine = if r.mine { " (mine)" } else { "" };
            format!("{} {}{mine}", r.emoji, r.count)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: i64, kind: ChatType, title: &str, username: Option<&str>) -> Entity {
        Entity {
            id,
            kind,
            title: title.into(),
            username: username.map(Into::into),
            first_name: None,
            last_name: None,
            bot: false,
            members_count: None,
            subscribers_count: None,
            unread_count: None,
        }
    }

    fn message(id: i32, text: &str) -> Message {
        Message {
            id,
            chat: entity(
                -1001900000003,
                ChatType::Group,
                "Rust Berlin",
                Some("rust_berlin"),
            ),
            date: "2024-05-01T10:00:00Z".into(),
            text: text.into(),
            sender: Some(entity(
                7000000002,
                ChatType::Private,
                "Bob Builder",
                Some("bob_builder"),
            )),
            out: false,
            reply_to_msg_id: Some(3),
            edit_date: None,
            media: None,
            link: None,
            reactions: Vec::new(),
            forwarded_from: None,
            pinned: false,
            mentioned: false,
            topic_id: None,
            service: false,
            unread: false,
        }
    }

    #[test]
    fn search_pages_name_chats_ids_and_the_cursor() {
        let page = SearchPage {
            messages: vec![message(12, "Slides are up")],
            has_more: true,
            cursor: Some("abc".into()),
            total: None,
        };
        assert_eq!(
            search_page(&page),
            "1 message:\n#12 in Rust Berlin @rust_berlin (-1001900000003), 2024-05-01T10:00:00Z, \
             Bob Builder @bob_builder, reply to #3: Slides are up\nMore results: pass cursor \"abc\"."
        );
        let empty = SearchPage {
            messages: vec![],
            has_more: false,
            cursor: None,
            total: None,
        };
        assert_eq!(search_page(&empty), "No messages found.");
    }

    #[test]
    fn reads_report_missing_ids() {
        let read = ReadResult {
            messages: vec![message(1, "hi")],
            missing: vec![7, 9],
        };
        assert!(read_result(&read).ends_with("\nNot found: 7, 9."));
    }

    #[test]
    fn sends_list_every_part() {
        let mut first = message(41, "a");
        first.out = true;
        let sent = SendResult {
            message_ids: vec![41, 42],
            messages: vec![first],
            draft: false,
            comment_on: None,
        };
        assert_eq!(
            send_result(&sent),
            "Sent 2 messages to Rust Berlin @rust_berlin (-1001900000003) (ids 41, 42)."
        );
    }

    #[test]
    fn chats_show_kind_and_id() {
        let mut bot = entity(
            7000000006,
            ChatType::Private,
            "Deploy Bot",
            Some("deploy_bot"),
        );
        bot.bot = true;
        let list = ChatList {
            chats: vec![
                bot,
                entity(-4000000007, ChatType::Group, "Weekend hike", None),
            ],
        };
        assert_eq!(
            chat_list(&list),
            "Deploy Bot @deploy_bot (7000000006), bot\nWeekend hike (-4000000007), group"
        );
    }
}
