//! `chat_id` in every form a person or a model writes it, resolved to a peer with as few
//! round trips as possible: ids and usernames already seen cost none (the session caches
//! both, across processes), a new `@username` costs one.

use grammers_session::Session;
use grammers_session::types::{PeerAuth, PeerId, PeerInfo, PeerRef};
use grammers_tl_types as tl;

use super::access::{Intent, denied};
use super::client::Telegram;
use super::model::mask_phone;
use crate::error::{Error, Result};

/// What a `chat_id` names, before asking anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatRef {
    /// Saved Messages (`me`, `self`).
    Me,
    Username(String),
    Peer(PeerId),
    /// Digits of a contact's phone number.
    Phone(String),
    /// Anything else without an `@`: the exact display name of one of the account's
    /// chats, or a chat's @username ([`super::names`]).
    Name(String),
}

const FORMS: &str = "use me, @username, the exact name of one of your chats, a numeric id (-100… for channels and supergroups, -… for basic groups), a t.me link, or +phone of a contact";

pub fn parse_chat(text: &str) -> Result<ChatRef> {
    let text = text.trim();
    let invalid = || Error::InvalidInput(format!("chat_id {text:?} is not a chat — {FORMS}"));
    if text.is_empty() {
        return Err(Error::InvalidInput(format!("chat_id is empty — {FORMS}")));
    }
    if text.eq_ignore_ascii_case("me") || text.eq_ignore_ascii_case("self") {
        return Ok(ChatRef::Me);
    }
    if let Some(rest) = text.strip_prefix('+') {
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let only_phone_chars = rest
            .chars()
            .all(|c| c.is_ascii_digit() || " -().".contains(c));
        return if only_phone_chars && (5..=15).contains(&digits.len()) {
            Ok(ChatRef::Phone(digits))
        } else {
            Err(invalid())
        };
    }
    if let Ok(id) = text.parse::<i64>() {
        let peer = if id > 0 {
            PeerId::user(id)
        } else {
            PeerId::from_bot_api_dialog_id(id)
        };
        return peer.map(ChatRef::Peer).ok_or_else(invalid);
    }
    if let Some(path) = link_path(text) {
        return parse_link(text, path);
    }
    if let Some(name) = text.strip_prefix('@') {
        return if is_username(name) {
            Ok(ChatRef::Username(name.to_owned()))
        } else {
            Err(invalid())
        };
    }
    // Telegram titles are at most 128 characters, a person's name 64 + 1 + 64.
    if text.chars().count() > 129 || text.chars().any(char::is_control) {
        return Err(invalid());
    }
    Ok(ChatRef::Name(text.to_owned()))
}

/// The path of a t.me (telegram.me, telegram.dog) link, without scheme and host.
fn link_path(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    ["t.me/", "telegram.me/", "telegram.dog/"]
        .iter()
        .find_map(|host| rest.strip_prefix(host))
}

fn parse_link(text: &str, path: &str) -> Result<ChatRef> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    match (parts.next(), parts.next()) {
        (Some("c"), Some(id)) => id
            .parse::<i64>()
            .ok()
            .and_then(PeerId::channel)
            .map(ChatRef::Peer)
            .ok_or_else(|| Error::InvalidInput(format!("{text:?} is not a valid t.me/c/ link"))),
        (Some(invite), _) if invite.starts_with('+') || invite == "joinchat" => {
            Err(Error::InvalidInput(format!(
                "{text:?} is an invite link — join the chat in Telegram first, then use its name or id"
            )))
        }
        (Some("s"), Some(name)) | (Some(name), _) if is_username(name) => {
            Ok(ChatRef::Username(name.to_owned()))
        }
        _ => Err(Error::InvalidInput(format!(
            "{text:?} is not a chat link — {FORMS}"
        ))),
    }
}

