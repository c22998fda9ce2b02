//! A message's formatting (its `entities`) written back into its text as Markdown, so a
//! model sees what the sender saw: bold, italic, code, links with their URLs.
//!
//! Entities count in UTF-16 code units, overlap and nest; markers are placed so that
//! inner ones close before outer ones. Entities that add nothing a reader needs
//! (plain URLs, hashtags, underline) leave the text as it is.

use grammers_tl_types as tl;

/// The opening and closing marker of an entity, or `None` to leave it plain.
fn markers(entity: &tl::enums::MessageEntity) -> Option<(String, String)> {
    use tl::enums::MessageEntity as E;
    let pair = |open: &str, close: &str| Some((open.to_owned(), close.to_owned()));
    match entity {
        E::Bold(_) => pair("**", "**"),
        E::Italic(_) => pair("_", "_"),
        E::Strike(_) => pair("~~", "~~"),
        E::Spoiler(_) => pair("||", "||"),
        E::Code(_) => pair("`", "`"),
        E::Pre(p) => Some((format!("```{}\n", p.language), "\n```".to_owned())),
        E::TextUrl(u) => Some(("[".to_owned(), format!("]({})", u.url))),
        E::MentionName(m) => Some(("[".to_owned(), format!("](tg://user?id={})", m.user_id))),
        _ => None,
    }
}

/// `text` with `entities` written in as Markdown.
pub fn to_markdown(text: &str, entities: &[tl::enums::MessageEntity]) -> String {
    // (position, order key, marker): closes sort before opens at one position; among
    // closes the inner (later-opened) first, among opens the outer (longer) first.
    let mut events: Vec<(usize, (u8, i64), String)> = Vec::new();
    for (i, entity) in entities.iter().enumerate() {
        let Some((open, close)) = markers(entity) else {
            continue;
        };
        let start = entity.offset().max(0) as usize;
        let length = entity.length().max(0) as usize;
        if length == 0 {
            continue;
        }
        let end = start + length;
        let nesting = i64::try_from(length).unwrap_or(i64::MAX);
        events.push((start, (1, -nesting * 1024 - i as i64), open));
        events.push((end, (0, nesting * 1024 - i as i64), close));
    }
    if events.is_empty() {
        return text.to_owned();
    }
    events.sort_by_key(|(pos, key, _)| (*pos, *key));
    let mut out = String::with_capacity(text.len() + events.len() * 4);
    let mut next = events.iter().peekable();
    let mut at = 0usize; // UTF-16 position in `text`
    for c in text.chars() {
        while let Some((pos, _, marker)) = next.peek()
            && *pos <= at
        {
            out.push_str(marker);
            next.next();
        }
        out.push(c);
        at += c.len_utf16();
    }
    for (_, _, marker) in next {
        out.push_str(marker);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bold(offset: i32, length: i32) -> tl::enums::MessageEntity {
        tl::types::MessageEntityBold { offset, length }.into()
    }

    fn link(offset: i32, length: i32, url: &str) -> tl::enums::MessageEntity {
        tl::types::MessageEntityTextUrl {
            offset,
            length,
            url: url.to_owned(),
        }
        .into()
    }

    #[test]
    fn a_text_link_keeps_its_url() {
        assert_eq!(
            to_markdown("the doc is here", &[link(11, 4, "https://example.org/doc")]),
            "the doc is [here](https://example.org/doc)"
        );
    }

    #[test]
    fn nested_and_adjacent_markers_close_inside_out() {
        let italic = tl::types::MessageEntityItalic {
            offset: 0,
            length: 4,
        }
        .into();
        assert_eq!(
            to_markdown("bold text", &[bold(0, 9), italic]),
            "**_bold_ text**"
        );
        let code = tl::types::MessageEntityCode {
            offset: 5,
            length: 4,
        }
        .into();
        assert_eq!(
            to_markdown("bold code", &[bold(0, 4), code]),
            "**bold** `code`"
        );
    }

    #[test]
    fn offsets_count_utf16_and_nonsense_is_harmless() {
        // 😀 is two UTF-16 units.
        assert_eq!(to_markdown("😀 hi", &[bold(3, 2)]), "😀 **hi**");
        let pre = tl::types::MessageEntityPre {
            offset: 0,
            length: 6,
            language: "rust".into(),
        }
        .into();
        assert_eq!(to_markdown("fn x()", &[pre]), "```rust\nfn x()\n```");
        // Past the end or empty: closed at the end, or dropped.
        assert_eq!(to_markdown("abc", &[bold(1, 99), bold(0, 0)]), "a**bc**");
        assert_eq!(to_markdown("plain", &[]), "plain");
    }
}
