//! Discovery: search, the following feed, user statistics.

use crate::api::{page_limit, page_offset, text_arg};
use crate::db::{self, JsonbDatum, Stmt};
use crate::domain::content::{one_of, CREATION_TYPES};
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

const MAX_OFFSET: i32 = 10_000;

fn collect<T: FromDatum + IntoDatum>(rows: pgrx::spi::SpiTupleTable<'_>) -> ApiResult<Vec<T>> {
    rows.filter_map(|row| row.get::<T>(1).transpose()).map(|r| r.map_err(ApiError::from)).collect()
}

/// A page of search results: ids and ranks, in page order.
type RankedPage = (Vec<Uuid>, Vec<f32>);

/// A page of (id, rank) rows, as two arrays for SEARCH_ROWS.
fn ids_and_ranks(rows: pgrx::spi::SpiTupleTable<'_>) -> ApiResult<RankedPage> {
    ranked_rows(rows, false).map(|(page, _)| page)
}

/// The page of SEARCH_LEADERS or SEARCH_RANKED_RECENT, and their third
/// column: how many candidates matched (0 for no row: none).
fn page_and_found(rows: pgrx::spi::SpiTupleTable<'_>) -> ApiResult<(RankedPage, i64)> {
    ranked_rows(rows, true)
}

/// (id, rank) rows, and the third column of the last row when `found`.
fn ranked_rows(rows: pgrx::spi::SpiTupleTable<'_>, found: bool) -> ApiResult<(RankedPage, i64)> {
    let mut matched = 0;
    let mut ids = Vec::with_capacity(rows.len());
    let mut ranks = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(id) = row.get::<Uuid>(1)? {
            ids.push(id);
            ranks.push(row.get::<f32>(2)?.unwrap_or(0.0));
            if found {
                matched = row.get::<i64>(3)?.unwrap_or(0);
            }
        }
    }
    Ok(((ids, ranks), matched))
}

// Each search statement pages ids (and ranks); SEARCH_ROWS turns a page
// into result rows.  src/queries/discovery/ holds the statements, each with
// its parameters.
const SEARCH_NEWEST: Stmt =
    Stmt::read(include_str!("../queries/discovery/search_newest.sql"), &[TEXTOID, INT8OID, INT8OID]);
const SEARCH_ROWS: Stmt =
    Stmt::read(include_str!("../queries/discovery/search_rows.sql"), &[UUIDARRAYOID, FLOAT4ARRAYOID]);

/// Ranking reads every match (about 3 us each at scale 1, a random heap
/// read and ts_rank_cd): up to this many matches a query ranks them all.
/// Beyond, the query ranks the leaders of its words (sql/26_search_leaders.sql,
/// whose lists start at search_leaders_min_matches(), the same 2,000).
const RANK_ALL_MAX: i64 = 2_000;
/// The leaders of each word ranked for a page: more for a deeper page (and
/// four times as many with a type filter, which drops most of them), up to
/// the lists' length, search_leaders_kept().
const LEADERS_PER_WORD: i64 = 200;
const LEADERS_PAGE_MAX: i64 = 1_000;
/// Where the leaders cannot fill the page (words that rarely meet, a type
/// few of them have, a page past the lists): up to this many matches a
/// query ranks them all, as before the leaders.
const FULL_RANK_MAX: i64 = 20_000;
/// Beyond that the words are common (over 2.5% of public creations at scale
/// 1), and the query ranks the newest `RECENT_WINDOW` matches, which a walk
/// down the newest creations finds after about `RECENT_WINDOW / share` rows.
const RECENT_WINDOW: i64 = 500;
/// The walk for those matches stops after this many creations: a query the
/// planner wrongly believes common (`dragon -dragons`, words that rarely
/// meet) then costs a bounded walk (about 2 us a creation at scale 1) and
/// ranks its few matches instead.  RECENT_WINDOW matches in this many
/// creations is the share (2.5%) where the walk starts being chosen.
const RECENT_WALK_MAX: i64 = 20_000;
/// Typo correction reads the vocabulary once per unknown word (about 2.5 ms
/// each at scale 1): the first this many unknown words of a query are
/// corrected, the others kept as typed (30 unknown words cost 74 ms).
const MAX_CORRECTED_WORDS: usize = 5;