/// A message link's chat and message id: `t.me/name/123`, `t.me/c/123456/789`, and the
/// same with a forum topic before the id (`t.me/name/5/123`). The chat comes back in a
/// form [`parse_chat`] reads. `None` when `text` is not a message link.
pub fn parse_message_link(text: &str) -> Option<(String, i32)> {
    let path = link_path(text.trim())?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let id = parts.last()?.parse::<i32>().ok().filter(|id| *id > 0)?;
    match parts.as_slice() {
        ["c", channel, ..] if (3..=4).contains(&parts.len()) => {
            channel.parse::<i64>().ok().filter(|c| *c > 0)?;
            Some((format!("https://t.me/c/{channel}"), id))
        }
        [name, ..] if (2..=3).contains(&parts.len()) && is_username(name) => {
            Some((format!("@{name}"), id))
        }
        _ => None,
    }
}

/// Telegram usernames: 4–32 of a–z, 0–9 and `_`, starting with a letter (the short
/// 4-letter ones are collectible usernames; bots end in `bot`).
pub(crate) fn is_username(name: &str) -> bool {
    (4..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Telegram {
    /// The peer behind `chat_id`, to read from: refused when the access list does not
    /// let this server read it ([`super::access`]).
    pub(crate) async fn resolve(&self, chat: &str) -> Result<PeerRef> {
        self.resolve_for(chat, Intent::Read).await
    }

    /// The peer behind `chat_id`, for `intent`; the one place the access list is applied
    /// to a chat a caller names. A chat outside the list gets the same refusal whether it
    /// exists or not.
    pub async fn resolve_for(&self, chat: &str, intent: Intent) -> Result<PeerRef> {
        let chat_ref = parse_chat(chat)?;
        if let ChatRef::Name(name) = &chat_ref {
            // Matched among the chats the list allows, so nothing else is revealed.
            let peer = self.resolve_name(name, Some(intent)).await?;
            self.check_access(peer.id, intent, chat).await?;
            return Ok(peer);
        }
        if !self.has_access_list() {
            return self.resolve_ref(&chat_ref, chat).await;
        }
        // An id is checked before it is looked up, so an unseen one and a denied one
        // answer alike.
        if let ChatRef::Peer(id) = &chat_ref {
            self.check_access(*id, intent, chat).await?;
            return self.resolve_ref(&chat_ref, chat).await;
        }
        let peer = match self.resolve_ref(&chat_ref, chat).await {
            Ok(peer) => peer,
            Err(Error::PeerNotFound(_)) => return Err(denied(chat, intent)),
            Err(e) => return Err(e),
        };
        self.check_access(peer.id, intent, chat).await?;
        Ok(peer)
    }

    /// A message's sender as a search filter names it: a chat name, or else (a sender
    /// need not be one of the account's chats) a bare word as the @username it looks
    /// like. Only narrows a search in a chat already readable, so nothing reaches a
    /// stranger.
    pub(crate) async fn resolve_sender(&self, text: &str) -> Result<PeerRef> {
        let chat_ref = parse_chat(text)?;
        match self.resolve_ref(&chat_ref, text).await {
            Err(Error::PeerNotFound(_)) if matches!(&chat_ref, ChatRef::Name(name) if is_username(name)) => {
                self.resolve_username(text.trim()).await
            }
            other => other,
        }
    }

    /// The peer `chat_ref` names, whatever the access list says (`chat` names it in errors).
    pub(crate) async fn resolve_ref(&self, chat_ref: &ChatRef, chat: &str) -> Result<PeerRef> {
        match chat_ref.clone() {
            ChatRef::Me => Ok(PeerRef {
                id: PeerId::self_user(),
                auth: PeerAuth::default(),
            }),
            ChatRef::Peer(id) => self.known_peer(id).await?.ok_or_else(|| {
                Error::PeerNotFound(format!(
                    "{chat}: this account has not seen that chat yet — use its @username, or find it with find_chats first"
                ))
            }),
            ChatRef::Username(name) => self.resolve_username(&name).await,
            ChatRef::Phone(digits) => self.resolve_phone(&digits).await,
            // Boxed: a name in an access list is resolved while the list is.
            ChatRef::Name(name) => Box::pin(self.resolve_name(&name, None)).await,
        }
    }

    /// A peer the session already knows (no round trip).
    pub(crate) async fn known_peer(&self, id: PeerId) -> Result<Option<PeerRef>> {
        self.session().peer_ref(id).await
    }

    async fn resolve_username(&self, name: &str) -> Result<PeerRef> {
        if let Some(id) = self.session().cached_username(name)?
            && let Some(peer) = self.known_peer(id).await?
        {
            return Ok(peer);
        }
        let answer = self
            .query(&tl::functions::contacts::ResolveUsername {
                username: name.to_owned(),
                referer: None,
            })
            .await;
        let tl::enums::contacts::ResolvedPeer::Peer(found) = match answer {
            // The error conversion already calls these "peer not found"; name the peer.
            Err(Error::PeerNotFound(_)) => {
                return Err(Error::PeerNotFound(format!("@{name} does not exist")));
            }
            other => other?,
        };
        self.remember(&found.users, &found.chats).await?;
        let id = PeerId::from(&found.peer);
        self.known_peer(id).await?.ok_or_else(|| {
            Error::PeerNotFound(format!("@{name}: Telegram did not describe the peer"))
        })
    }

    async fn resolve_phone(&self, digits: &str) -> Result<PeerRef> {
        let answer = self
            .query(&tl::functions::contacts::ResolvePhone {
                phone: digits.to_owned(),
            })
            .await;
        let tl::enums::contacts::ResolvedPeer::Peer(found) = match answer {
            Err(e)
                if matches!(
                    e.rpc_name(),
                    Some("PHONE_NOT_OCCUPIED" | "PHONE_NUMBER_INVALID")
                ) =>
            {
                return Err(Error::PeerNotFound(format!(
                    "no contact has the phone number {} — add the person as a contact, or use send_message_to_phone",
                    mask_phone(digits)
                )));
            }
            other => other?,
        };
        self.remember(&found.users, &found.chats).await?;
        self.known_peer(PeerId::from(&found.peer))
            .await?
            .ok_or_else(|| {
                Error::PeerNotFound(format!(
                    "{}: Telegram did not describe the peer",
                    mask_phone(digits)
                ))
            })
    }

    /// Caches every peer (and username) an answer carried, so later calls naming them
    /// need no round trip. Writes only what is new.
    pub(crate) async fn remember(
        &self,
        users: &[tl::enums::User],
        chats: &[tl::enums::Chat],
    ) -> Result<()> {
        self.seen.note(users, chats);
        let mut infos: Vec<PeerInfo> = Vec::with_capacity(users.len() + chats.len());
        let mut names: Vec<(String, PeerId)> = Vec::new();
        for user in users {
            if let tl::enums::User::User(u) = user
                && !u.min
            {
                infos.push(PeerInfo::from(user));
                if let (Some(name), Some(id)) = (&u.username, PeerId::user(u.id)) {
                    names.push((name.clone(), id));
                }
            }
        }
        for chat in chats {
            match chat {
                tl::enums::Chat::Channel(c) if !c.min => {
                    infos.push(PeerInfo::from(chat));
                    if let (Some(name), Some(id)) = (&c.username, PeerId::channel(c.id)) {
                        names.push((name.clone(), id));
                    }
                }
                tl::enums::Chat::Chat(_)
                | tl::enums::Chat::Forbidden(_)
                | tl::enums::Chat::ChannelForbidden(_) => {
                    infos.push(PeerInfo::from(chat));
                }
                _ => {}
            }
        }
        if !infos.is_empty() {
            self.session().cache_peers(infos).await?;
        }
        self.session().cache_usernames(&names)
    }

    /// The logged-in user's id (cached at login; asked for once otherwise).
    pub(crate) async fn self_id(&self) -> Result<i64> {
        match self.session().self_user_id() {
            Some(id) => Ok(id),
            None => Ok(self.me().await?.id),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn message_links_name_a_chat_and_a_message() {
        let cases = [
            ("https://t.me/rust_berlin/132", Some(("@rust_berlin", 132))),
            ("t.me/rust_berlin/132?single", Some(("@rust_berlin", 132))),
            ("https://t.me/tgmcp_dev/2/140", Some(("@tgmcp_dev", 140))),
            (
                "https://t.me/c/1234567/89",
                Some(("https://t.me/c/1234567", 89)),
            ),
            (
                "https://t.me/c/1234567/3/89",
                Some(("https://t.me/c/1234567", 89)),
            ),
            ("https://t.me/rust_berlin", None),
            ("https://t.me/rust_berlin/0", None),
            ("https://t.me/c/abc/89", None),
            ("https://t.me/+invite/5", None),
            ("@rust_berlin", None),
            ("132", None),
        ];
        for (text, expected) in cases {
            let parsed = super::parse_message_link(text);
            let parsed = parsed.as_ref().map(|(chat, id)| (chat.as_str(), *id));
            assert_eq!(parsed, expected, "{text}");
        }
        // What it returns is a chat parse_chat reads.
        let (chat, _) = super::parse_message_link("https://t.me/c/1234567/89").unwrap();
        assert!(super::parse_chat(&chat).is_ok());
    }

    use super::*;

    fn peer(id: i64) -> ChatRef {
        ChatRef::Peer(PeerId::from_bot_api_dialog_id(id).unwrap())
    }

    #[test]
    fn every_chat_id_form() {
        assert_eq!(parse_chat("me").unwrap(), ChatRef::Me);
        assert_eq!(parse_chat(" Self ").unwrap(), ChatRef::Me);
        assert_eq!(
            parse_chat("@bob_builder").unwrap(),
            ChatRef::Username("bob_builder".into())
        );
        // Without the @, a word is a name first (names.rs falls back to the @usernames
        // of the account's own chats, never a stranger's).
        assert_eq!(
            parse_chat("bob_builder").unwrap(),
            ChatRef::Name("bob_builder".into())
        );
        assert_eq!(
            parse_chat(" Rust Berlin ").unwrap(),
            ChatRef::Name("Rust Berlin".into())
        );
        assert_eq!(
            parse_chat("Дмитрий Иванов").unwrap(),
            ChatRef::Name("Дмитрий Иванов".into())
        );
        assert_eq!(parse_chat("7000000002").unwrap(), peer(7_000_000_002));
        assert_eq!(parse_chat("-4000000007").unwrap(), peer(-4_000_000_007));
        assert_eq!(
            parse_chat("-1001900000008").unwrap(),
            peer(-1_001_900_000_008)
        );
        assert_eq!(
            parse_chat("https://t.me/rust_berlin").unwrap(),
            ChatRef::Username("rust_berlin".into())
        );
        assert_eq!(
            parse_chat("t.me/rust_berlin/42").unwrap(),
            ChatRef::Username("rust_berlin".into())
        );
        assert_eq!(
            parse_chat("https://t.me/s/sandbox_news").unwrap(),
            ChatRef::Username("sandbox_news".into())
        );
        assert_eq!(
            parse_chat("https://t.me/c/1900000008/5").unwrap(),
            peer(-1_001_900_000_008)
        );
        assert_eq!(
            parse_chat("+1 (555) 010-0002").unwrap(),
            ChatRef::Phone("15550100002".into())
        );
    }

    #[test]
    fn nonsense_is_refused_with_the_accepted_forms() {
        for bad in [
            "",
            "   ",
            "@x",
            "@rust berlin",
            "line\nbreak",
            "https://t.me/+AbCdEf",
            "https://t.me/joinchat/xyz",
            "+12",
            "0",
        ] {
            let err = parse_chat(bad).unwrap_err();
            assert_eq!(err.kind(), "invalid_input", "{bad:?}");
        }
        assert!(
            parse_chat("@a b")
                .unwrap_err()
                .to_string()
                .contains("@username")
        );
    }
}
