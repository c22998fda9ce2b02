//! Finding chats and describing one.

use std::collections::HashSet;

use grammers_session::types::PeerKind;
use grammers_tl_types as tl;

use super::client::Telegram;
use super::dates::iso;
use super::model::{ChatInfo, ChatList, ChatType, Entity};
use super::ops::FindChats;
use super::peers::{ChatRef, parse_chat};
use super::render::{self, Peers};
use super::search::split_terms;
use crate::error::{Error, Result};

pub const MAX_CHATS: usize = 100;

impl Telegram {
    /// Recent dialogs (no query), or contacts, dialogs and public chats matching each
    /// comma-separated term, searched concurrently and de-duplicated.
    pub async fn find_chats(&self, req: FindChats) -> Result<ChatList> {
        if !(1..=MAX_CHATS).contains(&req.limit) {
            return Err(Error::InvalidInput(format!(
                "limit must be between 1 and {MAX_CHATS}, got {}",
                req.limit
            )));
        }
        let query = req.query.as_deref().unwrap_or_default().trim();
        if matches!(parse_chat(query), Ok(ChatRef::Phone(_))) {
            return self.find_by_phone(query, &req).await;
        }
        let terms = split_terms(query);
        let mut chats = if terms.is_empty() {
            // Filtered below: ask for a full page, so `limit` chats can remain.
            self.dialogs(if req.chat_type.is_some() || self.has_access_list() {
                MAX_CHATS
            } else {
                req.limit
            })
            .await?
        } else {
            self.search_chats(&terms, req.limit).await?
        };
        chats.retain(|c| req.chat_type.is_none_or(|t| t == c.kind));
        let mut chats = self.keep_readable(chats, |c| c).await?;
        chats.truncate(req.limit);
        Ok(ChatList { chats })
    }

    /// `find_chats` with a phone number: the one person it belongs to (contacts.resolvePhone),
    /// or nothing — also when an access list hides them, so a refusal tells nothing.
    async fn find_by_phone(&self, phone: &str, req: &FindChats) -> Result<ChatList> {
        let chats = match self.resolve(phone).await {
            Ok(_) => vec![self.chat_info(phone).await?.chat],
            Err(Error::PeerNotFound(_) | Error::Forbidden(_)) => Vec::new(),
            Err(e) => return Err(e),
        };
        let chats = chats
            .into_iter()
            .filter(|c| req.chat_type.is_none_or(|t| t == c.kind))
            .collect();
        Ok(ChatList { chats })
    }

    async fn dialogs(&self, limit: usize) -> Result<Vec<Entity>> {
        let request = tl::functions::messages::GetDialogs {
            exclude_pinned: false,
            folder_id: None,
            offset_date: 0,
            offset_id: 0,
            offset_peer: tl::enums::InputPeer::Empty,
            limit: limit as i32,
            hash: 0,
        };
        let answer = self.query(&request).await?;
        let (dialogs, users, chats) = match answer {
            tl::enums::messages::Dialogs::Dialogs(d) => (d.dialogs, d.users, d.chats),
            tl::enums::messages::Dialogs::Slice(d) => (d.dialogs, d.users, d.chats),
            tl::enums::messages::Dialogs::NotModified(_) => (Vec::new(), Vec::new(), Vec::new()),
        };
        self.remember(&users, &chats).await?;
        let peers = Peers::new(&users, &chats);
        Ok(dialogs
            .iter()
            .filter_map(|d| match d {
                tl::enums::Dialog::Dialog(d) => {
                    let mut entity = peers.entity(&d.peer);
                    entity.unread_count = Some(d.unread_count);
                    Some(entity)
                }
                _ => None,
            })
            .collect())
    }

    async fn search_chats(&self, terms: &[String], limit: usize) -> Result<Vec<Entity>> {
        let searches = terms.iter().map(|q| {
            let request = tl::functions::contacts::Search {
                broadcasts: false,
                bots: false,
                q: q.clone(),
                limit: limit as i32,
            };
            async move { self.query(&request).await }
        });
        let found = futures_util::future::try_join_all(searches).await?;
        let mut mine = Vec::new();
        let mut global = Vec::new();
        for tl::enums::contacts::Found::Found(f) in found {
            self.remember(&f.users, &f.chats).await?;
            let peers = Peers::new(&f.users, &f.chats);
            mine.extend(f.my_results.iter().map(|p| peers.entity(p)));
            global.extend(f.results.iter().map(|p| peers.entity(p)));
        }
        // The account's own contacts and chats first, then public results.
        let mut seen = HashSet::new();
        Ok(mine
            .into_iter()
            .chain(global)
            .filter(|e| seen.insert(e.id))
            .collect())
    }

    /// A chat's profile: about, counts, status, and whether this account can write there.
    pub async fn chat_info(&self, chat: &str) -> Result<ChatInfo> {
        let peer = self.resolve(chat).await?;
        match peer.id.kind() {
            PeerKind::User => self.user_info(&peer).await,
            PeerKind::Chat => self.group_info(peer.id.bare_id_unchecked()).await,
            PeerKind::Channel => self.channel_info(&peer).await,
        }
    }

