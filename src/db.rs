//! The only module that talks to SPI.
//!
//! Every statement the API runs is a [`Stmt`]: its SQL text and argument
//! types, declared as a constant next to the code that uses it.  The first
//! call in a backend prepares it and keeps the plan (`SPI_keepplan`); later
//! calls reuse it, as PL/pgSQL does with its own statements.  Postgres'
//! plan cache revalidates a kept plan after DDL on the tables it reads, and
//! every name in the SQL is schema-qualified, so a kept plan never resolves
//! to a different object than the one it was written for.
//!
//! Reads go through [`read`] (`Spi::connect` + `select`): they run read-only
//! (but for an EXPLAIN, see [`Kind::ReadUtility`]) and assign no transaction
//! id, so they work in a PostgREST GET and on a hot standby.  Writes go
//! through [`write`], which refuses at once, with 25006, in a read-only
//! transaction (see [`refuse_if_read_only`]).

use crate::error::{keep_nested_sqlstates, ApiError, ApiResult};
use pgrx::datum::DatumWithOid;
use pgrx::pg_sys::{self, PgBuiltInOids, PgOid};
use pgrx::prelude::*;
use pgrx::spi::{OwnedPreparedStatement, SpiClient, SpiTupleTable};
use pgrx::JsonB;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A statement with fixed SQL and argument types.
pub struct Stmt {
    pub sql: &'static str,
    pub args: &'static [PgBuiltInOids],
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A query: runs read-only, takes no transaction id.
    Read,
    /// Writes (INSERT/UPDATE/DELETE, or calls something that does).
    Write,
    /// A utility statement that writes nothing (EXPLAIN): SPI refuses
    /// utility statements in read-only mode, so it runs in read-write
    /// mode, but through [`read`], which takes no transaction id (a read
    /// must also work on a hot standby, where none can be taken).
    ReadUtility,
}

impl Stmt {
    pub const fn read(sql: &'static str, args: &'static [PgBuiltInOids]) -> Self {
        Stmt { sql, args, kind: Kind::Read }
    }

    pub const fn write(sql: &'static str, args: &'static [PgBuiltInOids]) -> Self {
        Stmt { sql, args, kind: Kind::Write }
    }

    pub const fn read_utility(sql: &'static str, args: &'static [PgBuiltInOids]) -> Self {
        Stmt { sql, args, kind: Kind::ReadUtility }
    }
}

thread_local! {
    // Keyed by the address of the `Stmt` constant's SQL: one plan per
    // statement, for the life of the backend.  Rc, so that running a plan
    // does not hold the map borrowed (a statement may fire a trigger that
    // runs other statements).
    static PLANS: RefCell<HashMap<usize, Rc<OwnedPreparedStatement>>> = RefCell::new(HashMap::new());
}

fn plan_for(client: &SpiClient<'_>, stmt: &'static Stmt) -> ApiResult<Rc<OwnedPreparedStatement>> {
    let key = stmt.sql.as_ptr() as usize;
    if let Some(plan) = PLANS.with(|plans| plans.borrow().get(&key).cloned()) {
        return Ok(plan);
    }
    let arg_oids: Vec<PgOid> = stmt.args.iter().map(|oid| PgOid::BuiltIn(*oid)).collect();
    // pgrx runs a plan prepared with prepare_mut in read-write mode.
    let prepared = match stmt.kind {
        Kind::Read => client.prepare(stmt.sql, &arg_oids)?,
        Kind::Write | Kind::ReadUtility => client.prepare_mut(stmt.sql, &arg_oids)?,
    };
    let plan = Rc::new(prepared.keep());
    PLANS.with(|plans| plans.borrow_mut().insert(key, plan.clone()));
    Ok(plan)
}

