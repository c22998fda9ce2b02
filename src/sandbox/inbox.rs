//! What an account's chat list shows besides the messages themselves: muted, archived
//! and pinned dialogs, chat folders (dialog filters), forum topics with their own read
//! marks, and unread mentions.
//!
//! Telegram keeps mentions apart from read marks: reading a chat's history does not
//! clear its unread mentions (official clients clear them as they show each one, or with
//! messages.readMentions), so they are a set of their own here.

use std::collections::{BTreeSet, HashMap};

use grammers_tl_types as tl;

use super::world::{Message, Peer, World, now};

/// Every forum's General topic has id 1, whatever its first message's id.
pub const GENERAL_TOPIC: i32 = 1;
/// `folder_id` of the archive.
pub const ARCHIVE_FOLDER: i32 = 1;
/// Custom folders are numbered from 2 (0 is the main list, 1 the archive).
const FIRST_FOLDER_ID: i32 = 2;

/// How one account keeps one dialog.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DialogSettings {
    /// Unix time until which notifications are off; 0 = not muted.
    pub mute_until: i32,
    pub archived: bool,
    pub pinned: bool,
}

/// A chat folder (Telegram's dialog filter): the chats it includes, by peer and by kind.
#[derive(Debug, Clone, Default)]
pub struct Folder {
    pub id: i32,
    pub title: String,
    pub emoticon: Option<String>,
    pub include: Vec<Peer>,
    pub pinned: Vec<Peer>,
    pub groups: bool,
    pub broadcasts: bool,
}

/// A forum topic. Its id is the id its creation took in the channel's sequence.
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: i32,
    pub title: String,
    pub date: i32,
    pub creator: i64,
    pub icon_color: i32,
}

#[derive(Debug, Default)]
pub(crate) struct Inbox {
    settings: HashMap<(i64, Peer), DialogSettings>,
    folders: HashMap<i64, Vec<Folder>>,
    /// Topics by channel, in creation order (General first).
    topics: HashMap<i64, Vec<Topic>>,
    /// (user, channel, topic) → the highest message id read in that topic.
    topic_read: HashMap<(i64, i64, i32), i32>,
    /// (user, dialog, message id) of mentions the user has not seen yet.
    unread_mentions: BTreeSet<(i64, Peer, i32)>,
    /// (author, dialog, message id) of the author's messages that others reacted to
    /// since the author last looked (Telegram's unread reactions).
    unread_reactions: BTreeSet<(i64, Peer, i32)>,
}

impl World {
    pub fn dialog_settings(&self, user: i64, dialog: Peer) -> DialogSettings {
        self.inbox
            .settings
            .get(&(user, dialog))
            .copied()
            .unwrap_or_default()
    }

    fn settings_mut(&mut self, user: i64, dialog: Peer) -> &mut DialogSettings {
        self.inbox.settings.entry((user, dialog)).or_default()
    }

    /// Mutes `dialog` for `user` until `until` (Unix time; `i32::MAX` is forever).
    pub fn mute(&mut self, user: i64, dialog: Peer, until: i32) {
        self.settings_mut(user, dialog).mute_until = until;
    }

    /// Moves `dialog` to (or out of) `user`'s archive, folder 1.
    pub fn archive(&mut self, user: i64, dialog: Peer, archived: bool) {
        self.settings_mut(user, dialog).archived = archived;
    }

    /// Pins `dialog` to the top of `user`'s chat list.
    pub fn pin_dialog(&mut self, user: i64, dialog: Peer, pinned: bool) {
        self.settings_mut(user, dialog).pinned = pinned;
    }

    /// Adds a chat folder for `user`; returns its id.
    pub fn add_folder(&mut self, user: i64, mut folder: Folder) -> i32 {
        let folders = self.inbox.folders.entry(user).or_default();
        folder.id = FIRST_FOLDER_ID + folders.len() as i32;
        let id = folder.id;
        folders.push(folder);
        id
    }

    pub fn folders(&self, user: i64) -> &[Folder] {
        self.inbox.folders.get(&user).map_or(&[], Vec::as_slice)
    }

    /// Turns a supergroup into a forum, with its General topic.
    pub fn make_forum(&mut self, channel: i64) {
        let Some(c) = self.channels.get_mut(&channel) else {
            return;
        };
        c.forum = true;
        // Id 1 belongs to General: the first topic created takes the next one.
        c.last_message_id = c.last_message_id.max(GENERAL_TOPIC);
        let general = Topic {
            id: GENERAL_TOPIC,
            title: "General".to_owned(),
            date: c.date,
            creator: c.creator,
            icon_color: 0x6FB9F0,
        };
        self.inbox.topics.insert(channel, vec![general]);
    }

