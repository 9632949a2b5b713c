//! `arcanea.rank_cd(tsvector, tsquery)`: search's relevance, the value of
//! `ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, query, 32)` without the 32 KB
//! per query item that PostgreSQL 15 zeroes at every call
//! (`crate::domain::rank` says why and how).  This module reads the two
//! datums; the queries of `src/queries/discovery/search_*.sql` call it.

use crate::domain::rank::{self, Lexeme, Query, RawItem, WordPos};
use pgrx::callconv::{Arg, ArgAbi};
use pgrx::pg_sys;
use pgrx::prelude::*;

/// A tsvector argument, detoasted.
pub struct TsVector(*mut pg_sys::TSVectorData);
/// A tsquery argument, detoasted.
pub struct TsQuery(*mut pg_sys::TSQueryData);

impl_sql_translatable!(TsVector, arg_only = "tsvector");
impl_sql_translatable!(TsQuery, arg_only = "tsquery");

macro_rules! detoasted_arg {
    ($ty:ident, $data:ty) => {
        impl FromDatum for $ty {
            unsafe fn from_polymorphic_datum(
                datum: pg_sys::Datum,
                is_null: bool,
                _: pg_sys::Oid,
            ) -> Option<Self> {
                // SAFETY: a non-null datum of this argument is a varlena of
                // the type; pg_detoast_datum returns it with a 4-byte header,
                // decompressed, in the current memory context if copied.
                (!is_null)
                    .then(|| $ty(unsafe { pg_sys::pg_detoast_datum(datum.cast_mut_ptr()) }.cast::<$data>()))
            }
        }
        // SAFETY: the function is STRICT (its arguments are not Option), so
        // the argument is never null; unboxing goes through FromDatum above.
        unsafe impl<'fcx> ArgAbi<'fcx> for $ty {
            unsafe fn unbox_arg_unchecked(arg: Arg<'_, 'fcx>) -> Self {
                let index = arg.index();
                unsafe { arg.unbox_arg_using_from_datum() }
                    .unwrap_or_else(|| panic!("argument {index} must not be null"))
            }
        }
    };
}
detoasted_arg!(TsVector, pg_sys::TSVectorData);
detoasted_arg!(TsQuery, pg_sys::TSQueryData);

/// The vector's lexemes, in its order (ts_type.h: ARRPTR, STRPTR,
/// POSDATALEN, POSDATAPTR).
///
/// # Safety
/// `v` points at a detoasted tsvector that outlives `'a`.
unsafe fn lexemes<'a>(v: *const pg_sys::TSVectorData) -> Vec<Lexeme<'a>> {
    unsafe {
        let size = usize::try_from((*v).size).unwrap_or(0);
        let entries = (*v).entries.as_ptr();
        let strings = entries.add(size).cast::<u8>();
        (0..size)
            .map(|i| {
                let entry = &*entries.add(i);
                let (start, len) = (entry.pos() as usize, entry.len() as usize);
                let word = std::slice::from_raw_parts(strings.add(start), len);
                let positions: &[WordPos] = if entry.haspos() != 0 {
                    // The positions follow the lexeme at an even offset: a
                    // count, then the positions (WordEntryPosVector).
                    let vector = strings.add((start + len + 1) & !1).cast::<u16>();
                    std::slice::from_raw_parts(vector.add(1), usize::from(vector.read_unaligned()))
                } else {
                    &[]
                };
                Lexeme { word, positions }
            })
            .collect()
    }
}

/// The query's items, in its order (ts_type.h: GETQUERY, GETOPERAND).
///
/// # Safety
/// `q` points at a detoasted tsquery that outlives `'a`.
unsafe fn query_items<'a>(q: *const pg_sys::TSQueryData) -> Vec<RawItem<'a>> {
    unsafe {
        let size = usize::try_from((*q).size).unwrap_or(0);
        let items = (*q).data.as_ptr().cast::<pg_sys::QueryItem>();
        let operands = items.add(size).cast::<u8>();
        (0..size)
            .map(|i| {
                let item = &*items.add(i);
                match item.type_ as u32 {
                    pg_sys::QI_VAL => {
                        let operand = &item.qoperand;
                        RawItem::Word {
                            word: std::slice::from_raw_parts(
                                operands.add(operand.distance() as usize),
                                operand.length() as usize,
                            ),
                            weight: operand.weight,
                            prefix: operand.prefix,
                        }
                    }
                    pg_sys::QI_OPR => {
                        RawItem::Operator { op: item.qoperator.oper, left: item.qoperator.left }
                    }
                    _ => RawItem::Other,
                }
            })
            .collect()
    }
}

unsafe extern "C-unwind" {
    /// PostgreSQL's ts_rank_cd(tsvector, tsquery, int4) (tsrank.c), called
    /// through the function manager for the queries this module leaves to it.
    fn ts_rankcd_ttf(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum;
}

#[pg_schema]
mod arcanea {
    use super::*;

    /// `ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, query, 32)`, the same
    /// value computed without zeroing 32 KB per query item.  A query with
    /// NOT, a phrase, a weight or a prefix is ranked by ts_rank_cd itself.
    #[pg_extern(immutable, parallel_safe)]
    fn rank_cd(vector: TsVector, query: TsQuery) -> f32 {
        // SAFETY: both point at detoasted datums of their types, alive for
        // this call.
        let raw = unsafe { query_items(query.0) };
        match Query::parse(&raw) {
            Some(parsed) => rank::rank_cd(&unsafe { lexemes(vector.0) }, &parsed),
            None => unsafe {
                // ts_rank_cd(vector, query, 32): its default weights are
                // search's.
                let rank = pg_sys::DirectFunctionCall3Coll(
                    Some(ts_rankcd_ttf),
                    pg_sys::InvalidOid,
                    pg_sys::Datum::from(vector.0),
                    pg_sys::Datum::from(query.0),
                    pg_sys::Datum::from(32i32),
                );
                f32::from_datum(rank, false).unwrap_or(0.0)
            },
        }
    }
}
