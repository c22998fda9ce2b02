//! Chats named by their display name ("Rust Berlin", "Carol Chen"), as people and models
//! think of them. Only the account's own dialogs are searched, so a name never reaches a
//! stranger: the dialog list is asked for once per process (main list and archive
//! together, paged) and kept; a name it does not hold asks again once, in case the chat
//! is new. A bare word that is no dialog's name but is one dialog's @username names that
//! dialog; a public username the account has no chat with needs its `@`.

use std::sync::Arc;

use grammers_session::types::{PeerId, PeerRef};
use grammers_tl_types as tl;

use super::access::{ChatFacts, Intent, denied};
use super::client::Telegram;
use super::model::Entity;
use super::render::Peers;
use crate::error::{Error, Result};

/// Dialogs asked for per page, and pages per list (main, archive) at most.
const PAGE: i32 = 100;
const MAX_PAGES: usize = 10;
/// How many chats an error lists (ambiguity or "did you mean").
const MAX_LISTED: usize = 8;

/// The account's dialogs as last fetched by this process.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    chats: tokio::sync::Mutex<Option<Arc<Dialogs>>>,
}

#[derive(Debug)]
struct Dialogs {
    chats: Vec<Entity>,
    /// Whether the list was longer than what was fetched.
    cut: bool,
}

/// A name as compared: trimmed, inner spaces collapsed, lower-cased.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How a chat is shown in an error: title, kind, @username and id.
fn describe(chat: &Entity) -> String {
    let kind = match chat.kind {
        super::model::ChatType::Private if chat.bot => "bot",
        super::model::ChatType::Private => "private chat",
        super::model::ChatType::Group => "group",
        super::model::ChatType::Channel => "channel",
    };
    match &chat.username {
        Some(name) => format!("{} ({kind}, @{name}, id {})", chat.title, chat.id),
        None => format!("{} ({kind}, id {})", chat.title, chat.id),
    }
}

impl Telegram {
    /// The dialog `name` names: its exact display name (any case), or failing that the
    /// @username of one of the account's dialogs. With `intent`, chats the access list
    /// does not allow for it are left out first, so neither a match nor an error reveals
    /// them.
    pub(crate) async fn resolve_name(&self, name: &str, intent: Option<Intent>) -> Result<PeerRef> {
        let (dialogs, cached) = self.dialog_index(false).await?;
        match self.match_name(&dialogs, name, intent).await? {
            Found::One(peer) => Ok(peer),
            Found::None | Found::Several(_) if cached => {
                // The list may be stale (a new chat, a renamed one): ask once more.
                let (fresh, _) = self.dialog_index(true).await?;
                match self.match_name(&fresh, name, intent).await? {
                    Found::One(peer) => Ok(peer),
                    other => Err(self.no_single(&fresh, name, intent, other).await?),
                }
            }
            other => Err(self.no_single(&dialogs, name, intent, other).await?),
        }
    }

    async fn match_name(
        &self,
        dialogs: &Dialogs,
        name: &str,
        intent: Option<Intent>,
    ) -> Result<Found> {
        let wanted = normalize(name);
        let allowed = self.allowed(&dialogs.chats, intent).await?;
        let mut matches: Vec<&Entity> = allowed
            .iter()
            .copied()
            .filter(|c| normalize(&c.title) == wanted)
            .collect();
        if matches.is_empty() {
            let bare = wanted.strip_prefix('@').unwrap_or(&wanted);
            matches = allowed
                .iter()
                .copied()
                .filter(|c| c.username.as_deref().map(str::to_lowercase).as_deref() == Some(bare))
                .collect();
        }
        Ok(match matches.as_slice() {
            [] => Found::None,
            [one] => {
                let id = PeerId::from_bot_api_dialog_id(one.id).ok_or_else(|| {
                    Error::PeerNotFound(format!("{name}: Telegram described the chat oddly"))
                })?;
                match self.known_peer(id).await? {
                    Some(peer) => Found::One(peer),
                    None => Found::None,
                }
            }
            several => Found::Several(several.iter().map(|c| describe(c)).collect()),
        })
    }

    /// The error for a name that names no chat, or several.
    async fn no_single(
        &self,
        dialogs: &Dialogs,
        name: &str,
        intent: Option<Intent>,
        found: Found,
    ) -> Result<Error> {
        let name = name.trim();
        Ok(match found {
            Found::Several(listed) => {
                let shown = listed.len().min(MAX_LISTED);
                Error::InvalidInput(format!(
                    "{name:?} is the name of {} of your chats — pass the id of the one you mean: {}{}",
                    listed.len(),
                    listed[..shown].join("; "),
                    if listed.len() > shown { "; …" } else { "" }
                ))
            }
            Found::One(_) | Found::None => {
                // With an access list, a name outside it is refused like any unlisted chat.
                if let Some(intent) = intent
                    && self.has_access_list()
                {
                    return Ok(denied(name, intent));
                }
                let wanted = normalize(name);
                let allowed = self.allowed(&dialogs.chats, intent).await?;
                let similar: Vec<String> = allowed
                    .iter()
                    .filter(|c| {
                        normalize(&c.title).contains(&wanted)
                            || c.username
                                .as_deref()
                                .is_some_and(|u| u.to_lowercase().contains(&wanted))
                    })
                    .take(MAX_LISTED)
                    .map(|c| describe(c))
                    .collect();
                let searched = if dialogs.cut {
                    format!("your {} most recent chats", dialogs.chats.len())
                } else {
                    "your chats".to_owned()
                };
                let mut message = format!("no chat is named {name:?} among {searched}");
                if !similar.is_empty() {
                    message.push_str(&format!(" — did you mean {}?", similar.join("; ")));
                }
                if super::peers::is_username(name) {
                    message.push_str(&format!(
                        " To use the public username @{name}, write it with the @."
                    ));
                } else {
                    message
                        .push_str(" Find the chat with find_chats (tgmcp chats) and use its id.");
                }
                Error::PeerNotFound(message)
            }
        })
    }

