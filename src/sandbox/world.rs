//! The sandbox's in-memory Telegram: users, basic groups, supergroups, broadcast channels,
//! contacts and messages, plus the server-side login state bound to auth keys.
//!
//! Private chats and basic groups share one message-id sequence (Telegram numbers them
//! per account; with one sandbox "box" every account sees the same ids), while each
//! channel and supergroup has its own, as in Telegram. Update sequence numbers (pts)
//! follow Telegram: one per account for the common box, one per channel, each bumped once
//! for every new or edited message its owner can see, so a client's pts never has gaps.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
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
    pub phone_privacy: PhonePrivacy,
    /// The DC the account lives on; `None` (or a DC the sandbox does not play) means
    /// the sandbox's primary DC.
    pub dc: Option<i32>,
    pub(crate) password: Option<PasswordRecord>,
    /// pts of this account's common message box.
    pub(crate) pts: i32,
}

/// Who may find a user by phone number: Telegram's "Who can find me by my number".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PhonePrivacy {
    /// Telegram's default: anyone who has the number.
    #[default]
    Everybody,
    /// Only people the user has saved as contacts.
    Contacts,
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
    /// Admins besides the creator; in a broadcast channel only they and the creator post.
    pub admins: BTreeSet<i64>,
    pub members: BTreeSet<i64>,
    pub about: Option<String>,
    pub date: i32,
    pub pts: i32,
    pub(crate) last_message_id: i32,
    /// A forum supergroup: its messages live in topics ([`World::add_topic`]).
    pub forum: bool,
    /// The linked discussion group of a broadcast channel, or the channel a discussion
    /// group belongs to ([`World::link_discussion`]).
    pub linked_chat: Option<i64>,
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
    /// A voice note (an OGG/Opus document Telegram marks as voice).
    Voice {
        id: i64,
        duration: i32,
        size: i64,
    },
    /// A photo uploaded through the API: its bytes are in [`World::files`], so it can be
    /// downloaded again.
    UploadedPhoto {
        id: i64,
        width: i32,
        height: i32,
        size: i64,
    },
}

impl Media {
    pub fn id(&self) -> i64 {
        match self {
            Self::Photo { id }
            | Self::Document { id, .. }
            | Self::Voice { id, .. }
            | Self::UploadedPhoto { id, .. } => *id,
        }
    }
}

/// A file's parts as `upload.saveFilePart` / `upload.saveBigFilePart` stored them.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    pub parts: BTreeMap<i32, Vec<u8>>,
    /// `file_total_parts` of a big file's parts (all must agree).
    pub big_total: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: i32,
    /// The chat it was sent to: for a private message, the recipient.
    pub to: Peer,
    /// The sending user; `None` for a channel post.
    pub from: Option<i64>,
    /// The admin who published a channel post: posts name no sender, but their author
    /// sees them as outgoing and may edit them.
    pub posted_by: Option<i64>,
    pub date: i32,
    pub text: String,
    pub entities: Vec<tl::enums::MessageEntity>,
    pub reply_to: Option<i32>,
    pub media: Option<Media>,
    pub edit_date: Option<i32>,
    /// Set on every message of one album.
    pub grouped_id: Option<i64>,
    /// The forum topic it was posted in (the topic's id); `None` outside forums and in
    /// the General topic.
    pub topic: Option<i32>,
    /// Users it mentions: by @username, by a mention entity, or by replying to them in a
    /// group (Telegram counts a reply as a mention).
    pub mentions: Vec<i64>,
    /// Users who deleted it for themselves only (deleteMessages without revoke).
    pub hidden_for: BTreeSet<i64>,
    /// Where a forwarded message came from.
    pub fwd_from: Option<Forwarded>,
    /// Pinned in its chat.
    pub pinned: bool,
    /// Reactions as (user, emoji), oldest first; one per user.
    pub reactions: Vec<(i64, String)>,
    /// Set on a service message: what happened.
    pub action: Option<Action>,
    /// A post with comments, or a discussion group's copy of one.
    pub discussion: Option<super::discussion::Discussion>,
}

