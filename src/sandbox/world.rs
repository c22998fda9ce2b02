//! The sandbox's in-memory Telegram: users, basic groups, supergroups, broadcast channels,
//! contacts and messages, plus the server-side login state bound to auth keys.
//!
//! Private chats and basic groups share one message-id sequence (Telegram numbers them
//! per account; with one sandbox "box" every account sees the same ids), while each
//! channel and supergroup has its own, as in Telegram.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use grammers_tl_types as tl;

use super::crypto::random_i64;
use super::srp::{PasswordRecord, SrpSession};

/// Where a message lives (or a dialog is), in Telegram's three kinds of peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Peer {
    User(i64),
    Chat(i64),
    Channel(i64),
}

pub struct User {
    pub id: i64,
    pub access_hash: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// Digits only, as Telegram stores it.
    pub phone: Option<String>,
    pub bot: bool,
    pub verified: bool,
    pub about: Option<String>,
    pub contacts: BTreeSet<i64>,
    pub(crate) password: Option<PasswordRecord>,
}

/// A basic group.
pub struct Chat {
    pub id: i64,
    pub title: String,
    pub creator: i64,
    pub members: BTreeSet<i64>,
    pub date: i32,
}

/// A broadcast channel or a supergroup (`broadcast == false`).
pub struct Channel {
    pub id: i64,
    pub access_hash: i64,
    pub title: String,
    pub username: Option<String>,
    pub broadcast: bool,
    pub creator: i64,
    pub members: BTreeSet<i64>,
    pub about: Option<String>,
    pub date: i32,
    pub pts: i32,
    pub(crate) last_message_id: i32,
}

#[derive(Debug, Clone)]
pub enum Media {
    Photo {
        id: i64,
    },
    Document {
        id: i64,
        file_name: String,
        mime_type: String,
        size: i64,
    },
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: i32,
    /// The chat it was sent to: for a private message, the recipient.
    pub to: Peer,
    /// The sending user; `None` for a channel post.
    pub from: Option<i64>,
    pub date: i32,
    pub text: String,
    pub entities: Vec<tl::enums::MessageEntity>,
    pub reply_to: Option<i32>,
    pub media: Option<Media>,
    pub edit_date: Option<i32>,
}

impl Message {
    /// The dialog this message appears in for `viewer`.
    pub fn peer_for(&self, viewer: i64) -> Peer {
        match self.to {
            Peer::User(to) if to == viewer => Peer::User(self.from.unwrap_or(to)),
            other => other,
        }
    }

    pub fn is_out(&self, viewer: i64) -> bool {
        self.from == Some(viewer)
    }
}

/// A user to add to a world.
#[derive(Debug, Clone, Default)]
pub struct UserSpec {
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub phone: Option<String>,
    pub bot: bool,
    pub about: Option<String>,
    /// 2FA password and its hint.
    pub password: Option<(String, Option<String>)>,
}

impl UserSpec {
    pub fn new(first_name: &str) -> Self {
        Self {
            first_name: first_name.to_owned(),
            ..Self::default()
        }
    }
    pub fn last_name(mut self, v: &str) -> Self {
        self.last_name = Some(v.to_owned());
        self
    }
    pub fn username(mut self, v: &str) -> Self {
        self.username = Some(v.to_owned());
        self
    }
    pub fn phone(mut self, v: &str) -> Self {
        self.phone = Some(v.to_owned());
        self
    }
    pub fn bot(mut self) -> Self {
        self.bot = true;
        self
    }
    pub fn about(mut self, v: &str) -> Self {
        self.about = Some(v.to_owned());
        self
    }
    pub fn password(mut self, password: &str, hint: Option<&str>) -> Self {
        self.password = Some((password.to_owned(), hint.map(str::to_owned)));
        self
    }
}

/// A channel or supergroup to add to a world.
#[derive(Debug, Clone, Default)]
pub struct ChannelSpec {
    pub title: String,
    pub username: Option<String>,
    pub broadcast: bool,
    pub creator: i64,
    pub members: Vec<i64>,
    pub about: Option<String>,
}

/// A message to add to a world.
#[derive(Debug, Clone)]
pub struct MessageSpec {
    pub from: Option<i64>,
    pub to: Peer,
    pub text: String,
    /// Unix time; defaults to now.
    pub date: Option<i32>,
    pub reply_to: Option<i32>,
    pub entities: Vec<tl::enums::MessageEntity>,
    pub media: Option<Media>,
}

impl MessageSpec {
    pub fn new(from: i64, to: Peer, text: &str) -> Self {
        Self {
            from: Some(from),
            to,
            text: text.to_owned(),
            date: None,
            reply_to: None,
            entities: Vec::new(),
            media: None,
        }
    }
    pub fn at(mut self, date: i32) -> Self {
        self.date = Some(date);
        self
    }
    pub fn reply_to(mut self, id: i32) -> Self {
        self.reply_to = Some(id);
        self
    }
    pub fn media(mut self, media: Media) -> Self {
        self.media = Some(media);
        self
    }
    pub fn entities(mut self, entities: Vec<tl::enums::MessageEntity>) -> Self {
        self.entities = entities;
        self
    }
}

pub(crate) struct PendingCode {
    pub phone: String,
    pub code: String,
}

pub struct World {
    pub users: BTreeMap<i64, User>,
    pub chats: BTreeMap<i64, Chat>,
    pub channels: BTreeMap<i64, Channel>,
    /// Every message, in the order it was sent.
    pub messages: Vec<Message>,
    /// The code auth.sendCode "sends" (there is no SMS in a sandbox).
    pub login_code: String,
    /// pts of the common message box.
    pub pts: i32,
    last_common_message_id: i32,
    next_peer_id: i64,
    authorizations: HashMap<[u8; 8], i64>,
    /// Auth keys that passed the login code but still owe a 2FA password.
    pub(crate) awaiting_password: HashMap<[u8; 8], i64>,
    pub(crate) pending_codes: HashMap<String, PendingCode>,
    pub(crate) srp_sessions: HashMap<i64, SrpSession>,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) fn now() -> i32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i32)
        .unwrap_or(0)
}

