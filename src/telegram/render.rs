//! Telegram's answers (raw TL) into the output model. Working from the raw types rather
//! than grammers' wrappers keeps one mapping in one place, and grammers' high-level API
//! moves between releases while the TL does not.

use std::collections::HashMap;

use grammers_session::types::PeerId;
use grammers_tl_types as tl;

use super::dates::iso;
use super::model::{ChatType, Entity, Media, Message, full_name};

/// A peer's marked id (user `123`, basic group `-123`, channel `-100123`).
pub fn marked_id(peer: &tl::enums::Peer) -> i64 {
    PeerId::from(peer).bot_api_dialog_id_unchecked()
}

pub fn user_entity(user: &tl::types::User) -> Entity {
    Entity {
        id: user.id,
        kind: ChatType::Private,
        title: full_name(user.first_name.as_deref(), user.last_name.as_deref()),
        username: user.username.clone(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        bot: user.bot,
        members_count: None,
        subscribers_count: None,
        unread_count: None,
    }
}

/// `None` for empty or forbidden chats (nothing useful to show).
pub fn chat_entity(chat: &tl::enums::Chat) -> Option<Entity> {
    let entity = |id: PeerId, kind, title: &str, username: Option<&String>, members| Entity {
        id: id.bot_api_dialog_id_unchecked(),
        kind,
        title: title.to_owned(),
        username: username.cloned(),
        first_name: None,
        last_name: None,
        bot: false,
        members_count: members,
        // As fast-mcp-telegram names it for broadcast channels.
        subscribers_count: members.filter(|_| kind == ChatType::Channel),
        unread_count: None,
    };
    match chat {
        tl::enums::Chat::Chat(c) => Some(entity(
            PeerId::chat_unchecked(c.id),
            ChatType::Group,
            &c.title,
            None,
            Some(c.participants_count),
        )),
        tl::enums::Chat::Channel(c) => Some(entity(
            PeerId::channel_unchecked(c.id),
            if c.broadcast {
                ChatType::Channel
            } else {
                ChatType::Group
            },
            &c.title,
            c.username.as_ref(),
            c.participants_count,
        )),
        tl::enums::Chat::Forbidden(c) => Some(entity(
            PeerId::chat_unchecked(c.id),
            ChatType::Group,
            &c.title,
            None,
            None,
        )),
        tl::enums::Chat::ChannelForbidden(c) => Some(entity(
            PeerId::channel_unchecked(c.id),
            if c.broadcast {
                ChatType::Channel
            } else {
                ChatType::Group
            },
            &c.title,
            None,
            None,
        )),
        _ => None,
    }
}

/// The users and chats an answer carried, by marked id: everything needed to render the
/// messages and peers in it.
#[derive(Default)]
pub struct Peers {
    by_id: HashMap<i64, Entity>,
    /// The account's own user, whose chat with itself is Saved Messages.
    own_id: Option<i64>,
}

impl Peers {
    pub fn new(users: &[tl::enums::User], chats: &[tl::enums::Chat]) -> Self {
        let mut by_id = HashMap::with_capacity(users.len() + chats.len());
        let mut own_id = None;
        for user in users {
            if let tl::enums::User::User(u) = user {
                by_id.insert(u.id, user_entity(u));
                if u.is_self {
                    own_id = Some(u.id);
                }
            }
        }
        for chat in chats {
            if let Some(entity) = chat_entity(chat) {
                by_id.insert(entity.id, entity);
            }
        }
        Self { by_id, own_id }
    }

    /// The chat a message is in: as [`Peers::entity`], with the account's chat with
    /// itself titled "Saved Messages", as Telegram's apps show it.
    fn chat(&self, peer: &tl::enums::Peer) -> Entity {
        let mut chat = self.entity(peer);
        if matches!(peer, tl::enums::Peer::User(_)) && Some(chat.id) == self.own_id {
            chat.title = "Saved Messages".to_owned();
        }
        chat
    }

    /// The entity for `peer`; a bare one if the answer did not describe it.
    pub fn entity(&self, peer: &tl::enums::Peer) -> Entity {
        let id = marked_id(peer);
        self.by_id.get(&id).cloned().unwrap_or_else(|| Entity {
            id,
            kind: match peer {
                tl::enums::Peer::User(_) => ChatType::Private,
                tl::enums::Peer::Chat(_) => ChatType::Group,
                tl::enums::Peer::Channel(_) => ChatType::Channel,
            },
            title: String::new(),
            username: None,
            first_name: None,
            last_name: None,
            bot: false,
            members_count: None,
            subscribers_count: None,
            unread_count: None,
        })
    }
}

/// Renders a message; `None` for `messageEmpty` (deleted or never existed).
pub fn message(raw: &tl::enums::Message, peers: &Peers) -> Option<Message> {
    match raw {
        tl::enums::Message::Empty(_) => None,
        tl::enums::Message::Message(m) => {
            let chat = peers.chat(&m.peer_id);
            // Incoming private messages may omit from_id: the chat is the sender. A
            // channel's post without from_id is signed by the channel, as its apps show.
            let sender = m.from_id.as_ref().map(|p| peers.entity(p)).or_else(|| {
                let private = !m.out && matches!(m.peer_id, tl::enums::Peer::User(_));
                (private || m.post).then(|| chat.clone())
            });
            Some(Message {
                id: m.id,
                link: link(&chat, m.id),
                date: iso(m.date),
                text: super::markdown::to_markdown(
                    &m.message,
                    m.entities.as_deref().unwrap_or_default(),
                ),
                sender,
                out: m.out,
                reply_to_msg_id: match &m.reply_to {
                    Some(tl::enums::MessageReplyHeader::Header(h)) => h.reply_to_msg_id,
                    _ => None,
                },
                edit_date: m.edit_date.map(iso),
                media: m.media.as_ref().and_then(media),
                chat,
                reactions: m
                    .reactions
                    .as_ref()
                    .map(super::actions::reactions)
                    .unwrap_or_default(),
                forwarded_from: m.fwd_from.as_ref().and_then(|f| forwarded_from(f, peers)),
                pinned: m.pinned,
                mentioned: m.mentioned,
                topic_id: topic_id(m.reply_to.as_ref()),
                service: false,
                unread: false,
            })
        }
        tl::enums::Message::Service(m) => {
            let chat = peers.chat(&m.peer_id);
            // In a broadcast channel a service message names no sender: the channel
            // did it ("Tech Digest pinned #3"), as Telegram's apps show.
            let sender = m.from_id.as_ref().map(|p| peers.entity(p)).or_else(|| {
                (m.post && matches!(m.peer_id, tl::enums::Peer::Channel(_))).then(|| chat.clone())
            });
            let reply_to = match &m.reply_to {
                Some(tl::enums::MessageReplyHeader::Header(h)) => h.reply_to_msg_id,
                _ => None,
            };
            Some(Message {
                id: m.id,
                link: None,
                date: iso(m.date),
                text: what_happened(&m.action, sender.as_ref(), reply_to, peers),
                sender,
                out: m.out,
                reply_to_msg_id: reply_to,
                edit_date: None,
                media: None,
                chat,
                reactions: Vec::new(),
                forwarded_from: None,
                pinned: false,
                mentioned: m.mentioned,
                topic_id: topic_id(m.reply_to.as_ref()),
                service: true,
                unread: false,
            })
        }
    }
}

/// `messageActionChatAddUser` → `service: chat add user`: enough for a model to follow.
fn action_name(action: &tl::enums::MessageAction) -> String {
    use tl::Serializable;
    let bytes = action.to_bytes();
    let id = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let name = tl::name_for_id(id).trim_start_matches("messageAction");
    let mut words = String::from("service:");
    for c in name.chars() {
        if c.is_uppercase() {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// A service message as what happened: "Carol Chen joined", "Alex pinned #12",
/// "Bob changed the title to …"; other actions by their TL name.
fn what_happened(
    action: &tl::enums::MessageAction,
    sender: Option<&Entity>,
    reply_to: Option<i32>,
    peers: &Peers,
) -> String {
    use tl::enums::MessageAction as A;
    let who = sender.map_or("Someone", |s| s.title.as_str()).to_owned();
    let name = |id: i64| {
        let title = peers
            .entity(&tl::types::PeerUser { user_id: id }.into())
            .title;
        if title.is_empty() {
            format!("user {id}")
        } else {
            title
        }
    };
    match action {
        A::PinMessage => match reply_to {
            Some(id) => format!("{who} pinned #{id}"),
            None => format!("{who} pinned a message"),
        },
        A::ChatAddUser(a) if a.users.len() == 1 && sender.is_some_and(|s| s.id == a.users[0]) => {
            format!("{who} joined")
        }
        A::ChatAddUser(a) => {
            let names: Vec<String> = a.users.iter().map(|&id| name(id)).collect();
            format!("{who} added {}", names.join(", "))
        }
        A::ChatJoinedByLink(_) | A::ChatJoinedByRequest => format!("{who} joined"),
        A::ChatDeleteUser(d) if sender.is_some_and(|s| s.id == d.user_id) => format!("{who} left"),
        A::ChatDeleteUser(d) => format!("{who} removed {}", name(d.user_id)),
        A::ChatEditTitle(t) => format!("{who} changed the title to {:?}", t.title),
        A::ChatEditPhoto(_) => format!("{who} changed the photo"),
        A::ChatCreate(c) => format!("{who} created the group {:?}", c.title),
        A::ChannelCreate(c) => format!("{who} created the channel {:?}", c.title),
        other => format!("[{}]", action_name(other)),
    }
}

/// Who a forwarded message came from.
fn forwarded_from(header: &tl::enums::MessageFwdHeader, peers: &Peers) -> Option<Entity> {
    let tl::enums::MessageFwdHeader::Header(h) = header;
    match (&h.from_id, &h.from_name) {
        (Some(peer), _) => Some(peers.entity(peer)),
        (None, Some(name)) => Some(Entity {
            id: 0,
            kind: ChatType::Private,
            title: name.clone(),
            username: None,
            first_name: None,
            last_name: None,
            bot: false,
            members_count: None,
            subscribers_count: None,
            unread_count: None,
        }),
        (None, None) => None,
    }
}

/// The forum topic a message belongs to, from its reply header.
fn topic_id(reply_to: Option<&tl::enums::MessageReplyHeader>) -> Option<i32> {
    match reply_to {
        Some(tl::enums::MessageReplyHeader::Header(h)) if h.forum_topic => {
            h.reply_to_top_id.or(h.reply_to_msg_id)
        }
        _ => None,
    }
}

/// A t.me link to the message, for channels and supergroups (public ones by username,
/// private ones by the `c/` form that works for members). Private chats have none.
fn link(chat: &Entity, id: i32) -> Option<String> {
    if chat.kind == ChatType::Private || chat.id > -1_000_000_000_000 {
        return None;
    }
    Some(match &chat.username {
        Some(username) => format!("https://t.me/{username}/{id}"),
        None => format!("https://t.me/c/{}/{id}", -chat.id - 1_000_000_000_000),
    })
}

fn media(raw: &tl::enums::MessageMedia) -> Option<Media> {
    let plain = |kind: &str| Media {
        kind: kind.to_owned(),
        file_name: None,
        size: None,
        mime_type: None,
    };
    Some(match raw {
        tl::enums::MessageMedia::Empty => return None,
        tl::enums::MessageMedia::Photo(_) => plain("photo"),
        tl::enums::MessageMedia::Document(d) => match &d.document {
            Some(tl::enums::Document::Document(doc)) => document(doc, d.voice, d.round || d.video),
            _ => plain("document"),
        },
        tl::enums::MessageMedia::Contact(_) => plain("contact"),
        tl::enums::MessageMedia::Geo(_)
        | tl::enums::MessageMedia::GeoLive(_)
        | tl::enums::MessageMedia::Venue(_) => plain("location"),
        tl::enums::MessageMedia::Poll(_) => plain("poll"),
        tl::enums::MessageMedia::WebPage(_) => plain("webpage"),
        _ => plain("other"),
    })
}

fn document(doc: &tl::types::Document, voice: bool, video: bool) -> Media {
    let mut file_name = None;
    let mut kind = if voice {
        "voice"
    } else if video {
        "video"
    } else {
        "document"
    };
    for attribute in &doc.attributes {
        match attribute {
            tl::enums::DocumentAttribute::Filename(f) => file_name = Some(f.file_name.clone()),
            tl::enums::DocumentAttribute::Sticker(_) => kind = "sticker",
            tl::enums::DocumentAttribute::Video(_) if kind == "document" => kind = "video",
            tl::enums::DocumentAttribute::Audio(a) if kind == "document" => {
                kind = if a.voice { "voice" } else { "audio" };
            }
            _ => {}
        }
    }
    Media {
        kind: kind.to_owned(),
        file_name,
        size: Some(doc.size),
        mime_type: Some(doc.mime_type.clone()),
    }
}

/// The parts of any `messages.Messages` answer.
pub struct MessagesPage {
    pub messages: Vec<tl::enums::Message>,
    pub users: Vec<tl::enums::User>,
    pub chats: Vec<tl::enums::Chat>,
    /// How many match in all, when Telegram says.
    pub count: Option<i32>,
}

impl From<tl::enums::messages::Messages> for MessagesPage {
    fn from(answer: tl::enums::messages::Messages) -> Self {
        use tl::enums::messages::Messages as M;
        let (messages, users, chats, count) = match answer {
            M::Messages(m) => {
                let count = m.messages.len() as i32;
                (m.messages, m.users, m.chats, Some(count))
            }
            M::Slice(m) => (m.messages, m.users, m.chats, Some(m.count)),
            M::ChannelMessages(m) => (m.messages, m.users, m.chats, Some(m.count)),
            M::NotModified(_) => (Vec::new(), Vec::new(), Vec::new(), None),
        };
        Self {
            messages,
            users,
            chats,
            count,
        }
    }
}
