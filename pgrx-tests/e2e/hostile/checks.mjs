// What hostile.test.mjs accepts from a call, and the database invariants it
// checks after every call.

// ---------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------

/**
 * The precise allowlist of SQLSTATEs a call may fail with, and why. Every
 * code here maps to a 4xx status in PostgREST 12 (see postgrestStatus).
 * Anything else fails the test, even if PostgREST would answer it with a
 * 4xx: a new code is looked at, then added here with its reason. Never
 * acceptable: XX000 (internal error: what a Rust panic or an `Internal`
 * ApiError becomes), XX001, 58* (system error), 53* (resources; 53400 is
 * also what an un-rewritten PT429 would be), 57* (cancelled, crash), 08*
 * (connection), a dropped connection or a server restart.
 */
export const ALLOWED_SQLSTATES = {
  // The extension's deliberate errors (README "Errors", src/error.rs).
  '42501': 'no account (401), acting for someone else / writer-only column / service-only function (403); also EXECUTE not granted to anon',
  PT404: 'missing or invisible object, or a user without a profile (404)',
  '22023': 'bad argument, named in the message (400)',
  '22004': 'missing required argument (400)',
  '23514': 'a CHECK constraint: length, range, format (400)',
  '23502': 'a NOT NULL constraint (400)',
  '23505': 'ApiError::Conflict (409)',
  '25006': 'a writer in a read-only transaction, i.e. called through GET (405)',
  PT429: 'rate limit exceeded (429; arcanea.rate_limits)',
  // Postgres refusing an argument value before the function runs: the
  // generator sends such values on purpose.
  '22P02': 'invalid text representation: not a uuid / integer / numeric / JSON (400)',
  '22003': 'numeric value out of range: an integer beyond int4, a cost beyond numeric(12,6) (400)',
  '22021': 'character not in repertoire: a NUL byte or invalid UTF-8 in text (400)',
  '22P05': 'untranslatable character: \\u0000 in a JSON string through PostgREST (400)',
  '22007': 'invalid datetime format: not an interval (400)',
  '22008': 'datetime field overflow: an interval or timestamp out of range (400)',
  '22015': 'interval field overflow (400)',
  // The call itself.
  '42883': 'function does not exist: an argument name the function does not have (404)',
}

/**
 * The HTTP status PostgREST 12 answers for a SQLSTATE (its mapSQLtoHTTP),
 * `authed` = the request carried a JWT with a role other than the anon role.
 */
