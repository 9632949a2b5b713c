//! No accidental data loss by DDL: `DROP EXTENSION arcanea` (or a DROP
//! SCHEMA ... CASCADE that would take it along) refuses while the tables
//! hold users' data, unless the session sets `arcanea.allow_drop = on`.
//!
//! An event trigger on `ddl_command_start` sees the statement before
//! anything is dropped.  PL/pgSQL cannot tell which extension a DROP
//! EXTENSION names at that point; a C-language trigger can, from the parse
//! tree, so this one is written against the raw event-trigger interface
//! (pgrx has no wrapper for it).

use crate::db::{self, Stmt};
use crate::error::ApiError;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::{is_a, pg_sys, GucContext, GucFlags, GucRegistry, GucSetting, PgList};
use std::ffi::CStr;

pub static ALLOW_DROP: GucSetting<bool> = GucSetting::<bool>::new(false);

/// Registers `arcanea.allow_drop` (from `_PG_init`).  A value set before the
/// library was loaded is kept: Postgres holds it as a placeholder and hands
/// it over here.
pub fn register_settings() {
    GucRegistry::define_bool_guc(
        c"arcanea.allow_drop",
        c"Allow DROP EXTENSION arcanea while its tables hold user data.",
        c"Set it in the session that drops the extension, after taking a backup.",
        &ALLOW_DROP,
        GucContext::Userset,
        GucFlags::default(),
    );
}

/// The schemas whose CASCADE drop takes the extension and its tables along.
const OWN_SCHEMAS: [&str; 2] = ["public", "arcanea"];

/// What a DROP statement would drop of ours, described for the message.
fn dropped_target(stmt: &pg_sys::DropStmt) -> Option<String> {
    let names = || {
        // SAFETY: DROP EXTENSION / DROP SCHEMA keep their names as a List
        // of String nodes.
        let objects = unsafe { PgList::<pg_sys::Node>::from_pg(stmt.objects) };
        objects
            .iter_ptr()
            .filter(|node| unsafe { is_a(*node, pg_sys::NodeTag::T_String) })
            .map(|node| unsafe { CStr::from_ptr((*(node as *mut pg_sys::String)).sval) })
            .map(|name| name.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
    };
    match stmt.removeType {
        pg_sys::ObjectType::OBJECT_EXTENSION if names().iter().any(|n| n == "arcanea") => {
            Some("DROP EXTENSION arcanea".to_string())
        }
        pg_sys::ObjectType::OBJECT_SCHEMA if stmt.behavior == pg_sys::DropBehavior::DROP_CASCADE => names()
            .into_iter()
            .find(|n| OWN_SCHEMAS.contains(&n.as_str()))
            .map(|schema| format!("DROP SCHEMA {schema} CASCADE")),
        _ => None,
    }
}

// The tables holding users' data that have rows (sql/80_drop_guard.sql).
const TABLES_WITH_ROWS: Stmt = Stmt::read("SELECT arcanea.user_tables_with_rows()", &[]);

/// The user tables that hold rows.
fn tables_with_rows() -> Result<Vec<String>, ApiError> {
    let tables: Option<Vec<Option<String>>> = db::read(&TABLES_WITH_ROWS, &[], db::first)?;
    Ok(tables.unwrap_or_default().into_iter().flatten().collect())
}

fn guard(stmt: &pg_sys::DropStmt) {
    let Some(target) = dropped_target(stmt) else { return };
    if ALLOW_DROP.get() {
        return;
    }
    let tables = match tables_with_rows() {
        Ok(tables) => tables,
        Err(e) => error!("arcanea: could not check for user data before {target}: {e}"),
    };
    if tables.is_empty() {
        return;
    }
    ErrorReport::new(
        PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
        format!(
            "{target} would delete user data: {} {} rows",
            tables.join(", "),
            if tables.len() == 1 { "holds" } else { "hold" }
        ),
        "arcanea_guard_drop",
    )
    .set_detail("The extension owns these tables; dropping it drops them and every row in them.")
    .set_hint("Back the database up first (pg_dump), then run SET arcanea.allow_drop = on in this session and repeat the command.")
    .report(PgLogLevel::ERROR);
}

#[unsafe(no_mangle)]
#[doc(hidden)]
pub extern "C" fn pg_finfo_arcanea_guard_drop() -> &'static pg_sys::Pg_finfo_record {
    const V1: pg_sys::Pg_finfo_record = pg_sys::Pg_finfo_record { api_version: 1 };
    &V1
}

/// `arcanea.guard_drop()`, an event trigger function (`RETURNS event_trigger`).
///
/// # Safety
/// Called by Postgres' function manager only.
#[pg_guard]
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn arcanea_guard_drop(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    let context = unsafe { (*fcinfo).context };
    if context.is_null() || !unsafe { is_a(context, pg_sys::NodeTag::T_EventTriggerData) } {
        error!("arcanea.guard_drop() must be called as an event trigger");
    }
    let parsetree = unsafe { (*(context as *mut pg_sys::EventTriggerData)).parsetree };
    if !parsetree.is_null() && unsafe { is_a(parsetree, pg_sys::NodeTag::T_DropStmt) } {
        guard(unsafe { &*(parsetree as *mut pg_sys::DropStmt) });
    }
    pg_sys::Datum::from(0)
}
