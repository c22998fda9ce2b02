//! Per-chat access lists: which chats the assistant may read and which it may write to.
//!
//! Decided here, once, for every face: the peer resolver ([`Telegram::resolve`] for
//! reading, [`Telegram::resolve_for`] with [`Intent::Write`] for writing) refuses a chat
//! that is not listed, and every result that lists messages or chats passes through
//! [`Telegram::keep_readable`], which drops what is not readable. Without a list (the
//! default) both are no-ops and nothing costs a round trip.
//!
//! A list names chats (`me`, `@username`, a t.me link, a marked id) and classes
//! (`contacts`, `private`, `groups`, `channels`, `bots`, `*`). Usernames are resolved
//! once, on first use; contacts are asked for once (`contacts.getContacts`).

use std::collections::HashSet;

use grammers_session::Session as _;
use grammers_session::types::{ChannelKind, PeerId, PeerInfo, PeerKind};
use grammers_tl_types as tl;

use super::client::Telegram;
use super::model::{ChatType, Entity};
use super::peers::{ChatRef, parse_chat};
use crate::error::{Error, Result};

/// What a caller means to do with a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Read,
    Write,
}

impl Intent {
    fn word(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write to",
        }
    }
}

/// A class of chats an entry may name instead of one chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatClass {
    /// Every chat.
    All,
    /// Private chats with people in the account's contacts.
    Contacts,
    /// Private chats with people (not bots), Saved Messages included.
    Private,
    /// Basic groups and supergroups.
    Groups,
    /// Broadcast channels.
    Channels,
    Bots,
}

/// One line of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Class(ChatClass),
    Chat(ChatRef),
}

impl Entry {
    /// `contacts`, `private`, `groups`, `channels`, `bots` or `*` name a class (write
    /// `@contacts` for a user so named); anything else is a chat as `chat_id` takes it
    /// (a `+phone` is not: lists are kept in a file, and phone numbers stay out of files).
    pub fn parse(text: &str) -> Result<Self> {
        let class = match text.trim().to_ascii_lowercase().as_str() {
            "*" | "all" => Some(ChatClass::All),
            "contacts" => Some(ChatClass::Contacts),
            "private" => Some(ChatClass::Private),
            "groups" => Some(ChatClass::Groups),
            "channels" => Some(ChatClass::Channels),
            "bots" => Some(ChatClass::Bots),
            _ => None,
        };
        if let Some(class) = class {
            return Ok(Self::Class(class));
        }
        match parse_chat(text)? {
            ChatRef::Phone(_) => Err(Error::InvalidInput(
                "a phone number cannot be listed — list the person's @username or id".into(),
            )),
            chat => Ok(Self::Chat(chat)),
        }
    }
}

/// A profile's access lists as the config file states them. `draft` lists chats where
/// `send_message` saves a draft instead of sending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessList {
    pub read: Vec<Entry>,
    pub write: Vec<Entry>,
    pub draft: Vec<Entry>,
}

impl AccessList {
    fn entries(&self, intent: Intent) -> &[Entry] {
        match intent {
            Intent::Read => &self.read,
            Intent::Write => &self.write,
        }
    }
}

/// What a decision needs to know about one chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatFacts {
    /// Marked id (Bot API style).
    pub id: i64,
    pub kind: ChatType,
    pub bot: bool,
}

impl ChatFacts {
    pub fn of(entity: &Entity) -> Self {
        Self {
            id: entity.id,
            kind: entity.kind,
            bot: entity.bot,
        }
    }
}

/// The list with its chats resolved to marked ids: what decisions are made from.
#[derive(Debug, Default)]
pub struct Resolved {
    list: AccessList,
    read: HashSet<i64>,
    write: HashSet<i64>,
    draft: HashSet<i64>,
    contacts: HashSet<i64>,
}

impl Resolved {
    /// Whether `chat` may be used for `intent`.
    pub fn permits(&self, chat: &ChatFacts, intent: Intent) -> bool {
        let ids = match intent {
            Intent::Read => &self.read,
            Intent::Write => &self.write,
        };
        ids.contains(&chat.id)
            || self
                .list
                .entries(intent)
                .iter()
                .any(|entry| matches!(entry, Entry::Class(class) if self.in_class(chat, *class)))
    }

    /// Whether `send_message` to `chat` saves a draft instead of sending.
    pub fn drafts(&self, chat: &ChatFacts) -> bool {
        self.draft.contains(&chat.id)
            || self
                .list
                .draft
                .iter()
                .any(|entry| matches!(entry, Entry::Class(class) if self.in_class(chat, *class)))
    }