    /// Creates a topic in a forum and returns its id (0 if `channel` is not a forum).
    /// Its creation takes an id in the channel's sequence, as the service message that
    /// opens a topic does in Telegram.
    pub fn add_topic(&mut self, channel: i64, title: &str, creator: i64, date: i32) -> i32 {
        let Some(c) = self.channels.get_mut(&channel).filter(|c| c.forum) else {
            return 0;
        };
        c.last_message_id += 1;
        let id = c.last_message_id;
        let colors = [0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F];
        let topics = self.inbox.topics.entry(channel).or_default();
        topics.push(Topic {
            id,
            title: title.to_owned(),
            date,
            creator,
            icon_color: colors[topics.len() % colors.len()],
        });
        id
    }

    /// A forum's topics, General first, then in creation order.
    pub fn topics(&self, channel: i64) -> &[Topic] {
        self.inbox.topics.get(&channel).map_or(&[], Vec::as_slice)
    }

    pub fn is_forum(&self, dialog: Peer) -> bool {
        matches!(dialog, Peer::Channel(id) if self.channels.get(&id).is_some_and(|c| c.forum))
    }

    /// The topic `m` belongs to, in a forum.
    pub fn topic_of(&self, m: &Message) -> Option<i32> {
        self.is_forum(m.to)
            .then(|| m.topic.unwrap_or(GENERAL_TOPIC))
    }

    /// The highest message id `user` read in a topic: its own mark, or the channel's
    /// when that is further.
    pub fn topic_read_mark(&self, user: i64, channel: i64, topic: i32) -> i32 {
        let own = self
            .inbox
            .topic_read
            .get(&(user, channel, topic))
            .copied()
            .unwrap_or(0);
        own.max(self.read_inbox_max_id(user, Peer::Channel(channel)))
    }

    /// Whether `viewer` has read `m` (an incoming message), by its chat's or its topic's mark.
    pub(crate) fn is_read(&self, viewer: i64, dialog: Peer, m: &Message) -> bool {
        match (dialog, self.topic_of(m)) {
            (Peer::Channel(channel), Some(topic)) => {
                m.id <= self.topic_read_mark(viewer, channel, topic)
            }
            _ => m.id <= self.read_inbox_max_id(viewer, dialog),
        }
    }

    /// Incoming messages of one topic that `viewer` has not read.
    pub fn topic_unread_count(&self, viewer: i64, channel: i64, topic: i32) -> i32 {
        let dialog = Peer::Channel(channel);
        self.messages
            .iter()
            .filter(|m| {
                m.to == dialog
                    && self.topic_of(m) == Some(topic)
                    && !m.is_out(viewer)
                    && !self.is_read(viewer, dialog, m)
            })
            .count() as i32
    }

