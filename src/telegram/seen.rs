//! Users and chats this process has been told about, with their names: what the short
//! answer to a private send (`updateShortSentMessage`) leaves out is filled from here, so
//! the message it reports names its chat and sender without another round trip.

use std::collections::HashMap;
use std::sync::Mutex;

use grammers_session::types::PeerId;
use grammers_tl_types as tl;

/// Past this many peers the cache starts over: bounded memory whatever the answers hold.
const MAX_SEEN: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct Seen {
    users: Mutex<HashMap<i64, tl::enums::User>>,
    chats: Mutex<HashMap<i64, tl::enums::Chat>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn chat_key(chat: &tl::enums::Chat) -> Option<i64> {
    let id = match chat {
        tl::enums::Chat::Chat(c) => PeerId::chat_unchecked(c.id),
        tl::enums::Chat::Channel(c) if !c.min => PeerId::channel_unchecked(c.id),
        _ => return None,
    };
    Some(id.bot_api_dialog_id_unchecked())
}

impl Seen {
    /// Keeps the full (not `min`) users and the chats of an answer.
    pub(crate) fn note(&self, users: &[tl::enums::User], chats: &[tl::enums::Chat]) {
        let mut known = lock(&self.users);
        for user in users {
            if let tl::enums::User::User(u) = user
                && !u.min
            {
                if known.len() >= MAX_SEEN {
                    known.clear();
                }
                // Keep the account's own entry marked as self whoever else describes it.
                let is_self = known
                    .get(&u.id)
                    .is_some_and(|old| matches!(old, tl::enums::User::User(o) if o.is_self));
                let mut u = u.clone();
                u.is_self |= is_self;
                known.insert(u.id, u.into());
            }
        }
        drop(known);
        let mut known = lock(&self.chats);
        for chat in chats {
            if let Some(key) = chat_key(chat) {
                if known.len() >= MAX_SEEN {
                    known.clear();
                }
                known.insert(key, chat.clone());
            }
        }
    }

    /// The account's own user (from login or get_me), marked as self.
    pub(crate) fn note_self(&self, user: &tl::types::User) {
        let mut user = user.clone();
        user.is_self = true;
        self.note(&[user.into()], &[]);
    }

    /// What is known of user ids `users` and marked chat ids `chats`.
    pub(crate) fn get(
        &self,
        users: &[i64],
        chats: &[i64],
    ) -> (Vec<tl::enums::User>, Vec<tl::enums::Chat>) {
        let known = lock(&self.users);
        let users = users
            .iter()
            .filter_map(|id| known.get(id).cloned())
            .collect();
        drop(known);
        let known = lock(&self.chats);
        let chats = chats
            .iter()
            .filter_map(|id| known.get(id).cloned())
            .collect();
        (users, chats)
    }
}
