//! Inbox triage: what the account has not read (`get_unread`), marking chats and topics
//! read (`mark_read`), and a forum's topics (`list_topics`).
//!
//! `get_unread` costs two round trips of wall time whatever the number of chats: the
//! chat list (with the archive and the folders, when asked, sent at the same time), then
//! one history request per unread chat, all at once.

use std::time::{SystemTime, UNIX_EPOCH};

use futures_util::future::try_join_all;
use grammers_session::types::{PeerId, PeerKind, PeerRef};
use grammers_tl_types as tl;

use super::access::Intent;
use super::client::Telegram;
use super::dates::iso;
use super::model::{ChatType, Entity, MarkedRead, Message, Topic, TopicList, Unread, UnreadChat};
use super::ops::{GetUnread, ListTopics, MarkRead};
use super::render::{self, MessagesPage, Peers};
use crate::error::{Error, Result};

/// Bounds on `get_unread`'s parameters.
pub const MAX_PER_CHAT: usize = 100;
pub const MAX_TOTAL: usize = 1000;
pub const MAX_UNREAD_CHATS: usize = 100;
/// Most dialogs one getDialogs answer holds (Telegram's cap).
const DIALOG_PAGE: i32 = 100;
/// Most topics one getForumTopics answer holds.
pub const MAX_TOPICS: usize = 100;
/// readMentions and readReactions clear in chunks and say how much is left (`offset`);
/// they are repeated up to this many times.
const MAX_CLEAR_ROUNDS: usize = 10;

/// One dialog of the chat list, with what the list said about it.
struct Listed {
    peer: tl::enums::Peer,
    dialog: tl::types::Dialog,
    date: i32,
    archived: bool,
}

impl Telegram {
    pub async fn get_unread(&self, req: GetUnread) -> Result<Unread> {
        check_range("per_chat_limit", req.per_chat_limit, MAX_PER_CHAT)?;
        check_range("total_limit", req.total_limit, MAX_TOTAL)?;
        check_range("chat_limit", req.chat_limit, MAX_UNREAD_CHATS)?;

        // First round trip: the main list, the archive and the folders, together.
        let main = self.dialog_page(None);
        let archive = async {
            if req.include_archived {
                self.dialog_page(Some(1)).await.map(Some)
            } else {
                Ok(None)
            }
        };
        let folders = async {
            match &req.folder {
                Some(_) => self
                    .query(&tl::functions::messages::GetDialogFilters {})
                    .await
                    .map(Some),
                None => Ok(None),
            }
        };
        let (main, archive, folders) = futures_util::try_join!(main, archive, folders)?;
        let folder = match (&req.folder, folders) {
            (Some(wanted), Some(tl::enums::messages::DialogFilters::Filters(f))) => {
                Some(pick_folder(wanted, f.filters)?)
            }
            _ => None,
        };

        let (main_list, main_peers, mut more) = main;
        let mut listed = main_list;
        let mut peers = main_peers;
        if let Some((archived, archive_peers, archive_more)) = archive {
            listed.extend(archived);
            peers.0.extend(archive_peers.0);
            peers.1.extend(archive_peers.1);
            more |= archive_more;
        }
        let (users, chats) = peers;
        let entities = Peers::new(&users, &chats);
        let now = unix_now();
        let mut unread: Vec<(Listed, Entity)> = Vec::new();
        for l in listed {
            let d = &l.dialog;
            let muted = is_muted(&d.notify_settings, now);
            let has_unread = d.unread_count > 0
                || d.unread_mark
                || d.unread_mentions_count > 0
                || d.unread_reactions_count > 0;
            let entity = entities.entity(&l.peer);
            if !has_unread
                || (muted && !req.include_muted)
                || req.chat_type.is_some_and(|t| t != entity.kind)
                || folder
                    .as_ref()
                    .is_some_and(|f| !in_folder(f, &l, &entity, &users, muted))
            {
                continue;
            }
            unread.push((l, entity));
        }
        unread.sort_by_key(|(l, _)| std::cmp::Reverse(l.date));

        // Second round trip: each chat's oldest unread messages, all at once. Chats are
        // resolved through the session, as every chat_id is (no round trip: the list
        // just cached them).
        let mut budget = req.total_limit;
        let mut plans = Vec::with_capacity(unread.len());
        for (l, entity) in unread {
            let peer = match self.resolve(&entity.id.to_string()).await {
                // A chat this server may not show (an access list) is left out, before
                // the chat limit is applied, so the limit and `cut` count shown chats.
                Err(Error::Forbidden(_)) => continue,
                other => other?,
            };
            if plans.len() == req.chat_limit {
                more = true;
                break;
            }
            let wanted = if req.include_messages {
                (l.dialog.unread_count.max(0) as usize)
                    .min(req.per_chat_limit)
                    .min(budget)
            } else {
                0
            };
            budget -= wanted;
            plans.push((l, entity, peer, wanted));
        }
        let fetches = plans.iter().map(|(l, _, peer, wanted)| {
            self.oldest_unread(peer, l.dialog.read_inbox_max_id, *wanted)
        });
        let histories = try_join_all(fetches).await?;

        let mut cut = more;
        let mut out = Vec::with_capacity(plans.len());
        for ((l, entity, _, _), messages) in plans.into_iter().zip(histories) {
            let d = &l.dialog;
            let chat_cut = messages.len() < d.unread_count.max(0) as usize;
            cut |= chat_cut && req.include_messages;
            out.push(UnreadChat {
                chat: entity,
                unread_count: d.unread_count,
                unread_mentions: d.unread_mentions_count,
                unread_reactions: d.unread_reactions_count,
                muted: is_muted(&d.notify_settings, now),
                archived: l.archived,
                pinned: d.pinned,
                marked_unread: d.unread_mark,
                first_unread_id: messages.first().map(|m| m.id),
                last_message_date: (l.date > 0).then(|| iso(l.date)),
                messages: if req.include_messages {
                    messages
                } else {
                    Vec::new()
                },
                cut: chat_cut && req.include_messages,
            });
        }
        Ok(Unread { chats: out, cut })
    }