    /// The newest message of a topic.
    pub fn topic_top_message(&self, channel: i64, topic: i32) -> Option<&Message> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.to == Peer::Channel(channel) && self.topic_of(m) == Some(topic))
    }

    /// Marks a topic read for `viewer` up to `max_id` (0: everything). Returns the new
    /// mark if it moved.
    pub fn read_topic(
        &mut self,
        viewer: i64,
        channel: i64,
        topic: i32,
        max_id: i32,
    ) -> Option<i32> {
        let top = self
            .topic_top_message(channel, topic)
            .map_or(topic, |m| m.id);
        let target = if max_id <= 0 { top } else { max_id.min(top) };
        let current = self.topic_read_mark(viewer, channel, topic);
        (target > current).then(|| {
            self.inbox
                .topic_read
                .insert((viewer, channel, topic), target);
            target
        })
    }

    /// `message` with the users it mentions filled in; each of them gets an unread mention.
    pub(crate) fn with_mentions(&mut self, mut message: Message) -> Message {
        let group = match message.to {
            Peer::Chat(_) => true,
            Peer::Channel(id) => self.channels.get(&id).is_some_and(|c| !c.broadcast),
            Peer::User(_) => false,
        };
        if !group {
            return message;
        }
        let mut users: Vec<i64> = message
            .text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '@'))
            .filter_map(|word| word.strip_prefix('@'))
            .filter_map(|name| self.user_by_username(name).map(|u| u.id))
            .collect();
        for entity in &message.entities {
            match entity {
                tl::enums::MessageEntity::MentionName(e) => users.push(e.user_id),
                tl::enums::MessageEntity::InputMessageEntityMentionName(e) => {
                    if let tl::enums::InputUser::User(u) = &e.user_id {
                        users.push(u.user_id);
                    }
                }
                _ => {}
            }
        }
        if let Some(reply) = message.reply_to {
            let original = self
                .messages
                .iter()
                .rev()
                .find(|m| m.id == reply && m.to == message.to);
            users.extend(original.and_then(Message::author));
        }
        let members = self.participants(message.to, message.from);
        users.retain(|u| Some(*u) != message.author() && members.contains(u));
        users.sort_unstable();
        users.dedup();
        for &user in &users {
            self.inbox
                .unread_mentions
                .insert((user, message.to, message.id));
        }
        message.mentions = users;
        message
    }

    /// Unread mentions of `viewer` in `dialog` (in one topic, when given).
    pub fn unread_mentions_count(&self, viewer: i64, dialog: Peer, topic: Option<i32>) -> i32 {
        self.unread_mention_ids(viewer, dialog, topic).len() as i32
    }

    fn unread_mention_ids(&self, viewer: i64, dialog: Peer, topic: Option<i32>) -> Vec<i32> {
        self.inbox
            .unread_mentions
            .range((viewer, dialog, i32::MIN)..=(viewer, dialog, i32::MAX))
            .map(|&(_, _, id)| id)
            .filter(|&id| {
                topic.is_none_or(|t| {
                    self.messages
                        .iter()
                        .find(|m| m.id == id && m.to == dialog)
                        .is_some_and(|m| self.topic_of(m) == Some(t))
                })
            })
            .collect()
    }

    /// Marks `viewer`'s mentions in `dialog` (in one topic, when given) seen; returns
    /// the ids of the messages that were unread mentions.
    pub fn read_mentions(&mut self, viewer: i64, dialog: Peer, topic: Option<i32>) -> Vec<i32> {
        let ids = self.unread_mention_ids(viewer, dialog, topic);
        for id in &ids {
            self.inbox.unread_mentions.remove(&(viewer, dialog, *id));
        }
        ids
    }

    /// Forgets the mentions `viewer` has already read past (as their app would have
    /// shown them): for seeding a world with history.
    pub fn settle_mentions(&mut self, viewer: i64) {
        let seen: Vec<(i64, Peer, i32)> = self
            .inbox
            .unread_mentions
            .iter()
            .filter(|&&(user, dialog, id)| {
                user == viewer
                    && self
                        .messages
                        .iter()
                        .find(|m| m.id == id && m.to == dialog)
                        .is_none_or(|m| self.is_read(viewer, dialog, m))
            })
            .copied()
            .collect();
        for key in seen {
            self.inbox.unread_mentions.remove(&key);
        }
    }
}

impl World {
    /// Keeps unread reactions in step after `reactor` reacted to (or took back a
    /// reaction from) the message at `index`: a reaction from someone else is unread for
    /// the message's author until read; when none from others is left, nothing is.
    pub fn reactions_changed(&mut self, index: usize, reactor: i64) {
        let m = &self.messages[index];
        let Some(author) = m.author().filter(|a| *a != reactor) else {
            return;
        };
        let key = (author, m.to, m.id);
        let from_others = m.reactions.iter().any(|(user, _)| *user != author);
        let reacted_now = m.reactions.iter().any(|(user, _)| *user == reactor);
        if reacted_now {
            self.inbox.unread_reactions.insert(key);
        } else if !from_others {
            self.inbox.unread_reactions.remove(&key);
        }
    }

    fn unread_reaction_ids(&self, viewer: i64, dialog: Peer, topic: Option<i32>) -> Vec<i32> {
        self.inbox
            .unread_reactions
            .range((viewer, dialog, i32::MIN)..=(viewer, dialog, i32::MAX))
            .map(|&(_, _, id)| id)
            .filter(|&id| {
                topic.is_none_or(|t| {
                    self.messages
                        .iter()
                        .find(|m| m.id == id && m.to == dialog)
                        .is_some_and(|m| self.topic_of(m) == Some(t))
                })
            })
            .collect()
    }

    /// Messages of `viewer` in `dialog` (one topic, when given) with reactions unseen.
    pub fn unread_reactions_count(&self, viewer: i64, dialog: Peer, topic: Option<i32>) -> i32 {
        self.unread_reaction_ids(viewer, dialog, topic).len() as i32
    }

    /// Marks `viewer`'s unread reactions in `dialog` (one topic, when given) seen;
    /// returns how many messages had them.
    pub fn read_reactions(&mut self, viewer: i64, dialog: Peer, topic: Option<i32>) -> usize {
        let ids = self.unread_reaction_ids(viewer, dialog, topic);
        for id in &ids {
            self.inbox.unread_reactions.remove(&(viewer, dialog, *id));
        }
        ids.len()
    }
}

/// Mute settings as Telegram sends them: `mute_until` only when muted.
pub fn notify_settings(s: DialogSettings) -> tl::enums::PeerNotifySettings {
    let mut settings = super::tlbuild::notify_settings();
    if s.mute_until > now() {
        let tl::enums::PeerNotifySettings::Settings(inner) = &mut settings;
        inner.mute_until = Some(s.mute_until);
    }
    settings
}