const SEARCH_ESTIMATE: Stmt =
    Stmt::read_utility(include_str!("../queries/discovery/search_estimate.sql"), &[TEXTOID]);

/// The "Plan Rows" of the top node of an EXPLAIN (FORMAT JSON) document.
fn estimated_rows(explain: &serde_json::Value) -> Option<f64> {
    explain.get(0)?.get("Plan")?.get("Plan Rows")?.as_f64()
}

const SEARCH_RANKED_ALL: Stmt = Stmt::read(
    include_str!("../queries/discovery/search_ranked_all.sql"),
    &[TEXTOID, TEXTOID, INT8OID, INT8OID],
);
/// A query of more than this many plain words finds its matches through
/// its rarest words alone, and checks the others on those: the GIN index
/// reads a posting list per word, and 30 common words cost 95 ms at scale 1.
/// search_ranked_narrow.sql has one index condition per word (a test below
/// holds the two together).
const NARROW_WORDS: usize = 4;
const NARROW_QUERY: Stmt =
    Stmt::read(include_str!("../queries/discovery/search_narrow_query.sql"), &[TEXTARRAYOID, INT8OID]);
const SEARCH_RANKED_NARROW: Stmt = Stmt::read(
    include_str!("../queries/discovery/search_ranked_narrow.sql"),
    &[TEXTOID, TEXTOID, INT8OID, INT8OID, TEXTARRAYOID],
);
const COMMON_WORD: Stmt = Stmt::read(
    "SELECT EXISTS (SELECT 1 FROM arcanea.search_common_lexemes l
                     WHERE l.lexeme = ANY (arcanea.query_lexemes(arcanea.search_query($1))))",
    &[TEXTOID],
);
const SEARCH_LEADERS: Stmt = Stmt::read(
    include_str!("../queries/discovery/search_leaders.sql"),
    &[TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID],
);
const SEARCH_RANKED_RECENT: Stmt = Stmt::read(
    include_str!("../queries/discovery/search_ranked_recent.sql"),
    &[TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID],
);

