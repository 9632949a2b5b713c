//! Notifications: reading state, clean-up, and mention parsing for the
//! comment trigger.

use crate::api::required;
use crate::db::{self, Stmt};
use crate::error::ApiError;
use crate::identity::Caller;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;
use pgrx::Uuid;

const MARK_READ: Stmt =
    Stmt::write(include_str!("../queries/notifications/mark_read.sql"), &[UUIDOID, UUIDOID]);

/// Mark one notification read: true if it was unread, false if it already
/// was read; another user's notification is not found.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn mark_notification_read(
    p_notification_id: default!(Option<Uuid>, "NULL"),
    p_user_id: default!(Option<Uuid>, "NULL"),
) -> Result<bool, ErrorReport> {
    let notification = required(p_notification_id, "p_notification_id")?;
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    let (marked, exists) =
        db::write(&MARK_READ, &[notification.into(), user.into()], |rows| db::row(rows, db::two_flags))?;
    if !exists {
        return Err(ApiError::not_found("notification").into());
    }
    Ok(marked)
}

const MARK_ALL_READ: Stmt = Stmt::write(
    "WITH marked AS (
         UPDATE public.notifications SET is_read = true WHERE user_id = $1 AND NOT is_read RETURNING 1)
     SELECT count(*)::int4 FROM marked",
    &[UUIDOID],
);

/// Mark all of the user's unread notifications read; returns how many.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn mark_all_notifications_read(p_user_id: default!(Option<Uuid>, "NULL")) -> Result<i32, ErrorReport> {
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    Ok(db::write(&MARK_ALL_READ, &[user.into()], db::one::<i32>)?)
}

const DROP_READ_PARTITIONS: Stmt =
    Stmt::write(include_str!("../queries/notifications/drop_read_partitions.sql"), &[INTERVALOID]);
const CLEANUP: Stmt = Stmt::write(include_str!("../queries/notifications/cleanup.sql"), &[INTERVALOID]);

/// Maintenance (service role): delete notifications read longer ago than
/// `p_read_older_than` (default 30 days): whole monthly partitions where
/// every row qualifies, row by row elsewhere.  Returns how many were
/// removed (saturating at i32::MAX, the 0.1.0 signature's type).
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn cleanup_notifications(
    p_read_older_than: default!(Option<pgrx::datum::Interval>, "NULL"),
) -> Result<i32, ErrorReport> {
    Caller::current()?.require_trusted()?;
    let age = crate::api::age_or_days(p_read_older_than, 30)?;
    // Two statements: a partition cannot be dropped by a statement that
    // also scans its parent.
    let dropped = db::write(&DROP_READ_PARTITIONS, &[age.into()], db::one::<i64>)?;
    let deleted = db::write(&CLEANUP, &[age.into()], db::one::<i32>)?;
    Ok(i32::try_from(dropped.saturating_add(i64::from(deleted))).unwrap_or(i32::MAX))
}

#[pg_schema]
mod arcanea {
    use pgrx::prelude::*;

    /// The usernames `@mentioned` in a comment (see `domain::mentions`).
    #[pg_extern(immutable, parallel_safe, strict)]
    fn parse_mentions(content: &str) -> Vec<String> {
        crate::domain::mentions::parse_mentions(content)
    }
}
