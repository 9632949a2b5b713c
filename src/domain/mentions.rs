//! `@username` mentions in comment text.

use super::username::{MAX_LEN, MIN_LEN};

/// At most this many distinct users are notified by one comment, so a
/// comment cannot be used to spam the whole directory.
pub const MAX_MENTIONS_PER_COMMENT: usize = 20;

/// The distinct usernames mentioned in `text`, lowercased, in order of first
/// appearance.
///
/// A mention is `@` followed by 3 to 30 of `[A-Za-z0-9_]`, where the `@` does
/// not follow a word character (so `me@example.com` is an address, not a
/// mention) and the name does not run on past 30 characters or into another
/// `@` or `.`-joined word (`@bob.example.com` is not `@bob`).  A trailing
/// full stop ends a sentence, not the name: "thanks @bob." mentions bob.
pub fn parse_mentions(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() && found.len() < MAX_MENTIONS_PER_COMMENT {
        if chars[i] != '@' {
            i += 1;
            continue;
        }
        let preceded_by_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let start = i + 1;
        let mut end = start;
        while end < chars.len() && is_name_char(chars[end]) {
            end += 1;
        }
        let len = end - start;
        let runs_on = end < chars.len()
            && (chars[end] == '@'
                || (chars[end] == '.' && end + 1 < chars.len() && is_name_char(chars[end + 1])));
        if !preceded_by_word && (MIN_LEN..=MAX_LEN).contains(&len) && !runs_on {
            let name: String = chars[start..end].iter().collect::<String>().to_ascii_lowercase();
            if !found.contains(&name) {
                found.push(name);
            }
        }
        i = end.max(i + 1);
    }
    found
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn finds_mentions_in_order_without_duplicates() {
        assert_eq!(parse_mentions("hey @Alice and @bob_99, @alice again"), vec!["alice", "bob_99"]);
    }

    #[test]
    fn ignores_emails_short_and_overlong_names() {
        assert!(parse_mentions("mail me@example.com").is_empty());
        assert!(parse_mentions("@ab is too short").is_empty());
        assert!(parse_mentions(&format!("@{}", "a".repeat(31))).is_empty());
        assert_eq!(parse_mentions(&format!("@{}", "a".repeat(30))), vec!["a".repeat(30)]);
        assert!(parse_mentions("@bob.example.com").is_empty());
        assert!(parse_mentions("@bob@host").is_empty());
    }

    #[test]
    fn punctuation_ends_a_name() {
        assert_eq!(parse_mentions("thanks @bob. (@carol) @dave!"), vec!["bob", "carol", "dave"]);
        assert_eq!(parse_mentions("@@eve"), vec!["eve"]);
        assert_eq!(parse_mentions("émoji 🎨@frank"), vec!["frank"]);
    }

    #[test]
    fn caps_the_number_of_mentions() {
        let text: String = (0..50).map(|n| format!("@user{n:03} ")).collect();
        assert_eq!(parse_mentions(&text).len(), MAX_MENTIONS_PER_COMMENT);
    }
}
