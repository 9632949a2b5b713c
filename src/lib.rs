//! Arcanea: a creator platform's whole backend as one PostgreSQL extension.
//!
//! Layout:
//! - `sql/`: tables, counters, notifications, seeds, security, in install
//!   order (each block placed explicitly below);
//! - `domain`: plain Rust rules (usernames, mentions, bond levels), unit tested;
//! - `db`: the only module that talks to SPI, with plans kept per backend;
//! - `api`: the `#[pg_extern]` entry points, grouped by domain;
//! - `signup`: the `handle_new_user` trigger;
//! - `limits`: the per-user rate limits' budget check;
//! - `ranking`: `arcanea.rank_cd`, search's relevance without ts_rank_cd's
//!   per-call cost;
//! - `row_versions`: `arcanea.written_by_this_transaction`, for the
//!   counters' bulk fold;
//! - `guard`: the event trigger that keeps DROP EXTENSION from deleting data;
//! - `error`: the one error type and its SQLSTATEs.
// pgrx raises an `Err` with its SQLSTATE only when it is an `ErrorReport`
// (any other error type becomes 22000), so the entry points must return
// `Result<T, ErrorReport>`, a large type, once per call, on the error path.
#![allow(clippy::result_large_err)]

use pgrx::prelude::*;

pub mod api;
pub mod db;
pub mod domain;
pub mod error;
pub mod guard;
pub mod identity;
pub mod limits;
pub mod ranking;
pub mod row_versions;
pub mod signup;

::pgrx::pg_module_magic!(name, version);

#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    guard::register_settings();
}

extension_sql_file!("../sql/00_supabase_compat.sql", name = "supabase_compat", bootstrap);
extension_sql_file!("../sql/10_tables.sql", name = "tables", requires = ["supabase_compat"]);
extension_sql_file!("../sql/15_limits.sql", name = "payload_limits", requires = ["tables"]);
extension_sql_file!(
    "../sql/20_counters.sql",
    name = "counters",
    requires = ["tables", row_versions::arcanea::written_by_this_transaction]
);
extension_sql_file!("../sql/25_search_terms.sql", name = "search_terms", requires = ["counters"]);
extension_sql_file!(
    "../sql/26_search_leaders.sql",
    name = "search_leaders",
    requires = ["search_terms", ranking::arcanea::rank_cd]
);
extension_sql_file!("../sql/27_feeds.sql", name = "feeds", requires = ["counters"]);
extension_sql_file!(
    "../sql/30_notifications.sql",
    name = "notifications",
    requires = ["counters", api::notifications::arcanea::parse_mentions]
);
extension_sql_file!(
    "../sql/35_rules.sql",
    name = "rules",
    requires = ["counters", signup::arcanea::is_reserved_username]
);
extension_sql_file!(
    "../sql/40_luminors_seed.sql",
    name = "luminors_seed",
    requires = ["counters", "payload_limits"]
);
extension_sql_file!(
    "../sql/45_rate_limits.sql",
    name = "rate_limits",
    requires = ["tables", "luminors_seed", limits::arcanea::enforce_rate_limit]
);
extension_sql!(
    r#"
-- Named for the extension so it never collides with a project's own
-- on_auth_user_created trigger.
CREATE TRIGGER arcanea_handle_new_user AFTER INSERT ON auth.users
    FOR EACH ROW EXECUTE FUNCTION arcanea.handle_new_user();
"#,
    name = "signup_trigger",
    requires = ["tables", signup::arcanea::handle_new_user]
);
extension_sql_file!(
    "../sql/50_security.sql",
    name = "security",
    requires =
        ["notifications", "luminors_seed", "search_terms", "search_leaders", "feeds", "rate_limits", "rules"]
);
extension_sql_file!("../sql/55_privileges.sql", name = "privileges", requires = ["security"]);
extension_sql_file!("../sql/57_erasure.sql", name = "erasure", requires = ["security"]);
extension_sql_file!("../sql/60_api_types.sql", name = "api_types", requires = ["tables"]);
extension_sql_file!("../sql/70_realtime.sql", name = "realtime", requires = ["security"]);
extension_sql_file!("../sql/75_maintenance.sql", name = "maintenance", requires = ["security"]);
extension_sql_file!("../sql/77_partitions.sql", name = "partitions", requires = ["maintenance"]);
extension_sql_file!("../sql/80_drop_guard.sql", name = "drop_guard", requires = ["tables"]);
extension_sql_file!("../sql/90_finalize.sql", name = "finalize", finalize);

#[cfg(any(test, feature = "pg_test"))]
#[pg_schema]
mod tests {
    // `#[pg_schema]` needs an inline module; the tests live in their own file.
    include!("tests.rs");
}

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}
