//! The access list applied to `invoke` (both `invoke_mtproto` and `/mtproto-api`): chats
//! written as input-peer objects or raw ids in the parameters, and the chats an answer
//! carries. Chat references (`@name`, ids in peer slots) go through the resolver instead.

use std::collections::{HashMap, HashSet};

use grammers_session::types::PeerId;
use serde_json::Value;

use super::access::{ChatFacts, Intent};
use super::client::Telegram;
use super::model::ChatType;
use crate::error::Result;

/// An integer as JSON holds it: a number, or a decimal string (large ones).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn constructor(object: &serde_json::Map<String, Value>) -> String {
    let name = object
        .get("_")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    name.strip_prefix("types.").unwrap_or(&name).to_owned()
}

/// Every chat the parameters name outside a chat reference: input peers, users and
/// channels written as objects (`inputPeerChannel`, `inputUserFromMessage`, …), and
/// raw `user_id`, `chat_id` and `channel_id` fields (`messages.getFullChat`), at any
/// depth, in vectors too.
pub fn raw_peers(params: &Value) -> Vec<PeerId> {
    let mut found = Vec::new();
    walk_params(params, &mut found);
    found
}

fn walk_params(value: &Value, found: &mut Vec<PeerId>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| walk_params(item, found)),
        Value::Object(object) => {
            let name = constructor(object);
            if matches!(name.as_str(), "inputpeerself" | "inputuserself") {
                found.push(PeerId::self_user());
            }
            for (key, field) in object {
                let id = integer(field).filter(|id| *id > 0);
                let peer = match (key.as_str(), id) {
                    ("user_id", Some(id)) => PeerId::user(id),
                    ("chat_id", Some(id)) => PeerId::chat(id),
                    ("channel_id", Some(id)) => PeerId::channel(id),
                    _ => None,
                };
                match peer {
                    Some(peer) => found.push(peer),
                    None => walk_params(field, found),
                }
            }
        }
        _ => {}
    }
}

/// The chat a decoded `peerUser`/`peerChat`/`peerChannel` names.
fn peer_of(value: &Value) -> Option<PeerId> {
    let object = value.as_object()?;
    match constructor(object).as_str() {
        "peeruser" => PeerId::user(integer(object.get("user_id")?)?),
        "peerchat" => PeerId::chat(integer(object.get("chat_id")?)?),
        "peerchannel" => PeerId::channel(integer(object.get("channel_id")?)?),
        _ => None,
    }
}

/// What an answer item is about: a chat object (`chat`, `channel` …) or the chat of a
/// message, dialog or update (`peer_id`, `peer`, `message.peer_id`).
enum About {
    Chat(ChatFacts),
    Peer(PeerId),
}

fn about(value: &Value) -> Option<About> {
    let object = value.as_object()?;
    let name = constructor(object);
    let id = object.get("id").and_then(integer);
    match (name.as_str(), id) {
        ("chat" | "chatforbidden", Some(id)) => {
            return Some(About::Chat(ChatFacts {
                id: -id,
                kind: ChatType::Group,
                bot: false,
            }));
        }
        ("channel" | "channelforbidden", Some(id)) => {
            let broadcast = object.get("broadcast").and_then(Value::as_bool) == Some(true);
            return PeerId::channel(id).map(|peer| {
                About::Chat(ChatFacts {
                    id: peer.bot_api_dialog_id_unchecked(),
                    kind: if broadcast {
                        ChatType::Channel
                    } else {
                        ChatType::Group
                    },
                    bot: false,
                })
            });
        }
        _ => {}
    }
    ["peer_id", "peer"]
        .iter()
        .find_map(|key| object.get(*key).and_then(peer_of))
        .or_else(|| {
            object
                .get("message")
                .and_then(|m| m.get("peer_id"))
                .and_then(peer_of)
        })
        .map(About::Peer)
}

fn collect_peers(value: &Value, out: &mut HashSet<PeerId>) {
    match value {
        Value::Array(items) => {
            for item in items {
                if let Some(About::Peer(peer)) = about(item) {
                    out.insert(peer);
                }
                collect_peers(item, out);
            }
        }
        Value::Object(object) => object.values().for_each(|v| collect_peers(v, out)),
        _ => {}
    }
}

fn drop_denied(value: &mut Value, keep: &dyn Fn(&About) -> bool) {
    match value {
        Value::Array(items) => {
            items.retain(|item| about(item).is_none_or(|a| keep(&a)));
            items.iter_mut().for_each(|item| drop_denied(item, keep));
        }
        Value::Object(object) => object.values_mut().for_each(|v| drop_denied(v, keep)),
        _ => {}
    }
}

impl Telegram {
    /// Drops from an answer every message, dialog, update and chat of a chat this server
    /// may not read. Items whose chat the session cannot describe are dropped too.
    pub(crate) async fn filter_answer(&self, value: &mut Value) -> Result<()> {
        let Some(access) = self.access().await? else {
            return Ok(());
        };
        let mut peers = HashSet::new();
        collect_peers(value, &mut peers);
        let mut readable = HashMap::new();
        for peer in peers {
            let ok = self
                .facts(peer)
                .await?
                .is_some_and(|facts| access.permits(&facts, Intent::Read));
            readable.insert(peer, ok);
        }
        drop_denied(value, &|about| match about {
            About::Chat(facts) => access.permits(facts, Intent::Read),
            About::Peer(peer) => readable.get(peer).copied().unwrap_or(false),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn peers_in_objects_vectors_and_raw_ids_are_found() {
        let params = json!({
            "peer": {"_": "inputPeerChannel", "channel_id": 1900000008, "access_hash": "5"},
            "id": [{"_": "inputPeerUser", "user_id": "7000000002", "access_hash": 1}],
            "deep": {"x": [{"_": "inputUserSelf"}]},
            "chat_id": 4000000007_i64,
            "limit": 10
        });
        let found = raw_peers(&params);
        let mut ids: Vec<i64> = found
            .iter()
            .filter(|p| **p != PeerId::self_user())
            .map(|p| p.bot_api_dialog_id_unchecked())
            .collect();
        ids.sort();
        assert_eq!(ids, [-1_001_900_000_008, -4_000_000_007, 7_000_000_002]);
        assert!(found.contains(&PeerId::self_user()));
    }

    #[test]
    fn denied_items_are_dropped_at_any_depth() {
        let mut answer = json!({
            "_": "messages.messages",
            "messages": [
                {"_": "message", "id": 1, "peer_id": {"_": "peerUser", "user_id": 1}},
                {"_": "message", "id": 2, "peer_id": {"_": "peerChat", "chat_id": 2}}
            ],
            "chats": [{"_": "chat", "id": 2}, {"_": "channel", "id": 3, "broadcast": true}],
            "users": [{"_": "user", "id": 1}]
        });
        let keep = |about: &About| match about {
            About::Peer(peer) => peer.bot_api_dialog_id_unchecked() == 1,
            About::Chat(facts) => facts.kind == ChatType::Channel,
        };
        drop_denied(&mut answer, &keep);
        assert_eq!(answer["messages"].as_array().unwrap().len(), 1);
        assert_eq!(answer["messages"][0]["id"], 1);
        assert_eq!(
            answer["chats"],
            json!([{"_": "channel", "id": 3, "broadcast": true}])
        );
        assert_eq!(answer["users"].as_array().unwrap().len(), 1);
    }
}