/// Access hashes are secrets bound to a session in Telegram; here, random per peer.
fn access_hash() -> i64 {
    random_i64() & i64::MAX | 1
}

impl World {
    /// An empty world.
    pub fn new() -> Self {
        Self {
            users: BTreeMap::new(),
            chats: BTreeMap::new(),
            channels: BTreeMap::new(),
            messages: Vec::new(),
            login_code: "12345".to_owned(),
            pts: 1,
            last_common_message_id: 0,
            next_peer_id: 0,
            authorizations: HashMap::new(),
            awaiting_password: HashMap::new(),
            pending_codes: HashMap::new(),
            srp_sessions: HashMap::new(),
        }
    }

    fn next_id(&mut self, base: i64) -> i64 {
        self.next_peer_id += 1;
        base + self.next_peer_id
    }

    pub fn add_user(&mut self, spec: UserSpec) -> i64 {
        let id = self.next_id(7_000_000_000);
        let phone = spec
            .phone
            .map(|p| p.chars().filter(char::is_ascii_digit).collect());
        self.users.insert(
            id,
            User {
                id,
                access_hash: access_hash(),
                first_name: spec.first_name,
                last_name: spec.last_name,
                username: spec.username,
                phone,
                bot: spec.bot,
                verified: false,
                about: spec.about,
                contacts: BTreeSet::new(),
                password: spec
                    .password
                    .map(|(password, hint)| PasswordRecord::new(&password, hint)),
            },
        );
        id
    }

    /// Makes `contact` a contact of `owner` (one direction, as in Telegram).
    pub fn add_contact(&mut self, owner: i64, contact: i64) {
        if let Some(user) = self.users.get_mut(&owner) {
            user.contacts.insert(contact);
        }
    }

    /// Sets or replaces a user's 2FA password.
    pub fn set_password(&mut self, user: i64, password: &str, hint: Option<&str>) {
        if let Some(u) = self.users.get_mut(&user) {
            u.password = Some(PasswordRecord::new(password, hint.map(str::to_owned)));
        }
    }

    /// Adds a basic group.
    pub fn add_group(&mut self, title: &str, creator: i64, members: &[i64]) -> i64 {
        let id = self.next_id(4_000_000_000);
        let mut all: BTreeSet<i64> = members.iter().copied().collect();
        all.insert(creator);
        self.chats.insert(
            id,
            Chat {
                id,
                title: title.to_owned(),
                creator,
                members: all,
                date: now(),
            },
        );
        id
    }

    pub fn add_channel(&mut self, spec: ChannelSpec) -> i64 {
        let id = self.next_id(1_900_000_000);
        let mut members: BTreeSet<i64> = spec.members.into_iter().collect();
        members.insert(spec.creator);
        self.channels.insert(
            id,
            Channel {
                id,
                access_hash: access_hash(),
                title: spec.title,
                username: spec.username,
                broadcast: spec.broadcast,
                creator: spec.creator,
                members,
                about: spec.about,
                date: now(),
                pts: 1,
                last_message_id: 0,
            },
        );
        id
    }

    /// Stores a message and returns its id (per channel, or in the common box).
    pub fn add_message(&mut self, spec: MessageSpec) -> i32 {
        let id = match spec.to {
            Peer::Channel(channel) => match self.channels.get_mut(&channel) {
                Some(c) => {
                    c.last_message_id += 1;
                    c.pts += 1;
                    c.last_message_id
                }
                None => return 0,
            },
            Peer::User(_) | Peer::Chat(_) => {
                self.last_common_message_id += 1;
                self.pts += 1;
                self.last_common_message_id
            }
        };
        self.messages.push(Message {
            id,
            to: spec.to,
            from: spec.from,
            date: spec.date.unwrap_or_else(now),
            text: spec.text,
            entities: spec.entities,
            reply_to: spec.reply_to,
            media: spec.media,
            edit_date: None,
        });
        id
    }

    pub fn user_by_username(&self, username: &str) -> Option<&User> {
        self.users.values().find(|u| {
            u.username
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(username))
        })
    }

    pub fn channel_by_username(&self, username: &str) -> Option<&Channel> {
        self.channels.values().find(|c| {
            c.username
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(username))
        })
    }

    pub fn user_by_phone(&self, phone: &str) -> Option<&User> {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        self.users
            .values()
            .find(|u| u.phone.as_deref() == Some(digits.as_str()))
    }

    /// Whether `viewer` can see messages of `peer`.
    pub fn can_see(&self, viewer: i64, peer: Peer) -> bool {
        match peer {
            Peer::User(id) => self.users.contains_key(&id),
            Peer::Chat(id) => self
                .chats
                .get(&id)
                .is_some_and(|c| c.members.contains(&viewer)),
            Peer::Channel(id) => self
                .channels
                .get(&id)
                .is_some_and(|c| c.members.contains(&viewer) || c.username.is_some()),
        }
    }

    pub(crate) fn authorize(&mut self, key_id: [u8; 8], user: i64) {
        self.awaiting_password.remove(&key_id);
        self.authorizations.insert(key_id, user);
    }

    pub(crate) fn log_out(&mut self, key_id: &[u8; 8]) -> bool {
        self.authorizations.remove(key_id).is_some()
    }

    pub fn authorized_user(&self, key_id: &[u8; 8]) -> Option<i64> {
        self.authorizations.get(key_id).copied()
    }
}
