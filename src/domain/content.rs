//! Values the schema constrains and the RPCs check before they write, so
//! that a bad argument is a 400 naming it rather than a constraint
//! violation.  Each is stated here once for Rust; `schema_facts` (below)
//! reads the SQL that states it for the database and fails when the two
//! disagree.

/// `creations.type` (`creations_type_check`, sql/10_tables.sql).
pub const CREATION_TYPES: [&str; 5] = ["image", "music", "video", "text", "multimodal"];

/// `luminor_messages.role` (`luminor_messages_role_check`, sql/10_tables.sql).
pub const MESSAGE_ROLES: [&str; 3] = ["user", "assistant", "system"];

/// The longest message, in characters (`luminor_messages_content_length`,
/// sql/15_limits.sql).
pub const MAX_MESSAGE_CHARS: usize = 32_000;

/// "must be one of a, b, c": the message for a value outside `allowed`.
pub fn one_of(allowed: &[&str]) -> String {
    format!("must be one of {}", allowed.join(", "))
}

/// The facts of this module and the other domain modules that the schema
/// states too, held together: each test reads the SQL and compares.  Change
/// one side without the other and the test names the pair.
#[cfg(test)]
mod schema_facts {
    use super::*;
    use crate::domain::{memory, search, username};

    const TABLES: &str = include_str!("../../sql/10_tables.sql");
    const LIMITS: &str = include_str!("../../sql/15_limits.sql");
    const SEARCH_TERMS: &str = include_str!("../../sql/25_search_terms.sql");

    /// The text of constraint `name`'s CHECK expression in `sql`.
    fn check_of<'a>(sql: &'a str, name: &str) -> &'a str {
        let at = sql
            .match_indices(&format!("CONSTRAINT {name}"))
            .map(|(at, m)| (at, at + m.len()))
            .find(|&(_, end)| sql[end..].starts_with(char::is_whitespace))
            .map(|(at, _)| at)
            .unwrap_or_else(|| panic!("no constraint {name}"));
        let rest = &sql[at..];
        let open = rest.find("CHECK (").unwrap_or_else(|| panic!("{name} is not a CHECK")) + "CHECK (".len();
        let mut depth = 1;
        for (i, ch) in rest[open..].char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return &rest[open..open + i];
                    }
                }
                _ => {}
            }
        }
        panic!("unbalanced CHECK of {name}")
    }

    /// The quoted values of a `column IN ('a', 'b')` check, in order.
    fn quoted(check: &str) -> Vec<String> {
        check.split('\'').skip(1).step_by(2).map(str::to_string).collect()
    }

    /// The numbers in a check, in order.
    fn numbers(check: &str) -> Vec<usize> {
        check
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect()
    }

    #[test]
    fn creation_types() {
        assert_eq!(quoted(check_of(TABLES, "creations_type_check")), CREATION_TYPES);
    }

    #[test]
    fn message_roles() {
        assert_eq!(quoted(check_of(TABLES, "luminor_messages_role_check")), MESSAGE_ROLES);
    }

    #[test]
    fn message_length() {
        assert_eq!(numbers(check_of(LIMITS, "luminor_messages_content_length")), [1, MAX_MESSAGE_CHARS]);
    }

    #[test]
    fn key_memories_per_bond() {
        let check = check_of(TABLES, "luminor_relationships_key_memories_array");
        assert_eq!(numbers(check), [memory::MAX_MEMORIES]);
    }

    #[test]
    fn search_term_length() {
        let check = check_of(SEARCH_TERMS, "search_terms_length");
        assert_eq!(numbers(check).last(), Some(&search::MAX_TERM_LEN));
    }

    #[test]
    fn username_length() {
        // '^[a-z0-9_]{3,30}$'
        let check = check_of(TABLES, "profiles_username_format");
        assert_eq!(numbers(check), [0, 9, username::MIN_LEN, username::MAX_LEN]);
    }
}
