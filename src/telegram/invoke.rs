//! `invoke`: any method of the layer, from JSON, through the same client (reconnection,
//! flood waits, the read/write retry policy) as every other operation.
//!
//! A call is checked in full before anything is sent: the method exists, the guardrails
//! allow it, and the parameters encode — with every chat reference parsed but not yet
//! resolved. Then the chat references are resolved (cached ones cost nothing, an unseen
//! `@username` one round trip), the parameters encoded for real, and the bytes sent.

use std::collections::HashMap;

use grammers_session::types::{PeerKind, PeerRef};
use grammers_tl_types::{self as tl, Cursor, Deserializable, RemoteCall, Serializable};
use serde_json::Value;

use super::access::Intent;
use super::client::Telegram;
use super::peers::parse_chat;
use crate::error::{Error, Result};
use crate::tl::{self as schema, Def, Guard, PeerSlot, Resolver, Schema, policy};

/// One call of a Telegram API method by name.
#[derive(Debug, Clone)]
pub struct Invoke {
    /// `messages.getHistory` (any case, with or without a `Request` suffix).
    pub method: String,
    /// The parameters, a JSON object.
    pub params: Value,
    /// Turn chat references (`me`, `@username`, ids) into input peers.
    pub resolve: bool,
    pub guard: Guard,
}

/// A call that passed every check that needs no network.
pub struct Prepared {
    pub def: &'static Def,
    params: Value,
    /// Chat references to resolve, in order of appearance.
    chats: Vec<String>,
}

impl Invoke {
    /// Looks the method up, applies the guardrails and validates the parameters.
    pub fn prepare(&self) -> Result<Prepared> {
        let def = schema::method(&self.method)?;
        schema::check(def, self.guard)?;
        let mut chats = Collect::default();
        let schema = Schema::get();
        if self.resolve {
            schema::encode::encode_call(schema, def, &self.params, &mut chats)
        } else {
            schema::encode::encode_call(schema, def, &self.params, &mut schema::NoResolve)
        }
        .map_err(Error::InvalidInput)?;
        Ok(Prepared {
            def,
            params: self.params.clone(),
            chats: chats.texts,
        })
    }
}

/// Parses every chat reference (so a bad one fails before the network) and remembers it.
#[derive(Default)]
struct Collect {
    texts: Vec<String>,
}

impl Resolver for Collect {
    fn peer(&mut self, text: &str, slot: PeerSlot) -> Result<Vec<u8>, String> {
        parse_chat(text).map_err(|e| match e {
            Error::InvalidInput(message) => message,
            other => other.to_string(),
        })?;
        if !self.texts.iter().any(|t| t == text) {
            self.texts.push(text.to_owned());
        }
        Ok(match slot {
            PeerSlot::InputPeer => tl::enums::InputPeer::Empty.to_bytes(),
            PeerSlot::InputUser => tl::enums::InputUser::Empty.to_bytes(),
            PeerSlot::InputChannel => tl::enums::InputChannel::Empty.to_bytes(),
        })
    }
}

/// Chat references already resolved, as input peers.
struct Resolved(HashMap<String, PeerRef>);

impl Resolver for Resolved {
    fn peer(&mut self, text: &str, slot: PeerSlot) -> Result<Vec<u8>, String> {
        let peer = self
            .0
            .get(text)
            .ok_or_else(|| format!("{text:?} was not resolved"))?;
        let kind = peer.id.kind();
        let what = match kind {
            PeerKind::User => "a user",
            PeerKind::Chat => "a basic group",
            PeerKind::Channel => "a channel or supergroup",
        };
        match (slot, kind) {
            (PeerSlot::InputPeer, _) => Ok(tl::enums::InputPeer::from(peer).to_bytes()),
            (PeerSlot::InputUser, PeerKind::User) => {
                Ok(tl::enums::InputUser::from(peer).to_bytes())
            }
            (PeerSlot::InputChannel, PeerKind::Channel) => {
                Ok(tl::enums::InputChannel::from(peer).to_bytes())
            }
            (PeerSlot::InputUser, _) => Err(format!("{text} is {what}, but a user goes here")),
            (PeerSlot::InputChannel, _) => Err(format!(
                "{text} is {what}, but a channel or supergroup goes here"
            )),
        }
    }
}