    /// One page of the chat list (folder 1 is the archive): its dialogs, the users and
    /// chats it described, and whether more dialogs exist.
    #[allow(clippy::type_complexity)]
    async fn dialog_page(
        &self,
        folder_id: Option<i32>,
    ) -> Result<(
        Vec<Listed>,
        (Vec<tl::enums::User>, Vec<tl::enums::Chat>),
        bool,
    )> {
        let request = tl::functions::messages::GetDialogs {
            exclude_pinned: false,
            folder_id,
            offset_date: 0,
            offset_id: 0,
            offset_peer: tl::enums::InputPeer::Empty,
            limit: DIALOG_PAGE,
            hash: 0,
        };
        let (dialogs, messages, users, chats, more) = match self.query(&request).await? {
            tl::enums::messages::Dialogs::Dialogs(d) => {
                (d.dialogs, d.messages, d.users, d.chats, false)
            }
            tl::enums::messages::Dialogs::Slice(d) => {
                let more = d.count as usize > d.dialogs.len();
                (d.dialogs, d.messages, d.users, d.chats, more)
            }
            tl::enums::messages::Dialogs::NotModified(_) => {
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), false)
            }
        };
        self.remember(&users, &chats).await?;
        let date_of = |peer: &tl::enums::Peer, id: i32| {
            messages.iter().find_map(|m| match m {
                tl::enums::Message::Message(m) if m.id == id && m.peer_id == *peer => Some(m.date),
                tl::enums::Message::Service(m) if m.id == id && m.peer_id == *peer => Some(m.date),
                _ => None,
            })
        };
        let listed = dialogs
            .into_iter()
            .filter_map(|d| match d {
                tl::enums::Dialog::Dialog(d) => Some(Listed {
                    peer: d.peer.clone(),
                    date: date_of(&d.peer, d.top_message).unwrap_or(0),
                    archived: d.folder_id == Some(1),
                    dialog: d,
                }),
                _ => None,
            })
            .collect();
        Ok((listed, (users, chats), more))
    }

    /// The `limit` oldest messages after `read_max_id`, oldest first.
    async fn oldest_unread(
        &self,
        peer: &PeerRef,
        read_max_id: i32,
        limit: usize,
    ) -> Result<Vec<Message>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Anchored just above the read mark and reaching `limit` messages newer.
        let request = tl::functions::messages::GetHistory {
            peer: peer.into(),
            offset_id: read_max_id.saturating_add(1),
            offset_date: 0,
            add_offset: -(limit as i32),
            limit: limit as i32,
            max_id: 0,
            min_id: read_max_id,
            hash: 0,
        };
        let page = MessagesPage::from(self.query(&request).await?);
        self.remember(&page.users, &page.chats).await?;
        let peers = Peers::new(&page.users, &page.chats);
        let mut messages: Vec<Message> = page
            .messages
            .iter()
            .filter_map(|raw| render::message(raw, &peers))
            .filter(|m| !m.out && m.id > read_max_id)
            .collect();
        messages.sort_by_key(|m| m.id);
        messages.truncate(limit);
        for m in &mut messages {
            m.unread = true;
        }
        Ok(messages)
    }

    /// Marks a chat (or one forum topic) read up to `max_id`, or entirely; read entirely,
    /// its unread mentions and reactions are cleared too. The requests go out together.
    pub async fn mark_read(&self, req: MarkRead) -> Result<MarkedRead> {
        if let Some(id) = req.max_id.filter(|id| *id <= 0) {
            return Err(Error::InvalidInput(format!(
                "max_id {id} is not a message id: ids are positive (leave it out to read everything)"
            )));
        }
        if let Some(id) = req.topic_id.filter(|id| *id <= 0) {
            return Err(Error::InvalidInput(format!(
                "topic_id {id} is not a topic: list them with list_topics"
            )));
        }
        // Marking read tells the senders: it takes the chat's write permission.
        let peer = self.resolve_for(&req.chat, Intent::Write).await?;
        if req.topic_id.is_some() && peer.id.kind() != PeerKind::Channel {
            return Err(Error::InvalidInput(format!(
                "{}: only forum supergroups have topics — leave topic_id out",
                req.chat
            )));
        }
        let input: tl::enums::InputPeer = (&peer).into();
        let chat_id = if peer.id == PeerId::self_user() {
            self.self_id().await?
        } else {
            peer.id.bot_api_dialog_id_unchecked()
        };
        let read = async {
            match req.topic_id {
                Some(topic) => {
                    let read_max_id = match req.max_id {
                        Some(id) => id,
                        None => self.topic_top_message(&input, topic).await?,
                    };
                    let request = tl::functions::messages::ReadDiscussion {
                        peer: input.clone(),
                        msg_id: topic,
                        read_max_id,
                    };
                    self.command(&request).await.map(drop)
                }
                None if peer.id.kind() == PeerKind::Channel => {
                    let request = tl::functions::channels::ReadHistory {
                        channel: (&peer).into(),
                        max_id: req.max_id.unwrap_or(0),
                    };
                    self.command(&request).await.map(drop)
                }
                None => {
                    let request = tl::functions::messages::ReadHistory {
                        peer: input.clone(),
                        max_id: req.max_id.unwrap_or(0),
                    };
                    self.command(&request).await.map(drop)
                }
            }
        };
        let clear_all = req.max_id.is_none();
        let mentions = async {
            if !clear_all {
                return Ok(());
            }
            let request = tl::functions::messages::ReadMentions {
                peer: input.clone(),
                top_msg_id: req.topic_id,
            };
            self.clear_in_rounds(|| self.command(&request)).await
        };
        let reactions = async {
            if !clear_all {
                return Ok(());
            }
            let request = tl::functions::messages::ReadReactions {
                peer: input.clone(),
                top_msg_id: req.topic_id,
                saved_peer_id: None,
            };
            self.clear_in_rounds(|| self.command(&request)).await
        };
        futures_util::try_join!(read, mentions, reactions)?;
        Ok(MarkedRead {
            chat_id,
            topic_id: req.topic_id,
            max_id: req.max_id,
            mentions_cleared: clear_all,
        })
    }

    /// Repeats a clearing request while Telegram says part of the work is left.
    async fn clear_in_rounds<F, Fut>(&self, call: F) -> Result<()>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<tl::enums::messages::AffectedHistory>>,
    {
        for _ in 0..MAX_CLEAR_ROUNDS {
            let tl::enums::messages::AffectedHistory::History(h) = call().await?;
            if h.offset <= 0 {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The newest message id of a forum topic.
    async fn topic_top_message(&self, peer: &tl::enums::InputPeer, topic: i32) -> Result<i32> {
        let request = tl::functions::messages::GetForumTopicsById {
            peer: peer.clone(),
            topics: vec![topic],
        };
        let answer = match self.query(&request).await {
            Err(e) if e.rpc_name() == Some("CHANNEL_FORUM_MISSING") => {
                return Err(Error::PeerNotFound(
                    "that chat is not a forum: it has no topics — leave topic_id out".into(),
                ));
            }
            other => other?,
        };
        let tl::enums::messages::ForumTopics::Topics(found) = answer;
        found
            .topics
            .iter()
            .find_map(|t| match t {
                tl::enums::ForumTopic::Topic(t) if t.id == topic => Some(t.top_message),
                _ => None,
            })
            .ok_or_else(|| {
                Error::PeerNotFound(format!(
                    "topic {topic} does not exist in that chat — list them with list_topics"
                ))
            })
    }

    /// A forum's topics, most recent activity first, optionally by title.
    pub async fn list_topics(&self, req: ListTopics) -> Result<TopicList> {
        check_range("limit", req.limit, MAX_TOPICS)?;
        let peer = self.resolve(&req.chat).await?;
        if peer.id.kind() != PeerKind::Channel {
            return Err(Error::InvalidInput(format!(
                "{}: only forum supergroups have topics",
                req.chat
            )));
        }
        let request = tl::functions::messages::GetForumTopics {
            peer: (&peer).into(),
            q: req.query.clone().filter(|q| !q.trim().is_empty()),
            offset_date: 0,
            offset_id: 0,
            offset_topic: 0,
            limit: req.limit as i32,
        };
        let answer = match self.query(&request).await {
            Err(e) if e.rpc_name() == Some("CHANNEL_FORUM_MISSING") => {
                return Err(Error::PeerNotFound(format!(
                    "{} is not a forum: it has no topics — read it with search_messages_in_chat",
                    req.chat
                )));
            }
            other => other?,
        };
        let tl::enums::messages::ForumTopics::Topics(found) = answer;
        self.remember(&found.users, &found.chats).await?;
        let peers = Peers::new(&found.users, &found.chats);
        let chat_peer: tl::enums::Peer = tl::types::PeerChannel {
            channel_id: peer.id.bare_id_unchecked(),
        }
        .into();
        let date_of = |id: i32| {
            found.messages.iter().find_map(|m| match m {
                tl::enums::Message::Message(m) if m.id == id => Some(m.date),
                tl::enums::Message::Service(m) if m.id == id => Some(m.date),
                _ => None,
            })
        };
        let topics = found
            .topics
            .iter()
            .filter_map(|t| match t {
                tl::enums::ForumTopic::Topic(t) => Some(Topic {
                    id: t.id,
                    title: t.title.clone(),
                    unread_count: t.unread_count,
                    unread_mentions: t.unread_mentions_count,
                    last_message_date: date_of(t.top_message).map(iso),
                    closed: t.closed,
                    pinned: t.pinned,
                }),
                tl::enums::ForumTopic::Deleted(_) => None,
            })
            .collect();
        Ok(TopicList {
            chat: peers.entity(&chat_peer),
            topics,
        })
    }
}

fn check_range(name: &str, value: usize, max: usize) -> Result<()> {
    if (1..=max).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{name} must be between 1 and {max}, got {value}"
        )))
    }
}

