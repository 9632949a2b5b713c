//! The one error type of the API, and the SQLSTATE each failure carries.
//!
//! PostgREST turns SQLSTATEs into HTTP statuses, so every variant maps to a
//! code chosen for the status the caller should see ([`ApiError::sqlstate`]).
//! Which code and status each variant gives is documented in one place, the
//! errors table of docs/api.md ("Errors and status codes"); the test module
//! `documented` below checks that table against this enum.
//!
//! pgrx raises only codes from its closed `PgSqlErrorCode` list, and PT404 /
//! PT429 are not on it.  For those we raise a stand-in code from the list and
//! push an error-context callback that rewrites the SQLSTATE while Postgres
//! finishes the error report (`errfinish` runs every context callback before
//! the error is thrown, and `errcode()` there edits the error being built).
//! Exception handlers and clients therefore see the real code.  See
//! [`override_sqlstate_of_next_error`].

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use std::os::raw::{c_int, c_void};

/// What went wrong, in the caller's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("this function needs a signed-in user")]
    NotAuthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("invalid {arg}: {reason}")]
    InvalidArgument { arg: &'static str, reason: String },
    #[error("missing required argument {0}")]
    MissingArgument(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "rate limit exceeded for {action}: at most {limit} per {window_seconds} s; try again in {retry_after_seconds} s"
    )]
    RateLimited { action: String, limit: i64, window_seconds: i64, retry_after_seconds: i64 },
    /// A writing function called where nothing may be written: on a hot
    /// standby (`on_replica`), or in a read-only transaction (a PostgREST
    /// GET, `BEGIN READ ONLY`).  See `db::write`.
    #[error("{}", read_only_message(*on_replica))]
    ReadOnly { on_replica: bool },
    #[error("internal error: {0}")]
    Internal(String),
}

fn read_only_message(on_replica: bool) -> &'static str {
    if on_replica {
        "this function writes, and this database is a read-only replica (hot standby): call it on the primary"
    } else {
        "this function writes and cannot run in a read-only transaction"
    }
}

impl ApiError {
    pub fn invalid(arg: &'static str, reason: impl Into<String>) -> Self {
        ApiError::InvalidArgument { arg, reason: reason.into() }
    }

    pub fn not_found(what: &'static str) -> Self {
        ApiError::NotFound { what }
    }

    /// The five-character SQLSTATE the client must see.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            ApiError::NotAuthenticated | ApiError::Forbidden(_) => "42501",
            ApiError::NotFound { .. } => "PT404",
            ApiError::InvalidArgument { .. } => "22023",
            ApiError::MissingArgument(_) => "22004",
            ApiError::Conflict(_) => "23505",
            ApiError::RateLimited { .. } => "PT429",
            ApiError::ReadOnly { .. } => "25006",
            ApiError::Internal(_) => "XX000",
        }
    }

    /// A code pgrx can raise.  For PostgREST's own `PTxyz` codes this is a
    /// stand-in that the context callback replaces.
    fn raisable_code(&self) -> PgSqlErrorCode {
        use PgSqlErrorCode::*;
        match self {
            ApiError::NotAuthenticated | ApiError::Forbidden(_) => ERRCODE_INSUFFICIENT_PRIVILEGE,
            ApiError::NotFound { .. } => ERRCODE_NO_DATA_FOUND,
            ApiError::InvalidArgument { .. } => ERRCODE_INVALID_PARAMETER_VALUE,
            ApiError::MissingArgument(_) => ERRCODE_NULL_VALUE_NOT_ALLOWED,
            ApiError::Conflict(_) => ERRCODE_UNIQUE_VIOLATION,
            ApiError::RateLimited { .. } => ERRCODE_CONFIGURATION_LIMIT_EXCEEDED,
            ApiError::ReadOnly { .. } => ERRCODE_READ_ONLY_SQL_TRANSACTION,
            ApiError::Internal(_) => ERRCODE_INTERNAL_ERROR,
        }
    }

    fn hint(&self) -> Option<&'static str> {
        match self {
            ApiError::NotAuthenticated => Some("Send a user's JWT in the Authorization header."),
            ApiError::MissingArgument(_) => {
                Some("Pass it as a named argument, e.g. {\"p_creation_id\": \"...\"}.")
            }
            ApiError::RateLimited { .. } => Some("The operator sets the limits in arcanea.rate_limits."),
            ApiError::ReadOnly { on_replica: true } => {
                Some("A read replica serves reads only: send writing calls to the primary's URL.")
            }
            ApiError::ReadOnly { on_replica: false } => {
                Some("A GET request runs read-only: call writing functions with POST.")
            }
            _ => None,
        }
    }
}

