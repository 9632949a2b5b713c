//! The SQL-facing functions, grouped by domain.  Each `#[pg_extern]` here is
//! a thin entry point: check arguments and identity, call `db`, shape the
//! result.  Rules live in `crate::domain`, SQL in the statements beside them.

pub mod notifications;
