//! `arcanea.written_by_this_transaction(xid)`: whether a row version was
//! written by the current transaction or one of its subtransactions.
//!
//! The counters' bulk fold (`sql/20_counters.sql`: `fold_own_deltas()` and
//! `fold_held_parents()`) finds with it, from `xmin`, the deltas this
//! transaction appended and the parent rows it updated: rows that nobody
//! else can see or change until it commits.  SQL has no such test:
//! `pg_current_xact_id()` is the top-level id only, and the rows a
//! subtransaction writes carry the subtransaction's.

use pgrx::callconv::{Arg, ArgAbi};
use pgrx::pg_sys;
use pgrx::prelude::*;

/// An `xid` argument (`xmin`, `xmax`).
pub struct Xid(pg_sys::TransactionId);

impl_sql_translatable!(Xid, arg_only = "xid");

impl FromDatum for Xid {
    unsafe fn from_polymorphic_datum(
        datum: pg_sys::Datum,
        is_null: bool,
        typoid: pg_sys::Oid,
    ) -> Option<Self> {
        // SAFETY: an xid datum is passed by value; pgrx reads it as such.
        unsafe { pg_sys::TransactionId::from_polymorphic_datum(datum, is_null, typoid) }.map(Xid)
    }
}

// SAFETY: the function is STRICT (its argument is not Option), so the
// argument is never null; unboxing goes through FromDatum above.
unsafe impl<'fcx> ArgAbi<'fcx> for Xid {
    unsafe fn unbox_arg_unchecked(arg: Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        unsafe { arg.unbox_arg_using_from_datum() }
            .unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
}

#[pg_schema]
mod arcanea {
    use super::*;

    /// PostgreSQL's TransactionIdIsCurrentTransactionId: true for the
    /// current transaction's id and its subtransactions' (committed ones
    /// included), false for every other.  STABLE: within a statement the
    /// answer for an id does not change.
    #[pg_extern(stable, parallel_restricted)]
    fn written_by_this_transaction(xmin: Xid) -> bool {
        // SAFETY: reads this backend's transaction state; any id is valid
        // input (frozen and invalid ids are simply not current).
        unsafe { pg_sys::TransactionIdIsCurrentTransactionId(xmin.0) }
    }
}