    /// The chats of `chats` the access list allows for `intent` (all without a list).
    async fn allowed<'a>(
        &self,
        chats: &'a [Entity],
        intent: Option<Intent>,
    ) -> Result<Vec<&'a Entity>> {
        let access = match intent {
            Some(_) => self.access().await?,
            None => None,
        };
        Ok(chats
            .iter()
            .filter(|c| match (&access, intent) {
                (Some(access), Some(intent)) => access.permits(&ChatFacts::of(c), intent),
                _ => true,
            })
            .collect())
    }

    /// The account's dialogs, from this process's copy unless `fresh`; says whether it
    /// was the copy.
    async fn dialog_index(&self, fresh: bool) -> Result<(Arc<Dialogs>, bool)> {
        let mut slot = self.name_index().chats.lock().await;
        if !fresh && let Some(dialogs) = slot.as_ref() {
            return Ok((Arc::clone(dialogs), true));
        }
        // The main list and the archive, together: one round trip for most accounts.
        let (main, archive) =
            futures_util::try_join!(self.all_dialogs(None), self.all_dialogs(Some(1)))?;
        let mut seen = std::collections::HashSet::new();
        let cut = main.1 || archive.1;
        let chats = main
            .0
            .into_iter()
            .chain(archive.0)
            .filter(|c| seen.insert(c.id))
            .collect();
        let dialogs = Arc::new(Dialogs { chats, cut });
        *slot = Some(Arc::clone(&dialogs));
        Ok((dialogs, false))
    }

    /// Every dialog of one list (folder 1 is the archive), page by page up to
    /// [`MAX_PAGES`]; says whether more remained.
    async fn all_dialogs(&self, folder_id: Option<i32>) -> Result<(Vec<Entity>, bool)> {
        let mut chats = Vec::new();
        let mut offset = (0, 0, tl::enums::InputPeer::Empty);
        for _ in 0..MAX_PAGES {
            let request = tl::functions::messages::GetDialogs {
                exclude_pinned: false,
                folder_id,
                offset_date: offset.0,
                offset_id: offset.1,
                offset_peer: offset.2.clone(),
                limit: PAGE,
                hash: 0,
            };
            let (dialogs, messages, users, chats_of, total) = match self.query(&request).await? {
                tl::enums::messages::Dialogs::Dialogs(d) => {
                    (d.dialogs, d.messages, d.users, d.chats, None)
                }
                tl::enums::messages::Dialogs::Slice(d) => {
                    (d.dialogs, d.messages, d.users, d.chats, Some(d.count))
                }
                tl::enums::messages::Dialogs::NotModified(_) => break,
            };
            self.remember(&users, &chats_of).await?;
            let peers = Peers::new(&users, &chats_of);
            let own = self.session().self_user_id();
            let mut last = None;
            for dialog in &dialogs {
                let tl::enums::Dialog::Dialog(d) = dialog else {
                    continue;
                };
                let mut entity = peers.entity(&d.peer);
                if matches!(d.peer, tl::enums::Peer::User(_)) && Some(entity.id) == own {
                    entity.title = "Saved Messages".to_owned();
                }
                chats.push(entity);
                last = Some((d.peer.clone(), d.top_message));
            }
            let more = total.is_some_and(|n| n as usize > chats.len());
            let Some((peer, top)) = last.filter(|_| more && dialogs.len() as i32 >= PAGE) else {
                return Ok((chats, false));
            };
            let date = messages
                .iter()
                .find_map(|m| match m {
                    tl::enums::Message::Message(m) if m.id == top && m.peer_id == peer => {
                        Some(m.date)
                    }
                    tl::enums::Message::Service(m) if m.id == top && m.peer_id == peer => {
                        Some(m.date)
                    }
                    _ => None,
                })
                .unwrap_or(0);
            let input = match self.known_peer(PeerId::from(&peer)).await? {
                Some(p) => tl::enums::InputPeer::from(&p),
                None => return Ok((chats, true)),
            };
            offset = (date, top, input);
        }
        Ok((chats, true))
    }
}

enum Found {
    None,
    One(PeerRef),
    Several(Vec<String>),
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn names_compare_without_case_or_extra_spaces() {
        assert_eq!(normalize("  Rust   Berlin "), normalize("rust berlin"));
        assert_eq!(normalize("ДМИТРИЙ Иванов"), normalize("дмитрий иванов"));
        assert_ne!(normalize("Rust Berlin"), normalize("Rust"));
    }
}
