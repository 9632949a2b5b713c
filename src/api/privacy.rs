//! Privacy: a user's own data out (export), presence for followers, and
//! the files left to delete after an erasure (sql/57_erasure.sql).

use crate::db::{self, JsonDatum, Stmt};
use crate::error::ApiError;
use crate::identity::Caller;
use pgrx::datum::TimestampWithTimeZone;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;
use pgrx::Uuid;

const EXPORT: Stmt = Stmt::read(include_str!("../queries/privacy/export.sql"), &[UUIDOID]);

/// Everything the caller owns, as one json document (GDPR access and
/// portability).  The service role exports any user by `p_user_id`.
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn export_my_data(p_user_id: default!(Option<Uuid>, "NULL")) -> Result<JsonDatum, ErrorReport> {
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    Ok(db::read(&EXPORT, &[user.into()], |rows| db::row(rows, |row| db::json_datum(row, 1)))?
        .ok_or(ApiError::not_found("user"))?)
}

const PRESENCE: Stmt = Stmt::read(include_str!("../queries/privacy/presence.sql"), &[UUIDOID, UUIDARRAYOID]);
/// At most this many users per call.
const MAX_PRESENCE_USERS: usize = 100;

/// When each of `p_user_ids` was last active, for those the caller may see
/// it of: themself, and the accounts they follow that share their presence
/// (a trusted caller: all of them).
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_presence(
    p_user_ids: default!(Option<Vec<Option<Uuid>>>, "NULL"),
) -> Result<
    TableIterator<'static, (name!(user_id, Uuid), name!(last_active_at, Option<TimestampWithTimeZone>))>,
    ErrorReport,
> {
    let ids: Vec<Uuid> = crate::api::required(p_user_ids, "p_user_ids")?.into_iter().flatten().collect();
    if ids.len() > MAX_PRESENCE_USERS {
        return Err(ApiError::invalid("p_user_ids", format!("at most {MAX_PRESENCE_USERS} users")).into());
    }
    let caller = Caller::current()?;
    let me = if caller.trusted { None } else { Some(caller.acting_for(None, "p_user_ids")?) };
    let rows = db::read(&PRESENCE, &[me.into(), ids.into()], |rows| {
        rows.filter_map(|row| match (row.get::<Uuid>(1), row.get::<TimestampWithTimeZone>(2)) {
            (Ok(Some(id)), Ok(at)) => Some(Ok((id, at))),
            (Ok(None), _) => None,
            (Err(e), _) | (_, Err(e)) => Some(Err(ApiError::from(e))),
        })
        .collect::<Result<Vec<_>, ApiError>>()
    })?;
    Ok(TableIterator::new(rows))
}

const STORAGE_ERASURES: Stmt = Stmt::write(include_str!("../queries/privacy/storage_erasures.sql"), &[]);

/// The files of erased accounts still to delete through the Storage API
/// (service role).  Call again after deleting them: gone files leave the list.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn pending_storage_erasures() -> Result<
    TableIterator<
        'static,
        (name!(bucket_id, String), name!(name, String), name!(requested_at, TimestampWithTimeZone)),
    >,
    ErrorReport,
> {
    Caller::current()?.require_trusted()?;
    let rows = db::write(&STORAGE_ERASURES, &[], |rows| {
        rows.filter_map(|row| {
            let read = || -> Result<Option<(String, String, TimestampWithTimeZone)>, ApiError> {
                Ok(
                    match (row.get::<String>(1)?, row.get::<String>(2)?, row.get::<TimestampWithTimeZone>(3)?)
                    {
                        (Some(bucket), Some(name), Some(at)) => Some((bucket, name, at)),
                        _ => None,
                    },
                )
            };
            read().transpose()
        })
        .collect::<Result<Vec<_>, ApiError>>()
    })?;
    Ok(TableIterator::new(rows))
}
