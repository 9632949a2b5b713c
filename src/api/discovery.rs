//! Discovery: search, the following feed, user statistics.

use crate::api::{page_limit, page_offset, text_arg};
use crate::db::{self, JsonbDatum, Stmt};
use crate::domain::feed::{FeedPath, FeedShape};
use crate::domain::{cursor, search};
use crate::error::{ApiError, ApiResult};
use crate::identity::Caller;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::pg_sys::BuiltinOid::*;
use pgrx::prelude::*;
use pgrx::Uuid;
use std::collections::HashMap;

type SearchRow = pgrx::composite_type!('static, "creation_search_result");
type FeedRow = pgrx::composite_type!('static, "user_feed_item");

/// The creation columns of both result types, in their order.
macro_rules! creation_columns {
    () => {
        "c.id, c.user_id, c.title, c.description, c.type, c.file_url, c.thumbnail_url, c.file_size,
         c.file_format, c.ai_tool, c.prompt, c.model, c.generation_params, c.seed, c.metadata,
         c.status, c.is_public, c.is_featured, c.is_nsfw, c.license, c.allow_remix,
         c.allow_commercial, c.tags, c.categories, c.view_count, c.like_count, c.comment_count,
         c.remix_count, c.created_at, c.updated_at, c.published_at"
    };
}

const CREATION_TYPES: [&str; 5] = ["image", "music", "video", "text", "multimodal"];
const MAX_OFFSET: i32 = 10_000;

fn collect<T: FromDatum + IntoDatum>(rows: pgrx::spi::SpiTupleTable<'_>) -> ApiResult<Vec<T>> {
    rows.filter_map(|row| row.get::<T>(1).transpose()).map(|r| r.map_err(ApiError::from)).collect()
}

// An empty query lists the newest published public creations.
const NEWEST: Stmt = Stmt::read(
    concat!(
        "SELECT ROW(",
        creation_columns!(),
        ", p.username, p.display_name, p.avatar_url, 0::real)
                ::public.creation_search_result
           FROM public.creations c JOIN public.profiles p ON p.id = c.user_id
          WHERE c.status = 'published' AND c.is_public AND ($1::text IS NULL OR c.type = $1)
          ORDER BY c.created_at DESC, c.id DESC
          LIMIT $2 OFFSET $3"
    ),
    &[TEXTOID, INT8OID, INT8OID],
);

// Ranked full-text search over the weighted document (title A, tags B,
// description C), stemmed and verbatim both.  The text rank is scaled into
// [0, 1) (normalisation 32: rank / (rank + 1)), so a query that names a tag
// exactly, which adds 1, outranks any text match alone.
// websearch_to_tsquery accepts anything a person types ("quotes", -not, or)
// and never raises a syntax error.  When stemming changes nothing (most
// words) the two forms are one query: OR-ing a query with itself doubles
// the GIN lookups and the ranking work.  Written as one immutable
// expression of $1, so the planner folds it to a constant (the estimate
// below depends on that).
macro_rules! tsquery_of_input {
    () => {
        "(CASE WHEN websearch_to_tsquery('pg_catalog.english', $1) = websearch_to_tsquery('pg_catalog.simple', $1)
               THEN websearch_to_tsquery('pg_catalog.english', $1)
               ELSE websearch_to_tsquery('pg_catalog.english', $1) || websearch_to_tsquery('pg_catalog.simple', $1)
          END)"
    };
}
macro_rules! search_query {
    () => {
        concat!("WITH q AS (SELECT ", tsquery_of_input!(), " AS query, lower(btrim($1)) AS tag)")
    };
}
macro_rules! public_creations_of_type {
    () => {
        "SELECT c.* FROM q, public.creations c
          WHERE c.status = 'published' AND c.is_public AND ($2::text IS NULL OR c.type = $2) AND "
    };
}
macro_rules! ranked_among {
    ($candidates:expr) => {
        concat!(
            search_query!(),
            ", candidates AS (",
            $candidates,
            "), hits AS (
                 SELECT c.*, (ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', c.search_vector, q.query, 32)
                              + CASE WHEN q.tag = ANY (c.tags) THEN 1 ELSE 0 END)::real AS rank
                   FROM q, candidates c
                  ORDER BY rank DESC, c.created_at DESC, c.id DESC
                  LIMIT $3 OFFSET $4)
             SELECT ROW(",
            creation_columns!(),
            ", p.username, p.display_name, p.avatar_url, c.rank)::public.creation_search_result
               FROM hits c JOIN public.profiles p ON p.id = c.user_id
              ORDER BY c.rank DESC, c.created_at DESC, c.id DESC"
        )
    };
}

/// Ranking reads every match (about 1.5 us each): up to this many matches a
/// query ranks them all.
const FULL_RANK_MAX: i64 = 20_000;
/// Beyond that the words are common (over 2.5% of public creations at scale
/// 1), and the query ranks the newest `RECENT_WINDOW` matches, which a walk
/// down the newest creations finds after about `RECENT_WINDOW / share` rows.
const RECENT_WINDOW: i64 = 500;

// How many public creations match, as the planner estimates it from the
// lexeme frequencies ANALYZE keeps for search_vector (most_common_elems):
// EXPLAIN plans the match with the words as constants (SPI hands its
// parameters to the planner as constants) and runs nothing.  Counting the
// matches instead read a GIN bitmap of every match, 7-31 ms for a common
// word at scale 1.
const ESTIMATE_MATCHES: Stmt = Stmt::read_utility(
    concat!(
        "EXPLAIN (FORMAT JSON)
     SELECT 1 FROM public.creations c
      WHERE c.status = 'published' AND c.is_public
        AND c.search_vector @@ ",
        tsquery_of_input!()
    ),
    &[TEXTOID],
);

/// The "Plan Rows" of the top node of an EXPLAIN (FORMAT JSON) document.
fn estimated_rows(explain: &serde_json::Value) -> Option<f64> {
    explain.get(0)?.get("Plan")?.get("Plan Rows")?.as_f64()
}

// Few matches: rank them all (GIN bitmap scan).
const RANKED_ALL: Stmt = Stmt::read(
    ranked_among!(concat!(
        public_creations_of_type!(),
        "(c.search_vector @@ q.query OR c.tags @> ARRAY[q.tag])"
    )),
    &[TEXTOID, TEXTOID, INT8OID, INT8OID],
);
// Many matches: walk the newest public creations (idx_creations_public_newest)
// and rank the first matches found.  The match is written as the function
// ts_match_vq() rather than the @@ operator: the planner then neither uses
// the GIN index (which would fetch every match only to sort them by date)
// nor believes the word rare (the operator's estimate can be far too low,
// which tips it into a sequential scan and a sort of the whole table).
const RANKED_RECENT: Stmt = Stmt::read(
    ranked_among!(concat!(
        public_creations_of_type!(),
        "(ts_match_vq(c.search_vector, q.query) OR c.tags @> ARRAY[q.tag])
          ORDER BY c.created_at DESC, c.id DESC
          LIMIT greatest($5, $3 + $4)"
    )),
    &[TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID],
);

const UNKNOWN_WORDS: Stmt = Stmt::read(
    "SELECT w FROM unnest($1::text[]) AS w
      WHERE NOT EXISTS (SELECT 1 FROM arcanea.search_terms t WHERE t.term = w)",
    &[TEXTARRAYOID],
);
// Same first letter, length within the budget: a primary-key range scan.
const CORRECTION_CANDIDATES: Stmt = Stmt::read(
    "SELECT term FROM arcanea.search_terms
      WHERE term >= $1 AND term < $2 AND char_length(term) BETWEEN $3 AND $4",
    &[TEXTOID, TEXTOID, INT4OID, INT4OID],
);

/// The query with each word that no published creation uses replaced by
/// the closest word that one does (within the word's typo budget).
fn correct_typos(query: &str) -> ApiResult<String> {
    let words = search::correctable_words(query);
    if words.is_empty() {
        return Ok(query.to_string());
    }
    let unknown: Vec<String> = db::read(&UNKNOWN_WORDS, &[words.into()], collect::<String>)?;
    let mut corrections = HashMap::new();
    for word in unknown {
        let first = word.chars().next().expect("correctable words are not empty");
        let Some(after_first) = char::from_u32(first as u32 + 1) else { continue };
        let len = word.chars().count() as i32;
        let budget = search::typo_budget(len as usize) as i32;
        let args = [
            first.to_string().into(),
            after_first.to_string().into(),
            (len - budget).into(),
            (len + budget).into(),
        ];
        let candidates: Vec<String> = db::read(&CORRECTION_CANDIDATES, &args, collect::<String>)?;
        if let Some(fixed) = search::best_correction(&word, &candidates) {
            corrections.insert(word, fixed);
        }
    }
    Ok(search::apply_corrections(query, &corrections))
}

/// Search published public creations, most relevant first.  Typo-tolerant:
/// a word no creation uses is read as the closest word one does.
#[pg_extern(stable, security_definer, requires = ["api_types"])]
#[search_path(pg_catalog, pg_temp)]
fn search_creations(
    p_query: default!(Option<String>, "NULL"),
    p_type: default!(Option<String>, "NULL"),
    p_limit: default!(Option<i32>, "20"),
    p_offset: default!(Option<i32>, "0"),
) -> Result<SetOfIterator<'static, pgrx::composite_type!('static, "creation_search_result")>, ErrorReport> {
    let query = text_arg(p_query, "p_query", 200)?.filter(|q| !q.trim().is_empty());
    let kind = p_type.filter(|t| !t.is_empty());
    if let Some(kind) = &kind {
        if !CREATION_TYPES.contains(&kind.as_str()) {
            return Err(
                ApiError::invalid("p_type", "must be one of image, music, video, text, multimodal").into()
            );
        }
    }
    let limit = page_limit(p_limit, 20, 100, "p_limit")?;
    let offset = page_offset(p_offset, MAX_OFFSET, "p_offset")?;
    let rows = match query {
        None => db::read(&NEWEST, &[kind.into(), limit.into(), offset.into()], collect::<SearchRow>)?,
        Some(q) => {
            let q = correct_typos(&q)?;
            let plan: pgrx::Json = db::read(&ESTIMATE_MATCHES, &[q.as_str().into()], db::one)?;
            // No estimate (never happens with a plan) ranks everything: slow
            // for a common word, but never wrong.
            let matches = estimated_rows(&plan.0).unwrap_or(0.0);
            let args = [q.into(), kind.into(), limit.into(), offset.into(), RECENT_WINDOW.into()];
            if matches > FULL_RANK_MAX as f64 {
                db::read(&RANKED_RECENT, &args, collect::<SearchRow>)?
            } else {
                db::read(&RANKED_ALL, &args[..4], collect::<SearchRow>)?
            }
        }
    };
    Ok(SetOfIterator::new(rows))
}

