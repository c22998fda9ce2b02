//! How Telegram matches a search query against text: by words and word prefixes,
//! case-insensitively, in any script. "invo" finds "Invoice", "встреч" finds "Встреча",
//! and every word of the query must match for the text to match.
//!
//! Words are runs of letters and digits; everything else separates them. Two exceptions
//! keep non-European text searchable: emoji are words of their own (so "🎉" finds a
//! message with a party popper), and Chinese, Japanese and Korean text, written without
//! spaces, matches a query word anywhere inside a run rather than only at its start.

/// A query split into the lowercase words that must each match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
}

impl Query {
    pub fn new(q: &str) -> Self {
        Self { words: words(q) }
    }

    /// A query with no words (empty, or only punctuation) matches everything.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn matches(&self, text: &str) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let haystack = words(text);
        self.words
            .iter()
            .all(|q| haystack.iter().any(|word| word_matches(q, word)))
    }

    /// Whether any of `texts` (a name, a title, a username …) matches every query word
    /// between them, as contacts.search does for "Bob Builder" and "bob build".
    pub fn matches_any(&self, texts: &[&str]) -> bool {
        self.matches(&texts.join(" "))
    }
}

fn word_matches(query_word: &str, word: &str) -> bool {
    word.starts_with(query_word) || (is_cjk_text(query_word) && word.contains(query_word))
}

/// The lowercase words of `text`.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
            continue;
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if is_emoji(c) {
            out.push(c.to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

fn is_cjk_text(word: &str) -> bool {
    word.chars().any(|c| {
        matches!(u32::from(c),
            0x3040..=0x30FF      // Hiragana, Katakana
            | 0x3400..=0x4DBF    // CJK Extension A
            | 0x4E00..=0x9FFF    // CJK Unified Ideographs
            | 0xAC00..=0xD7AF    // Hangul syllables
            | 0xF900..=0xFAFF) // CJK Compatibility Ideographs
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(q: &str, text: &str) -> bool {
        Query::new(q).matches(text)
    }

    #[test]
    fn words_and_prefixes_case_insensitive() {
        assert!(hit("invoice", "Here is the Invoice for April"));
        assert!(hit("INVO", "here is the invoice"));
        assert!(hit("invoice april", "the invoice for April"));
        assert!(!hit("invoice may", "the invoice for April"));
        assert!(!hit("voice", "the invoice"), "only prefixes, not infixes");
        assert!(hit("v2", "Deploy of api v2.3.1"));
    }

    #[test]
    fn unicode_scripts() {
        assert!(hit("встреч", "Встреча в пятницу"));
        assert!(hit("GRÖ", "Die Größe passt"));
        assert!(hit("mañana", "¿Nos vemos mañana?"));
        assert!(
            hit("明日", "会議は明日の十時です"),
            "CJK matches inside a run"
        );
        assert!(!hit("明後日", "会議は明日の十時です"));
        assert!(hit("🎉", "Release is out 🎉🎉"));
        assert!(!hit("🎉", "Release is out"));
    }

    #[test]
    fn empty_and_punctuation_only_queries_match_everything() {
        assert!(Query::new("").is_empty());
        assert!(Query::new(" ?! ").is_empty());
        assert!(hit("", "anything"));
    }

    #[test]
    fn names_match_across_fields() {
        let q = Query::new("bob build");
        assert!(q.matches_any(&["Bob", "Builder", "bob_builder"]));
        assert!(!Query::new("bob carol").matches_any(&["Bob", "Builder"]));
    }
}
