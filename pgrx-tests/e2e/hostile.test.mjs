// Hostile property-based test (issue 8, item 3): every RPC, called with
// generated arguments, valid and invalid, as every kind of caller, through
// direct SQL acting exactly as PostgREST does and (for a sample) through the
// real PostgREST with supabase-js; a few calls run at the same time as a
// second one on another connection (the same call, like a double click, or
// another call). After every call:
//
//   - the outcome is a success or a clean error whose SQLSTATE is in
//     ALLOWED_SQLSTATES (hostile/checks.mjs: each maps to a 4xx in PostgREST
//     12); never XX000 (what a Rust panic becomes), 58*, 53*, 57*, 08*, a
//     dropped connection; through PostgREST never a 5xx;
//
// after every call that may have written (it succeeded, or lost its
// connection; a call that failed with an error was rolled back):
//
//   - arcanea.recount_counters() (in a transaction rolled back) fixes no row;
//   - ownership: per owner digests of owned rows (likes, follows, creations'
//     status, profiles and their private rows, read state of notifications,
//     conversations, messages, relationships, comments) change only for the user the call
//     acts for (the JWT's user; for the service role the user it names;
//     anon, deleted or unknown users: nobody); a reader (STABLE) changes
//     nothing at all, counters included; results never show another user's
//     private data (stats, conversations, relationships, unpublished
//     creations, exports, presence);
//
// and after every batch of 50 calls: uniqueness (one like per user and
// creation, one follow per pair, one relationship per user and Luminor, one
// live conversation per session, key memories unique and at most 100), the
// server still answers on a connection opened at the start and
// pg_postmaster_start_time() did not move (a backend crash restarts every
// backend), PostgREST is still up. At the end the server log is searched
// for crashes.
//
// Run:  node --test pgrx-tests/e2e/hostile.test.mjs
// Env:  ARCANEA_HOSTILE_SEED    fast-check seed (default 20240807)
//       ARCANEA_HOSTILE_RUNS    generated calls (default 20000: about 40 s on an idle 2-core machine)
//       ARCANEA_HOSTILE_VERBOSE=1     print every call
//       ARCANEA_HOSTILE_RATE_LIMIT=n  set every per-user rate limit to n calls
//                                     instead of lifting them (PT429 then shows up)
//       ARCANEA_HOSTILE_KEEP_GOING=1  do not stop at the first failing call: run
//                                     them all, then fail listing each distinct
//                                     failure once with its count (no shrinking)
// The seed is printed; the same seed makes the same calls (row ids created
// by the extension itself are random, so the state they hit may differ).
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, test } from 'node:test'

import fc from 'fast-check'
import pg from 'pg'

import { useStack } from './harness.mjs'
import { OMIT, RPC_ARGS, WEIRD_SUBS, callArb, hugeString } from './hostile/arbitraries.mjs'
import { AFTER_CALL_SQL, ALLOWED_SQLSTATES, DIGEST_SQL, UNIQUENESS_SQL, diffDigests, postgrestStatus, rejectError } from './hostile/checks.mjs'

const SEED = Number(process.env.ARCANEA_HOSTILE_SEED ?? 20240807)
const RUNS = Number(process.env.ARCANEA_HOSTILE_RUNS ?? 20000)
if (!Number.isSafeInteger(SEED) || !Number.isSafeInteger(RUNS) || RUNS < 1) {
  throw new Error('ARCANEA_HOSTILE_SEED and ARCANEA_HOSTILE_RUNS must be integers (RUNS >= 1)')
}
const VERBOSE = process.env.ARCANEA_HOSTILE_VERBOSE === '1'
const KEEP_GOING = process.env.ARCANEA_HOSTILE_KEEP_GOING === '1'
// Per-user rate limits are lifted so that they do not hide everything else;
// ARCANEA_HOSTILE_RATE_LIMIT=n sets every limit to n calls instead (then
// PT429 shows up, and must stay clean).
const RATE_LIMIT = Number.parseInt(process.env.ARCANEA_HOSTILE_RATE_LIMIT ?? '1000000000', 10)
const BATCH = 50
const DB = 'arcanea_e2e'

const stack = useStack()

// ---------------------------------------------------------------------------
// Fixtures: fixed ids, so a seed replays the same calls.
// ---------------------------------------------------------------------------

const uid = (n) => `a0000000-0000-4000-8000-00000000000${n}`
const USERS = {
  alice: uid(1),
  bob: uid(2),
  carol: uid(3),
  dave: uid(4),
  erin: uid(5), // deactivated profile (shares presence, which no one may see while deactivated)
  ghost: uid(6), // signed up, then deleted: the token outlives the account
  never: uid(7), // a token for a user that never existed
}
const ACTORS = [USERS.alice, USERS.bob, USERS.carol, USERS.dave]
const NAMES = Object.fromEntries(Object.entries(USERS).map(([k, v]) => [v, k]))
const LUMINORS = {
  lumina: '00000000-0000-4000-8000-00000000a001',
  harmonix: '00000000-0000-4000-8000-00000000a002',
  kinetix: '00000000-0000-4000-8000-00000000a003',
  shade: 'b0000000-0000-4000-8000-00000000b001', // inactive
  veil: 'b0000000-0000-4000-8000-00000000b002', // not public
}
const MAINTENANCE = new Set(['archive_old_conversations', 'cleanup_notifications'])
// Active users who share their presence (profile_private.share_presence, set
// by the fixtures; no RPC changes it): the only others get_presence may show
// to a user.
const PRESENCE_SHARED = new Set([USERS.bob])