/// The origin a forwarded message names (`fwd_from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarded {
    /// The original author: a user, or the channel of a post.
    pub from: Option<Peer>,
    /// When the original was sent.
    pub date: i32,
    /// The original's id when it was a channel post.
    pub channel_post: Option<i32>,
}

/// What a service message says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Pinned the message it replies to.
    PinMessage,
    /// Added these users (a user who joined added themselves).
    ChatAddUser(Vec<i64>),
    ChatEditTitle(String),
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
        self.from == Some(viewer) || self.posted_by == Some(viewer)
    }

    /// The user who wrote it: the sender, or the admin behind a channel post.
    pub fn author(&self) -> Option<i64> {
        self.from.or(self.posted_by)
    }

    /// Whether it belongs to `dialog` as `viewer` sees their dialogs. A private message is
    /// in the dialog with the other party; anything else is in the chat it was sent to.
    pub fn in_dialog(&self, viewer: i64, dialog: Peer) -> bool {
        (match (self.to, dialog) {
            (Peer::User(to), Peer::User(other)) => {
                (self.from == Some(viewer) && to == other)
                    || (to == viewer && self.from == Some(other))
            }
            (to, dialog) => to == dialog,
        }) && !self.hidden_for.contains(&viewer)
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
    pub phone_privacy: PhonePrivacy,
    /// Home DC (see [`User::dc`]).
    pub dc: Option<i32>,
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
    pub fn phone_privacy(mut self, v: PhonePrivacy) -> Self {
        self.phone_privacy = v;
        self
    }
    /// The account lives on DC `dc_id`: logging in elsewhere answers PHONE_MIGRATE_X.
    pub fn dc(mut self, dc_id: i32) -> Self {
        self.dc = Some(dc_id);
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
    /// For a channel post (`from == None`): the admin who published it.
    pub posted_by: Option<i64>,
    pub to: Peer,
    pub text: String,
    /// Unix time; defaults to now.
    pub date: Option<i32>,
    pub reply_to: Option<i32>,
    pub entities: Vec<tl::enums::MessageEntity>,
    pub media: Option<Media>,
    pub grouped_id: Option<i64>,
    /// The forum topic to post in (see [`Message::topic`]).
    pub topic: Option<i32>,
    pub fwd_from: Option<Forwarded>,
    pub action: Option<Action>,
}

impl MessageSpec {
    pub fn new(from: i64, to: Peer, text: &str) -> Self {
        Self {
            from: Some(from),
            posted_by: None,
            to,
            text: text.to_owned(),
            date: None,
            reply_to: None,
            entities: Vec::new(),
            media: None,
            grouped_id: None,
            topic: None,
            fwd_from: None,
            action: None,
        }
    }
    /// A post in a broadcast channel: it names no sender.
    pub fn post(channel: i64, text: &str) -> Self {
        Self {
            from: None,
            ..Self::new(0, Peer::Channel(channel), text)
        }
    }
    pub fn posted_by(mut self, admin: i64) -> Self {
        self.posted_by = Some(admin);
        self
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
    /// Posts in forum topic `topic`.
    pub fn topic(mut self, topic: i32) -> Self {
        self.topic = Some(topic);
        self
    }
    pub fn forwarded(mut self, origin: Forwarded) -> Self {
        self.fwd_from = Some(origin);
        self
    }
    /// A service message: `action` happened (the text stays empty).
    pub fn service(mut self, action: Action) -> Self {
        self.action = Some(action);
        self
    }
}

/// An authorization exported for import on another DC.
pub(crate) struct ExportedAuth {
    pub user: i64,
    pub dc_id: i32,
    pub bytes: Vec<u8>,
}

/// A QR login token (auth.exportLoginToken): whose key asked for it, on which DC, until
/// when, and who accepted it from a logged-in device.
pub(crate) struct LoginToken {
    pub key_id: [u8; 8],
    pub dc_id: i32,
    pub expires: i32,
    pub accepted_by: Option<i64>,
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
    last_common_message_id: i32,
    next_peer_id: i64,
    authorizations: HashMap<[u8; 8], i64>,
    /// Auth keys that passed the login code but still owe a 2FA password.
    pub(crate) awaiting_password: HashMap<[u8; 8], i64>,
    pub(crate) pending_codes: HashMap<String, PendingCode>,
    pub(crate) srp_sessions: HashMap<i64, SrpSession>,
    /// auth.exportAuthorization answers not yet imported: (user, target DC, bytes).
    pub(crate) exported_auths: Vec<ExportedAuth>,
    /// QR login tokens, by their bytes.
    pub(crate) login_tokens: HashMap<Vec<u8>, LoginToken>,
    /// How long a QR login token lives, in seconds (Telegram: 30).
    pub login_token_ttl: i32,
    /// Which DC stores each file (photo or document id); absent means the primary DC.
    file_dcs: HashMap<i64, i32>,
    /// The highest message id each user has read in each of their dialogs.
    read_inbox: HashMap<(i64, Peer), i32>,
    /// (sender, random_id) of every message sent through the API: Telegram refuses a
    /// second send with the same random_id, which is what makes a retried send safe.
    sent_random_ids: HashSet<(i64, i64)>,
    /// Parts uploaded so far, by (user, file_id).
    pub(crate) uploads: HashMap<(i64, i64), Upload>,
    /// The bytes of uploaded photos and documents, by media id (for `upload.getFile`).
    pub files: HashMap<i64, Arc<Vec<u8>>>,
    /// Uploaded media not (yet) in a message: `messages.uploadMedia`'s results, by id.
    pub(crate) loose_media: HashMap<i64, Media>,
    /// What changed in each box, by pts, for `updates.getDifference` to replay.
    pub(crate) update_log: super::updlog::UpdateLog,
    /// Per-account chat-list state: mute, archive, pins, folders, topics, mentions.
    pub(crate) inbox: super::inbox::Inbox,
    /// Each user's unsent drafts, by dialog (`messages.saveDraft`).
    pub drafts: HashMap<(i64, Peer), tl::enums::DraftMessage>,
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
            last_common_message_id: 0,
            next_peer_id: 0,
            authorizations: HashMap::new(),
            awaiting_password: HashMap::new(),
            pending_codes: HashMap::new(),
            srp_sessions: HashMap::new(),
            exported_auths: Vec::new(),
            login_tokens: HashMap::new(),
            login_token_ttl: 30,
            file_dcs: HashMap::new(),
            read_inbox: HashMap::new(),
            sent_random_ids: HashSet::new(),
            uploads: HashMap::new(),
            files: HashMap::new(),
            loose_media: HashMap::new(),
            update_log: Default::default(),
            inbox: Default::default(),
            drafts: HashMap::new(),
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
                phone_privacy: spec.phone_privacy,
                dc: spec.dc,
                password: spec
                    .password
                    .map(|(password, hint)| PasswordRecord::new(&password, hint)),
                pts: 1,
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

    pub fn remove_contact(&mut self, owner: i64, contact: i64) {
        if let Some(user) = self.users.get_mut(&owner) {
            user.contacts.remove(&contact);
        }
    }

    /// Whether `seeker` may find `user` by phone number.
    pub fn findable_by_phone(&self, user: &User, seeker: i64) -> bool {
        user.id == seeker
            || match user.phone_privacy {
                PhonePrivacy::Everybody => true,
                PhonePrivacy::Contacts => user.contacts.contains(&seeker),
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
                admins: BTreeSet::new(),
                members,
                about: spec.about,
                date: now(),
                pts: 1,
                last_message_id: 0,
                forum: false,
                linked_chat: None,
            },
        );
        id
    }

    /// Makes `user` an admin of a channel (and a member).
    pub fn add_admin(&mut self, channel: i64, user: i64) {
        if let Some(c) = self.channels.get_mut(&channel) {
            c.admins.insert(user);
            c.members.insert(user);
        }
    }

    /// Stores a message and returns its id (per channel, or in the common box), or 0 if
    /// its channel does not exist. Like Telegram, sending marks the chat read up to the
    /// new message for its sender.
    pub fn add_message(&mut self, spec: MessageSpec) -> i32 {
        let id = match spec.to {
            Peer::Channel(channel) => match self.channels.get_mut(&channel) {
                Some(c) => {
                    c.last_message_id += 1;
                    c.last_message_id
                }
                None => return 0,
            },
            Peer::User(_) | Peer::Chat(_) => {
                self.last_common_message_id += 1;
                self.last_common_message_id
            }
        };
        let message = Message {
            id,
            to: spec.to,
            from: spec.from,
            posted_by: spec.posted_by,
            date: spec.date.unwrap_or_else(now),
            text: spec.text,
            entities: spec.entities,
            reply_to: spec.reply_to,
            media: spec.media,
            edit_date: None,
            grouped_id: spec.grouped_id,
            topic: spec.topic.filter(|&t| t != super::inbox::GENERAL_TOPIC),
            mentions: Vec::new(),
            hidden_for: BTreeSet::new(),
            fwd_from: spec.fwd_from,
            pinned: false,
            reactions: Vec::new(),
            action: spec.action,
            discussion: None,
        };
        let message = self.with_mentions(message);
        let (to, from) = (message.to, message.from);
        let author = message.author().map(|a| (a, message.peer_for(a)));
        self.messages.push(message);
        self.bump_pts(to, from);
        self.log_event(to, from, super::updlog::Event::New { to, id });
        if let Some((author, dialog)) = author {
            self.read_history(author, dialog, id);
        }
        self.discuss(to, id);
        id
    }

    /// Everyone who receives the messages sent to `to` by `from`.
    pub fn participants(&self, to: Peer, from: Option<i64>) -> Vec<i64> {
        match to {
            Peer::User(user) => {
                let mut both: Vec<i64> = from.into_iter().chain([user]).collect();
                both.dedup();
                both
            }
            Peer::Chat(id) => self
                .chats
                .get(&id)
                .map(|c| c.members.iter().copied().collect())
                .unwrap_or_default(),
            Peer::Channel(id) => self
                .channels
                .get(&id)
                .map(|c| c.members.iter().copied().collect())
                .unwrap_or_default(),
        }
    }

    /// One more event in the box of chat `to`: the channel's, or each participant's own.
    pub(crate) fn bump_pts(&mut self, to: Peer, from: Option<i64>) {
        if let Peer::Channel(id) = to {
            if let Some(c) = self.channels.get_mut(&id) {
                c.pts += 1;
            }
            return;
        }
        for user in self.participants(to, from) {
            if let Some(u) = self.users.get_mut(&user) {
                u.pts += 1;
            }
        }
    }

    /// Logs `event`, which just bumped the pts of chat `to`'s box(es).
    pub(crate) fn log_event(&mut self, to: Peer, from: Option<i64>, event: super::updlog::Event) {
        use super::updlog::BoxId;
        if let Peer::Channel(id) = to {
            let pts = self.pts_for(0, to);
            self.update_log.record(BoxId::Channel(id), pts, 1, event);
            return;
        }
        for user in self.participants(to, from) {
            let pts = self.pts(user);
            self.update_log
                .record(BoxId::User(user), pts, 1, event.clone());
        }
    }

    /// `count` more events in `user`'s common box, logged as `event`; returns the new pts.
    pub(crate) fn bump_user_pts_for(
        &mut self,
        user: i64,
        count: i32,
        event: super::updlog::Event,
    ) -> i32 {
        let Some(u) = self.users.get_mut(&user) else {
            return 0;
        };
        u.pts += count;
        let pts = u.pts;
        self.update_log
            .record(super::updlog::BoxId::User(user), pts, count, event);
        pts
    }

    /// The pts of `user`'s common message box.
    pub fn pts(&self, user: i64) -> i32 {
        self.users.get(&user).map_or(0, |u| u.pts)
    }

    /// The pts of whatever box `dialog` lives in, as `viewer` sees it.
    pub fn pts_for(&self, viewer: i64, dialog: Peer) -> i32 {
        match dialog {
            Peer::Channel(id) => self.channels.get(&id).map_or(0, |c| c.pts),
            _ => self.pts(viewer),
        }
    }

    /// A fresh id for an uploaded photo or document.
    pub(crate) fn new_media_id(&mut self) -> i64 {
        loop {
            let id = random_i64() & 0x3fff_ffff_ffff_ffff | 1;
            if !self.files.contains_key(&id) && !self.loose_media.contains_key(&id) {
                return id;
            }
        }
    }

    /// Whether `user` already sent a message with `random_id`.
    pub(crate) fn sent_random_id(&self, user: i64, random_id: i64) -> bool {
        self.sent_random_ids.contains(&(user, random_id))
    }

    /// Records a random_id sent by `user`; false if they used it before.
    pub(crate) fn remember_random_id(&mut self, user: i64, random_id: i64) -> bool {
        self.sent_random_ids.insert((user, random_id))
    }

    /// Replaces the text and entities of message `index` (in [`World::messages`]),
    /// stamping its edit date.
    pub(crate) fn edit_message(
        &mut self,
        index: usize,
        text: String,
        entities: Vec<tl::enums::MessageEntity>,
    ) {
        let Some(m) = self.messages.get_mut(index) else {
            return;
        };
        m.text = text;
        m.entities = entities;
        m.edit_date = Some(now());
        let (to, from, id) = (m.to, m.from, m.id);
        self.bump_pts(to, from);
        self.log_event(to, from, super::updlog::Event::Edit { to, id });
    }

    /// Where message `id` of `dialog` (as `viewer` sees it) is in [`World::messages`].
    pub fn message_index(&self, viewer: i64, dialog: Peer, id: i32) -> Option<usize> {
        self.messages
            .iter()
            .position(|m| m.id == id && m.in_dialog(viewer, dialog))
    }

    /// A dialog's messages, newest first.
    pub fn history(&self, viewer: i64, dialog: Peer) -> Vec<&Message> {
        self.messages
            .iter()
            .rev()
            .filter(|m| m.in_dialog(viewer, dialog))
            .collect()
    }

    pub fn top_message(&self, viewer: i64, dialog: Peer) -> Option<&Message> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.in_dialog(viewer, dialog))
    }

    /// Every dialog `viewer` has: private chats with at least one message, and the groups
    /// and channels they are a member of. Ordered by peer, not as a chat list.
    pub fn dialogs(&self, viewer: i64) -> BTreeSet<Peer> {
        let private = self
            .messages
            .iter()
            .filter(|m| match m.to {
                Peer::User(to) => to == viewer || m.from == Some(viewer),
                _ => false,
            })
            .map(|m| m.peer_for(viewer));
        let chats = self
            .chats
            .values()
            .filter(|c| c.members.contains(&viewer))
            .map(|c| Peer::Chat(c.id));
        let channels = self
            .channels
            .values()
            .filter(|c| c.members.contains(&viewer))
            .map(|c| Peer::Channel(c.id));
        private.chain(chats).chain(channels).collect()
    }

    pub fn is_member(&self, user: i64, peer: Peer) -> bool {
        match peer {
            Peer::User(_) => true,
            Peer::Chat(id) => self
                .chats
                .get(&id)
                .is_some_and(|c| c.members.contains(&user)),
            Peer::Channel(id) => self
                .channels
                .get(&id)
                .is_some_and(|c| c.members.contains(&user)),
        }
    }

    /// The highest incoming message id `viewer` has read in `dialog`.
    pub fn read_inbox_max_id(&self, viewer: i64, dialog: Peer) -> i32 {
        self.read_inbox.get(&(viewer, dialog)).copied().unwrap_or(0)
    }

    /// The highest outgoing message id someone else has read in `dialog`.
    pub fn read_outbox_max_id(&self, viewer: i64, dialog: Peer) -> i32 {
        match dialog {
            Peer::User(other) if other == viewer => {
                self.top_message(viewer, dialog).map_or(0, |m| m.id)
            }
            Peer::User(other) => self.read_inbox_max_id(other, Peer::User(viewer)),
            Peer::Chat(_) | Peer::Channel(_) => self
                .participants(dialog, None)
                .into_iter()
                .filter(|&member| member != viewer)
                .map(|member| self.read_inbox_max_id(member, dialog))
                .max()
                .unwrap_or(0),
        }
    }

    /// Incoming messages in `dialog` that `viewer` has not read yet.
    pub fn unread_count(&self, viewer: i64, dialog: Peer) -> i32 {
        self.messages
            .iter()
            .filter(|m| {
                !m.is_out(viewer) && m.in_dialog(viewer, dialog) && !self.is_read(viewer, dialog, m)
            })
            .count() as i32
    }

    /// Marks `dialog` read for `viewer` up to `max_id` (0 or past the end: everything).
    /// Returns the new read mark if it moved.
    pub fn read_history(&mut self, viewer: i64, dialog: Peer, max_id: i32) -> Option<i32> {
        let top = self.top_message(viewer, dialog).map_or(0, |m| m.id);
        let target = if max_id <= 0 { top } else { max_id.min(top) };
        let mark = self.read_inbox.entry((viewer, dialog)).or_insert(0);
        (target > *mark).then(|| {
            *mark = target;
            target
        })
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

    pub fn chat_by_title(&self, title: &str) -> Option<&Chat> {
        self.chats.values().find(|c| c.title == title)
    }

    pub fn channel_by_title(&self, title: &str) -> Option<&Channel> {
        self.channels.values().find(|c| c.title == title)
    }

    /// The `InputPeer` a client would send for `peer` (with its access hash), for tests.
    pub fn input_peer(&self, peer: Peer) -> Option<tl::enums::InputPeer> {
        Some(match peer {
            Peer::User(id) => tl::types::InputPeerUser {
                user_id: id,
                access_hash: self.users.get(&id)?.access_hash,
            }
            .into(),
            Peer::Chat(id) => {
                self.chats.get(&id)?;
                tl::types::InputPeerChat { chat_id: id }.into()
            }
            Peer::Channel(id) => tl::types::InputPeerChannel {
                channel_id: id,
                access_hash: self.channels.get(&id)?.access_hash,
            }
            .into(),
        })
    }

    pub fn user_by_phone(&self, phone: &str) -> Option<&User> {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        self.users
            .values()
            .find(|u| u.phone.as_deref() == Some(digits.as_str()))
    }

    pub(crate) fn authorize(&mut self, key_id: [u8; 8], user: i64) {
        self.awaiting_password.remove(&key_id);
        self.authorizations.insert(key_id, user);
    }

    pub(crate) fn log_out(&mut self, key_id: &[u8; 8]) -> bool {
        self.authorizations.remove(key_id).is_some()
    }

    /// Ends every login of `user`, as "terminate all sessions" from another device does:
    /// their keys answer AUTH_KEY_UNREGISTERED from then on. Returns how many ended.
    pub fn revoke_sessions(&mut self, user: i64) -> usize {
        let before = self.authorizations.len();
        self.authorizations.retain(|_, u| *u != user);
        before - self.authorizations.len()
    }

    pub fn authorized_user(&self, key_id: &[u8; 8]) -> Option<i64> {
        self.authorizations.get(key_id).copied()
    }

    /// Whether `user` is logged in with any auth key (where Telegram sends login codes).
    pub fn has_session(&self, user: i64) -> bool {
        self.authorizations.values().any(|&u| u == user)
    }

    /// Stores file `file_id` (a photo or document id) on DC `dc_id`: downloading it on
    /// another DC of the sandbox answers FILE_MIGRATE_X.
    pub fn set_file_dc(&mut self, file_id: i64, dc_id: i32) {
        self.file_dcs.insert(file_id, dc_id);
    }

    /// The DC that stores file `file_id`, if one was set.
    pub fn file_dc(&self, file_id: i64) -> Option<i32> {
        self.file_dcs.get(&file_id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_people() -> (World, i64, i64, i64) {
        let mut w = World::new();
        let a = w.add_user(UserSpec::new("A"));
        let b = w.add_user(UserSpec::new("B"));
        let c = w.add_user(UserSpec::new("C"));
        (w, a, b, c)
    }

    #[test]
    fn private_messages_belong_to_both_ends_only() {
        let (mut w, a, b, c) = three_people();
        w.add_message(MessageSpec::new(a, Peer::User(b), "hi b"));
        assert_eq!(w.history(a, Peer::User(b)).len(), 1);
        assert_eq!(w.history(b, Peer::User(a)).len(), 1);
        assert!(
            w.history(c, Peer::User(b)).is_empty(),
            "c sees nothing of a↔b"
        );
        assert!(w.dialogs(c).is_empty());
        assert_eq!(w.dialogs(b), BTreeSet::from([Peer::User(a)]));
    }

    #[test]
    fn sending_marks_read_and_reading_moves_the_marks() {
        let (mut w, a, b, _) = three_people();
        let first = w.add_message(MessageSpec::new(a, Peer::User(b), "one"));
        w.add_message(MessageSpec::new(a, Peer::User(b), "two"));
        assert_eq!(w.unread_count(b, Peer::User(a)), 2);
        assert_eq!(
            w.unread_count(a, Peer::User(b)),
            0,
            "your own messages are not unread"
        );
        assert_eq!(w.read_history(b, Peer::User(a), first), Some(first));
        assert_eq!(w.unread_count(b, Peer::User(a)), 1);
        assert_eq!(w.read_outbox_max_id(a, Peer::User(b)), first);
        assert_eq!(
            w.read_history(b, Peer::User(a), first),
            None,
            "no move, no change"
        );
        let reply = w.add_message(MessageSpec::new(b, Peer::User(a), "three"));
        assert_eq!(
            w.unread_count(b, Peer::User(a)),
            0,
            "replying reads the chat"
        );
        assert_eq!(w.read_inbox_max_id(b, Peer::User(a)), reply);
    }

    #[test]
    fn pts_moves_for_everyone_who_sees_a_message() {
        let (mut w, a, b, c) = three_people();
        let group = w.add_group("g", a, &[b]);
        let (pa, pb, pc) = (w.pts(a), w.pts(b), w.pts(c));
        w.add_message(MessageSpec::new(a, Peer::Chat(group), "hello"));
        assert_eq!((w.pts(a), w.pts(b), w.pts(c)), (pa + 1, pb + 1, pc));
        let channel = w.add_channel(ChannelSpec {
            title: "ch".into(),
            creator: a,
            ..ChannelSpec::default()
        });
        let before = w.pts_for(a, Peer::Channel(channel));
        w.add_message(MessageSpec::post(channel, "post"));
        assert_eq!(w.pts_for(a, Peer::Channel(channel)), before + 1);
        assert_eq!(w.pts(a), pa + 1, "channel posts use the channel's pts");
    }

    #[test]
    fn the_demo_world_numbers_messages_in_time_order() {
        let w = World::demo();
        let me = w.demo_user().expect("demo user");
        let mut boxes: HashMap<Option<Peer>, Vec<(i32, i32)>> = HashMap::new();
        for m in &w.messages {
            let key = matches!(m.to, Peer::Channel(_)).then_some(m.to);
            boxes.entry(key).or_default().push((m.id, m.date));
        }
        for (key, messages) in boxes {
            assert!(
                messages.is_sorted_by(|x, y| x.0 < y.0 && x.1 <= y.1),
                "{key:?}: ids and dates grow together"
            );
        }
        // Tests elsewhere rely on the first common-box messages being Alex's.
        for id in 1..=3 {
            let m = w
                .messages
                .iter()
                .find(|m| m.id == id && !matches!(m.to, Peer::Channel(_)));
            let m = m.expect("message exists");
            assert!(m.from.is_some() && m.in_dialog(me, m.peer_for(me)));
        }
    }
}