fn unix_now() -> i32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i32)
}

fn is_muted(settings: &tl::enums::PeerNotifySettings, now: i32) -> bool {
    let tl::enums::PeerNotifySettings::Settings(s) = settings;
    s.mute_until.is_some_and(|until| until > now)
}

/// The folder `wanted` names, by id or by title (case-insensitive).
fn pick_folder(wanted: &str, filters: Vec<tl::enums::DialogFilter>) -> Result<Folder> {
    let wanted = wanted.trim();
    let mut names = Vec::new();
    for f in filters {
        let folder = match f {
            tl::enums::DialogFilter::Filter(f) => Folder {
                id: f.id,
                title: text_of(&f.title),
                include: f
                    .include_peers
                    .iter()
                    .chain(&f.pinned_peers)
                    .filter_map(bare)
                    .collect(),
                exclude: f.exclude_peers.iter().filter_map(bare).collect(),
                kinds: Kinds {
                    contacts: f.contacts,
                    non_contacts: f.non_contacts,
                    groups: f.groups,
                    broadcasts: f.broadcasts,
                    bots: f.bots,
                },
                exclude_muted: f.exclude_muted,
                exclude_archived: f.exclude_archived,
            },
            tl::enums::DialogFilter::Chatlist(f) => Folder {
                id: f.id,
                title: text_of(&f.title),
                include: f
                    .include_peers
                    .iter()
                    .chain(&f.pinned_peers)
                    .filter_map(bare)
                    .collect(),
                exclude: Vec::new(),
                kinds: Kinds::default(),
                exclude_muted: false,
                exclude_archived: false,
            },
            tl::enums::DialogFilter::Default => continue,
        };
        if folder.id.to_string() == wanted || folder.title.eq_ignore_ascii_case(wanted) {
            return Ok(folder);
        }
        names.push(format!("{} ({})", folder.title, folder.id));
    }
    // Only Telegram knows the folders, so a wrong name is "not there", not bad input.
    Err(Error::PeerNotFound(if names.is_empty() {
        format!("folder {wanted:?} does not exist: this account has no chat folders")
    } else {
        format!(
            "folder {wanted:?} does not exist — the account's folders: {}",
            names.join(", ")
        )
    }))
}

