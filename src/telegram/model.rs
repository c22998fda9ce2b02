//! The serde types every face returns: the JSON `tgmcp … --json` prints is the structured
//! content the MCP tools return.

use grammers_tl_types as tl;
use serde::Serialize;

/// The logged-in account. The phone number is masked: outputs end up in logs and chats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub bot: bool,
    pub premium: bool,
}

impl From<&tl::types::User> for Account {
    fn from(user: &tl::types::User) -> Self {
        Self {
            id: user.id,
            name: full_name(user.first_name.as_deref(), user.last_name.as_deref()),
            username: user.username.clone(),
            phone: user.phone.as_deref().map(mask_phone),
            bot: user.bot,
            premium: user.premium,
        }
    }
}

pub fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    match (
        first.unwrap_or_default().trim(),
        last.unwrap_or_default().trim(),
    ) {
        ("", "") => "(no name)".to_owned(),
        (f, "") => f.to_owned(),
        ("", l) => l.to_owned(),
        (f, l) => format!("{f} {l}"),
    }
}

/// `15550100001` → `+1555•••••01`: enough to tell accounts apart, not to call them.
pub fn mask_phone(digits: &str) -> String {
    let digits: Vec<char> = digits.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return "+•••".to_owned();
    }
    let (head, rest) = digits.split_at(4);
    let (middle, tail) = rest.split_at(rest.len() - 2);
    format!(
        "+{}{}{}",
        head.iter().collect::<String>(),
        "•".repeat(middle.len()),
        tail.iter().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("15550100001"), "+1555•••••01");
        assert_eq!(mask_phone("123"), "+•••");
    }

    #[test]
    fn names_join_cleanly() {
        assert_eq!(full_name(Some("Ann"), None), "Ann");
        assert_eq!(full_name(Some("Ann"), Some("Lee")), "Ann Lee");
        assert_eq!(full_name(None, Some(" ")), "(no name)");
    }
}
