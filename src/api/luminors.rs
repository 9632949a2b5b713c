//! Luminors: conversations, messages, the bond, and key memories.

use crate::api::{page_limit, required};
use crate::db::{self, JsonDatum, JsonbDatum, Stmt};
use crate::domain::bond::{self, Bond};
use crate::domain::content::{one_of, MAX_MESSAGE_CHARS, MESSAGE_ROLES};
use crate::domain::memory::{self, NewMemory};
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;
use pgrx::{JsonB, Uuid};
use serde_json::{json, Value};

type ConversationRow = pgrx::composite_type!('static, "luminor_conversations");
type MessageRow = pgrx::composite_type!('static, "luminor_messages");

const LUMINOR_AVAILABLE: Stmt = Stmt::read(
    "SELECT EXISTS (SELECT 1 FROM public.luminors WHERE id = $1 AND is_active AND is_public)",
    &[UUIDOID],
);
const ENSURE_RELATIONSHIP: Stmt = Stmt::write(
    "INSERT INTO public.luminor_relationships (user_id, luminor_id) VALUES ($1, $2)
     ON CONFLICT (user_id, luminor_id) DO NOTHING",
    &[UUIDOID, UUIDOID],
);

/// The user's relationship with an available Luminor, created if missing.
fn ensure_relationship(user: Uuid, luminor: Uuid) -> ApiResult<()> {
    if !db::read(&LUMINOR_AVAILABLE, &[luminor.into()], db::one::<bool>)? {
        return Err(ApiError::not_found("luminor"));
    }
    db::write(&ENSURE_RELATIONSHIP, &[user.into(), luminor.into()], |_| Ok(()))
}

// The partial unique index idx_conversations_live_session (NULLS NOT
// DISTINCT) makes concurrent calls converge: the loser's insert waits for
// the winner, does nothing, and the next statement reads the winner's row.
const CREATE_CONVERSATION: Stmt = Stmt::write(
    "INSERT INTO public.luminor_conversations (user_id, luminor_id, session_id, title)
     SELECT $1, $2, $3, 'Chat with ' || l.name FROM public.luminors l WHERE l.id = $2
     ON CONFLICT (user_id, luminor_id, session_id) WHERE is_active AND NOT is_archived DO NOTHING",
    &[UUIDOID, UUIDOID, TEXTOID],
);
const LIVE_CONVERSATION: Stmt = Stmt::read(
    "SELECT c FROM public.luminor_conversations c
      WHERE c.user_id = $1 AND c.luminor_id = $2 AND c.session_id IS NOT DISTINCT FROM $3
        AND c.is_active AND NOT c.is_archived",
    &[UUIDOID, UUIDOID, TEXTOID],
);

/// The user's live conversation with a Luminor for a session, created (with
/// the relationship) on first use.
#[pg_extern(security_definer, requires = ["tables"])]
#[search_path(pg_catalog, pg_temp)]
fn get_or_create_conversation(
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_luminor_id: default!(Option<Uuid>, "NULL"),
    p_session_id: default!(Option<String>, "NULL"),
) -> Result<pgrx::composite_type!('static, "luminor_conversations"), ErrorReport> {
    let luminor = required(p_luminor_id, "p_luminor_id")?;
    let session = crate::api::text_arg(p_session_id, "p_session_id", 200)?;
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    ensure_relationship(user, luminor)?;
    let args = [user.into(), luminor.into(), session.clone().into()];
    db::write(&CREATE_CONVERSATION, &args, |_| Ok(()))?;
    let args = [user.into(), luminor.into(), session.into()];
    Ok(db::read(&LIVE_CONVERSATION, &args, db::one::<ConversationRow>)?)
}

const CONVERSATION_LUMINOR: Stmt = Stmt::read(
    "SELECT luminor_id FROM public.luminor_conversations WHERE id = $1 AND user_id = $2",
    &[UUIDOID, UUIDOID],
);
const INSERT_MESSAGE: Stmt = Stmt::write(
    "INSERT INTO public.luminor_messages (conversation_id, user_id, role, content, model, tokens, cost)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING luminor_messages",
    &[UUIDOID, UUIDOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, NUMERICOID],
);
const EARN_XP: Stmt =
    Stmt::write(include_str!("../queries/luminors/earn_xp.sql"), &[UUIDOID, UUIDOID, INT4OID]);

/// Add a message to one of the user's conversations.  A `user` message
/// earns the bond 10 XP and may level it up; `assistant` and `system`
/// messages (with model, tokens, cost) come only from a trusted caller.
#[pg_extern(security_definer, requires = ["tables"])]
#[search_path(pg_catalog, pg_temp)]
#[allow(clippy::too_many_arguments)]
fn add_message_to_conversation(
    p_conversation_id: default!(Option<Uuid>, "NULL"),
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_role: default!(Option<String>, "'user'"),
    p_content: default!(Option<String>, "NULL"),
    p_model: default!(Option<String>, "NULL"),
    p_tokens: default!(Option<i32>, "NULL"),
    p_cost: default!(Option<pgrx::AnyNumeric>, "NULL"),
) -> Result<pgrx::composite_type!('static, "luminor_messages"), ErrorReport> {
    let conversation = required(p_conversation_id, "p_conversation_id")?;
    let role = p_role.unwrap_or_else(|| "user".into());
    if !MESSAGE_ROLES.contains(&role.as_str()) {
        return Err(ApiError::invalid("p_role", one_of(&MESSAGE_ROLES)).into());
    }
    let content = required(p_content, "p_content")?;
    if content.trim().is_empty() || content.chars().count() > MAX_MESSAGE_CHARS {
        return Err(
            ApiError::invalid("p_content", format!("must be 1 to {MAX_MESSAGE_CHARS} characters")).into()
        );
    }
    let model = crate::api::text_arg(p_model, "p_model", 200)?;
    if p_tokens.is_some_and(|t| t < 0) {
        return Err(ApiError::invalid("p_tokens", "must not be negative").into());
    }
    if p_cost.as_ref().is_some_and(|c| {
        matches!(c.sign(), pgrx::datum::numeric::Sign::Negative | pgrx::datum::numeric::Sign::NaN)
    }) {
        return Err(ApiError::invalid("p_cost", "must be a non-negative number").into());
    }
    let caller = Caller::current()?;
    let user = caller.acting_for(p_user_id, "p_user_id")?;
    let speaks_for_the_luminor = role != "user" || model.is_some() || p_tokens.is_some() || p_cost.is_some();
    if speaks_for_the_luminor && !caller.trusted {
        return Err(ApiError::Forbidden(
            "only the service role may add assistant or system messages, or set model, tokens or cost".into(),
        )
        .into());
    }
    let luminor: Uuid = db::read(&CONVERSATION_LUMINOR, &[conversation.into(), user.into()], db::first)?
        .ok_or(ApiError::not_found("conversation"))?;

    let args = [
        conversation.into(),
        user.into(),
        role.as_str().into(),
        content.into(),
        model.into(),
        p_tokens.into(),
        p_cost.into(),
    ];
    let message = db::write(&INSERT_MESSAGE, &args, db::one::<MessageRow>)?;
    if role == "user" {
        let earned =
            db::write(&EARN_XP, &[user.into(), luminor.into(), bond::XP_PER_USER_MESSAGE.into()], |rows| {
                db::row(rows, bond_at)
            })?;
        settle_bond(user, luminor, earned)?;
    }
    Ok(message)
}

const LOCK_BOND: Stmt = Stmt::write(
    "SELECT bond_level, bond_xp FROM public.luminor_relationships
      WHERE user_id = $1 AND luminor_id = $2 FOR UPDATE",
    &[UUIDOID, UUIDOID],
);
const SAVE_BOND: Stmt = Stmt::write(
    "UPDATE public.luminor_relationships SET bond_level = $3, bond_xp = $4
      WHERE user_id = $1 AND luminor_id = $2",
    &[UUIDOID, UUIDOID, INT4OID, INT4OID],
);
const NOTIFY_LEVEL_UP: Stmt =
    Stmt::write(include_str!("../queries/luminors/notify_level_up.sql"), &[UUIDOID, UUIDOID, INT4OID]);

/// The bond in columns 1 (level) and 2 (XP) of a row.
fn bond_at(row: &pgrx::spi::SpiTupleTable<'_>) -> ApiResult<Bond> {
    Ok(Bond { level: row.get::<i32>(1)?.unwrap_or(1), xp: row.get::<i32>(2)?.unwrap_or(0) })
}

/// Apply the level-ups that `bond` pays for: save the settled bond and write
/// one `bond_level_up` notification per level gained.  The caller holds the
/// relationship row's lock.
fn settle_bond(user: Uuid, luminor: Uuid, bond: Bond) -> ApiResult<Value> {
    let settled = bond.settle();
    if settled != bond {
        db::write(
            &SAVE_BOND,
            &[user.into(), luminor.into(), settled.level.into(), settled.xp.into()],
            |_| Ok(()),
        )?;
        for level in bond.level + 1..=settled.level {
            db::write(&NOTIFY_LEVEL_UP, &[user.into(), luminor.into(), level.into()], |_| Ok(()))?;
        }
    }
    Ok(json!({
        "leveled_up": settled.level > bond.level,
        "previous_level": bond.level,
        "bond_level": settled.level,
        "bond_xp": settled.xp,
        "xp_for_next_level": bond::xp_for_next_level(settled.level),
    }))
}

/// Apply any level-ups the relationship's XP pays for.
/// `{leveled_up, previous_level, bond_level, bond_xp, xp_for_next_level}`;
/// `xp_for_next_level` is null at the level-10 cap.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn check_bond_level_up(
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_luminor_id: default!(Option<Uuid>, "NULL"),
) -> Result<JsonB, ErrorReport> {
    let luminor = required(p_luminor_id, "p_luminor_id")?;
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    let bond = db::write(&LOCK_BOND, &[user.into(), luminor.into()], |rows| db::maybe_row(rows, bond_at))?
        .ok_or(ApiError::not_found("relationship"))?;
    Ok(JsonB(settle_bond(user, luminor, bond)?))
}

const LOCK_MEMORIES: Stmt = Stmt::write(
    "SELECT key_memories, to_jsonb(now()), gen_random_uuid()::text FROM public.luminor_relationships
      WHERE user_id = $1 AND luminor_id = $2 FOR UPDATE",
    &[UUIDOID, UUIDOID],
);
const SAVE_MEMORIES: Stmt = Stmt::write(
    "UPDATE public.luminor_relationships SET key_memories = $3 WHERE user_id = $1 AND luminor_id = $2",
    &[UUIDOID, UUIDOID, JSONBOID],
);

/// Remember something about the user.  The same content again updates the
/// memory; beyond 100 the least important, oldest memory is forgotten.
/// Returns the stored memory with its id.
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn add_key_memory(
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_luminor_id: default!(Option<Uuid>, "NULL"),
    p_memory_type: default!(Option<String>, "'fact'"),
    p_content: default!(Option<String>, "NULL"),
    p_importance: default!(Option<i32>, "5"),
) -> Result<JsonB, ErrorReport> {
    let luminor = required(p_luminor_id, "p_luminor_id")?;
    let kind = p_memory_type.unwrap_or_else(|| "fact".into());
    if !memory::is_valid_memory_type(&kind) {
        return Err(ApiError::invalid(
            "p_memory_type",
            "must be 2 to 30 of a-z and _, e.g. fact, preference, goal",
        )
        .into());
    }
    let content = required(p_content, "p_content")?;
    let content = content.trim();
    if content.is_empty() || content.chars().count() > memory::MAX_CONTENT_CHARS {
        return Err(ApiError::invalid("p_content", "must be 1 to 2000 characters").into());
    }
    let importance = p_importance.unwrap_or(5);
    if !(1..=10).contains(&importance) {
        return Err(ApiError::invalid("p_importance", "must be between 1 and 10").into());
    }
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    ensure_relationship(user, luminor)?;
    let (mut memories, now, fresh_id) = db::write(&LOCK_MEMORIES, &[user.into(), luminor.into()], |rows| {
        db::row(rows, |row| {
            let memories = match db::json(row, 1)? {
                Value::Array(items) => items,
                _ => Vec::new(),
            };
            Ok((memories, db::json(row, 2)?, row.get::<String>(3)?.unwrap_or_default()))
        })
    })?;
    let stored =
        memory::remember(&mut memories, NewMemory { kind: &kind, content, importance, now, fresh_id });
    db::write(&SAVE_MEMORIES, &[user.into(), luminor.into(), JsonB(Value::Array(memories)).into()], |_| {
        Ok(())
    })?;
    Ok(JsonB(stored))
}

const MEMORIES_WITH_AGE: Stmt = Stmt::read(
    "SELECT m, extract(epoch FROM now() - (m ->> 'updated_at')::timestamptz)::float8 / 3600
       FROM public.luminor_relationships r, jsonb_array_elements(r.key_memories) m
      WHERE r.user_id = $1 AND r.luminor_id = $2",
    &[UUIDOID, UUIDOID],
);
const RELATIONSHIP_EXISTS: Stmt = Stmt::read(
    "SELECT EXISTS (SELECT 1 FROM public.luminor_relationships WHERE user_id = $1 AND luminor_id = $2)",
    &[UUIDOID, UUIDOID],
);

/// The memories most worth putting in a prompt about `p_query`, best first
/// (recency + importance + relevance; see `domain::memory`).
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_key_memories(
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_luminor_id: default!(Option<Uuid>, "NULL"),
    p_query: default!(Option<String>, "NULL"),
    p_limit: default!(Option<i32>, "10"),
) -> Result<JsonB, ErrorReport> {
    let luminor = required(p_luminor_id, "p_luminor_id")?;
    let limit = page_limit(p_limit, 10, 100, "p_limit")? as usize;
    let query = crate::api::text_arg(p_query, "p_query", 2000)?;
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    if !db::read(&RELATIONSHIP_EXISTS, &[user.into(), luminor.into()], db::one::<bool>)? {
        return Err(ApiError::not_found("relationship").into());
    }
    let memories = db::read(&MEMORIES_WITH_AGE, &[user.into(), luminor.into()], |rows| {
        rows.map(|row| {
            let memory = row.get::<JsonB>(1)?.map(|j| j.0).unwrap_or(Value::Null);
            Ok((memory, row.get::<f64>(2)?.unwrap_or(0.0)))
        })
        .collect::<ApiResult<Vec<_>>>()
    })?;
    Ok(JsonB(Value::Array(memory::recall(memories, query.as_deref(), limit))))
}

const RELATIONSHIP_WITH_LUMINOR: Stmt =
    Stmt::read(include_str!("../queries/luminors/relationship.sql"), &[UUIDOID, UUIDOID]);

/// Query pattern 5: the relationship with the Luminor's name and colour,
/// the XP the current level needs (null at the level-10 cap) and the
/// progress through it (100 at the cap).
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_luminor_relationship(
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_luminor_id: default!(Option<Uuid>, "NULL"),
) -> Result<JsonbDatum, ErrorReport> {
    let luminor = required(p_luminor_id, "p_luminor_id")?;
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    let found = db::read(&RELATIONSHIP_WITH_LUMINOR, &[user.into(), luminor.into()], |rows| {
        db::maybe_row(rows, |row| Ok((db::jsonb_datum(row, 3)?, bond_at(row)?)))
    })?;
    let (Some(relationship), bond) = found.ok_or(ApiError::not_found("relationship"))? else {
        return Err(ApiError::Internal("relationship row built no document".into()).into());
    };
    // The key memories stay in the datum; only the two computed fields go
    // through Rust.
    Ok(relationship.with(json!({
        "xp_for_next_level": bond::xp_for_next_level(bond.level),
        "level_progress_percent": bond.progress_percent(),
    })))
}

const CONVERSATION_WITH_MESSAGES: Stmt =
    Stmt::read(include_str!("../queries/luminors/conversation_with_messages.sql"), &[UUIDOID, INT8OID]);

/// Query pattern 2: `{conversation, luminor, messages}`, the newest
/// `p_limit` messages first (default 50, at most 500).  Returns json (as
/// the spec's pattern does), which SQL builds at half the cost of jsonb.
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_conversation_with_messages(
    p_conversation_id: default!(Option<Uuid>, "NULL"),
    p_limit: default!(Option<i32>, "50"),
) -> Result<JsonDatum, ErrorReport> {
    let conversation = required(p_conversation_id, "p_conversation_id")?;
    let limit = page_limit(p_limit, 50, 500, "p_limit")?;
    let caller = Caller::current()?;
    if caller.uid.is_none() && !caller.trusted {
        return Err(ApiError::NotAuthenticated.into());
    }
    let found = db::read(&CONVERSATION_WITH_MESSAGES, &[conversation.into(), limit.into()], |rows| {
        db::maybe_row(rows, |row| {
            let owner = row.get::<Uuid>(1)?;
            // Copy the document only for a caller who may see it.
            if caller.trusted || owner == caller.uid {
                db::json_datum(row, 2)
            } else {
                Ok(None)
            }
        })
    })?;
    Ok(found.flatten().ok_or(ApiError::not_found("conversation"))?)
}

const ARCHIVE_OLD: Stmt =
    Stmt::write(include_str!("../queries/luminors/archive_old_conversations.sql"), &[INTERVALOID]);

/// Maintenance (service role): archive conversations idle for longer than
/// `p_older_than` (default 90 days).
#[pg_extern(security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn archive_old_conversations(
    p_older_than: default!(Option<pgrx::datum::Interval>, "NULL"),
) -> Result<i32, ErrorReport> {
    Caller::current()?.require_trusted()?;
    let age = crate::api::age_or_days(p_older_than, 90)?;
    Ok(db::write(&ARCHIVE_OLD, &[age.into()], db::one::<i32>)?)
}
