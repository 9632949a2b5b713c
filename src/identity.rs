//! Who is calling, and for whom they may act.
//!
//! The caller's identity comes from the JWT (`auth.uid()`), never from an
//! argument.  Trusted callers (service_role, any role with BYPASSRLS, a
//! superuser in psql) may act for any user and say which one; everyone else
//! may name only themselves.
//!
//! The API functions run as SECURITY DEFINER, where `current_user` is the
//! extension owner; the role PostgREST switched to is still the `role`
//! setting (`SET LOCAL ROLE` / `set_config('role', ...)`), which a definer
//! function does not change.  With no SET ROLE it reads `none`, and the
//! session user is the caller (psql).

use crate::db::{self, Stmt};
use crate::error::{ApiError, ApiResult};
use pgrx::pg_sys::BuiltinOid::UUIDOID;
use pgrx::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// `auth.uid()`: the JWT's `sub`, if any.
    pub uid: Option<Uuid>,
    /// service_role, BYPASSRLS or superuser.
    pub trusted: bool,
    /// Whether `uid` has a profile (a deleted account's token may still be
    /// valid until it expires).
    pub has_profile: bool,
}

// The JWT's sub, whether the request runs as a trusted role and whether the
// sub has a profile.
const CALLER: Stmt = Stmt::read(include_str!("queries/identity/caller.sql"), &[]);
const PROFILE_EXISTS: Stmt =
    Stmt::read("SELECT EXISTS (SELECT 1 FROM public.profiles WHERE id = $1)", &[UUIDOID]);

/// Whether `user` has a profile.
pub fn profile_exists(user: Uuid) -> ApiResult<bool> {
    db::read(&PROFILE_EXISTS, &[user.into()], db::one::<bool>)
}

impl Caller {
    pub fn current() -> ApiResult<Caller> {
        db::read(&CALLER, &[], |rows| {
            db::row(rows, |row| {
                Ok(Caller {
                    uid: row.get::<Uuid>(1)?,
                    trusted: row.get::<bool>(2)?.unwrap_or(false),
                    has_profile: row.get::<bool>(3)?.unwrap_or(false),
                })
            })
        })
    }

    /// The user to act for: `requested` if the caller may act for them,
    /// else the caller.  `arg` names the argument in errors.  A user without
    /// a profile (deleted, or never signed up) is not found.
    pub fn acting_for(&self, requested: Option<Uuid>, arg: &'static str) -> ApiResult<Uuid> {
        let subject = resolve_subject(self, requested, arg)?;
        let exists = if Some(subject) == self.uid { self.has_profile } else { profile_exists(subject)? };
        if exists {
            Ok(subject)
        } else {
            Err(ApiError::not_found("user"))
        }
    }

    /// Only trusted callers (maintenance functions).
    pub fn require_trusted(&self) -> ApiResult<()> {
        if self.trusted {
            Ok(())
        } else {
            Err(ApiError::Forbidden("only the service role may call this function".into()))
        }
    }
}

/// The identity rule, as a pure function so it can be tested without a
/// database.
pub fn resolve_subject(caller: &Caller, requested: Option<Uuid>, arg: &'static str) -> ApiResult<Uuid> {
    match (caller.trusted, caller.uid, requested) {
        (_, _, Some(user)) if caller.trusted => Ok(user),
        (true, Some(me), None) => Ok(me),
        (true, None, None) => Err(ApiError::MissingArgument(arg)),
        (false, None, _) => Err(ApiError::NotAuthenticated),
        (false, Some(me), None) => Ok(me),
        (false, Some(me), Some(user)) if user == me => Ok(me),
        (false, Some(_), Some(_)) => Err(ApiError::Forbidden(format!(
            "{arg} must be your own user id: you may not act for another user"
        ))),
        (true, _, Some(_)) => unreachable!("handled by the first arm"),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn uid(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    #[test]
    fn users_act_only_for_themselves() {
        let me = Caller { uid: Some(uid(1)), trusted: false, has_profile: true };
        assert_eq!(resolve_subject(&me, None, "p_user_id"), Ok(uid(1)));
        assert_eq!(resolve_subject(&me, Some(uid(1)), "p_user_id"), Ok(uid(1)));
        assert_eq!(resolve_subject(&me, Some(uid(2)), "p_user_id").unwrap_err().sqlstate(), "42501");
    }

    #[test]
    fn anonymous_callers_are_not_authenticated() {
        let anon = Caller { uid: None, trusted: false, has_profile: false };
        assert_eq!(resolve_subject(&anon, None, "p_user_id"), Err(ApiError::NotAuthenticated));
        assert_eq!(resolve_subject(&anon, Some(uid(2)), "p_user_id"), Err(ApiError::NotAuthenticated));
    }

    #[test]
    fn trusted_callers_name_the_user() {
        let service = Caller { uid: None, trusted: true, has_profile: false };
        assert_eq!(resolve_subject(&service, Some(uid(2)), "p_user_id"), Ok(uid(2)));
        assert_eq!(resolve_subject(&service, None, "p_user_id"), Err(ApiError::MissingArgument("p_user_id")));
        let superuser_with_claims = Caller { uid: Some(uid(3)), trusted: true, has_profile: true };
        assert_eq!(resolve_subject(&superuser_with_claims, None, "p_user_id"), Ok(uid(3)));
    }
}

/// The trust rule is stated by arcanea.caller_is_trusted() (sql/35_rules.sql)
/// and written out in the kept statements that run on every call; each copy
/// must be the function's expression.
#[cfg(test)]
mod trust_rule {
    const RULES: &str = include_str!("../sql/35_rules.sql");
    const COPIES: [(&str, &str); 2] = [
        ("queries/identity/caller.sql", include_str!("queries/identity/caller.sql")),
        ("queries/limits/spend.sql", include_str!("queries/limits/spend.sql")),
    ];

    /// The statement without its comment lines, whitespace squeezed.
    fn squeezed(sql: &str) -> String {
        sql.lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .flat_map(str::split_whitespace)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The expression arcanea.caller_is_trusted() returns.
    fn trust_expression() -> String {
        let at =
            RULES.find("FUNCTION arcanea.caller_is_trusted()").expect("caller_is_trusted in 35_rules.sql");
        let body = &RULES[at..];
        let start = body.find("RETURN ").expect("a RETURN") + "RETURN ".len();
        let end = start + body[start..].find(";\nEND").expect("RETURN ...; END");
        squeezed(&body[start..end])
    }

    #[test]
    fn every_copy_is_the_functions_expression() {
        let rule = trust_expression();
        assert!(rule.starts_with("coalesce((SELECT r.rolsuper"), "unexpected rule: {rule}");
        for (file, sql) in COPIES {
            assert!(
                squeezed(sql).contains(&rule),
                "{file} does not hold the trust rule of sql/35_rules.sql: {rule}"
            );
            assert!(
                !squeezed(sql).contains("caller_is_trusted()"),
                "{file} calls the function instead of the rule"
            );
        }
    }
}
