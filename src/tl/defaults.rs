//! What a required parameter left out of `invoke`'s JSON becomes, where Telegram itself
//! reads a value as "none": `random_id` is a fresh random number (Telegram's duplicate
//! check wants a new one per send), and a reader's paging offsets, bounds and cache hash
//! are 0 (`inputPeerEmpty` for `offset_peer`, `inputMessagesFilterEmpty` for `filter`).
//!
//! One explicit rule, shown by `tgmcp invoke --describe`, so that the calls people write
//! from Telegram's docs (`messages.getHistory {"peer": …, "limit": 5}`) work as written.
//! Writers get no zeros: a writer's numbers name what it acts on and must be given.

use serde_json::{Map, Value, json};

use super::schema::Ty;

/// The paging offsets, bounds and cache hashes that Telegram reads as "none" when 0.
const ZERO_IN_READERS: &[&str] = &[
    "offset",
    "offset_id",
    "offset_date",
    "offset_rate",
    "offset_topic",
    "add_offset",
    "max_id",
    "min_id",
    "max_date",
    "min_date",
    "hash",
];

/// How a missing required parameter is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// 0, which Telegram reads as "none" (readers only).
    Zero,
    /// A fresh random 64-bit number.
    Random,
    /// A fresh random number for each item of the sibling vector `id`.
    RandomPerId,
    /// A boxed "empty" constructor: `inputPeerEmpty`, `inputMessagesFilterEmpty`.
    Empty(&'static str),
}

impl Fill {
    /// How `--describe` shows it.
    pub fn describe(self) -> String {
        match self {
            Fill::Zero => "0 (none)".into(),
            Fill::Random => "random".into(),
            Fill::RandomPerId => "random, one per id".into(),
            Fill::Empty(name) => name.into(),
        }
    }

    /// The JSON value to encode in place of the missing one; `None` when it depends on a
    /// sibling that is missing too (the sibling's own error is then reported).
    pub fn value(self, fields: &Map<String, Value>) -> Option<Value> {
        Some(match self {
            Fill::Zero => json!(0),
            Fill::Random => json!(random_id().to_string()),
            Fill::RandomPerId => {
                let ids = fields.get("id")?.as_array()?;
                Value::Array(ids.iter().map(|_| json!(random_id().to_string())).collect())
            }
            Fill::Empty(name) => json!({ "_": name }),
        })
    }
}

/// The fill for a required parameter `name` of type `ty`, in a call to a method that
/// only reads (`reader`) or not.
pub fn fill(name: &str, ty: &Ty, reader: bool) -> Option<Fill> {
    match (name, ty) {
        ("random_id", Ty::Long) => Some(Fill::Random),
        ("random_id", Ty::Vector(item)) if **item == Ty::Long => Some(Fill::RandomPerId),
        _ if !reader => None,
        (name, Ty::Int | Ty::Long) if ZERO_IN_READERS.contains(&name) => Some(Fill::Zero),
        ("offset_peer", Ty::Boxed(t)) if t == "InputPeer" => Some(Fill::Empty("inputPeerEmpty")),
        ("filter", Ty::Boxed(t)) if t == "MessagesFilter" => {
            Some(Fill::Empty("inputMessagesFilterEmpty"))
        }
        _ => None,
    }
}

fn random_id() -> i64 {
    let mut bytes = [0u8; 8];
    // No RNG means no safe random_id; Telegram would dedupe a constant one wrongly.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    i64::from_le_bytes(bytes)
}
