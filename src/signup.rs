//! Profiles for new users: the `handle_new_user` trigger on `auth.users`.
//!
//! A failing trigger on auth.users fails the signup itself, so this code is
//! written to always produce a profile: every value it writes is made valid
//! before it is written, and the username is claimed with
//! `INSERT ... ON CONFLICT DO NOTHING` over a list of candidates whose last
//! entry is derived from the (unique) user id.

use crate::db::{self, Stmt};
use crate::domain::username;
use crate::error::{raise, ApiError, ApiResult};
use crate::identity::profile_exists;
use pgrx::datum::DatumWithOid;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;
use pgrx::{JsonB, Uuid};

const CLAIM_USERNAME: Stmt = Stmt::write(
    include_str!("queries/signup/claim_username.sql"),
    &[UUIDOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID],
);
// The Luminors' names and slugs, which no user may take as a username.
const LUMINOR_NAMES: Stmt = Stmt::read(
    "SELECT coalesce(array_agg(n), '{}') FROM (SELECT name FROM public.luminors
                                              UNION ALL SELECT slug FROM public.luminors) l(n)",
    &[],
);
// Drawn once per signup, not once per attempt, so a username collision does
// not burn numbers.
const NEXT_ARCANEAN_ID: Stmt =
    Stmt::write("SELECT 'ARC-' || lpad(nextval('arcanea.arcanean_id_seq')::text, 6, '0')", &[]);

// backfill_profiles: the users who signed up before the extension was
// installed, oldest first.
const USERS_WITHOUT_PROFILE: Stmt = Stmt::read(
    "SELECT u.id, u.raw_user_meta_data FROM auth.users u
      WHERE NOT EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = u.id)
      ORDER BY u.created_at, u.id",
    &[],
);

/// Names tried after the id-derived ones; each is a fresh 64-bit hash, so
/// reaching the end would take a directory that has squatted them all.
const MAX_FALLBACKS: u64 = 100;

fn metadata_text<'a>(metadata: &'a serde_json::Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|key| metadata.get(*key).and_then(|v| v.as_str()))
}

/// Create the profile for `user_id` unless it exists; returns the username
/// given, or `None` if the profile was already there.  The e-mail address is
/// not used: a username taken from it would publish part of it.
pub fn ensure_profile(user_id: Uuid, metadata: &serde_json::Value) -> ApiResult<Option<String>> {
    if profile_exists(user_id)? {
        return Ok(None);
    }
    let requested = metadata_text(metadata, &["username", "user_name", "preferred_username"]);
    let given_name = metadata_text(metadata, &["display_name", "full_name", "name"]);
    let avatar_url = metadata_text(metadata, &["avatar_url", "picture"])
        .filter(|url| url.len() <= 2048 && (url.starts_with("https://") || url.starts_with("http://")));

    let arcanean_id: String = db::write(&NEXT_ARCANEAN_ID, &[], db::one)?;
    let luminor_names: Vec<Option<String>> = db::read(&LUMINOR_NAMES, &[], db::one)?;
    let luminor_names: Vec<String> = luminor_names.into_iter().flatten().collect();
    let id_bytes: [u8; 16] = *user_id.as_bytes();
    let fallbacks = (0..MAX_FALLBACKS).map(|attempt| username::fallback(&id_bytes, attempt));
    // A reserved request is no request: the user gets a generated name, not
    // the reserved word with a number.
    let requested = requested
        .filter(|r| username::normalize(r).is_none_or(|name| !username::is_reserved(&name, &luminor_names)));
    let candidates = username::candidates(requested, &id_bytes)
        .into_iter()
        .chain(fallbacks)
        .filter(|name| !username::is_reserved(name, &luminor_names));
    for candidate in candidates {
        let display_name = username::display_name(given_name, &candidate);
        let args: [DatumWithOid; 5] = [
            user_id.into(),
            candidate.as_str().into(),
            display_name.as_str().into(),
            avatar_url.into(),
            arcanean_id.as_str().into(),
        ];
        if db::write(&CLAIM_USERNAME, &args, db::first::<Uuid>)?.is_some() {
            return Ok(Some(candidate));
        }
        if profile_exists(user_id)? {
            // A concurrent transaction created it first.
            return Ok(None);
        }
    }
    Err(ApiError::Internal(format!("no free username for user {user_id}")))
}

#[pg_schema]
mod arcanea {
    use super::*;
    use pgrx::pg_sys::panic::ErrorReport;

    /// AFTER INSERT trigger on auth.users.
    #[pg_trigger]
    fn handle_new_user<'a>(
        trigger: &'a pgrx::PgTrigger<'a>,
    ) -> Result<Option<PgHeapTuple<'a, AllocatedByPostgres>>, ErrorReport> {
        create_profile_for(trigger).unwrap_or_else(|e| raise(e));
        Ok(None)
    }

    fn create_profile_for(trigger: &pgrx::PgTrigger<'_>) -> ApiResult<()> {
        let new = trigger
            .new()
            .ok_or_else(|| ApiError::Internal("handle_new_user must be an INSERT trigger".into()))?;
        let read_err = |e: pgrx::datum::TryFromDatumError| ApiError::Internal(e.to_string());
        let id: Uuid = new
            .get_by_name::<Uuid>("id")
            .map_err(read_err)?
            .ok_or_else(|| ApiError::Internal("auth.users row without id".into()))?;
        let metadata: Option<JsonB> = new.get_by_name("raw_user_meta_data").map_err(read_err)?;
        let metadata = metadata.map(|m| m.0).unwrap_or(serde_json::Value::Null);
        ensure_profile(id, &metadata)?;
        Ok(())
    }

    /// Create the missing profiles of users that existed before the
    /// extension was installed (a Supabase project adopting Arcanea).
    #[pg_extern(volatile)]
    fn backfill_profiles() -> Result<i64, ErrorReport> {
        let users: Vec<(Uuid, Option<JsonB>)> = db::read(&USERS_WITHOUT_PROFILE, &[], |rows| {
            rows.filter_map(|row| match row.get::<Uuid>(1) {
                Ok(Some(id)) => Some(row.get::<JsonB>(2).map(|meta| (id, meta)).map_err(ApiError::from)),
                Ok(None) => None,
                Err(e) => Some(Err(ApiError::from(e))),
            })
            .collect()
        })?;
        let mut created = 0;
        for (id, metadata) in users {
            let metadata = metadata.map(|m| m.0).unwrap_or(serde_json::Value::Null);
            if ensure_profile(id, &metadata)?.is_some() {
                created += 1;
            }
        }
        Ok(created)
    }

    /// Whether a user may not take `name` (see `domain::username::is_reserved`);
    /// `luminor_names` are the Luminors' names and slugs.
    #[pg_extern(immutable, parallel_safe, strict)]
    fn is_reserved_username(name: &str, luminor_names: Vec<Option<String>>) -> bool {
        let luminor_names: Vec<String> = luminor_names.into_iter().flatten().collect();
        username::is_reserved(name, &luminor_names)
    }
}