/// Run a read-only statement and hand its rows to `f`.
pub fn read<R>(
    stmt: &'static Stmt,
    args: &[DatumWithOid<'_>],
    f: impl FnOnce(SpiTupleTable<'_>) -> ApiResult<R>,
) -> ApiResult<R> {
    debug_assert!(stmt.kind != Kind::Write, "read() given a writing statement: {}", stmt.sql);
    keep_nested_sqlstates(|| {
        Spi::connect(|client| {
            let plan = plan_for(client, stmt)?;
            let rows = client.select(&*plan, None, args)?;
            f(rows)
        })
    })
}

/// Refuse a write, before pgrx sees it, when the transaction is read-only:
/// always on a hot standby, and in a PostgREST GET or `BEGIN READ ONLY`.
///
/// pgrx's `SpiClient::update` takes a transaction id before it runs the
/// statement (`Spi::mark_mutable` calls `GetCurrentTransactionId`).  On a
/// hot standby that raises `cannot assign TransactionIds during recovery`,
/// an XX000 that PostgREST answers with 500, before the executor's own
/// read-only check (25006) is reached.  Here the caller gets 25006 (HTTP
/// 405) and a message that names the cause, and no transaction id is taken.
/// In a read-only transaction every statement of kind `Write` would fail
/// anyway: each one inserts, updates, deletes or locks rows, takes a
/// sequence value, or calls a function that inserts.  `XactReadOnly` is a
/// backend global (one load); recovery is only asked about to word the
/// message.
fn refuse_if_read_only() -> ApiResult<()> {
    // SAFETY: a plain read of a backend-local global, and a function that
    // reads shared memory; neither can fail.
    if unsafe { pg_sys::XactReadOnly } {
        return Err(ApiError::ReadOnly { on_replica: unsafe { pg_sys::RecoveryInProgress() } });
    }
    Ok(())
}

/// Run a statement that may write and hand its rows (RETURNING) to `f`.
/// (pgrx takes a transaction id for it.)
pub fn write<R>(
    stmt: &'static Stmt,
    args: &[DatumWithOid<'_>],
    f: impl FnOnce(SpiTupleTable<'_>) -> ApiResult<R>,
) -> ApiResult<R> {
    refuse_if_read_only()?;
    keep_nested_sqlstates(|| {
        Spi::connect_mut(|client| {
            let plan = plan_for(client, stmt)?;
            let rows = client.update(&*plan, None, args)?;
            f(rows)
        })
    })
}

/// The first column of the first row, if there is a row and it is not NULL.
pub fn first<T: FromDatum + IntoDatum>(rows: SpiTupleTable<'_>) -> ApiResult<Option<T>> {
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(rows.first().get_one::<T>()?)
}

/// Like [`first`], for statements that always return a value.
pub fn one<T: FromDatum + IntoDatum>(rows: SpiTupleTable<'_>) -> ApiResult<T> {
    first(rows)?.ok_or_else(|| ApiError::Internal("statement returned no value".into()))
}

/// Hand the first row to `f`, or `None` when there is no row.
pub fn maybe_row<R>(
    rows: SpiTupleTable<'_>,
    f: impl FnOnce(&SpiTupleTable<'_>) -> ApiResult<R>,
) -> ApiResult<Option<R>> {
    if rows.is_empty() {
        return Ok(None);
    }
    f(&rows.first()).map(Some)
}

/// Like [`maybe_row`], for statements that always return a row.
pub fn row<R>(rows: SpiTupleTable<'_>, f: impl FnOnce(&SpiTupleTable<'_>) -> ApiResult<R>) -> ApiResult<R> {
    maybe_row(rows, f)?.ok_or_else(|| ApiError::Internal("statement returned no row".into()))
}

/// A jsonb column as JSON; SQL NULL is JSON null.
pub fn json(row: &SpiTupleTable<'_>, ordinal: usize) -> ApiResult<Value> {
    Ok(row.get::<JsonB>(ordinal)?.map(|j| j.0).unwrap_or(Value::Null))
}

/// A JSON document built by SQL, returned to the caller untouched.
///
/// pgrx's `Json`/`JsonB` parse a datum into `serde_json` (through its text
/// form) and print it back on return: for a document SQL already built (a
/// conversation with its messages) that round trip costs more than the
/// query.  These carry the datum itself, copied out of SPI's memory.
macro_rules! sql_built_json {
    ($name:ident, $sql_type:literal, $reader:ident) => {
        pub struct $name(pg_sys::Datum);

        // SAFETY: the datum is a varlena allocated in the function's memory
        // context (see the reader), which lives until the executor has used
        // the result.
        unsafe impl pgrx::callconv::BoxRet for $name {
            unsafe fn box_into<'fcx>(
                self,
                fcinfo: &mut pgrx::callconv::FcInfo<'fcx>,
            ) -> pgrx::datum::Datum<'fcx> {
                unsafe { fcinfo.return_raw_datum(self.0) }
            }
        }

        pgrx::impl_sql_translatable!($name, $sql_type);

        #[doc = concat!("A ", $sql_type, " column, or `None` for SQL NULL.  Copied into the")]
        /// function's memory context, so it outlives the SPI connection.
        pub fn $reader(row: &SpiTupleTable<'_>, ordinal: usize) -> ApiResult<Option<$name>> {
            let datum = row.get_datum_by_ordinal(ordinal)?;
            // SAFETY: the column is a varlena (not by value) and SPI is still
            // connected; SPI_datumTransfer copies it to the upper context.
            Ok(datum.map(|d| $name(unsafe { pg_sys::SPI_datumTransfer(d, false, -1) })))
        }
    };
}
sql_built_json!(JsonbDatum, "jsonb", jsonb_datum);
// json is text: building a large document as json costs half what jsonb
// does (a conversation with 50 messages: 0.17 ms against 0.33 ms).
sql_built_json!(JsonDatum, "json", json_datum);

impl JsonbDatum {
    /// `self || extra` (jsonb concatenation), without reading `self` into
    /// Rust: only the small `extra` goes through serde_json.
    pub fn with(self, extra: serde_json::Value) -> JsonbDatum {
        let extra = JsonB(extra).into_datum();
        // SAFETY: jsonb_concat takes two non-null jsonb datums and returns a
        // new one in the current memory context.
        let merged =
            unsafe { pgrx::direct_function_call_as_datum(pg_sys::jsonb_concat, &[Some(self.0), extra]) };
        JsonbDatum(merged.unwrap_or(self.0))
    }
}

/// Two boolean columns (1 and 2), NULL as false: "did it happen, does it exist".
pub fn two_flags(row: &SpiTupleTable<'_>) -> ApiResult<(bool, bool)> {
    Ok((row.get::<bool>(1)?.unwrap_or(false), row.get::<bool>(2)?.unwrap_or(false)))
}