export function postgrestStatus(code, authed = true, message = '') {
  const c = String(code)
  if (c.startsWith('08')) return 503
  if (c.startsWith('09')) return 500
  if (c.startsWith('0L') || c.startsWith('0P')) return 403
  if (c === '23503' || c === '23505') return 409
  if (c === '25006') return 405
  if (c === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500
  if (c.startsWith('25')) return 500
  if (c.startsWith('28')) return 403
  if (c.startsWith('2D') || c.startsWith('38') || c.startsWith('39') || c.startsWith('3B') || c.startsWith('40')) return 500
  if (c === '53400') return 500
  if (c.startsWith('53')) return 503
  if (c.startsWith('54') || c.startsWith('55')) return 500
  if (c === '57P01') return 503
  if (c.startsWith('57') || c.startsWith('58') || c.startsWith('F0') || c.startsWith('HV')) return 500
  if (c === 'P0001') return 400
  if (c.startsWith('P0') || c.startsWith('XX')) return 500
  if (c === '42883') return 404
  if (c === '42P01') return 404
  if (c === '42P17') return 500
  if (c === '42501') return authed ? 403 : 401
  if (c.startsWith('PT')) {
    const n = Number(c.slice(2))
    return Number.isInteger(n) && n >= 100 && n <= 599 ? n : 500
  }
  return 400
}

/** Why an error outcome is not acceptable, or null when it is. */
export function rejectError(code) {
  if (!code) return 'no SQLSTATE: the connection was dropped or the client failed'
  if (Object.hasOwn(ALLOWED_SQLSTATES, code)) return null
  const status = postgrestStatus(code)
  const forbidden = /^(XX|58|53|57|08)/.test(code)
  return forbidden
    ? `SQLSTATE ${code} is never acceptable (PostgREST answers HTTP ${status})`
    : `SQLSTATE ${code} is not in the allowlist (PostgREST answers HTTP ${status}); if it is a legitimate client error, add it to ALLOWED_SQLSTATES with its reason`
}

// ---------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------

/**
 * Per owner and table, a digest of what only that owner (or a trusted
 * caller acting for them) may change. Columns others legitimately move
 * (like_count, view_count, follower_count: counters) are left out of the
 * owned digests and go into the global `counters` digest instead.
 * notifications.count may grow for anyone (a like notifies the creation's
 * owner); the read state of notifications is owned.
 */
export const DIGEST_SQL = `
SELECT coalesce(json_object_agg(t || '|' || o, d), '{}') AS digest FROM (
  SELECT 'likes' t, user_id::text o,
         count(*) || ':' || md5(string_agg(creation_id::text, ',' ORDER BY creation_id)) d
    FROM public.likes GROUP BY user_id
  UNION ALL
  SELECT 'follows', follower_id::text,
         count(*) || ':' || md5(string_agg(following_id::text, ',' ORDER BY following_id))
    FROM public.follows GROUP BY follower_id
  UNION ALL
  SELECT 'creations', user_id::text,
         md5(string_agg((to_jsonb(c) - '{updated_at,like_count,view_count,search_vector}'::text[])::text, ',' ORDER BY id))
    FROM public.creations c GROUP BY user_id
  UNION ALL
  SELECT 'profiles', id::text, md5((to_jsonb(p) - '{updated_at,follower_count}'::text[])::text)
    FROM public.profiles p
  UNION ALL
  SELECT 'profile_private', id::text, md5((to_jsonb(pp) - 'updated_at')::text)
    FROM public.profile_private pp
  UNION ALL
  SELECT 'notifications.read', user_id::text,
         count(*) || ':' || md5(string_agg(id::text || '@' || coalesce(read_at::text, ''), ',' ORDER BY id))
    FROM public.notifications WHERE is_read GROUP BY user_id
  UNION ALL
  SELECT 'notifications.count', user_id::text, count(*)::text FROM public.notifications GROUP BY user_id
  UNION ALL
  SELECT 'conversations', user_id::text, md5(string_agg((to_jsonb(c) - 'updated_at')::text, ',' ORDER BY id))
    FROM public.luminor_conversations c GROUP BY user_id
  UNION ALL
  SELECT 'messages', user_id::text, count(*) || ':' || md5(string_agg(id::text, ',' ORDER BY id))
    FROM public.luminor_messages GROUP BY user_id
  UNION ALL
  SELECT 'relationships', user_id::text, md5(string_agg((to_jsonb(r) - 'updated_at')::text, ',' ORDER BY id))
    FROM public.luminor_relationships r GROUP BY user_id
  UNION ALL
  SELECT 'comments', user_id::text, md5(string_agg((to_jsonb(c) - '{updated_at,like_count}'::text[])::text, ',' ORDER BY id))
    FROM public.comments c GROUP BY user_id
  UNION ALL
  SELECT 'counters', '*', md5(concat_ws('/',
    (SELECT string_agg(concat_ws(',', id, like_count, view_count, comment_count), ';' ORDER BY id) FROM public.creations),
    (SELECT string_agg(concat_ws(',', id, follower_count, following_count, creation_count), ';' ORDER BY id) FROM public.profiles),
    (SELECT string_agg((to_jsonb(l) - 'updated_at')::text, ';' ORDER BY id) FROM public.luminors l)))
) x`

/** Run after every call, as the superuser: the digest, then recount_counters() rolled back. */
export const AFTER_CALL_SQL = `BEGIN;
${DIGEST_SQL};
SELECT coalesce(json_agg(json_build_object('counter', counter, 'rows_fixed', rows_fixed)), '[]') AS drift
  FROM arcanea.recount_counters() WHERE rows_fixed <> 0;
ROLLBACK`

/** Uniqueness and shape invariants, run after every batch (each query lists violations). */
export const UNIQUENESS_SQL = {
  'one like per (user, creation)': `SELECT user_id, creation_id, count(*) FROM public.likes GROUP BY 1, 2 HAVING count(*) > 1`,
  'one follow per pair': `SELECT follower_id, following_id, count(*) FROM public.follows GROUP BY 1, 2 HAVING count(*) > 1`,
  'no self-follow': `SELECT id FROM public.follows WHERE follower_id = following_id`,
  'one relationship per (user, luminor)': `SELECT user_id, luminor_id, count(*) FROM public.luminor_relationships GROUP BY 1, 2 HAVING count(*) > 1`,
  'one live conversation per (user, luminor, session)': `SELECT user_id, luminor_id, session_id, count(*) FROM public.luminor_conversations
      WHERE is_active AND NOT is_archived GROUP BY 1, 2, 3 HAVING count(*) > 1`,
  'a message belongs to its conversation owner': `SELECT m.id FROM public.luminor_messages m
      JOIN public.luminor_conversations c ON c.id = m.conversation_id WHERE m.user_id <> c.user_id`,
  'at most 100 key memories, unique ids, unique content': `SELECT r.id, jsonb_array_length(r.key_memories) AS n
      FROM public.luminor_relationships r
     WHERE jsonb_array_length(r.key_memories) > 100
        OR (SELECT count(DISTINCT m->>'id') FROM jsonb_array_elements(r.key_memories) m) <> jsonb_array_length(r.key_memories)
        OR (SELECT count(DISTINCT m->>'content') FROM jsonb_array_elements(r.key_memories) m) <> jsonb_array_length(r.key_memories)`,
  'bond level within 1..10': `SELECT id, bond_level FROM public.luminor_relationships WHERE bond_level NOT BETWEEN 1 AND 10`,
  'published creations have a date': `SELECT id FROM public.creations WHERE status = 'published' AND published_at IS NULL`,
  'counters never negative': `SELECT 'creation', id FROM public.creations WHERE least(like_count, view_count, comment_count) < 0
      UNION ALL SELECT 'profile', id FROM public.profiles WHERE least(follower_count, following_count, creation_count) < 0`,
}

/**
 * Compare two digests. `allowed` is the set of owners whose owned rows the
 * call may change (empty: nothing owned may change). Returns a list of
 * violations (strings).
 */
export function diffDigests(before, after, { allowed, readOnly, trustedMaintenance }) {
  if (trustedMaintenance) return []
  const problems = []
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  for (const key of keys) {
    const a = before[key]
    const b = after[key]
    if (a === b) continue
    const [table, owner] = key.split('|')
    if (readOnly) {
      problems.push(`a reader changed ${table} of ${owner}`)
      continue
    }
    if (table === 'counters') continue
    if (allowed.has(owner)) continue
    if (table === 'notifications.count' && Number(b ?? 0) > Number(a ?? 0)) continue
    problems.push(`${table} of ${owner} changed (${a ?? 'none'} -> ${b ?? 'none'}) by a call that may change only ${allowed.size ? [...allowed].join(', ') : 'nothing owned'}`)
  }
  return problems
}