    fn in_class(&self, chat: &ChatFacts, class: ChatClass) -> bool {
        match class {
            ChatClass::All => true,
            ChatClass::Contacts => {
                chat.kind == ChatType::Private && self.contacts.contains(&chat.id)
            }
            ChatClass::Private => chat.kind == ChatType::Private && !chat.bot,
            ChatClass::Groups => chat.kind == ChatType::Group,
            ChatClass::Channels => chat.kind == ChatType::Channel,
            ChatClass::Bots => chat.kind == ChatType::Private && chat.bot,
        }
    }
}

/// The error for a chat outside the list. Worded the same whether the chat exists or
/// not, so a refusal reveals nothing.
pub fn denied(chat: &str, intent: Intent) -> Error {
    Error::Forbidden(format!(
        "{chat} is not a chat this server may {} (the profile's access list in the config file) — pick a listed chat, or ask the user to add it under [access]",
        intent.word()
    ))
}

/// The list of a `Telegram` handle, resolved on first use.
#[derive(Debug, Default)]
pub(crate) struct AccessState {
    list: Option<AccessList>,
    resolved: tokio::sync::OnceCell<std::sync::Arc<Resolved>>,
}

impl AccessState {
    pub(crate) fn new(list: Option<AccessList>) -> Self {
        Self {
            list,
            resolved: tokio::sync::OnceCell::new(),
        }
    }
}

impl Telegram {
    /// Whether this account has an access list (everything else is denied).
    pub fn has_access_list(&self) -> bool {
        self.access_state().list.is_some()
    }

    /// The resolved list, or `None` when there is none (everything allowed).
    pub async fn access(&self) -> Result<Option<std::sync::Arc<Resolved>>> {
        let state = self.access_state();
        let Some(list) = &state.list else {
            return Ok(None);
        };
        let resolved = state
            .resolved
            .get_or_try_init(|| async { self.resolve_list(list).await.map(std::sync::Arc::new) })
            .await?;
        Ok(Some(std::sync::Arc::clone(resolved)))
    }

    async fn resolve_list(&self, list: &AccessList) -> Result<Resolved> {
        let mut resolved = Resolved {
            list: list.clone(),
            ..Resolved::default()
        };
        for (entries, ids) in [
            (&list.read, &mut resolved.read),
            (&list.write, &mut resolved.write),
            (&list.draft, &mut resolved.draft),
        ] {
            for entry in entries {
                let Entry::Chat(chat) = entry else { continue };
                match self.marked_id(chat).await {
                    Ok(id) => {
                        ids.insert(id);
                    }
                    // A listed chat that cannot be found allows nothing; the rest stands.
                    Err(e) => tracing::warn!("an access-list entry names no chat: {e}"),
                }
            }
        }
        let wants_contacts = [&list.read, &list.write, &list.draft]
            .iter()
            .any(|entries| entries.contains(&Entry::Class(ChatClass::Contacts)));
        if wants_contacts {
            let answer = self
                .query(&tl::functions::contacts::GetContacts { hash: 0 })
                .await?;
            if let tl::enums::contacts::Contacts::Contacts(c) = answer {
                resolved.contacts = c
                    .contacts
                    .iter()
                    .map(|tl::enums::Contact::Contact(c)| c.user_id)
                    .collect();
                self.remember(&c.users, &[]).await?;
            }
        }
        Ok(resolved)
    }

    /// The marked id a listed chat names.
    async fn marked_id(&self, chat: &ChatRef) -> Result<i64> {
        match chat {
            ChatRef::Me => self.self_id().await,
            ChatRef::Peer(id) => Ok(id.bot_api_dialog_id_unchecked()),
            other => {
                let peer = self.resolve_ref(other, "").await?;
                Ok(peer.id.bot_api_dialog_id_unchecked())
            }
        }
    }