    async fn user_info(&self, peer: &grammers_session::types::PeerRef) -> Result<ChatInfo> {
        let request = tl::functions::users::GetFullUser { id: peer.into() };
        let tl::enums::users::UserFull::Full(full) = self.query(&request).await?;
        self.remember(&full.users, &full.chats).await?;
        let tl::enums::UserFull::Full(details) = &full.full_user;
        let user = full
            .users
            .iter()
            .find_map(|u| match u {
                tl::enums::User::User(u) if u.id == details.id => Some(u),
                _ => None,
            })
            .ok_or_else(|| {
                Error::PeerNotFound(format!("user {} was not described by Telegram", details.id))
            })?;
        let (status, last_seen) = match &user.status {
            Some(tl::enums::UserStatus::Online(_)) => (Some("online"), None),
            Some(tl::enums::UserStatus::Offline(o)) => (Some("offline"), Some(iso(o.was_online))),
            Some(tl::enums::UserStatus::Recently(_)) => (Some("recently"), None),
            Some(tl::enums::UserStatus::LastWeek(_)) => (Some("last_week"), None),
            Some(tl::enums::UserStatus::LastMonth(_)) => (Some("last_month"), None),
            Some(tl::enums::UserStatus::Empty) => (Some("long_ago"), None),
            None => (None, None),
        };
        let entity = render::user_entity(user);
        Ok(ChatInfo {
            link: entity
                .username
                .as_ref()
                .map(|u| format!("https://t.me/{u}")),
            chat: entity,
            about: details.about.clone().filter(|a| !a.is_empty()),
            status: status.map(str::to_owned),
            last_seen,
            online_count: None,
            unread_count: None,
            common_chats_count: Some(details.common_chats_count),
            can_write: !user.deleted,
        })
    }

    async fn group_info(&self, chat_id: i64) -> Result<ChatInfo> {
        let request = tl::functions::messages::GetFullChat { chat_id };
        let tl::enums::messages::ChatFull::Full(full) = self.query(&request).await?;
        self.remember(&full.users, &full.chats).await?;
        let tl::enums::ChatFull::Full(details) = &full.full_chat else {
            return Err(Error::PeerNotFound(format!(
                "chat {chat_id} is not a basic group"
            )));
        };
        let (entity, can_write) = described(&full.chats, -chat_id)?;
        Ok(ChatInfo {
            chat: entity,
            about: Some(details.about.clone()).filter(|a| !a.is_empty()),
            status: None,
            last_seen: None,
            online_count: None,
            unread_count: None,
            common_chats_count: None,
            can_write,
            link: None,
        })
    }

    async fn channel_info(&self, peer: &grammers_session::types::PeerRef) -> Result<ChatInfo> {
        let request = tl::functions::channels::GetFullChannel {
            channel: peer.into(),
        };
        let tl::enums::messages::ChatFull::Full(full) = self.query(&request).await?;
        self.remember(&full.users, &full.chats).await?;
        let tl::enums::ChatFull::ChannelFull(details) = &full.full_chat else {
            return Err(Error::PeerNotFound(
                "Telegram did not describe that channel".into(),
            ));
        };
        let (mut entity, can_write) =
            described(&full.chats, peer.id.bot_api_dialog_id_unchecked())?;
        if details.participants_count.is_some() {
            entity.members_count = details.participants_count;
            if entity.kind == ChatType::Channel {
                entity.subscribers_count = details.participants_count;
            }
        }
        Ok(ChatInfo {
            link: entity
                .username
                .as_ref()
                .map(|u| format!("https://t.me/{u}")),
            chat: entity,
            about: Some(details.about.clone()).filter(|a| !a.is_empty()),
            status: None,
            last_seen: None,
            online_count: details.online_count,
            unread_count: Some(details.unread_count),
            common_chats_count: None,
            can_write,
        })
    }
}

/// The entity for `marked` among an answer's chats, and whether this account may post.
fn described(chats: &[tl::enums::Chat], marked: i64) -> Result<(Entity, bool)> {
    let (chat, entity) = chats
        .iter()
        .find_map(|c| {
            render::chat_entity(c)
                .filter(|e| e.id == marked)
                .map(|e| (c, e))
        })
        .ok_or_else(|| {
            Error::PeerNotFound(format!("chat {marked} was not described by Telegram"))
        })?;
    let can_write = match chat {
        tl::enums::Chat::Chat(c) => !c.left && !c.deactivated,
        // Broadcast channels: only the owner and admins allowed to post.
        tl::enums::Chat::Channel(c) if c.broadcast => {
            c.creator
                || c.admin_rights
                    .as_ref()
                    .is_some_and(|tl::enums::ChatAdminRights::Rights(r)| r.post_messages)
        }
        tl::enums::Chat::Channel(c) => !c.left,
        _ => false,
    };
    Ok((entity, can_write))
}