const UNKNOWN_WORDS: Stmt = Stmt::read(
    "SELECT w FROM unnest($1::text[]) AS w
      WHERE NOT EXISTS (SELECT 1 FROM arcanea.search_terms t WHERE t.term = w)",
    &[TEXTARRAYOID],
);
// Same first letter, length within the budget: a range of
// search_terms_by_initial_length, of at most 5,000 words (the LIMIT).
// Anyone who publishes adds words to the vocabulary: without the index and
// the cap, one author's thousands of made-up words would slow every
// correction of their first letter (at scale 1 the largest letter has 1,851
// words, 1,536 of them in a typical window).  Over the cap, the words past
// it (shortest first, then alphabetically) are not candidates.
const CORRECTION_CANDIDATES: Stmt = Stmt::read(
    "SELECT term FROM arcanea.search_terms
      WHERE left(term, 1) = $1 AND char_length(term) BETWEEN $2 AND $3
      ORDER BY left(term, 1), char_length(term), term
      LIMIT 5000",
    &[TEXTOID, INT4OID, INT4OID],
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
    for word in unknown.into_iter().take(MAX_CORRECTED_WORDS) {
        let first = word.chars().next().expect("correctable words are not empty");
        let len = word.chars().count() as i32;
        let budget = search::typo_budget(len as usize) as i32;
        let args = [first.to_string().into(), (len - budget).into(), (len + budget).into()];
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
            return Err(ApiError::invalid("p_type", one_of(&CREATION_TYPES)).into());
        }
    }
    let limit = page_limit(p_limit, 20, 100, "p_limit")?;
    let offset = page_offset(p_offset, MAX_OFFSET, "p_offset")?;
    let (ids, ranks) = match query {
        None => db::read(&SEARCH_NEWEST, &[kind.into(), limit.into(), offset.into()], ids_and_ranks)?,
        Some(q) => {
            let (q, required) = match search::simplify(&correct_typos(&q)?) {
                search::Simplified::Nothing => return Ok(SetOfIterator::new(Vec::new())),
                search::Simplified::Query { text, required } => (text, required),
            };
            let one_word = required.len() == 1;
            let plan: pgrx::Json = db::read(&SEARCH_ESTIMATE, &[q.as_str().into()], db::one)?;
            // No estimate (never happens with a plan) ranks everything: slow
            // for a common word, but never wrong.
            let matches = estimated_rows(&plan.0).unwrap_or(0.0);
            let wanted = limit + offset;
            // 1. Few matches: rank them all.
            // 2. One common word: rank its leaders, when those fill the page.
            //    (Several words: the leaders of each are not those of the
            //    pair, 4 of 20 right on the scale-0.1 data.)
            // 3. Otherwise as before the leaders: the walk for very common
            //    words (when it finds what it looks for), or rank them all.
            let mut page = None;
            // The lists say which words are common; the planner's estimate
            // can miss one (a word below ANALYZE's most common elements is
            // guessed rare: 2.5 ms by its leaders, 6 ms ranking its 8,015
            // matches at scale 1), so a low estimate asks the lists.
            let common = one_word
                && wanted <= LEADERS_PAGE_MAX
                && (matches > RANK_ALL_MAX as f64 || db::read(&COMMON_WORD, &[q.as_str().into()], db::one)?);
            if common {
                let per_word =
                    (LEADERS_PER_WORD.max(wanted) * if kind.is_some() { 4 } else { 1 }).min(LEADERS_PAGE_MAX);
                let args =
                    [q.as_str().into(), kind.as_deref().into(), limit.into(), offset.into(), per_word.into()];
                let (leaders, found) = db::read(&SEARCH_LEADERS, &args, page_and_found)?;
                page = (found >= wanted).then_some(leaders);
            }
            if page.is_none() && matches > FULL_RANK_MAX as f64 {
                let args = [
                    q.as_str().into(),
                    kind.as_deref().into(),
                    limit.into(),
                    offset.into(),
                    RECENT_WINDOW.into(),
                    RECENT_WALK_MAX.into(),
                ];
                let (recent, found) = db::read(&SEARCH_RANKED_RECENT, &args, page_and_found)?;
                // The walk found fewer than it looked for: the query is rarer
                // than estimated, and ranking every match is right and cheap.
                page = (found >= RECENT_WINDOW.max(wanted)).then_some(recent);
            }
            match page {
                Some(page) => page,
                None if required.len() > NARROW_WORDS => {
                    let narrow: Option<Vec<String>> =
                        db::read(&NARROW_QUERY, &[required.into(), (NARROW_WORDS as i64).into()], db::first)?;
                    let args = [
                        q.as_str().into(),
                        kind.as_deref().into(),
                        limit.into(),
                        offset.into(),
                        narrow.into(),
                    ];
                    db::read(&SEARCH_RANKED_NARROW, &args, ids_and_ranks)?
                }
                None => {
                    let args = [q.as_str().into(), kind.as_deref().into(), limit.into(), offset.into()];
                    db::read(&SEARCH_RANKED_ALL, &args, ids_and_ranks)?
                }
            }
        }
    };
    if ids.is_empty() {
        return Ok(SetOfIterator::new(Vec::new()));
    }
    let rows = db::read(&SEARCH_ROWS, &[ids.into(), ranks.into()], collect::<SearchRow>)?;
    Ok(SetOfIterator::new(rows))
}