// A feed page is found one of two ways, whichever reads fewer rows:
//
// * by author: each followed author's newest public creations by keyset on
//   (user_id, created_at DESC, id DESC), merged.  Costs one index probe per
//   followed author, each reading at most a page: right for a user who
//   follows few accounts.
// * by time: walk everyone's newest public creations (created_at DESC,
//   id DESC) and keep those by followed authors, until the page is full.
//   Costs about page size / (share of creations by followed authors) rows:
//   right for a user who follows many (2,000 probes would be ~40,000 reads).
//   The follow check is a scalar subquery so the planner keeps it as a
//   per-row filter on the ordered walk instead of a join and a sort.
//
// `domain::feed` estimates the rows each reads, counting the offset: a
// deep offset makes the walk long, while each author's probe is capped by
// that author's own creations.
macro_rules! feed_query {
    ($page:expr) => {
        concat!(
            "SELECT ROW(",
            creation_columns!(),
            ", p.username, p.display_name, p.avatar_url,
                    EXISTS (SELECT 1 FROM public.likes l WHERE l.user_id = $1 AND l.creation_id = c.id),
                    encode(convert_to((extract(epoch FROM c.created_at) * 1000000)::int8 || ':' || c.id,
                                      'UTF8'), 'base64'))::public.user_feed_item
               FROM (",
            $page,
            ") c
               JOIN public.profiles p ON p.id = c.user_id
              ORDER BY c.created_at DESC, c.id DESC"
        )
    };
}
macro_rules! page_by_author {
    ($after_cursor:expr) => {
        concat!(
            "SELECT c.*
               FROM public.follows f
              CROSS JOIN LATERAL (
                    SELECT * FROM public.creations c
                     WHERE c.user_id = f.following_id AND c.status = 'published' AND c.is_public ",
            $after_cursor,
            "      ORDER BY c.created_at DESC, c.id DESC
                     LIMIT $2 + $3) c
              WHERE f.follower_id = $1
              ORDER BY c.created_at DESC, c.id DESC
              LIMIT $2 OFFSET $3"
        )
    };
}
macro_rules! page_by_time {
    ($after_cursor:expr) => {
        concat!(
            "SELECT c.* FROM public.creations c
              WHERE c.status = 'published' AND c.is_public ",
            $after_cursor,
            "   AND (SELECT true FROM public.follows f WHERE f.follower_id = $1 AND f.following_id = c.user_id)
              ORDER BY c.created_at DESC, c.id DESC
              LIMIT $2 OFFSET $3"
        )
    };
}
macro_rules! after_cursor {
    () => {
        "AND (c.created_at, c.id) < ('epoch'::timestamptz + $4 * interval '1 microsecond', $5)"
    };
}
const FEED_BY_AUTHOR: Stmt = Stmt::read(feed_query!(page_by_author!("")), &[UUIDOID, INT8OID, INT8OID]);
const FEED_BY_AUTHOR_AFTER: Stmt =
    Stmt::read(feed_query!(page_by_author!(after_cursor!())), &[UUIDOID, INT8OID, INT8OID, INT8OID, UUIDOID]);