fn text_of(title: &tl::enums::TextWithEntities) -> String {
    let tl::enums::TextWithEntities::Entities(t) = title;
    t.text.clone()
}

/// A folder's chats as marked ids, whatever access hash the folder carried.
fn bare(input: &tl::enums::InputPeer) -> Option<i64> {
    let id = match input {
        tl::enums::InputPeer::User(u) => PeerId::user(u.user_id)?,
        tl::enums::InputPeer::Chat(c) => PeerId::chat(c.chat_id)?,
        tl::enums::InputPeer::Channel(c) => PeerId::channel(c.channel_id)?,
        _ => return None,
    };
    Some(id.bot_api_dialog_id_unchecked())
}

#[derive(Default)]
struct Kinds {
    contacts: bool,
    non_contacts: bool,
    groups: bool,
    broadcasts: bool,
    bots: bool,
}

struct Folder {
    id: i32,
    title: String,
    include: Vec<i64>,
    exclude: Vec<i64>,
    kinds: Kinds,
    exclude_muted: bool,
    exclude_archived: bool,
}

/// Whether a dialog is in a folder, as Telegram's apps decide it: listed by peer, or of
/// a kind the folder takes, less the exclusions.
fn in_folder(
    f: &Folder,
    l: &Listed,
    entity: &Entity,
    users: &[tl::enums::User],
    muted: bool,
) -> bool {
    if f.exclude.contains(&entity.id) {
        return false;
    }
    if f.include.contains(&entity.id) {
        return true;
    }
    if (f.exclude_muted && muted) || (f.exclude_archived && l.archived) {
        return false;
    }
    let contact = users
        .iter()
        .any(|u| matches!(u, tl::enums::User::User(u) if u.contact && u.id == entity.id));
    match entity.kind {
        ChatType::Private if entity.bot => f.kinds.bots,
        ChatType::Private if contact => f.kinds.contacts,
        ChatType::Private => f.kinds.non_contacts,
        ChatType::Group => f.kinds.groups,
        ChatType::Channel => f.kinds.broadcasts,
    }
}