function fixtureSql() {
  const kinds = [
    ['Dragon at dawn', 'published', true, ['dragon', 'art']],
    ['Synthwave sunset', 'published', true, ['synthwave', 'music']],
    ['Private sketch of a dragon', 'published', false, ['dragon']],
    ['Draft of a dragon', 'draft', true, []],
    ['Rendering the storm', 'processing', true, []],
    ['Old work', 'archived', true, ['old']],
  ]
  const types = ['image', 'music', 'video', 'text', 'multimodal']
  const rows = []
  ;[USERS.alice, USERS.bob, USERS.carol, USERS.dave, USERS.erin].forEach((user, u) => {
    kinds.forEach(([title, status, isPublic, tags], k) => {
      const id = `c000000${u + 1}-0000-4000-8000-00000000000${k + 1}`
      rows.push(
        `('${id}', '${user}', '${title}', 'about ${title.toLowerCase()}', '${types[(u + k) % 5]}', '${status}', ${isPublic},
          ${status === 'published' || status === 'archived' ? `now() - interval '${u * 6 + k} hours'` : 'NULL'},
          ARRAY[${tags.map((t) => `'${t}'`).join(',')}]::text[], now() - interval '${u * 6 + k} hours')`,
      )
    })
  })
  const a = USERS
  return `
DO $$ BEGIN
  IF to_regclass('arcanea.rate_limits') IS NOT NULL THEN UPDATE arcanea.rate_limits SET max_calls = ${RATE_LIMIT}; END IF;
END $$;
UPDATE public.profiles SET is_active = false WHERE id = '${a.erin}';
UPDATE public.profile_private SET share_presence = true, last_active_at = now() - interval '1 hour' WHERE id IN ('${a.bob}', '${a.erin}');
INSERT INTO public.creations (id, user_id, title, description, type, status, is_public, published_at, tags, created_at)
VALUES ${rows.join(',\n')};
INSERT INTO public.follows (follower_id, following_id) VALUES
  ('${a.alice}', '${a.bob}'), ('${a.bob}', '${a.alice}'), ('${a.carol}', '${a.alice}'), ('${a.dave}', '${a.bob}'), ('${a.carol}', '${a.erin}');
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
  ('d0000000-0000-4000-8000-000000000001', '${a.bob}', 'c0000001-0000-4000-8000-000000000001', 'Love it @carol'),
  ('d0000000-0000-4000-8000-000000000002', '${a.carol}', 'c0000002-0000-4000-8000-000000000001', 'Nice @bob @alice');
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id) VALUES
  ('d0000000-0000-4000-8000-000000000003', '${a.alice}', 'c0000001-0000-4000-8000-000000000001', 'Thanks!', 'd0000000-0000-4000-8000-000000000001');
INSERT INTO public.likes (user_id, creation_id) VALUES
  ('${a.bob}', 'c0000001-0000-4000-8000-000000000001'), ('${a.dave}', 'c0000001-0000-4000-8000-000000000002');
INSERT INTO public.luminors (id, name, slug, is_active, is_public) VALUES
  ('${LUMINORS.shade}', 'Shade', 'shade', false, true), ('${LUMINORS.veil}', 'Veil', 'veil', true, false);
-- As a trusted caller (superuser): conversations, messages, memories, a bond with XP to settle.
SELECT public.get_or_create_conversation(p_user_id => '${a.alice}', p_luminor_id => '${LUMINORS.lumina}', p_session_id => 'web-1');
SELECT public.get_or_create_conversation(p_user_id => '${a.bob}', p_luminor_id => '${LUMINORS.harmonix}');
SELECT public.add_message_to_conversation(p_conversation_id => c.id, p_user_id => c.user_id, p_role => r, p_content => 'message ' || g)
  FROM public.luminor_conversations c, generate_series(1, 6) g,
       LATERAL (SELECT CASE WHEN g % 2 = 0 THEN 'assistant' ELSE 'user' END AS r) x;
SELECT public.add_key_memory(p_user_id => '${a.alice}', p_luminor_id => '${LUMINORS.lumina}',
                             p_content => 'memory number ' || g || ' about dragons', p_importance => 1 + g % 10)
  FROM generate_series(1, 100) g;
SELECT public.add_key_memory(p_user_id => '${a.carol}', p_luminor_id => '${LUMINORS.kinetix}', p_content => 'likes to dance');
UPDATE public.luminor_relationships SET bond_xp = 5000 WHERE user_id = '${a.bob}' AND luminor_id = '${LUMINORS.harmonix}';
UPDATE public.notifications SET is_read = true WHERE user_id = '${a.alice}' AND type = 'new_follower';
`
}

const POOLS_SQL = `SELECT json_build_object(
  'profiles', (SELECT json_agg(id ORDER BY id) FROM public.profiles),
  'creations', (SELECT json_agg(json_build_object('id', id, 'user_id', user_id,
        'cursor', encode(convert_to((extract(epoch FROM created_at) * 1000000)::int8 || ':' || id, 'UTF8'), 'base64'))
        ORDER BY created_at, id) FROM public.creations),
  'conversations', (SELECT json_agg(json_build_object('id', id, 'user_id', user_id) ORDER BY created_at, id) FROM public.luminor_conversations),
  'notifications', (SELECT json_agg(json_build_object('id', id, 'user_id', user_id) ORDER BY created_at, id) FROM public.notifications),
  'messages', (SELECT json_agg(json_build_object('id', id, 'user_id', user_id) ORDER BY created_at, id)
                 FROM (SELECT * FROM public.luminor_messages ORDER BY created_at, id LIMIT 200) m),
  'comments', (SELECT json_agg(json_build_object('id', id, 'user_id', user_id) ORDER BY created_at, id) FROM public.comments)
) AS pools`