const FEED_BY_TIME: Stmt = Stmt::read(feed_query!(page_by_time!("")), &[UUIDOID, INT8OID, INT8OID]);
const FEED_BY_TIME_AFTER: Stmt =
    Stmt::read(feed_query!(page_by_time!(after_cursor!())), &[UUIDOID, INT8OID, INT8OID, INT8OID, UUIDOID]);
// The planner's row counts (reltuples, -1 before the first ANALYZE); the
// partial index holds exactly the published public creations.
const FEED_SHAPE: Stmt = Stmt::read(
    "SELECT coalesce((SELECT following_count FROM public.profiles WHERE id = $1), 0)::float8,
            (SELECT reltuples::float8 FROM pg_catalog.pg_class WHERE oid = 'public.profiles'::regclass),
            (SELECT reltuples::float8 FROM pg_catalog.pg_class
              WHERE oid = 'public.idx_creations_public_newest'::regclass)",
    &[UUIDOID],
);

/// The user's following feed, newest first.  Page with `p_cursor` (the last
/// row's `cursor`): every page costs the same.  `p_offset` works too.
#[pg_extern(stable, security_definer, requires = ["api_types"])]
#[search_path(pg_catalog, pg_temp)]
fn get_user_feed(
    p_user_id: default!(Option<Uuid>, "NULL"),
    p_limit: default!(Option<i32>, "20"),
    p_offset: default!(Option<i32>, "0"),
    p_cursor: default!(Option<String>, "NULL"),
) -> Result<SetOfIterator<'static, pgrx::composite_type!('static, "user_feed_item")>, ErrorReport> {
    let limit = page_limit(p_limit, 20, 100, "p_limit")?;
    let offset = page_offset(p_offset, MAX_OFFSET, "p_offset")?;
    let after = match p_cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(token) => Some(
            cursor::decode(&token)
                .ok_or_else(|| ApiError::invalid("p_cursor", "not a cursor returned by get_user_feed"))?,
        ),
    };
    let user = Caller::current()?.acting_for(p_user_id, "p_user_id")?;
    let shape = db::read(&FEED_SHAPE, &[user.into()], |rows| {
        db::row(rows, |row| {
            Ok(FeedShape {
                following: row.get::<f64>(1)?.unwrap_or(0.0),
                profiles: row.get::<f64>(2)?.unwrap_or(-1.0),
                public_creations: row.get::<f64>(3)?.unwrap_or(-1.0),
                rows_wanted: (limit + offset) as f64,
            })
        })
    })?;
    let by_time = shape.cheaper_path() == FeedPath::ByTime;
    let rows = match after {
        None => {
            let stmt = if by_time { &FEED_BY_TIME } else { &FEED_BY_AUTHOR };
            db::read(stmt, &[user.into(), limit.into(), offset.into()], collect::<FeedRow>)?
        }
        Some(c) => {
            let stmt = if by_time { &FEED_BY_TIME_AFTER } else { &FEED_BY_AUTHOR_AFTER };
            let args = [
                user.into(),
                limit.into(),
                offset.into(),
                c.created_at_micros.into(),
                Uuid::from_bytes(c.id).into(),
            ];
            db::read(stmt, &args, collect::<FeedRow>)?
        }
    };
    Ok(SetOfIterator::new(rows))
}

