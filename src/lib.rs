//! Arcanea: a creator platform's whole backend as one PostgreSQL extension.
use pgrx::prelude::*;

::pgrx::pg_module_magic!(name, version);

extension_sql_file!("../sql/00_supabase_compat.sql", name = "supabase_compat", bootstrap);

#[cfg(any(test, feature = "pg_test"))]
#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn auth_uid_reads_json_claims() {
        Spi::run("select set_config('request.jwt.claims', '{\"sub\":\"6f1c1c2e-0000-4000-8000-000000000001\"}', true)").unwrap();
        let uid = Spi::get_one::<String>("select auth.uid()::text").unwrap();
        assert_eq!(uid.as_deref(), Some("6f1c1c2e-0000-4000-8000-000000000001"));
    }
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
