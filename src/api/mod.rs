//! The SQL-facing functions, grouped by domain.  Each `#[pg_extern]` is a
//! thin entry point: check arguments and identity, run the statements
//! declared beside it through `db`, shape the result.  Rules live in
//! `crate::domain`.
//!
//! Conventions every function here follows (PostgREST relies on them):
//! - it lives in `public`, takes the spec's arguments with a `p_` prefix in
//!   the spec's order, and every argument has a default (NULL, or the
//!   spec's default such as `p_limit` 20 or `p_role` 'user'), so callers may
//!   pass any subset by name; a missing required one is a 22004 error;
//! - it runs as SECURITY DEFINER with a pinned search_path and checks the
//!   caller itself (`crate::identity`), because it writes columns users may
//!   not write directly (counters, XP);
//! - writers are VOLATILE; readers are STABLE and read through read-only
//!   SPI, so they serve GET requests and hot standbys.

pub mod creations;
pub mod discovery;
pub mod luminors;
pub mod notifications;
pub mod privacy;
pub mod social;

use crate::error::{ApiError, ApiResult};

/// A required argument.
pub(crate) fn required<T>(value: Option<T>, arg: &'static str) -> ApiResult<T> {
    value.ok_or(ApiError::MissingArgument(arg))
}

/// A page size: `default` when omitted, else within 1..=`max`.
pub(crate) fn page_limit(value: Option<i32>, default: i32, max: i32, arg: &'static str) -> ApiResult<i64> {
    match value {
        None => Ok(i64::from(default)),
        Some(n) if (1..=max).contains(&n) => Ok(i64::from(n)),
        Some(n) => Err(ApiError::invalid(arg, format!("{n} is out of range: must be between 1 and {max}"))),
    }
}

/// An offset: 0 when omitted, never negative, at most `max`.
pub(crate) fn page_offset(value: Option<i32>, max: i32, arg: &'static str) -> ApiResult<i64> {
    match value {
        None => Ok(0),
        Some(n) if (0..=max).contains(&n) => Ok(i64::from(n)),
        Some(n) => Err(ApiError::invalid(arg, format!("{n} is out of range: must be between 0 and {max}"))),
    }
}

/// Optional text of at most `max` characters.
pub(crate) fn text_arg(value: Option<String>, arg: &'static str, max: usize) -> ApiResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(s) if s.chars().count() > max => {
            Err(ApiError::invalid(arg, format!("longer than {max} characters")))
        }
        Some(s) => Ok(Some(s)),
    }
}

/// A maintenance age: the given interval, or `default_days` days.
pub(crate) fn age_or_days(
    value: Option<pgrx::datum::Interval>,
    default_days: i32,
) -> ApiResult<pgrx::datum::Interval> {
    match value {
        Some(age) => Ok(age),
        None => pgrx::datum::Interval::new(0, default_days, 0).map_err(|e| ApiError::Internal(e.to_string())),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn limits_default_and_reject_out_of_range() {
        assert_eq!(page_limit(None, 20, 100, "p_limit"), Ok(20));
        assert_eq!(page_limit(Some(100), 20, 100, "p_limit"), Ok(100));
        assert_eq!(page_limit(Some(0), 20, 100, "p_limit").unwrap_err().sqlstate(), "22023");
        assert_eq!(page_limit(Some(-5), 20, 100, "p_limit").unwrap_err().sqlstate(), "22023");
        assert_eq!(page_offset(Some(-1), 10_000, "p_offset").unwrap_err().sqlstate(), "22023");
        assert_eq!(required::<i32>(None, "p_x").unwrap_err(), ApiError::MissingArgument("p_x"));
    }
}