// ---------------------------------------------------------------------------
// State shared by the run
// ---------------------------------------------------------------------------

let fns // name -> { args: [{name, type}], volatile, retset, composite }
let caller, caller2, checker, sentinel // pg clients: PostgREST's authenticator (twice), the superuser, a witness of crashes
let startTime // pg_postmaster_start_time() at the start
let pools
let lastDigest
const restClients = new Map()
const stats = { calls: 0, direct: 0, rest: 0, restGet: 0, huge: 0, doubled: 0, paired: 0, checks: 0, checkMs: 0, slowest: [], byRpc: {}, byOutcome: {}, restStatus: {} }
const fatal = [] // failures of the whole run (crash, uniqueness): reported at the end
let failedCalls = 0 // calls that broke the contract (shrinking attempts included)
const distinctFailures = new Map() // KEEP_GOING: rpc + problem kind -> { message, count }

function pgClient(user, name) {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: stack.pgPort,
    user,
    database: DB,
    application_name: name,
    statement_timeout: 30_000,
  })
  client.dead = null
  client.on('error', (e) => {
    client.dead = e
  })
  client.on('end', () => {
    client.dead ??= new Error('connection ended')
  })
  return client
}

async function connect(user, name) {
  const c = pgClient(user, name)
  await c.connect()
  return c
}

/** Reconnect the caller and the checker after a dropped connection. */
async function ensureClients() {
  if (caller.dead) {
    caller.end().catch(() => {})
    caller = await connectWithRetry('authenticator', 'hostile-caller')
  }
  if (caller2.dead) {
    caller2.end().catch(() => {})
    caller2 = await connectWithRetry('authenticator', 'hostile-caller-2')
  }
  if (checker.dead) {
    checker.end().catch(() => {})
    checker = await connectWithRetry('postgres', 'hostile-checker')
  }
}

