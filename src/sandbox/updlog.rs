//! The update log: what changed in each account's common box and in each channel, by pts,
//! so that `updates.getDifference` / `updates.getChannelDifference` can replay what a
//! client missed, as Telegram does, instead of telling it to refetch everything.
//!
//! Entries name what happened (a message id, a read mark); the answer renders them from
//! the world when asked, for its reader. Each box keeps its last [`HORIZON`] entries: a
//! client further behind than that is told the difference is too long, as Telegram tells
//! clients that were away too long.

use std::collections::{HashMap, VecDeque};

use super::world::Peer;

/// Entries kept per box.
pub(crate) const HORIZON: usize = 1000;

/// A box with its own pts: an account's common box (private chats and basic groups) or a
/// channel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum BoxId {
    User(i64),
    Channel(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// Message `id` of chat `to` was sent.
    New { to: Peer, id: i32 },
    /// Message `id` of chat `to` was edited.
    Edit { to: Peer, id: i32 },
    /// Messages were deleted.
    Delete { ids: Vec<i32> },
    /// Messages of a channel were deleted.
    DeleteChannel { channel: i64, ids: Vec<i32> },
    /// Messages sent to `to` (by `from`, for a private chat) were pinned or unpinned.
    Pin {
        to: Peer,
        from: Option<i64>,
        ids: Vec<i32>,
        pinned: bool,
    },
    /// The account read `peer` up to `max_id`.
    ReadInbox { peer: Peer, max_id: i32 },
    /// `peer` read the account's messages up to `max_id`.
    ReadOutbox { peer: Peer, max_id: i32 },
    /// The account saw the contents (mentions) of these messages.
    ReadContents { ids: Vec<i32> },
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The box's pts after this event.
    pub pts: i32,
    pub pts_count: i32,
    pub event: Event,
}

#[derive(Debug, Default)]
pub(crate) struct UpdateLog {
    boxes: HashMap<BoxId, VecDeque<Entry>>,
}

impl UpdateLog {
    pub fn record(&mut self, owner: BoxId, pts: i32, pts_count: i32, event: Event) {
        let entries = self.boxes.entry(owner).or_default();
        entries.push_back(Entry {
            pts,
            pts_count,
            event,
        });
        while entries.len() > HORIZON {
            entries.pop_front();
        }
    }

    /// Everything after `pts` in `owner`'s box, oldest first; `None` when `pts` is older
    /// than the oldest entry kept (or than anything logged, when `current` is ahead).
    pub fn since(&self, owner: BoxId, pts: i32, current: i32) -> Option<Vec<&Entry>> {
        if pts >= current {
            return Some(Vec::new());
        }
        let entries = self.boxes.get(&owner)?;
        let first = entries.front()?;
        if pts < first.pts - first.pts_count {
            return None;
        }
        Some(entries.iter().filter(|e| e.pts > pts).collect())
    }
}
