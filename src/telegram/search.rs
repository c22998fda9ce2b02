//! Search, globally and in one chat, for one or several comma-separated terms.
//!
//! Telegram matches words and word prefixes of one query; "invoice, meeting" is two
//! queries. Each term is searched concurrently (so k terms cost the wall time of one), and
//! the pages are merged newest first by always taking the newest head of the per-term
//! lists. That way each term's consumed results are a prefix of its own list, and the
//! opaque cursor can record, per term, exactly where to continue.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grammers_session::types::PeerId;
use grammers_tl_types as tl;
use serde::{Deserialize, Serialize};

use super::client::Telegram;
use super::model::{ChatType, Message, SearchPage};
use super::ops::{ChatSearch, GlobalSearch};
use super::render::{self, MessagesPage, Peers};
use crate::error::{Error, Result};

/// Telegram's cap on one page.
pub const MAX_LIMIT: usize = 100;

/// "invoice, meeting ,Invoice" → ["invoice", "meeting"].
pub fn split_terms(query: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    query
        .split(',')
        .map(str::trim)
        // Telegram searches words: a term with no letter or digit is empty to it
        // (SEARCH_QUERY_EMPTY), so it is dropped here.
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .filter(|t| seen.insert(t.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Where each term continues. Serialized as base64url JSON; opaque to callers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Cursor {
    /// `g` global, `c` in-chat: a cursor only continues the search that made it.
    kind: char,
    terms: Vec<TermCursor>,
    /// Messages already returned whose date equals the page boundary: skipped next time,
    /// so a message two terms share is never returned twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    skip: Vec<(i64, i32)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct TermCursor {
    q: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    done: bool,
    /// Date, marked chat id and message id of the last message consumed.
    #[serde(default)]
    rate: i32,
    #[serde(default)]
    peer: i64,
    #[serde(default)]
    id: i32,
}

impl Cursor {
    fn start(kind: char, terms: &[String]) -> Self {
        Self {
            kind,
            terms: terms
                .iter()
                .map(|q| TermCursor {
                    q: q.clone(),
                    ..TermCursor::default()
                })
                .collect(),
            skip: Vec::new(),
        }
    }

    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    fn decode(text: &str, kind: char, terms: &[String]) -> Result<Self> {
        let invalid = || {
            Error::InvalidInput(
                "cursor is not one this search returned — start again without it".into(),
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
        let cursor: Self = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        let same_terms = cursor.terms.len() == terms.len()
            && cursor.terms.iter().zip(terms).all(|(c, t)| &c.q == t);
        if cursor.kind != kind || !same_terms {
            return Err(Error::InvalidInput(
                "cursor belongs to a different search — pass the same query (and chat) as the page it came from".into(),
            ));
        }
        Ok(cursor)
    }
}

/// One search result, with what the merge orders and de-duplicates by.
#[derive(Debug, Clone)]
struct Hit {
    date: i32,
    chat: i64,
    message: Message,
}

impl Hit {
    fn key(&self) -> (i64, i32) {
        (self.chat, self.message.id)
    }
}

/// One term's page as Telegram answered it.
struct TermPage {
    hits: Vec<Hit>,
    /// Telegram has more beyond these.
    more: bool,
    total: Option<i32>,
    /// Where Telegram's page ended, when the access list dropped hits: once every hit
    /// is consumed, the term continues after the dropped ones.
    last: Option<(i32, i64, i32)>,
}

fn hits(raw: Vec<tl::enums::Message>, peers: &Peers, skip: &HashSet<(i64, i32)>) -> Vec<Hit> {
    raw.iter()
        .filter_map(|m| {
            let date = match m {
                tl::enums::Message::Message(m) => m.date,
                tl::enums::Message::Service(m) => m.date,
                tl::enums::Message::Empty(_) => return None,
            };
            let message = render::message(m, peers)?;
            Some(Hit {
                date,
                chat: message.chat.id,
                message,
            })
        })
        .filter(|hit| !skip.contains(&hit.key()))
        .collect()
}

/// Merges term pages newest first, up to `limit`, advancing `cursor` past what was
/// consumed. Returns the page and whether any term has more.
fn merge(pages: Vec<Option<TermPage>>, cursor: &mut Cursor, limit: usize) -> (Vec<Message>, bool) {
    let mut heads = vec![0usize; pages.len()];
    let mut seen = HashSet::new();
    let mut out: Vec<Hit> = Vec::new();
    let head = |t: usize, heads: &[usize]| pages[t].as_ref().and_then(|p| p.hits.get(heads[t]));

    let consume = |t: usize, heads: &mut [usize], cursor: &mut Cursor| {
        if let Some(hit) = pages[t].as_ref().and_then(|p| p.hits.get(heads[t])) {
            let term = &mut cursor.terms[t];
            (term.rate, term.peer, term.id) = (hit.date, hit.chat, hit.message.id);
            heads[t] += 1;
        }
    };

    while out.len() < limit {
        // The newest head; on equal dates the earlier term, which keeps the order stable.
        let best = (0..pages.len())
            .filter_map(|t| head(t, &heads).map(|h| (t, h.date)))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((t, _)) = best else { break };
        let hit = head(t, &heads).cloned();
        consume(t, &mut heads, cursor);
        if let Some(hit) = hit
            && seen.insert(hit.key())
        {
            out.push(hit);
        }
    }
    // A term whose next result was already returned by another term moves past it, so it
    // is not returned again on the next page.
    for t in 0..pages.len() {
        while head(t, &heads).is_some_and(|h| seen.contains(&h.key())) {
            consume(t, &mut heads, cursor);
        }
    }

    for (t, page) in pages.iter().enumerate() {
        if let Some(page) = page
            && let Some(last) = page.last
            && heads[t] == page.hits.len()
        {
            let term = &mut cursor.terms[t];
            (term.rate, term.peer, term.id) = last;
        }
    }
    let mut more = false;
    for (t, page) in pages.iter().enumerate() {
        if let Some(page) = page {
            let left = heads[t] < page.hits.len() || page.more;
            cursor.terms[t].done = !left;
            more |= left;
        }
    }
    cursor.skip = match out.last() {
        Some(last) => out
            .iter()
            .filter(|h| h.date == last.date)
            .map(Hit::key)
            .collect(),
        None => Vec::new(),
    };
    (out.into_iter().map(|h| h.message).collect(), more)
}

fn page(messages: Vec<Message>, more: bool, cursor: &Cursor, total: Option<i32>) -> SearchPage {
    SearchPage {
        messages,
        has_more: more,
        cursor: more.then(|| cursor.encode()),
        total,
    }
}

fn check_limit(limit: usize) -> Result<i32> {
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit as i32)
    } else {
        Err(Error::InvalidInput(format!(
            "limit must be between 1 and {MAX_LIMIT}, got {limit}"
        )))
    }
}

/// Counts the term pages of one search as they arrive, for its progress.
struct Pages<'a> {
    progress: Option<&'a dyn super::Progress>,
    needed: u64,
    fetched: std::sync::atomic::AtomicU64,
}

impl<'a> Pages<'a> {
    fn new(cursor: &Cursor, progress: Option<&'a dyn super::Progress>) -> Self {
        Self {
            progress,
            needed: cursor.terms.iter().filter(|t| !t.done).count() as u64,
            fetched: Default::default(),
        }
    }

    fn fetched(&self) {
        use std::sync::atomic::Ordering;
        let done = self.fetched.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(progress) = self.progress {
            progress.advance(done, Some(self.needed));
        }
    }
}

fn date_arg(date: Option<i64>) -> i32 {
    date.map_or(0, |d| d.clamp(0, i64::from(i32::MAX)) as i32)
}

impl Telegram {
    /// `messages.searchGlobal` for each term, merged.
    pub async fn search_global(&self, req: GlobalSearch) -> Result<SearchPage> {
        self.search_global_with(req, None).await
    }

    /// [`Telegram::search_global`], telling `progress` the pages fetched of those needed
    /// (one per term).
    pub async fn search_global_with(
        &self,
        req: GlobalSearch,
        progress: Option<&dyn super::Progress>,
    ) -> Result<SearchPage> {
        let terms = split_terms(&req.query);
        if terms.is_empty() {
            return Err(Error::InvalidInput(
                "query is empty — give one or more words, comma-separated".into(),
            ));
        }
        let limit = check_limit(req.limit)?;
        let mut cursor = match &req.cursor {
            Some(text) => Cursor::decode(text, 'g', &terms)?,
            None => Cursor::start('g', &terms),
        };
        let skip: HashSet<_> = cursor.skip.iter().copied().collect();
        let pages = Pages::new(&cursor, progress);
        let fetches = cursor.terms.iter().map(|term| {
            let req = &req;
            let skip = &skip;
            let pages = &pages;
            async move {
                if term.done {
                    return Ok(None);
                }
                let page = self.search_global_term(req, term, limit, skip).await?;
                pages.fetched();
                Ok::<_, Error>(Some(page))
            }
        });
        let pages = futures_util::future::try_join_all(fetches).await?;
        let total = match pages.as_slice() {
            // With an access list Telegram's count includes chats it hides: unknown.
            [Some(only)] if !self.has_access_list() => only.total,
            _ => None,
        };
        let (messages, more) = merge(pages, &mut cursor, limit as usize);
        Ok(page(messages, more, &cursor, total))
    }

    /// One term's page, without the chats the access list hides. A page the list
    /// empties entirely is followed by the next (a few at most), so an empty page with
    /// `has_more` stays rare.
    async fn search_global_term(
        &self,
        req: &GlobalSearch,
        term: &TermCursor,
        limit: i32,
        skip: &HashSet<(i64, i32)>,
    ) -> Result<TermPage> {
        let mut term = term.clone();
        let mut rounds = 0;
        loop {
            let mut page = self.search_global_raw(req, &term, limit, skip).await?;
            let Some(access) = self.access().await? else {
                return Ok(page);
            };
            let before = page.hits.len();
            let last = page.hits.last().map(|h| (h.date, h.chat, h.message.id));
            page.hits.retain(|h| {
                access.permits(
                    &super::access::ChatFacts::of(&h.message.chat),
                    super::access::Intent::Read,
                )
            });
            if page.hits.len() < before {
                page.last = last;
            }
            rounds += 1;
            match last {
                Some(last) if page.hits.is_empty() && page.more && rounds < 5 => {
                    (term.rate, term.peer, term.id) = last;
                }
                _ => return Ok(page),
            }
        }
    }

    async fn search_global_raw(
        &self,
        req: &GlobalSearch,
        term: &TermCursor,
        limit: i32,
        skip: &HashSet<(i64, i32)>,
    ) -> Result<TermPage> {
        let offset_peer = match PeerId::from_bot_api_dialog_id(term.peer) {
            Some(id) if term.peer != 0 => self
                .known_peer(id)
                .await?
                .map_or(tl::enums::InputPeer::Empty, |p| (&p).into()),
            _ => tl::enums::InputPeer::Empty,
        };
        let request = tl::functions::messages::SearchGlobal {
            broadcasts_only: req.chat_type == Some(ChatType::Channel),
            groups_only: req.chat_type == Some(ChatType::Group),
            users_only: req.chat_type == Some(ChatType::Private),
            folder_id: None,
            community: None,
            q: term.q.clone(),
            filter: tl::enums::MessagesFilter::InputMessagesFilterEmpty,
            min_date: date_arg(req.min_date),
            max_date: date_arg(req.max_date),
            offset_rate: term.rate,
            offset_peer,
            offset_id: term.id,
            limit,
        };
        let answer = self.query(&request).await?;
        let more = matches!(answer, tl::enums::messages::Messages::Slice(_));
        let page = MessagesPage::from(answer);
        self.remember(&page.users, &page.chats).await?;
        let peers = Peers::new(&page.users, &page.chats);
        let more = more && !page.messages.is_empty();
        Ok(TermPage {
            hits: hits(page.messages, &peers, skip),
            more,
            total: page.count,
            last: None,
        })
    }

    /// `messages.search` in one chat for each term (or the latest messages with none).
    pub async fn search_chat(&self, req: ChatSearch) -> Result<SearchPage> {
        self.search_chat_with(req, None).await
    }

    /// [`Telegram::search_chat`], telling `progress` the pages fetched of those needed
    /// (one per term).
    pub async fn search_chat_with(
        &self,
        req: ChatSearch,
        progress: Option<&dyn super::Progress>,
    ) -> Result<SearchPage> {
        let limit = check_limit(req.limit)?;
        if req.reply_to_msg_id.is_some() && req.topic_id.is_some() {
            return Err(Error::InvalidInput(
                "give reply_to_msg_id (a thread) or topic_id (a forum topic), not both".into(),
            ));
        }
        let mut terms = split_terms(req.query.as_deref().unwrap_or_default());
        if terms.is_empty() {
            terms.push(String::new());
        }
        let peer = self.resolve(&req.chat).await?;
        let from = match &req.from_user {
            // A sender filter inside a readable chat: the sender need not be listed.
            Some(user) => Some(tl::enums::InputPeer::from(
                &self.resolve_sender(user).await?,
            )),
            None => None,
        };
        let mut cursor = match &req.cursor {
            Some(text) => Cursor::decode(text, 'c', &terms)?,
            None => Cursor::start('c', &terms),
        };
        let skip: HashSet<_> = cursor.skip.iter().copied().collect();
        let input_peer = tl::enums::InputPeer::from(&peer);
        let pages = Pages::new(&cursor, progress);
        let fetches = cursor.terms.iter().map(|term| {
            let request = tl::functions::messages::Search {
                peer: input_peer.clone(),
                q: term.q.clone(),
                from_id: from.clone(),
                saved_peer_id: None,
                saved_reaction: None,
                top_msg_id: req.reply_to_msg_id.or(req.topic_id),
                filter: tl::enums::MessagesFilter::InputMessagesFilterEmpty,
                min_date: date_arg(req.min_date),
                max_date: date_arg(req.max_date),
                offset_id: term.id,
                add_offset: 0,
                limit,
                max_id: 0,
                min_id: 0,
                hash: 0,
            };
            let skip = &skip;
            let pages = &pages;
            async move {
                if term.done {
                    return Ok(None);
                }
                let answer = self.query(&request).await?;
                pages.fetched();
                let sliced = !matches!(answer, tl::enums::messages::Messages::Messages(_));
                let page = MessagesPage::from(answer);
                self.remember(&page.users, &page.chats).await?;
                let peers = Peers::new(&page.users, &page.chats);
                let (fetched, total) = (page.messages.len(), page.count);
                let hits = hits(page.messages, &peers, skip);
                // A short page is the last one; a full one may be followed by more.
                let more = sliced && fetched >= limit as usize;
                Ok::<_, Error>(Some(TermPage {
                    hits,
                    more,
                    total,
                    last: None,
                }))
            }
        });
        let pages = futures_util::future::try_join_all(fetches).await?;
        let total = match pages.as_slice() {
            [Some(only)] => only.total,
            _ => None,
        };
        let (messages, more) = merge(pages, &mut cursor, limit as usize);
        Ok(page(messages, more, &cursor, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::model::Entity;

    #[test]
    fn terms_are_trimmed_and_deduplicated() {
        assert_eq!(
            split_terms(" invoice, meeting ,Invoice,, "),
            ["invoice", "meeting"]
        );
        assert!(split_terms(" , ").is_empty());
        assert!(split_terms("\u{0}, ?!").is_empty());
    }

    fn hit(date: i32, chat: i64, id: i32) -> Hit {
        Hit {
            date,
            chat,
            message: Message {
                id,
                chat: Entity {
                    id: chat,
                    kind: ChatType::Private,
                    title: String::new(),
                    username: None,
                    first_name: None,
                    last_name: None,
                    bot: false,
                    members_count: None,
                    subscribers_count: None,
                    unread_count: None,
                },
                date: date.to_string(),
                text: String::new(),
                sender: None,
                out: false,
                reply_to_msg_id: None,
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
            },
        }
    }

    fn term_page(hits: Vec<Hit>, more: bool) -> Option<TermPage> {
        Some(TermPage {
            hits,
            more,
            total: None,
            last: None,
        })
    }

    #[test]
    fn merge_is_newest_first_without_duplicates_and_tracks_each_term() {
        let terms = vec!["a".to_owned(), "b".to_owned()];
        let mut cursor = Cursor::start('g', &terms);
        let a = vec![hit(90, 1, 9), hit(70, 1, 7), hit(50, 1, 5)];
        let b = vec![hit(80, 2, 8), hit(70, 1, 7), hit(10, 2, 1)];
        let (messages, more) = merge(
            vec![term_page(a, false), term_page(b, false)],
            &mut cursor,
            3,
        );
        let ids: Vec<i32> = messages.iter().map(|m| m.id).collect();
        assert_eq!(ids, [9, 8, 7]);
        assert!(more);
        // Term b moved past message 7, which term a already returned.
        assert_eq!((cursor.terms[0].rate, cursor.terms[0].id), (70, 7));
        assert_eq!((cursor.terms[1].rate, cursor.terms[1].id), (70, 7));
        assert!(!cursor.terms[0].done && !cursor.terms[1].done);
        assert_eq!(cursor.skip, vec![(1, 7)]);
    }

    #[test]
    fn cursor_round_trips_and_refuses_other_searches() {
        let terms = vec!["invoice".to_owned()];
        let cursor = Cursor::start('g', &terms);
        let text = cursor.encode();
        assert_eq!(Cursor::decode(&text, 'g', &terms).unwrap(), cursor);
        assert!(Cursor::decode(&text, 'c', &terms).is_err());
        assert!(Cursor::decode(&text, 'g', &["meeting".to_owned()]).is_err());
        assert!(Cursor::decode("not base64!", 'g', &terms).is_err());
    }
}
