//! Creations: publishing, archiving, views.

use crate::api::required;
use crate::db::{self, Stmt};
use crate::domain::limits::{repeat_view_subject, UNKNOWN_VISITORS};
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use crate::limits::{self, Budget};
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;
use pgrx::Uuid;

type CreationRow = pgrx::composite_type!('static, "creations");

// published_at is set the first time only: re-publishing an archived
// creation keeps its original date, so feeds do not resurface it as new.
const PUBLISH: Stmt = Stmt::write(
    "UPDATE public.creations
        SET status = 'published', published_at = coalesce(published_at, now())
      WHERE id = $1 AND user_id = $2 AND status <> 'published'",
    &[UUIDOID, UUIDOID],
);
const ARCHIVE: Stmt = Stmt::write(
    "UPDATE public.creations SET status = 'archived'
      WHERE id = $1 AND user_id = $2 AND status <> 'archived'",
    &[UUIDOID, UUIDOID],
);
// Read with a fresh statement so the row reflects the update and its triggers.
const OWNED_CREATION: Stmt =
    Stmt::read("SELECT c FROM public.creations c WHERE c.id = $1 AND c.user_id = $2", &[UUIDOID, UUIDOID]);

/// Move one of the user's creations to `stmt`'s status (idempotent) and
/// return the row.  Another user's creation is "not found": its existence
/// is not the caller's business.
fn set_status(
    stmt: &'static Stmt,
    p_creation_id: Option<Uuid>,
    p_user_id: Option<Uuid>,
) -> ApiResult<CreationRow> {
    let creation = required(p_creation_id, "p_creation_id")?;
    let owner = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    db::write(stmt, &[creation.into(), owner.into()], |_| Ok(()))?;
    db::read(&OWNED_CREATION, &[creation.into(), owner.into()], db::first::<CreationRow>)?
        .ok_or(ApiError::not_found("creation"))
}

/// Publish a draft, processing or archived creation.
#[pg_extern(security_definer, requires = ["tables"])]
#[search_path(pg_catalog, pg_temp)]
fn publish_creation(
    p_creation_id: default!(Option<Uuid>, "NULL"),
    p_user_id: default!(Option<Uuid>, "NULL"),
) -> Result<pgrx::composite_type!('static, "creations"), ErrorReport> {
    Ok(set_status(&PUBLISH, p_creation_id, p_user_id)?)
}

/// Archive a creation: it leaves feeds, search and the owner's public count.
#[pg_extern(security_definer, requires = ["tables"])]
#[search_path(pg_catalog, pg_temp)]
fn archive_creation(
    p_creation_id: default!(Option<Uuid>, "NULL"),
    p_user_id: default!(Option<Uuid>, "NULL"),
) -> Result<pgrx::composite_type!('static, "creations"), ErrorReport> {
    Ok(set_status(&ARCHIVE, p_creation_id, p_user_id)?)
}

const COUNT_VIEW: Stmt =
    Stmt::write(include_str!("../queries/creations/count_view.sql"), &[UUIDOID, UUIDOID]);
const VIEW_COUNT: Stmt = Stmt::read(include_str!("../queries/creations/view_count.sql"), &[UUIDOID, UUIDOID]);

/// Count a view of a creation the caller can see; anyone may call it.
///
/// A viewer's repeated views of one creation count once per `repeat_view`
/// window (answered with the current count), and the calls themselves are
/// limited by `view` (PT429), so a loop cannot inflate the count.  Trusted
/// callers (a server relaying views it has already deduplicated) are not
/// limited.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn increment_creation_views(p_creation_id: default!(Option<Uuid>, "NULL")) -> Result<i32, ErrorReport> {
    let creation = required(p_creation_id, "p_creation_id")?;
    let caller = Caller::current()?;
    let args = [creation.into(), caller.uid.into()];
    let mut counts = true;
    if let Some(viewer) = limits::subject_of(&caller)? {
        // Visitors without a known address are one subject: a shared call
        // limit would refuse every visitor of a busy site, so only the
        // repeat rule applies to them.
        if viewer != UNKNOWN_VISITORS {
            limits::enforce("view", &viewer)?;
        }
        let subject = repeat_view_subject(&viewer, &creation.to_string());
        counts = !matches!(limits::spend("repeat_view", &subject)?, Budget::Exceeded { .. });
    }
    if counts {
        db::write(&COUNT_VIEW, &args, |_| Ok(()))?;
    }
    let views = db::read(&VIEW_COUNT, &args, db::first::<i32>)?;
    Ok(views.ok_or(ApiError::not_found("creation"))?)
}
