//! Per-user rate limits (`sql/45_rate_limits.sql`): the budget check that
//! the insert triggers and `increment_creation_views` share.

use crate::db::{self, Stmt};
use crate::domain::limits::anonymous_subject;
use crate::error::{raise, ApiError, ApiResult};
use crate::identity::Caller;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;

/// Where a call leaves its subject's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// The action has no limit (max_calls is NULL, or its row was deleted).
    Unlimited,
    Within,
    Exceeded {
        limit: i64,
        window_seconds: i64,
        retry_after_seconds: i64,
    },
}

// One statement for both: the subject named (an RPC's viewer) or, given
// NULL, the calling user (the insert triggers).
const SPEND: Stmt = Stmt::write(include_str!("queries/limits/spend.sql"), &[TEXTOID, TEXTOID]);
const REQUEST_HEADERS: Stmt = Stmt::read("SELECT pg_catalog.current_setting('request.headers', true)", &[]);

fn budget_left(rows: pgrx::spi::SpiTupleTable<'_>) -> ApiResult<Budget> {
    let row = db::maybe_row(rows, |row| {
        Ok((row.get::<i64>(1)?, row.get::<i64>(2)?, row.get::<i64>(3)?, row.get::<i64>(4)?))
    })?;
    Ok(match row {
        None => Budget::Unlimited,
        Some((Some(calls), Some(limit), Some(window_seconds), Some(retry_after_seconds)))
            if calls > limit =>
        {
            Budget::Exceeded { limit, window_seconds, retry_after_seconds }
        }
        Some(_) => Budget::Within,
    })
}

/// Count one call of `action` by `subject` and say whether it fit.
pub fn spend(action: &str, subject: &str) -> ApiResult<Budget> {
    db::write(&SPEND, &[action.into(), subject.into()], budget_left)
}

/// PT429 for a call that did not fit.
fn within(action: &str, budget: Budget) -> ApiResult<()> {
    match budget {
        Budget::Exceeded { limit, window_seconds, retry_after_seconds } => Err(ApiError::RateLimited {
            action: action.to_string(),
            limit,
            window_seconds,
            retry_after_seconds,
        }),
        Budget::Unlimited | Budget::Within => Ok(()),
    }
}

/// Count one call and raise PT429 when it does not fit.
pub fn enforce(action: &str, subject: &str) -> ApiResult<()> {
    within(action, spend(action, subject)?)
}

/// Whose budget the caller's calls spend: `None` for a trusted caller, who
/// is never limited.  A signed-in user is their id; an anonymous caller is
/// told apart by the forwarded address when there is one.
pub fn subject_of(caller: &Caller) -> ApiResult<Option<String>> {
    if caller.trusted {
        return Ok(None);
    }
    if let Some(uid) = caller.uid {
        return Ok(Some(uid.to_string()));
    }
    let headers: Option<String> = db::read(&REQUEST_HEADERS, &[], db::first)?;
    let headers = headers.and_then(|h| serde_json::from_str(&h).ok());
    Ok(Some(anonymous_subject(headers.as_ref())))
}

#[pg_schema]
mod arcanea {
    use super::*;
    use pgrx::pg_sys::panic::ErrorReport;

    /// BEFORE INSERT trigger: `enforce_rate_limit('<action>')` spends one
    /// call of the acting user's budget for the action per row.
    #[pg_trigger]
    fn enforce_rate_limit<'a>(
        trigger: &'a pgrx::PgTrigger<'a>,
    ) -> Result<Option<PgHeapTuple<'a, AllocatedByPostgres>>, ErrorReport> {
        let args = trigger.extra_args().unwrap_or_else(|e| raise(ApiError::Internal(e.to_string())));
        let [action] = args.as_slice() else {
            raise(ApiError::Internal("enforce_rate_limit takes one argument, the action".into()))
        };
        // An anonymous insert is refused by the table's grants and policies;
        // only identified, untrusted callers spend a budget here.
        db::write(&SPEND, &[action.as_str().into(), None::<&str>.into()], budget_left)
            .and_then(|budget| within(action, budget))
            .unwrap_or_else(|e| raise(e));
        Ok(trigger.new())
    }
}