async function connectWithRetry(user, name) {
  let last
  for (let i = 0; i < 50; i++) {
    try {
      return await connect(user, name)
    } catch (e) {
      last = e
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  throw last
}

const CRASH_LINE =
  /terminated by signal|was terminated by exception|PANIC:|server process .* exited with exit code [^0]|all server processes terminated|database system was interrupted/

async function serverLogCrashes() {
  try {
    const log = await readFile(path.join(stack.dir, 'pgdata.log'), 'utf8')
    return log
      .split('\n')
      .filter((l) => CRASH_LINE.test(l))
  } catch (e) {
    return [`(could not read the server log: ${e.message})`]
  }
}

// ---------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------

const now = () => Math.floor(Date.now() / 1000)

/** The principal of a call: PostgREST role, JWT claims, whose data it owns. */
function principal(role) {
  const userClaims = (sub) => ({
    iss: 'supabase-demo',
    sub,
    aud: 'authenticated',
    role: 'authenticated',
    email: '',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    aal: 'aal1',
    is_anonymous: false,
    iat: now(),
    exp: now() + 3600,
  })
  switch (role.kind) {
    case 'anon':
      return { key: 'anon', label: 'anon', pgRole: 'anon', claims: { iss: 'supabase-demo', role: 'anon', exp: 1983812996 }, uid: null, trusted: false }
    case 'service':
      return {
        key: 'service',
        label: 'service_role',
        pgRole: 'service_role',
        claims: { iss: 'supabase-demo', role: 'service_role', exp: 1983812996 },
        uid: null,
        trusted: true,
      }
    case 'user': {
      const id = ACTORS[role.u]
      return { key: `user:${id}`, label: `user ${NAMES[id]}`, pgRole: 'authenticated', claims: userClaims(id), uid: id, trusted: false }
    }
    case 'inactive':
    case 'ghost':
    case 'never': {
      const id = USERS[role.kind === 'inactive' ? 'erin' : role.kind]
      return { key: `user:${id}`, label: `user ${NAMES[id]} (${role.kind})`, pgRole: 'authenticated', claims: userClaims(id), uid: id, trusted: false }
    }
    case 'weird': {
      let sub = WEIRD_SUBS[role.w]
      if (sub === 'UPPER_ALICE') sub = USERS.alice.toUpperCase()
      const owner = typeof sub === 'string' ? normalizeUuid(sub) : null
      return {
        key: `weird:${role.w}`,
        label: `authenticated with sub ${JSON.stringify(sub)}`,
        pgRole: 'authenticated',
        claims: userClaims(sub),
        uid: owner && ACTORS.includes(owner) ? owner : null,
        trusted: false,
      }
    }
    default:
      throw new Error(`unknown role ${JSON.stringify(role)}`)
  }
}

/** A uuid as Postgres would read it (upper case, braces, no dashes), lower case with dashes; else null. */
function normalizeUuid(s) {
  if (typeof s !== 'string') return null
  let t = s.trim().toLowerCase()
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1)
  const hex = t.replace(/-/g, '')
  if (!/^[0-9a-f]{32}$/.test(hex)) return null
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

async function restClient(p) {
  if (restClients.has(p.key)) return restClients.get(p.key)
  let client
  if (p.key === 'anon') client = stack.client('anon')
  else if (p.key === 'service') client = stack.client('service_role')
  else {
    const { iat, exp, ...claims } = p.claims
    client = stack.client(await stack.mintJwt(claims))
  }
  restClients.set(p.key, client)
  return client
}

// ---------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------

const missingId = (i) => `99999999-0000-4000-8000-${String(i).padStart(12, '0')}`

function pick(list, i) {
  return list.length ? list[i % list.length] : null
}

function refId(desc, subject) {
  const { pool, who, i } = desc
  if (pool === 'users') {
    if (who === 'own') return subject
    if (who === 'other') return pick(ACTORS.filter((a) => a !== subject), i)
    if (who === 'inactive') return USERS.erin
    if (who === 'ghost') return USERS.ghost
    if (who === 'never') return USERS.never
    return pick(pools.profiles, i) ?? missingId(i)
  }
  if (pool === 'luminors') {
    if (who === 'inactive') return LUMINORS.shade
    if (who === 'private') return LUMINORS.veil
    return pick([LUMINORS.lumina, LUMINORS.harmonix, LUMINORS.kinetix], i)
  }
  const rows = pools[pool] ?? []
  const mine = who === 'own' ? rows.filter((r) => r.user_id === subject) : who === 'other' ? rows.filter((r) => r.user_id !== subject) : rows
  return pick(mine, i)?.id ?? missingId(i)
}

function show(v) {
  if (v === null) return 'NULL'
  if (Buffer.isBuffer(v)) return `bytes<${v.toString('hex')}>`
  if (typeof v === 'string') return v.length > 80 ? `${JSON.stringify(v.slice(0, 60))}... (${v.length} UTF-16 units)` : JSON.stringify(v)
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 200 ? `${s.slice(0, 200)}... (${s.length} chars of JSON)` : s
}

/** A descriptor to { sql, json, label } (or OMIT). */
function resolveArg(desc, subject) {
  const text = (s, label) => ({ sql: s, json: s, label: label ?? show(s) })
  switch (desc.k) {
    case 'omit':
      return OMIT
    case 'null':
      return { sql: null, json: null, label: 'NULL' }
    case 'lit': {
      const v = desc.v
      if (typeof v === 'string') return text(v)
      if (typeof v === 'number') return { sql: String(v), json: v, label: `number ${v}` }
      return { sql: JSON.stringify(v), json: v, label: show(v) }
    }
    case 'rep':
      return text(desc.s.repeat(desc.n), `${JSON.stringify(desc.s)} x ${desc.n}`)
    case 'huge':
      stats.huge++
      return text(hugeString(desc.i), `10 MB string #${desc.i} (${show(hugeString(desc.i))})`)
    case 'bytes': {
      const b = Buffer.from(desc.hex, 'hex')
      return { sql: b, json: b.toString('latin1'), label: `raw bytes ${desc.hex}` }
    }
    case 'b64':
      return text(Buffer.from(desc.text, 'utf8').toString('base64'), `base64(${JSON.stringify(desc.text)})`)
    case 'ref': {
      let id = refId(desc, subject)
      if (desc.upper) id = id.toUpperCase()
      return text(id, `${id} [${desc.pool} ${desc.who}${NAMES[id] ? ` ${NAMES[id]}` : ''}]`)
    }
    case 'list': {
      const items = desc.items.map((d) => resolveArg(d, subject))
      const labels = items.slice(0, 5).map((x) => x.label)
      if (items.length > 5) labels.push(`... (${items.length} items)`)
      return { sql: items.map((x) => x.sql), json: items.map((x) => x.json), label: `[${labels.join(', ')}]` }
    }
    case 'many': {
      const ids = Array.from({ length: desc.n }, (_, i) => missingId(i))
      return { sql: ids, json: ids, label: `${desc.n} ids of no user` }
    }
    case 'cursor': {
      const rows = pools.creations.filter((r) => (desc.who === 'own' ? r.user_id === subject : desc.who === 'other' ? r.user_id !== subject : true))
      let c = pick(rows, desc.i)?.cursor ?? ''
      if (desc.cut !== undefined) c = c.slice(0, desc.cut)
      return text(c, `cursor ${JSON.stringify(c)}${desc.cut !== undefined ? ` (cut at ${desc.cut})` : ''}`)
    }
    default:
      throw new Error(`unknown descriptor ${JSON.stringify(desc)}`)
  }
}

/** The user a call acts for: the JWT's user, or for a trusted caller the user it names. */
function actorOf(p, resolved) {
  if (!p.trusted) return p.uid
  const named = resolved.p_user_id ?? resolved.p_follower_id
  return named && typeof named.sql === 'string' ? normalizeUuid(named.sql) : null
}

// ---------------------------------------------------------------------------
// One call
// ---------------------------------------------------------------------------

async function callDirect(client, fn, p, resolved, bogus, readOnly) {
  const info = fns[fn]
  const values = []
  const parts = []
  for (const { name, type } of info.args) {
    const v = resolved[name]
    if (v === undefined) continue
    values.push(v.sql)
    parts.push(`${name} => $${values.length}::${type}`)
  }
  if (bogus) {
    values.push('x')
    parts.push(`p_bogus => $${values.length}::text`)
  }
  const lit = (s) => client.escapeLiteral(s)
  // What PostgREST 12 runs before the call, in the same transaction.
  await client.query(
    `BEGIN${readOnly ? ' READ ONLY' : ''};
     SELECT set_config('search_path', '"public", "public"', true), set_config('role', ${lit(p.pgRole)}, true),
            set_config('request.jwt.claims', ${lit(JSON.stringify(p.claims))}, true),
            set_config('request.method', ${lit(readOnly ? 'GET' : 'POST')}, true),
            set_config('request.path', ${lit(`/rpc/${fn}`)}, true),
            set_config('request.headers', '{}', true), set_config('request.cookies', '{}', true)`,
  )
  try {
    const res = await client.query({ text: `SELECT * FROM public.${fn}(${parts.join(', ')})`, values })
    await client.query('COMMIT')
    let data
    if (info.retset) data = res.rows
    else if (info.composite) data = res.rows[0] ?? null
    else data = res.rows[0]?.[fn] ?? null
    return { ok: true, data, outcome: 'ok' }
  } catch (e) {
    if (!client.dead) {
      try {
        await client.query('ROLLBACK')
      } catch {}
    }
    return { ok: false, code: e.code ?? null, message: e.message, detail: e.detail, outcome: e.code ?? 'connection lost' }
  }
}

async function callRest(fn, p, resolved, bogus, get) {
  const client = await restClient(p)
  const body = {}
  for (const [name, v] of Object.entries(resolved)) body[name] = v.json
  if (bogus) body.p_bogus = 'x'
  // Long arguments do not fit in a URL: those go by POST.
  const useGet = get && JSON.stringify(body).length < 2000
  if (useGet) stats.restGet++
  let res
  try {
    res = await client.rpc(fn, body, useGet ? { get: true } : undefined)
  } catch (e) {
    res = { error: { code: null, message: `supabase-js threw: ${e.message}` }, status: 0, data: null }
  }
  const code = res.error?.code ?? null
  const outcome = res.error ? `HTTP ${res.status} ${code}` : 'ok'
  stats.restStatus[res.status] = (stats.restStatus[res.status] ?? 0) + 1
  return { ok: !res.error, data: res.data, code, message: res.error?.message, status: res.status, outcome, method: useGet ? 'GET' : 'POST' }
}

/** Results must not show another user's private data. */
function outputProblems(fn, data, p, actor) {
  const problems = []
  const owner = p.trusted ? actor : p.uid
  const rows = Array.isArray(data) ? data : []
  switch (fn) {
    case 'get_user_stats':
      if (data?.private && !p.trusted && data.user_id !== p.uid) problems.push(`private stats of ${data.user_id} shown to ${p.label}`)
      break
    case 'get_conversation_with_messages':
      if (!p.trusted && data?.conversation?.user_id !== p.uid) problems.push(`conversation of ${data?.conversation?.user_id} shown to ${p.label}`)
      break
    case 'get_luminor_relationship':
      if (owner && data?.user_id !== owner) problems.push(`relationship of ${data?.user_id} shown for ${owner}`)
      break
    case 'search_creations':
    case 'get_user_feed':
      for (const r of rows) if (r.status !== 'published' || r.is_public !== true) problems.push(`${fn} returned ${r.status} public=${r.is_public} creation ${r.id}`)
      break
    case 'publish_creation':
    case 'archive_creation':
    case 'get_or_create_conversation':
      if (owner && data?.user_id !== owner) problems.push(`${fn} returned a row of ${data?.user_id} to a call acting for ${owner}`)
      break
    case 'export_my_data':
      if (data?.user_id !== owner) problems.push(`export of ${data?.user_id} returned to ${p.label}${owner ? ` acting for ${owner}` : ''}`)
      for (const part of ['profile', 'private']) {
        if (data?.[part] && data[part].id !== data.user_id) problems.push(`export of ${data.user_id} holds the ${part} of ${data[part].id}`)
      }
      break
    case 'get_presence':
      if (!p.trusted) {
        for (const r of rows) if (r.user_id !== p.uid && !PRESENCE_SHARED.has(r.user_id)) problems.push(`presence of ${r.user_id} shown to ${p.label}`)
      }
      break
    case 'add_message_to_conversation':
      if (owner && data?.user_id !== owner) problems.push(`message stored for ${data?.user_id} by a call acting for ${owner}`)
      if (!p.trusted && (data?.role !== 'user' || data?.model != null || data?.tokens != null || data?.cost != null)) {
        problems.push(`an untrusted caller wrote a ${data?.role} message with model/tokens/cost`)
      }
      break
  }
  return problems
}

let callNo = 0

/** Resolve a generated call against the current pools: principal, arguments, whom it acts for. */
function prepare(call) {
  const p = principal(call.role)
  // Whose data counts as "own" for the arguments: the caller's, or for
  // callers without a user (anon, service role, strange subs) a chosen user.
  const subject = p.uid ?? ACTORS[call.subject]
  const resolved = {}
  for (const [name, desc] of Object.entries(call.args)) {
    const v = resolveArg(desc, subject)
    if (v !== OMIT) resolved[name] = v
  }
  return {
    call,
    p,
    resolved,
    info: fns[call.rpc],
    actor: actorOf(p, resolved),
    rest: call.channel.startsWith('rest'),
    readOnly: call.channel === 'direct-ro',
  }
}

function describe1(prep, r, ms, label = '') {
  const { call, p, resolved, info, actor, rest, readOnly } = prep
  const args = Object.entries(resolved).map(([k, v]) => `${k} => ${v.label}`)
  if (call.bogusArg) args.push(`p_bogus => "x"`)
  const channel = rest ? `PostgREST ${r.method}` : readOnly ? 'direct SQL, read-only transaction' : 'direct SQL'
  return [
    `  rpc:     ${call.rpc}(${info.args.map((a) => a.name).join(', ')})${label}`,
    `  channel: ${channel}`,
    `  caller:  ${p.label}${p.uid ? ` (${p.uid})` : ''}${actor && actor !== p.uid ? `, acting for ${NAMES[actor] ?? actor}` : ''}`,
    `  args:    ${args.length ? args.join('\n           ') : '(none)'}`,
    `  outcome: ${r.ok ? `ok in ${ms} ms: ${show(r.data)}` : `${r.outcome}: ${r.message}${r.detail ? ` (${r.detail})` : ''}`}`,
  ].join('\n')
}

async function runCall(call) {
  callNo++
  if (fatal.length) return // the run already failed as a whole (crash, uniqueness): reported at the end
  if (callNo % BATCH === 0) await batchChecks(`after call #${callNo - 1}`)
  if (fatal.length) return
  await ensureClients()

  // One call, or two at once on two connections: the same one twice (a
  // double click) or another one beside it.
  const first = prepare(call)
  const preps = call.concurrent === 'same' ? [first, first] : call.partner ? [first, prepare(call.partner)] : [first]
  const started = Date.now()
  const results = first.rest
    ? [await callRest(call.rpc, first.p, first.resolved, call.bogusArg, call.channel === 'rest-get')]
    : await Promise.all(
        preps.map((x, i) => callDirect(i === 0 ? caller : caller2, x.call.rpc, x.p, x.resolved, x.call.bogusArg, x.readOnly)),
      )
  const ms = Date.now() - started
  stats.calls += results.length
  if (first.rest) stats.rest++
  else stats.direct += results.length
  if (call.concurrent === 'same') stats.doubled++
  if (call.partner) stats.paired++

  const problems = []
  results.forEach((r, i) => {
    const { call: c, p, actor } = preps[i]
    const rpcStats = (stats.byRpc[c.rpc] ??= {})
    rpcStats[r.outcome] = (rpcStats[r.outcome] ?? 0) + 1
    stats.byOutcome[r.outcome] = (stats.byOutcome[r.outcome] ?? 0) + 1
    const which = results.length > 1 ? ` (call ${i + 1} of 2 at once)` : ''
    if (first.rest) {
      if (!(r.status >= 200 && r.status < 500)) problems.push(`PostgREST answered HTTP ${r.status} (${r.code}: ${r.message})`)
      else if (r.code && !String(r.code).startsWith('PGRST')) {
        const why = rejectError(r.code)
        if (why) problems.push(why)
      }
    } else if (!r.ok) {
      const why = rejectError(r.code)
      if (why) problems.push(`${why}${which}`)
    }
    if (r.ok) problems.push(...outputProblems(c.rpc, r.data, p, actor).map((x) => `${x}${which}`))
  })

  // Invariants: the digest and recount_counters(), as the superuser. A call
  // that failed with an error was rolled back and cannot have changed
  // anything (Postgres has no autonomous transactions), so the check runs
  // after every call that succeeded or lost its connection; if a failed
  // call did leave a change, the next check still sees it.
  const wrote = preps.filter((x, i) => results[i].ok || !results[i].code)
  if (wrote.length) {
    const checkStarted = Date.now()
    stats.checks++
    await ensureClients()
    const [, digestRes, driftRes] = await checker.query(AFTER_CALL_SQL)
    const digest = digestRes.rows[0].digest
    const drift = driftRes.rows[0].drift
    if (drift.length) {
      problems.push(`recount_counters() fixed rows: ${JSON.stringify(drift)}`)
      await checker.query('SELECT * FROM arcanea.recount_counters()') // repair, so later calls are judged on their own
    }
    problems.push(
      ...diffDigests(lastDigest, digest, {
        allowed: new Set(wrote.map((x) => x.actor).filter(Boolean)),
        readOnly: wrote.every((x) => x.info.volatile !== 'v'),
        trustedMaintenance: wrote.some((x) => x.p.trusted && MAINTENANCE.has(x.call.rpc)),
      }),
    )
    lastDigest = drift.length ? (await checker.query(AFTER_CALL_SQL))[1].rows[0].digest : digest
    stats.checkMs += Date.now() - checkStarted
  }

  if (stats.slowest.length < 5 || ms > stats.slowest[4].ms) {
    const args = Object.entries(first.resolved).map(([k, v]) => `${k}=${v.label.slice(0, 60)}`).join(', ')
    const via = first.rest ? `PostgREST ${results[0].method}` : call.channel
    stats.slowest.push({ ms, what: `${call.rpc}(${args}) as ${first.p.label} via ${via}${results.length > 1 ? ' (2 at once)' : ''} -> ${results[0].outcome}` })
    stats.slowest.sort((a, b) => b.ms - a.ms)
    stats.slowest.length = Math.min(stats.slowest.length, 5)
  }
  if (VERBOSE) {
    for (const [i, r] of results.entries()) {
      const via = first.rest ? r.method : preps[i].call.channel
      console.log(`#${callNo} ${preps[i].call.rpc} ${preps[i].p.label} ${via} -> ${r.outcome} ${ms}ms`)
    }
  }
  if (results.some((x) => !x.ok && !x.code) && !first.rest) {
    // A dropped connection: was it a crash?
    await new Promise((res) => setTimeout(res, 500))
    const crashes = await serverLogCrashes()
    problems.push(`server log: ${crashes.slice(-5).join(' | ') || '(nothing)'}`)
  }
  if (problems.length) {
    const described = results.map((r, i) => describe1(preps[i], r, ms, results.length > 1 ? `   [call ${i + 1} of 2, at the same time]` : ''))
    const message = `hostile call #${callNo} broke the contract:\n  - ${problems.join('\n  - ')}\n${described.join('\n')}`
    failedCalls++
    if (KEEP_GOING) {
      const kind = `${call.rpc}: ${problems.map((x) => x.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>').slice(0, 90)).join('; ')}`
      const seen = distinctFailures.get(kind)
      if (seen) seen.count++
      else distinctFailures.set(kind, { message, count: 1 })
      return
    }
    // The first failing call as generated (fast-check then reports the shrunk one).
    if (failedCalls === 1) console.error(`first failure, before shrinking:\n${message}`)
    throw new Error(message)
  }
}

async function refreshPools() {
  const { rows } = await checker.query(POOLS_SQL)
  pools = rows[0].pools
  for (const k of Object.keys(pools)) pools[k] ??= []
}

async function batchChecks(when) {
  // The server did not crash: the witness connection still answers and the postmaster is the same.
  try {
    const { rows } = await sentinel.query('SELECT pg_postmaster_start_time()::text AS t')
    if (rows[0].t !== startTime) fatal.push(`${when}: the postmaster restarted (${startTime} -> ${rows[0].t})`)
  } catch (e) {
    const crashes = await serverLogCrashes()
    fatal.push(`${when}: the witness connection died (${e.message}): the server crashed or restarted. Server log: ${crashes.join(' | ')}`)
    sentinel = await connectWithRetry('postgres', 'hostile-sentinel')
  }
  await ensureClients()
  for (const [name, sql] of Object.entries(UNIQUENESS_SQL)) {
    const { rows } = await checker.query(sql)
    if (rows.length) fatal.push(`${when}: invariant "${name}" violated: ${JSON.stringify(rows.slice(0, 5))}`)
  }
  // PostgREST is still up.
  const res = await stack.rest('/', { signal: AbortSignal.timeout(5000) }).catch((e) => ({ status: `unreachable (${e.message})` }))
  if (res.status !== 200) fatal.push(`${when}: PostgREST GET / answered ${res.status}`)
  else await res.arrayBuffer()
  await refreshPools()
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

describe('hostile calls to every RPC', () => {
  before(async () => {
    for (const [name, id] of Object.entries(USERS)) {
      if (name !== 'never') await stack.createUser({ username: name, id })
    }
    // The deleted account had an avatar: its file waits for pending_storage_erasures().
    await stack.sql(`INSERT INTO storage.objects (bucket_id, name, owner_id) VALUES ('avatars', :'id' || '/avatar.png', :'id')`, { id: USERS.ghost })
    await stack.sql(`DELETE FROM auth.users WHERE id = :'id'`, { id: USERS.ghost })
    await stack.sql(fixtureSql())

    const rows = await stack.query(`
      SELECT p.proname AS name, p.provolatile AS volatile, p.proretset AS retset,
             t.typtype = 'c' AS composite,
             -- The arguments a caller passes: not the columns of a RETURNS TABLE.
             coalesce((SELECT json_agg(json_build_object('name', n, 'type', format_type(ty, NULL)) ORDER BY i)
                         FROM unnest(p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes)
                              WITH ORDINALITY AS a(n, ty, m, i)
                        WHERE m IS NULL OR m IN ('i', 'b', 'v')), '[]') AS args
        FROM pg_proc p
        JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
        JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
        JOIN pg_type t ON t.oid = p.prorettype
       WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'
       ORDER BY 1`)
    fns = Object.fromEntries(rows.map((r) => [r.name, r]))

    caller = await connect('authenticator', 'hostile-caller')
    caller2 = await connect('authenticator', 'hostile-caller-2')
    checker = await connect('postgres', 'hostile-checker')
    sentinel = await connect('postgres', 'hostile-sentinel')
    startTime = (await sentinel.query('SELECT pg_postmaster_start_time()::text AS t')).rows[0].t
    await refreshPools()
    lastDigest = (await checker.query(AFTER_CALL_SQL))[1].rows[0].digest
  })

  test('every RPC of the extension has an arbitrary for each of its arguments', () => {
    const problems = []
    for (const [name, info] of Object.entries(fns)) {
      const spec = RPC_ARGS[name]
      if (!spec) {
        problems.push(`${name}: no arbitrary defined (add it to RPC_ARGS in pgrx-tests/e2e/hostile/arbitraries.mjs)`)
        continue
      }
      for (const { name: arg, type } of info.args) {
        if (!spec[arg]) problems.push(`${name}: no arbitrary for argument ${arg} ${type}`)
        else if (spec[arg].type !== type) problems.push(`${name}: argument ${arg} is ${type} in pg_proc, ${spec[arg].type} in RPC_ARGS`)
      }
      for (const arg of Object.keys(spec)) {
        if (!info.args.some((a) => a.name === arg)) problems.push(`${name}: RPC_ARGS has ${arg}, which the function does not take`)
      }
    }
    for (const name of Object.keys(RPC_ARGS)) if (!fns[name]) problems.push(`${name}: in RPC_ARGS but not an RPC of the extension`)
    assert.ok(Object.keys(fns).length >= 21, `only ${Object.keys(fns).length} RPCs found in pg_proc`)
    assert.deepEqual(problems, [])
  })

  test('the invariant checks catch what they are meant to catch', async () => {
    // Sanity of the checker itself, on changes made (and rolled back) as the superuser.
    await checker.query('BEGIN')
    try {
      const before = (await checker.query(DIGEST_SQL)).rows[0].digest
      await checker.query(`INSERT INTO public.likes (user_id, creation_id) VALUES ($1, 'c0000001-0000-4000-8000-000000000002')`, [USERS.carol])
      await checker.query(`UPDATE public.notifications SET is_read = true WHERE user_id = $1`, [USERS.alice])
      await checker.query(`UPDATE public.creations SET view_count = view_count + 1`)
      const after = (await checker.query(DIGEST_SQL)).rows[0].digest
      const asCarol = diffDigests(before, after, { allowed: new Set([USERS.carol]), readOnly: false })
      assert.equal(asCarol.length, 1, JSON.stringify(asCarol))
      assert.match(asCarol[0], new RegExp(`notifications.read of ${USERS.alice}`))
      assert.equal(diffDigests(before, after, { allowed: new Set([USERS.carol, USERS.alice]), readOnly: false }).length, 0)
      const asAnon = diffDigests(before, after, { allowed: new Set(), readOnly: false })
      assert.ok(asAnon.some((x) => x.startsWith(`likes of ${USERS.carol}`)), JSON.stringify(asAnon))
      assert.ok(diffDigests(before, after, { allowed: new Set([USERS.carol, USERS.alice]), readOnly: true }).some((x) => x.includes('counters')))
      // A counter moved by hand is drift that recount_counters() reports.
      // (The like above was counted in place: its commit-time check is a
      // deferred trigger event on creations, which ALTER TABLE refuses to
      // leave pending; fire it first, as a commit would.)
      await checker.query(`SET CONSTRAINTS ALL IMMEDIATE`)
      await checker.query(`ALTER TABLE public.creations DISABLE TRIGGER USER`)
      await checker.query(`UPDATE public.creations SET like_count = like_count + 1 WHERE id = 'c0000001-0000-4000-8000-000000000001'`)
      const drift = await checker.query(`SELECT counter, rows_fixed FROM arcanea.recount_counters() WHERE rows_fixed <> 0`)
      assert.deepEqual(drift.rows, [{ counter: 'creations.like_count', rows_fixed: '1' }])
    } finally {
      await checker.query('ROLLBACK')
    }
    assert.equal(rejectError('XX000')?.includes('never acceptable'), true)
    assert.equal(rejectError('P0002')?.includes('not in the allowlist'), true)
    assert.equal(rejectError(null)?.includes('no SQLSTATE'), true)
    assert.equal(rejectError('PT404'), null)
    assert.equal(postgrestStatus('42501', false), 401)
    assert.equal(postgrestStatus('PT429'), 429)
    assert.equal(postgrestStatus('53400'), 500)
    for (const code of Object.keys(ALLOWED_SQLSTATES)) {
      const status = postgrestStatus(code)
      assert.ok(status >= 400 && status < 500, `${code} maps to ${status}`)
    }
  })

  test(`${RUNS} generated calls: clean outcomes, invariants hold`, { timeout: 900_000 }, async (t) => {
    const names = Object.keys(fns).filter((n) => RPC_ARGS[n])
    assert.equal(names.length, Object.keys(fns).length, 'an RPC has no arbitrary (see the previous test)')
    console.log(`hostile: seed ${SEED}, ${RUNS} runs (ARCANEA_HOSTILE_SEED / ARCANEA_HOSTILE_RUNS to change)`)
    t.diagnostic(`seed ${SEED}`)
    const started = Date.now()
    let failure
    try {
      await fc.assert(
        fc.asyncProperty(callArb(names), runCall),
        { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
      )
    } catch (e) {
      failure = e
    }
    if (!fatal.length) await batchChecks('at the end')
    const crashes = await serverLogCrashes()
    const secs = ((Date.now() - started) / 1000).toFixed(1)

    const lines = [
      `hostile: ${stats.calls} calls in ${secs} s (seed ${SEED}): ${stats.direct} direct SQL, ` +
        `${stats.rest} through PostgREST (${stats.restGet} by GET); ${stats.doubled} calls made twice at once, ` +
        `${stats.paired} beside another call; ${stats.huge} 10 MB arguments`,
      `outcomes: ${JSON.stringify(Object.fromEntries(Object.entries(stats.byOutcome).sort((a, b) => b[1] - a[1])))}`,
      `PostgREST statuses: ${JSON.stringify(stats.restStatus)}`,
      `invariant checks (digest + recount_counters) after ${stats.checks} calls that may have written: ${(stats.checkMs / 1000).toFixed(1)} s`,
      'slowest calls:',
      ...stats.slowest.map(({ ms, what }) => `  ${String(ms).padStart(6)} ms  ${what}`),
      'per RPC:',
      ...Object.entries(stats.byRpc)
        .sort()
        .map(([rpc, o]) => `  ${rpc.padEnd(32)} ${String(Object.values(o).reduce((a, b) => a + b, 0)).padStart(5)}  ${JSON.stringify(o)}`),
    ]
    for (const l of lines) t.diagnostic(l)
    if (distinctFailures.size) {
      const list = [...distinctFailures.values()].map(({ message, count }) => `(${count} calls like this one)\n${message}`)
      console.error(`${distinctFailures.size} distinct failures:\n\n${list.join('\n\n')}`)
      assert.fail(`${failedCalls} calls broke the contract, ${distinctFailures.size} distinct failures (listed above)`)
    }
    assert.deepEqual(crashes, [], 'the server log shows a crash')
    assert.deepEqual(fatal, [], 'run-wide invariants')
    if (failure) throw failure
    // Every RPC was exercised, and some calls of each succeeded (else the generator misses the valid space).
    for (const name of names) assert.ok(stats.byRpc[name], `${name} was never called`)
    const neverOk = names.filter((n) => !stats.byRpc[n]?.ok)
    if (RUNS >= 2000) assert.deepEqual(neverOk, [], 'RPCs no generated call succeeded on')
    else if (neverOk.length) t.diagnostic(`no call succeeded on ${neverOk.join(', ')} (a short run)`)
  })

  // Close the pg clients before the stack stops.
  test('close connections', async () => {
    await Promise.allSettled([caller?.end(), caller2?.end(), checker?.end(), sentinel?.end()])
  })
})