/// The request as grammers sends it: bytes we encoded, answered by bytes we decode.
#[derive(Clone)]
struct RawCall(Vec<u8>);

struct RawAnswer(Vec<u8>);

impl Serializable for RawCall {
    fn serialize(&self, buf: &mut impl Extend<u8>) {
        buf.extend(self.0.iter().copied());
    }
}

impl Deserializable for RawAnswer {
    fn deserialize(buf: &mut Cursor) -> tl::deserialize::Result<Self> {
        let mut bytes = Vec::new();
        buf.read_to_end(&mut bytes)?;
        Ok(Self(bytes))
    }
}

impl RemoteCall for RawCall {
    type Return = RawAnswer;
}

impl Telegram {
    /// Calls the method and returns its answer as JSON.
    pub async fn invoke(&self, request: &Invoke) -> Result<Value> {
        let prepared = request.prepare()?;
        self.invoke_prepared(&prepared).await
    }

    pub async fn invoke_prepared(&self, prepared: &Prepared) -> Result<Value> {
        let schema = Schema::get();
        let def = prepared.def;
        let name = def.name.as_str();
        let rule = self
            .has_access_list()
            .then(|| policy::access_rule(name).unwrap_or(policy::AccessRule::Refused));
        let intent = match rule {
            Some(policy::AccessRule::Refused) => {
                return Err(Error::Forbidden(format!(
                    "{name} is not run while this profile has an access list: its answer covers chats the list may not allow — use find_chats or search_messages_globally, which filter by the list"
                )));
            }
            Some(policy::AccessRule::Write) => Intent::Write,
            Some(policy::AccessRule::Read) | None => Intent::Read,
        };
        let mut resolved = HashMap::new();
        for text in &prepared.chats {
            resolved.insert(text.clone(), self.resolve_for(text, intent).await?);
        }
        if rule.is_some() {
            let raw = super::access_invoke::raw_peers(&prepared.params);
            for peer in &raw {
                let shown = if *peer == grammers_session::types::PeerId::self_user() {
                    "me".to_owned()
                } else {
                    peer.bot_api_dialog_id_unchecked().to_string()
                };
                self.check_access(*peer, intent, &shown).await?;
            }
            if intent == Intent::Write && raw.is_empty() && prepared.chats.is_empty() {
                return Err(Error::Forbidden(format!(
                    "{name} names no chat, so its effect cannot be checked against this profile's access list, and it is not run while one is set"
                )));
            }
        }
        if !policy::is_read_only(name) {
            self.take_write()?;
        }
        let body =
            schema::encode::encode_call(schema, def, &prepared.params, &mut Resolved(resolved))
                .map_err(Error::InvalidInput)?;
        let call = RawCall(body);
        let answer = if policy::is_read_only(name) {
            self.read(name, |client| {
                let call = call.clone();
                async move { client.invoke(&call).await }
            })
            .await?
        } else {
            self.write(name, async { self.client().invoke(&call).await })
                .await?
        };
        let (mut value, seen) =
            schema::decode::decode(schema, &def.ty, &answer.0).map_err(|e| {
                Error::Network(format!("unreadable answer from Telegram to {name}: {e}"))
            })?;
        self.remember_seen(&answer.0, &seen).await;
        if rule.is_some() {
            self.filter_answer(&mut value).await?;
        }
        Ok(value)
    }

    /// Caches the users and chats an answer carried, so later calls can name them by id.
    async fn remember_seen(&self, bytes: &[u8], seen: &[schema::decode::Seen]) {
        let mut users = Vec::new();
        let mut chats = Vec::new();
        for item in seen {
            let Some(rest) = bytes.get(item.start..) else {
                continue;
            };
            let mut cur = Cursor::from_slice(rest);
            if let Ok(user) = tl::enums::User::deserialize(&mut cur) {
                users.push(user);
                continue;
            }
            let mut cur = Cursor::from_slice(rest);
            if let Ok(chat) = tl::enums::Chat::deserialize(&mut cur) {
                chats.push(chat);
            }
        }
        if let Err(e) = self.remember(&users, &chats).await {
            tracing::debug!("could not cache the peers of an answer: {e}");
        }
    }
}