impl From<pgrx::spi::SpiError> for ApiError {
    fn from(e: pgrx::spi::SpiError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<ApiError> for ErrorReport {
    fn from(e: ApiError) -> Self {
        let wanted = e.sqlstate();
        let code = e.raisable_code();
        if sqlstate_to_int(wanted) != code as c_int {
            override_sqlstate_of_next_error(wanted, code);
        }
        let mut report = ErrorReport::new(code, e.to_string(), "arcanea");
        if let Some(hint) = e.hint() {
            report = report.set_hint(hint);
        }
        report
    }
}

/// Raise `e` as a Postgres ERROR now, with its SQLSTATE.  For trigger
/// functions: pgrx reports an `Err` returned from a `#[pg_trigger]` as a
/// panic (XX000), whatever its code.
pub fn raise(e: ApiError) -> ! {
    ErrorReport::from(e).report(PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}

/// `Result` of the API layer; `#[pg_extern]`s return `Result<T, ErrorReport>`
/// and convert with `?`.
pub type ApiResult<T> = Result<T, ApiError>;

/// Postgres' MAKE_SQLSTATE: six bits per character, first character lowest.
pub const fn sqlstate_to_int(code: &str) -> c_int {
    let b = code.as_bytes();
    let mut value: c_int = 0;
    let mut i = 0;
    while i < 5 {
        value |= ((b[i].wrapping_sub(b'0')) as c_int & 0x3F) << (6 * i);
        i += 1;
    }
    value
}

unsafe extern "C-unwind" {
    // Exported by the postgres binary; pgrx deliberately does not bind them.
    fn errcode(sqlerrcode: c_int) -> c_int;
    fn geterrcode() -> c_int;
}

/// One node, reused: at most one rewrite is pending at a time, because the
/// error it is for is raised right after it is pushed.
static mut SQLSTATE_REWRITE: pg_sys::ErrorContextCallback = pg_sys::ErrorContextCallback {
    previous: std::ptr::null_mut(),
    callback: None,
    arg: std::ptr::null_mut(),
};
/// The stand-in code the pending rewrite applies to.
static mut SQLSTATE_REWRITE_FROM: c_int = 0;
/// The code the last rewrite gave an error, until [`keep_nested_sqlstates`]
/// takes it (0: none).
static mut LAST_REWRITTEN: c_int = 0;

unsafe extern "C-unwind" fn rewrite_sqlstate(arg: *mut c_void) {
    // Only the error we raised carries the stand-in code; any other report
    // passing through (a NOTICE, another error) is left alone.
    unsafe {
        if geterrcode() == SQLSTATE_REWRITE_FROM {
            errcode(arg as usize as c_int);
            LAST_REWRITTEN = arg as usize as c_int;
        }
    }
}

/// Arrange for the next error raised with `stand_in` to carry `wanted`.
///
/// The node is unlinked by Postgres itself: every error handler (PG_CATCH,
/// the main loop) restores `error_context_stack` to what it was before, and
/// the node was pushed on top of that.
fn override_sqlstate_of_next_error(wanted: &str, stand_in: PgSqlErrorCode) {
    override_sqlstate_code_of_next_error(sqlstate_to_int(wanted), stand_in)
}

fn override_sqlstate_code_of_next_error(wanted: c_int, stand_in: PgSqlErrorCode) {
    // SAFETY: backends are single-threaded; the static node lives forever.
    unsafe {
        let node = &raw mut SQLSTATE_REWRITE;
        let mut cursor = pg_sys::error_context_stack;
        while !cursor.is_null() {
            if cursor == node {
                // Already linked (two errors built before one was raised):
                // update in place rather than making a cycle.
                (*node).arg = wanted as usize as *mut c_void;
                SQLSTATE_REWRITE_FROM = stand_in as c_int;
                return;
            }
            cursor = (*cursor).previous;
        }
        (*node).previous = pg_sys::error_context_stack;
        (*node).callback = Some(rewrite_sqlstate);
        (*node).arg = wanted as usize as *mut c_void;
        SQLSTATE_REWRITE_FROM = stand_in as c_int;
        pg_sys::error_context_stack = node;
    }
}

/// Whether `code` is one of PostgREST's `PTxyz` codes (class "PT"), which
/// pgrx's closed `PgSqlErrorCode` list cannot carry.
const fn is_postgrest_code(code: c_int) -> bool {
    (code & 0x3F) as u8 + b'0' == b'P' && ((code >> 6) & 0x3F) as u8 + b'0' == b'T'
}

/// Linked under `f` by [`keep_nested_sqlstates`]: records the PT code of an
/// error raised by SQL that `f` runs (a PL/pgSQL trigger's `RAISE ... USING
/// ERRCODE = 'PT404'`), which no rewrite of ours ever saw.
static mut NESTED_CODE_RECORDER: pg_sys::ErrorContextCallback = pg_sys::ErrorContextCallback {
    previous: std::ptr::null_mut(),
    callback: None,
    arg: std::ptr::null_mut(),
};
/// How many [`keep_nested_sqlstates`] calls are running (the recorder is
/// linked once, by the outermost).
static mut NESTED_DEPTH: u32 = 0;

unsafe extern "C-unwind" fn record_postgrest_code(_arg: *mut c_void) {
    unsafe {
        let code = geterrcode();
        if is_postgrest_code(code) {
            LAST_REWRITTEN = code;
        }
    }
}

/// Run `f`, which calls into SPI, so that a PT code raised by something it
/// runs (a trigger spending a rate limit inside an RPC's INSERT, a PL/pgSQL
/// trigger refusing a retired Luminor) reaches the client intact.
///
/// pgrx catches an error raised under SPI and turns its SQLSTATE into its
/// closed `PgSqlErrorCode` list, where PT404 / PT429 become XX000, before
/// raising it again on the way out.  The rewrite callback (for our own
/// errors) or the recorder linked here (for SQL's) noted the real code when
/// the inner error was built; here we arm the rewrite again for the re-raise.
pub fn keep_nested_sqlstates<R>(f: impl FnOnce() -> R) -> R {
    // SAFETY: backends are single-threaded; the static node lives forever
    // and is linked at most once (NESTED_DEPTH), on top of the stack as it
    // is now, and unlinked below on success.  On error, pgrx's guard
    // restores error_context_stack before the catch handler runs, and the
    // catch handler restores it to what it was before the link.
    let outer = unsafe { pg_sys::error_context_stack };
    unsafe {
        LAST_REWRITTEN = 0;
        if NESTED_DEPTH == 0 {
            let node = &raw mut NESTED_CODE_RECORDER;
            (*node).previous = outer;
            (*node).callback = Some(record_postgrest_code);
            pg_sys::error_context_stack = node;
        }
        NESTED_DEPTH += 1;
    }
    let result = PgTryBuilder::new(std::panic::AssertUnwindSafe(f))
        .catch_when(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR, |caught| {
            unsafe {
                NESTED_DEPTH -= 1;
                pg_sys::error_context_stack = outer;
            }
            let wanted = unsafe { std::ptr::replace(&raw mut LAST_REWRITTEN, 0) };
            if wanted != 0 {
                override_sqlstate_code_of_next_error(wanted, PgSqlErrorCode::ERRCODE_INTERNAL_ERROR);
            }
            caught.rethrow()
        })
        .catch_others(|caught| {
            unsafe {
                NESTED_DEPTH -= 1;
                pg_sys::error_context_stack = outer;
            }
            caught.rethrow()
        })
        .execute();
    unsafe {
        NESTED_DEPTH -= 1;
        pg_sys::error_context_stack = outer;
    }
    result
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn postgrest_codes_are_told_apart() {
        assert!(is_postgrest_code(sqlstate_to_int("PT404")));
        assert!(is_postgrest_code(sqlstate_to_int("PT429")));
        assert!(!is_postgrest_code(sqlstate_to_int("P0001")));
        assert!(!is_postgrest_code(sqlstate_to_int("XX000")));
        assert!(!is_postgrest_code(sqlstate_to_int("42501")));
    }

    #[test]
    fn sqlstates_encode_like_postgres() {
        // ERRCODE_UNIQUE_VIOLATION is MAKE_SQLSTATE('2','3','5','0','5').
        assert_eq!(sqlstate_to_int("23505"), PgSqlErrorCode::ERRCODE_UNIQUE_VIOLATION as c_int);
        assert_eq!(sqlstate_to_int("42501"), PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE as c_int);
        assert_ne!(sqlstate_to_int("PT404"), PgSqlErrorCode::ERRCODE_NO_DATA_FOUND as c_int);
    }

    #[test]
    fn messages_name_the_argument() {
        let e = ApiError::invalid("p_limit", "must be between 1 and 100");
        assert_eq!(e.to_string(), "invalid p_limit: must be between 1 and 100");
        assert_eq!(e.sqlstate(), "22023");
        assert_eq!(
            ApiError::MissingArgument("p_creation_id").to_string(),
            "missing required argument p_creation_id"
        );
        assert_eq!(ApiError::not_found("creation").sqlstate(), "PT404");
    }

    #[test]
    fn a_write_where_none_is_possible_is_25006_and_says_where_to_go() {
        // 25006 is what PostgreSQL's own read-only check raises, and the
        // code PostgREST answers with 405; XX000 (500) would read as a bug.
        for on_replica in [true, false] {
            let e = ApiError::ReadOnly { on_replica };
            assert_eq!(e.sqlstate(), "25006");
            assert_eq!(sqlstate_to_int(e.sqlstate()), e.raisable_code() as c_int);
            assert!(e.to_string().starts_with("this function writes"), "{e}");
        }
        let replica = ApiError::ReadOnly { on_replica: true };
        assert!(replica.to_string().contains("replica") && replica.to_string().contains("primary"));
        assert!(replica.hint().unwrap().contains("primary"));
        let get = ApiError::ReadOnly { on_replica: false };
        assert!(!get.to_string().contains("replica"));
        assert!(get.hint().unwrap().contains("POST"));
    }
}

/// docs/api.md holds the project's one table of SQLSTATEs and HTTP statuses.
/// Each row's "raised by" cell names the `ApiError` variants that carry its
/// code (as `ApiError::Name` in backticks), or starts with "PostgreSQL" or
/// "PostgREST" for a code the database or PostgREST raises itself.
#[cfg(test)]
mod documented {
    use super::ApiError;

    const API_DOC: &str = include_str!("../docs/api.md");

    /// One value of every variant.  The match in `name` is exhaustive, so a
    /// new variant does not compile until it is named there, and then here.
    fn every_variant() -> Vec<ApiError> {
        vec![
            ApiError::NotAuthenticated,
            ApiError::Forbidden(String::new()),
            ApiError::not_found("creation"),
            ApiError::invalid("p_limit", "out of range"),
            ApiError::MissingArgument("p_creation_id"),
            ApiError::Conflict(String::new()),
            ApiError::RateLimited {
                action: "like".into(),
                limit: 60,
                window_seconds: 60,
                retry_after_seconds: 1,
            },
            ApiError::ReadOnly { on_replica: true },
            ApiError::Internal(String::new()),
        ]
    }

    fn name(e: &ApiError) -> &'static str {
        match e {
            ApiError::NotAuthenticated => "ApiError::NotAuthenticated",
            ApiError::Forbidden(_) => "ApiError::Forbidden",
            ApiError::NotFound { .. } => "ApiError::NotFound",
            ApiError::InvalidArgument { .. } => "ApiError::InvalidArgument",
            ApiError::MissingArgument(_) => "ApiError::MissingArgument",
            ApiError::Conflict(_) => "ApiError::Conflict",
            ApiError::RateLimited { .. } => "ApiError::RateLimited",
            ApiError::ReadOnly { .. } => "ApiError::ReadOnly",
            ApiError::Internal(_) => "ApiError::Internal",
        }
    }

    /// A row of the errors table: the codes of its first cell, and its
    /// "raised by" cell.
    struct Row {
        codes: Vec<String>,
        raised_by: String,
    }

    /// The `backticked` spans of a cell, without the backticks.
    fn backticked(cell: &str) -> Vec<String> {
        cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
    }

    fn cells(line: &str) -> Vec<String> {
        line.trim().trim_matches('|').split('|').map(|c| c.trim().to_string()).collect()
    }

    /// The table whose header row starts with `| SQLSTATE`, up to its last row.
    fn error_table() -> Vec<Row> {
        let mut lines = API_DOC.lines().skip_while(|l| !l.starts_with("| SQLSTATE"));
        let header =
            cells(lines.next().expect("docs/api.md has no table whose header starts with `| SQLSTATE`"));
        let raised_by = header
            .iter()
            .position(|h| h == "raised by")
            .expect("the errors table of docs/api.md has no `raised by` column");
        lines
            .take_while(|l| l.starts_with('|'))
            .filter(|l| !l.starts_with("| ---"))
            .map(|l| {
                let row = cells(l);
                Row {
                    codes: backticked(row.first().map(String::as_str).unwrap_or("")),
                    raised_by: row.get(raised_by).cloned().unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The `ApiError::...` names in a row's "raised by" cell.
    fn variants_named(row: &Row) -> Vec<String> {
        backticked(&row.raised_by).into_iter().filter(|t| t.starts_with("ApiError::")).collect()
    }

    #[test]
    fn the_errors_table_of_docs_api_md_matches_the_enum() {
        let rows = error_table();
        assert!(
            rows.len() >= every_variant().len(),
            "the errors table of docs/api.md has only {} rows",
            rows.len()
        );

        // One row per SQLSTATE: it is the only table of the project.
        let mut seen: Vec<&str> = Vec::new();
        for code in rows.iter().flat_map(|r| r.codes.iter()) {
            assert!(!seen.contains(&code.as_str()), "SQLSTATE {code} has two rows in docs/api.md");
            seen.push(code.as_str());
        }

        // Every variant is named in exactly one row, and that row's code is
        // the one the variant raises.
        for e in every_variant() {
            let documented: Vec<&Row> =
                rows.iter().filter(|r| variants_named(r).iter().any(|v| v == name(&e))).collect();
            assert_eq!(
                documented.len(),
                1,
                "{} must be named in exactly one row of the errors table of docs/api.md",
                name(&e)
            );
            assert_eq!(
                documented[0].codes,
                [e.sqlstate()],
                "docs/api.md gives {} other SQLSTATEs than ApiError::sqlstate()",
                name(&e)
            );
        }

        // No row names something else, and a row that names no variant is
        // marked as PostgreSQL's or PostgREST's own code.
        let known: Vec<&str> = every_variant().iter().map(name).collect();
        for row in &rows {
            let variants = variants_named(row);
            for v in &variants {
                assert!(
                    known.contains(&v.as_str()),
                    "docs/api.md names {v}, which is not a variant of ApiError"
                );
            }
            if variants.is_empty() {
                assert!(
                    row.raised_by.starts_with("PostgreSQL") || row.raised_by.starts_with("PostgREST"),
                    "the row of {:?} in docs/api.md names no ApiError variant and is not marked as raised by PostgreSQL or PostgREST",
                    row.codes
                );
            }
        }
    }
}