    /// What the session knows of `id` for a decision; `None` when it has not seen it.
    pub(crate) async fn facts(&self, id: PeerId) -> Result<Option<ChatFacts>> {
        if id == PeerId::self_user() {
            let own = self.self_id().await?;
            return Ok(Some(ChatFacts {
                id: own,
                kind: ChatType::Private,
                bot: false,
            }));
        }
        let info = self
            .session()
            .peer(id)
            .await
            .map_err(|e| Error::Session(e.to_string()))?;
        let marked = id.bot_api_dialog_id_unchecked();
        Ok(match (id.kind(), info) {
            (PeerKind::User, Some(PeerInfo::User { bot, .. })) => Some(ChatFacts {
                id: marked,
                kind: ChatType::Private,
                bot: bot.unwrap_or(false),
            }),
            (PeerKind::Chat, _) => Some(ChatFacts {
                id: marked,
                kind: ChatType::Group,
                bot: false,
            }),
            (PeerKind::Channel, Some(PeerInfo::Channel { kind, .. })) => Some(ChatFacts {
                id: marked,
                kind: if kind == Some(ChannelKind::Broadcast) {
                    ChatType::Channel
                } else {
                    ChatType::Group
                },
                bot: false,
            }),
            _ => None,
        })
    }

    /// Refuses `id` unless the list permits `intent` on it. `shown` names it in the error.
    pub async fn check_access(&self, id: PeerId, intent: Intent, shown: &str) -> Result<()> {
        let Some(access) = self.access().await? else {
            return Ok(());
        };
        match self.facts(id).await? {
            Some(facts) if access.permits(&facts, intent) => Ok(()),
            _ => Err(denied(shown, intent)),
        }
    }

    /// Keeps the items whose chat may be read; everything when there is no list. Every
    /// result that lists messages or chats goes through this (or [`Resolved::permits`]).
    pub async fn keep_readable<T>(
        &self,
        items: Vec<T>,
        chat: impl Fn(&T) -> &Entity,
    ) -> Result<Vec<T>> {
        let Some(access) = self.access().await? else {
            return Ok(items);
        };
        Ok(items
            .into_iter()
            .filter(|item| access.permits(&ChatFacts::of(chat(item)), Intent::Read))
            .collect())
    }

    /// Whether `send_message` to this chat saves a draft (a `draft` entry of the list).
    pub async fn drafts_to(&self, id: PeerId) -> Result<bool> {
        let Some(access) = self.access().await? else {
            return Ok(false);
        };
        Ok(self
            .facts(id)
            .await?
            .is_some_and(|facts| access.drafts(&facts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(id: i64, kind: ChatType, bot: bool) -> ChatFacts {
        ChatFacts { id, kind, bot }
    }

    #[test]
    fn entries_are_classes_or_chats() {
        assert_eq!(
            Entry::parse("groups").unwrap(),
            Entry::Class(ChatClass::Groups)
        );
        assert_eq!(Entry::parse("*").unwrap(), Entry::Class(ChatClass::All));
        assert_eq!(
            Entry::parse("@contacts").unwrap(),
            Entry::Chat(ChatRef::Username("contacts".into()))
        );
        assert_eq!(Entry::parse("me").unwrap(), Entry::Chat(ChatRef::Me));
        assert!(Entry::parse("+15550100002").is_err());
        assert_eq!(
            Entry::parse("Rust Berlin").unwrap(),
            Entry::Chat(ChatRef::Name("Rust Berlin".into()))
        );
        assert!(Entry::parse("@not a chat").is_err());
    }

    #[test]
    fn unlisted_is_denied_and_classes_match_their_kind() {
        let resolved = Resolved {
            list: AccessList {
                read: vec![
                    Entry::Class(ChatClass::Channels),
                    Entry::Class(ChatClass::Contacts),
                ],
                write: vec![Entry::Class(ChatClass::Bots)],
                draft: Vec::new(),
            },
            read: HashSet::from([-4_000_000_007]),
            write: HashSet::from([7]),
            contacts: HashSet::from([42]),
            ..Resolved::default()
        };
        assert!(resolved.permits(&chat(-4_000_000_007, ChatType::Group, false), Intent::Read));
        assert!(!resolved.permits(&chat(-4_000_000_007, ChatType::Group, false), Intent::Write));
        assert!(!resolved.permits(&chat(-4_000_000_008, ChatType::Group, false), Intent::Read));
        assert!(resolved.permits(&chat(-1_001, ChatType::Channel, false), Intent::Read));
        assert!(resolved.permits(&chat(42, ChatType::Private, false), Intent::Read));
        assert!(!resolved.permits(&chat(43, ChatType::Private, false), Intent::Read));
        assert!(resolved.permits(&chat(7, ChatType::Private, false), Intent::Write));
        assert!(resolved.permits(&chat(9, ChatType::Private, true), Intent::Write));
        assert!(!resolved.permits(&chat(9, ChatType::Private, false), Intent::Write));
    }
}
