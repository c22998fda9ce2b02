//! What `invoke` does with each method while the profile has an access list
//! ([`crate::telegram::access`]). One rule per class, and one explicit list:
//!
//! - readers: every chat in the parameters must be readable; the answer is filtered
//!   (messages, dialogs, updates and chats of other chats are dropped) — except the
//!   methods in [`REFUSED_WITH_ACCESS_LIST`], which list the account's chats wholesale
//!   with counts and offsets that a filtered answer would falsify: use `find_chats` and
//!   `search_messages_globally`, which filter honestly, instead;
//! - writers and dangerous methods: every chat in the parameters must be writable, and a
//!   writer that names no chat is refused (its effect on chats cannot be checked);
//! - secrets never run over MCP or HTTP anyway; wrappers are refused (they would hide
//!   the wrapped call).

use super::{Class, class};

/// Readers refused while an access list is set: their answers are the account's chats,
/// dialogs or updates across all chats.
pub const REFUSED_WITH_ACCESS_LIST: &[&str] = &[
    "messages.getDialogs",
    "messages.getPinnedDialogs",
    "messages.getDialogUnreadMarks",
    "messages.getSavedDialogs",
    "messages.getPinnedSavedDialogs",
    "messages.searchGlobal",
    "messages.getAllDrafts",
    "messages.getCommonChats",
    "messages.getDialogFilters",
    "messages.getSuggestedDialogFilters",
    "updates.getDifference",
    "contacts.getTopPeers",
    "contacts.getContacts",
    "contacts.getContactIDs",
    "contacts.getSaved",
    "contacts.getStatuses",
    "contacts.search",
    "contacts.getBlocked",
    "channels.getAdminedPublicChannels",
    "channels.getLeftChannels",
    "channels.getGroupsForDiscussion",
    "chatlists.getChatlistUpdates",
    "stories.getAllStories",
];

/// How `invoke` treats a method while an access list is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessRule {
    /// Its chats must be readable; the answer is filtered.
    Read,
    /// Its chats must be writable (and it must name one); the answer is filtered.
    Write,
    /// Not run while a list is set.
    Refused,
}

/// The rule for `method` (spelled as in the schema); `None` for a method no class lists.
pub fn access_rule(method: &str) -> Option<AccessRule> {
    if REFUSED_WITH_ACCESS_LIST.contains(&method) {
        return Some(AccessRule::Refused);
    }
    Some(match class(method)? {
        Class::Reader => AccessRule::Read,
        Class::Writer | Class::Dangerous => AccessRule::Write,
        Class::Secret | Class::Wrapper => AccessRule::Refused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tl::Schema;

    #[test]
    fn every_method_has_an_access_rule_and_the_refused_ones_are_readers() {
        let schema = Schema::get();
        let missing: Vec<&str> = schema
            .functions()
            .iter()
            .map(|def| def.name.as_str())
            .filter(|name| access_rule(name).is_none())
            .collect();
        assert!(missing.is_empty(), "no access rule for {missing:?}");
        for name in REFUSED_WITH_ACCESS_LIST {
            assert!(
                schema.functions().iter().any(|def| def.name == *name),
                "{name} is not in the schema"
            );
            assert_eq!(class(name), Some(Class::Reader), "{name}");
        }
        assert_eq!(access_rule("messages.getHistory"), Some(AccessRule::Read));
        assert_eq!(
            access_rule("messages.forwardMessages"),
            Some(AccessRule::Write)
        );
        assert_eq!(
            access_rule("messages.getDialogs"),
            Some(AccessRule::Refused)
        );
    }
}