// A feed page is found one of two ways, by who reads it (sql/27_feeds.sql):
// a reader who follows few accounts by author (one probe per followed
// author), a reader who follows many from their materialised feed (one index
// range).  Either pages ids; FEED_ROWS turns a page into result rows.
const FEED_READER: Stmt = Stmt::read(include_str!("../queries/discovery/feed_reader.sql"), &[UUIDOID]);
const FEED_BY_AUTHOR: Stmt = Stmt::read(
    include_str!("../queries/discovery/feed_by_author.sql"),
    &[UUIDOID, INT8OID, INT8OID, INT8OID, UUIDOID],
);
const FEED_ENTRIES: Stmt = Stmt::read(
    include_str!("../queries/discovery/feed_entries.sql"),
    &[UUIDOID, INT8OID, INT8OID, INT8OID, UUIDOID],
);
const FEED_ROWS: Stmt =
    Stmt::read(include_str!("../queries/discovery/feed_rows.sql"), &[UUIDOID, UUIDARRAYOID]);

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
    let materialised: bool = db::read(&FEED_READER, &[user.into()], db::one)?;
    let stmt = if materialised { &FEED_ENTRIES } else { &FEED_BY_AUTHOR };
    let args = [
        user.into(),
        limit.into(),
        offset.into(),
        after.map(|c| c.created_at_micros).into(),
        after.map(|c| Uuid::from_bytes(c.id)).into(),
    ];
    let ids: Vec<Uuid> = db::read(stmt, &args, collect::<Uuid>)?;
    if ids.is_empty() {
        return Ok(SetOfIterator::new(Vec::new()));
    }
    let rows = db::read(&FEED_ROWS, &[user.into(), ids.into()], collect::<FeedRow>)?;
    Ok(SetOfIterator::new(rows))
}

const USER_STATS: Stmt = Stmt::read(include_str!("../queries/discovery/user_stats.sql"), &[UUIDOID, BOOLOID]);

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
    fn the_narrow_statement_has_a_condition_per_narrow_word() {
        let sql = include_str!("../queries/discovery/search_ranked_narrow.sql");
        let code: String = sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
        let conditions = code.matches("c.search_vector @@ ").count();
        assert_eq!(conditions, super::NARROW_WORDS, "{code}");
        for k in 1..=super::NARROW_WORDS {
            assert!(code.contains(&format!("q.narrow[{k}]")), "no condition reads word {k}");
        }
    }

    /// The columns of a composite type as sql/60_api_types.sql declares
    /// them, in order.
    fn declared_columns(type_name: &str) -> Vec<String> {
        let sql = include_str!("../../sql/60_api_types.sql");
        let start = sql.find(&format!("CREATE TYPE public.{type_name} AS (")).expect("type declared");
        let body = &sql[start..];
        let body = &body[body.find('(').unwrap() + 1..body.find(");").unwrap()];
        body.lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .flat_map(|l| l.split(','))
            .filter_map(|c| c.split_whitespace().next().map(str::to_string))
            .collect()
    }

    /// The column names a ROW(...) constructor of a query file lists, in
    /// order (the last part of each dotted expression, or `exists` / the
    /// function for computed ones).
    fn row_columns(query: &str) -> Vec<String> {
        let body = &query[query.find("SELECT ROW(").expect("ROW(") + "SELECT ROW(".len()..];
        let body = &body[..body.find(")::public.").expect("::public.")];
        let mut columns = Vec::new();
        let (mut depth, mut current) = (0, String::new());
        for ch in body.chars() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    columns.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(ch);
        }
        columns.push(current);
        columns.into_iter().map(|c| c.trim().to_string()).collect()
    }

    #[test]
    fn the_result_rows_list_the_declared_columns_in_order() {
        let search = row_columns(include_str!("../queries/discovery/search_rows.sql"));
        let feed = row_columns(include_str!("../queries/discovery/feed_rows.sql"));
        for (type_name, built) in [("creation_search_result", &search), ("user_feed_item", &feed)] {
            let declared = declared_columns(type_name);
            assert_eq!(built.len(), declared.len(), "{type_name}: {built:?} vs {declared:?}");
            for (expr, column) in built.iter().zip(&declared) {
                // A plain column is named as declared, and so is a counter
                // read with its pending deltas (`c.like_count + pc.likes`,
                // named by its first term); a computed one (user_has_liked,
                // cursor) is checked by its position only.
                let first_term = expr.split_whitespace().next().unwrap_or_default();
                if let Some((_, name)) = first_term
                    .rsplit_once('.')
                    .filter(|(_, n)| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                {
                    assert_eq!(name, column, "{type_name}: {expr} where {column} is declared");
                }
            }
        }
    }
}
