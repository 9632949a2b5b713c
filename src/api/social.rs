//! Social: likes, follows, presence.

use crate::api::required;
use crate::db::{self, Stmt};
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;
use pgrx::{JsonB, Uuid};
use serde_json::json;

const TOGGLE_LIKE: Stmt = Stmt::write(include_str!("../queries/social/toggle_like.sql"), &[UUIDOID, UUIDOID]);
// Read after the toggle statement, whose AFTER triggers appended the delta.
const LIKE_COUNT: Stmt = Stmt::read(include_str!("../queries/social/like_count.sql"), &[UUIDOID]);

/// Like a creation, or unlike it if already liked.  `{liked, like_count}`.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn toggle_like(
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_creation_id: default!(Option<Uuid>, "NULL"),
) -> Result<JsonB, ErrorReport> {
    let creation = required(p_creation_id, "p_creation_id")?;
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    let (visible, liked) =
        db::write(&TOGGLE_LIKE, &[user.into(), creation.into()], |rows| db::row(rows, db::two_flags))?;
    if !visible {
        return Err(ApiError::not_found("creation").into());
    }
    let like_count: i32 = db::read(&LIKE_COUNT, &[creation.into()], db::one)?;
    Ok(JsonB(json!({ "liked": liked, "like_count": like_count })))
}

const TARGET_PROFILE_EXISTS: Stmt =
    Stmt::read("SELECT EXISTS (SELECT 1 FROM public.profiles WHERE id = $1 AND is_active)", &[UUIDOID]);
const FOLLOW: Stmt = Stmt::write(
    "INSERT INTO public.follows (follower_id, following_id) VALUES ($1, $2)
     ON CONFLICT (follower_id, following_id) DO NOTHING",
    &[UUIDOID, UUIDOID],
);
const UNFOLLOW: Stmt = Stmt::write(
    "DELETE FROM public.follows WHERE follower_id = $1 AND following_id = $2",
    &[UUIDOID, UUIDOID],
);
const FOLLOW_STATE: Stmt =
    Stmt::read(include_str!("../queries/social/follow_state.sql"), &[UUIDOID, UUIDOID]);

fn set_following(
    p_follower_id: Option<Uuid>,
    p_following_id: Option<Uuid>,
    follow: bool,
) -> ApiResult<JsonB> {
    let target = required(p_following_id, "p_following_id")?;
    let follower = Caller::current()?.acting_for(p_follower_id, "p_follower_id")?;
    if follower == target {
        return Err(ApiError::invalid("p_following_id", "you cannot follow yourself"));
    }
    if !db::read(&TARGET_PROFILE_EXISTS, &[target.into()], db::one::<bool>)? {
        return Err(ApiError::not_found("user"));
    }
    let stmt = if follow { &FOLLOW } else { &UNFOLLOW };
    db::write(stmt, &[follower.into(), target.into()], |_| Ok(()))?;
    db::read(&FOLLOW_STATE, &[follower.into(), target.into()], |rows| {
        db::row(rows, |row| {
            Ok(JsonB(json!({
                "following": row.get::<bool>(1)?.unwrap_or(false),
                "follower_count": row.get::<i32>(2)?.unwrap_or(0),
                "following_count": row.get::<i32>(3)?.unwrap_or(0),
            })))
        })
    })
}

/// Follow a user (idempotent).  `{following, follower_count, following_count}`:
/// the followed user's follower count and the follower's following count.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn follow_user(
    p_follower_id: default!(Option<Uuid>, "NULL"),
    p_following_id: default!(Option<Uuid>, "NULL"),
) -> Result<JsonB, ErrorReport> {
    Ok(set_following(p_follower_id, p_following_id, true)?)
}

/// Unfollow a user (idempotent); same result shape as follow_user.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn unfollow_user(
    p_follower_id: default!(Option<Uuid>, "NULL"),
    p_following_id: default!(Option<Uuid>, "NULL"),
) -> Result<JsonB, ErrorReport> {
    Ok(set_following(p_follower_id, p_following_id, false)?)
}

const TOUCH_LAST_ACTIVE: Stmt =
    Stmt::write(include_str!("../queries/social/touch_last_active.sql"), &[UUIDOID]);

/// Record that the user is active now; returns the stored timestamp.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn update_last_active(
    p_user_id: default!(Option<Uuid>, "NULL"),
) -> Result<Option<pgrx::datum::TimestampWithTimeZone>, ErrorReport> {
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    let (exists, at) = db::write(&TOUCH_LAST_ACTIVE, &[user.into()], |rows| {
        db::row(rows, |row| {
            Ok((row.get::<bool>(1)?.unwrap_or(false), row.get::<pgrx::datum::TimestampWithTimeZone>(2)?))
        })
    })?;
    if !exists {
        return Err(ApiError::not_found("user").into());
    }
    Ok(at)
}