impl Telegram {
    /// The oldest `limit` messages of one chat that the account has not read, oldest
    /// first: its read mark (messages.getPeerDialogs), then the messages after it.
    pub async fn unread_messages(&self, chat: &str, limit: usize) -> Result<Vec<Message>> {
        check_range("limit", limit, MAX_PER_CHAT)?;
        let peer = self.resolve(chat).await?;
        let read_max_id = self.read_mark(&peer).await?;
        self.oldest_unread(&peer, read_max_id, limit).await
    }

    /// A chat's latest messages as `search_chat` finds them, with `unread` set on the
    /// incoming ones above the chat's read mark. The read mark is asked for at the same
    /// time (one more request, no more wall time). A forum topic has a read mark of its
    /// own, so within one nothing is flagged.
    pub async fn chat_view(&self, req: super::ops::ChatSearch) -> Result<super::model::SearchPage> {
        let peer = self.resolve(&req.chat).await?;
        let topic = req.topic_id.is_some();
        let mark = async {
            if topic {
                Ok(None)
            } else {
                self.read_mark(&peer).await.map(Some)
            }
        };
        let (mut page, mark) = futures_util::try_join!(self.search_chat(req), mark)?;
        if let Some(mark) = mark {
            for m in &mut page.messages {
                m.unread = !m.out && !m.service && m.id > mark;
            }
        }
        Ok(page)
    }

    /// The id of the newest message the account has read in `peer` (messages.getPeerDialogs).
    async fn read_mark(&self, peer: &PeerRef) -> Result<i32> {
        let request = tl::functions::messages::GetPeerDialogs {
            peers: vec![tl::types::InputDialogPeer { peer: peer.into() }.into()],
        };
        let tl::enums::messages::PeerDialogs::Dialogs(found) = self.query(&request).await?;
        self.remember(&found.users, &found.chats).await?;
        Ok(found
            .dialogs
            .iter()
            .find_map(|d| match d {
                tl::enums::Dialog::Dialog(d) => Some(d.read_inbox_max_id),
                _ => None,
            })
            .unwrap_or(0))
    }
}