// Public figures come from the profile's counters and one pass over the
// user's creations; the private part (drafts, messages, bonds, unread
// notifications, billing) only for the user themself or a trusted caller.
const USER_STATS: Stmt = Stmt::read(
    "SELECT p.is_active,
            jsonb_build_object(
                'user_id', p.id, 'username', p.username, 'display_name', p.display_name,
                'tier', p.tier, 'is_verified', p.is_verified, 'member_since', p.created_at,
                'creation_count', p.creation_count, 'follower_count', p.follower_count,
                'following_count', p.following_count,
                'likes_received', s.likes_public, 'views_received', s.views_public,
                'comments_received', s.comments_public)
            || CASE WHEN $2 THEN jsonb_build_object('private', jsonb_build_object(
                'creations_by_status', jsonb_build_object(
                    'draft', s.draft, 'processing', s.processing,
                    'published', s.published, 'archived', s.archived),
                'likes_received_all', s.likes_all, 'views_received_all', s.views_all,
                'comments_received_all', s.comments_all,
                'messages_sent', (SELECT count(*) FROM public.luminor_messages m
                                   WHERE m.user_id = p.id AND m.role = 'user'),
                'luminor_bonds', (SELECT jsonb_build_object('count', count(*),
                                                            'highest_level', coalesce(max(r.bond_level), 0))
                                    FROM public.luminor_relationships r WHERE r.user_id = p.id),
                'unread_notifications', (SELECT count(*) FROM public.notifications n
                                          WHERE n.user_id = p.id AND NOT n.is_read),
                'subscription_status', p.subscription_status,
                'onboarding_completed', p.onboarding_completed,
                'last_active_at', p.last_active_at)) ELSE '{}'::jsonb END
       FROM public.profiles p
      CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE c.status = 'draft') AS draft,
                   count(*) FILTER (WHERE c.status = 'processing') AS processing,
                   count(*) FILTER (WHERE c.status = 'published') AS published,
                   count(*) FILTER (WHERE c.status = 'archived') AS archived,
                   coalesce(sum(c.like_count) FILTER (WHERE c.status = 'published' AND c.is_public), 0) AS likes_public,
                   coalesce(sum(c.view_count) FILTER (WHERE c.status = 'published' AND c.is_public), 0) AS views_public,
                   coalesce(sum(c.comment_count) FILTER (WHERE c.status = 'published' AND c.is_public), 0) AS comments_public,
                   coalesce(sum(c.like_count), 0) AS likes_all,
                   coalesce(sum(c.view_count), 0) AS views_all,
                   coalesce(sum(c.comment_count), 0) AS comments_all
              FROM public.creations c WHERE c.user_id = p.id) s
      WHERE p.id = $1",
    &[UUIDOID, BOOLOID],
);

