//! Notifications: mention parsing for the comment trigger.

use pgrx::prelude::*;

#[pg_schema]
mod arcanea {
    use pgrx::prelude::*;

    /// The usernames `@mentioned` in a comment (see `domain::mentions`).
    #[pg_extern(immutable, parallel_safe, strict)]
    fn parse_mentions(content: &str) -> Vec<String> {
        crate::domain::mentions::parse_mentions(content)
    }
}