/// A user's statistics.  Anyone may read the public part of anyone's; the
/// `private` part is present for the user themself and trusted callers.
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_user_stats(p_user_id: default!(Option<Uuid>, "NULL")) -> Result<JsonbDatum, ErrorReport> {
    let caller = Caller::current()?;
    let user = match p_user_id.or(caller.uid) {
        Some(user) => user,
        None if caller.trusted => return Err(ApiError::MissingArgument("p_user_id").into()),
        None => return Err(ApiError::NotAuthenticated.into()),
    };
    let private = caller.trusted || caller.uid == Some(user);
    let found = db::read(&USER_STATS, &[user.into(), private.into()], |rows| {
        db::maybe_row(rows, |row| {
            // A deactivated profile is visible to its owner (and trusted callers) only.
            if private || row.get::<bool>(1)?.unwrap_or(false) {
                db::jsonb_datum(row, 2)
            } else {
                Ok(None)
            }
        })
    })?;
    Ok(found.flatten().ok_or(ApiError::not_found("user"))?)
}

#[cfg(test)]
mod unit {
    #[test]
    fn the_estimate_is_the_top_plan_node_rows() {
        let doc = r#"[{"Plan": {"Node Type": "Bitmap Heap Scan", "Plan Rows": 136512,
                       "Plans": [{"Node Type": "Bitmap Index Scan", "Plan Rows": 200000}]}}]"#;
        let doc: serde_json::Value = serde_json::from_str(doc).unwrap();
        assert_eq!(super::estimated_rows(&doc), Some(136_512.0));
        assert_eq!(super::estimated_rows(&serde_json::json!([])), None);
        assert_eq!(super::estimated_rows(&serde_json::json!({"Plan": 1})), None);
    }

    #[test]
    fn result_columns_match_the_sql_types() {
        let declared = include_str!("../../sql/60_api_types.sql");
        for column in creation_columns!().split(',').map(|c| c.trim().trim_start_matches("c.")) {
            assert!(declared.contains(&format!("{column} ")), "{column} missing from 60_api_types.sql");
        }
    }
}
