// The API behind a transaction pooler (issue 16): PgBouncer in transaction
// mode between PostgREST and the database (scripts/pooler.sh, set up as
// Supabase's pooler), PostgREST with prepared statements off.
//
// Two stacks. `shared` has default_pool_size = 1: every request of every
// client runs on the same server connection (the test checks that it does),
// so whatever one request could leave on the backend would meet the next
// one. `wide` has default_pool_size = 4: one user's concurrent requests land
// on different backends (checked through the backend pid each comment was
// written from).
//
// What must hold:
//   - identity never leaks from one request to the next on a shared backend:
//     a signed-in request followed by an anonymous one (auth.uid(), RLS on
//     tables, get_user_stats, export_my_data, private tables);
//   - alice's and bob's interleaved requests each get their own answers,
//     hundreds of them, one after the other and all at once;
//   - rate limits count per user, whether a user's calls land on one backend
//     or several, and per anonymous address;
//   - the extension's kept plans (src/db.rs), prepared by whichever client
//     came first, serve every other one, also after DDL invalidated them.
// And what does NOT hold, by design of transaction pooling (PgBouncer's
// documentation says so): session state a client sets with SET or
// set_config(..., false) stays on the backend for the next client of the
// same pool, here the identity of a request (docs/operations.md, "Transaction
// pooler").
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { before, describe, test } from 'node:test'
import path from 'node:path'
import { promisify } from 'node:util'

import { PG_BIN, useStack } from './harness.mjs'
import { fails, ok } from './expect.mjs'

const execFileP = promisify(execFile)

// e2e_backend(): which backend served the request and what it saw there.
// e2e_trace: the backend pid and auth.uid() of every comment written (an
// AFTER INSERT trigger), to tell which backends a user's writes ran on.
// Limits are lifted for everything but the rate-limit tests, which set
// their own.
const PROBE = `
  create function public.e2e_backend() returns json language sql volatile as $$
    select json_build_object(
      'pid', pg_backend_pid(),
      'uid', auth.uid(),
      'role', current_user,
      'sub_setting', nullif(current_setting('request.jwt.claim.sub', true), ''),
      'prepared', (select count(*) from pg_prepared_statements))
  $$;
  grant execute on function public.e2e_backend() to anon, authenticated, service_role;
  create table public.e2e_trace (comment_id uuid, user_id uuid, uid uuid, pid int);
  create function public.e2e_trace_comment() returns trigger language plpgsql security definer
    set search_path = pg_catalog as $$
  begin
    insert into public.e2e_trace values (new.id, new.user_id, auth.uid(), pg_backend_pid());
    return new;
  end $$;
  create trigger e2e_trace after insert on public.comments for each row execute function public.e2e_trace_comment();
  update arcanea.rate_limits set max_calls = 1000000000;
`

const shared = useStack({ pooler: { poolSize: 1 }, setupSql: PROBE })
const wide = useStack({ pooler: { poolSize: 4 }, setupSql: PROBE })

/** psql through the stack's pooler as `user` (a psql client of the pooler); unaligned output. */
async function pooledPsql(stack, user, sql, { db = stack.database, header = false } = {}) {
  const env = { ...process.env }
  delete env.PGOPTIONS // PgBouncer refuses the startup "options" parameter
  const { stdout } = await execFileP(
    path.join(PG_BIN, 'psql'),
    ['-X', '-q', header ? '-A' : '-At', '-F', '|', '-P', 'footer=off', '-v', 'ON_ERROR_STOP=1',
      '-h', '127.0.0.1', '-p', String(stack.poolerPort), '-U', user, '-d', db, '-c', sql],
    { env },
  )
  return stdout.trim()
}

/** PgBouncer's SHOW SERVERS (admin console): the server connections of PostgREST's pool. */
async function servers(stack, user = 'authenticator') {
  const [head, ...rows] = (await pooledPsql(stack, 'postgres', 'SHOW SERVERS', { db: 'pgbouncer', header: true })).split('\n')
  const names = head.split('|')
  return rows
    .map((l) => Object.fromEntries(l.split('|').map((v, i) => [names[i], v])))
    .filter((r) => r.user === user && r.database === stack.database)
}

async function whoami(client) {
  return ok(await client.rpc('e2e_backend'))
}

/** A creation of `owner` (published and public unless `status` says otherwise), written as the superuser; its id. */
async function creation(stack, owner, title, status = 'published') {
  return stack.sql(
    `insert into public.creations (user_id, title, type, status, published_at)
     values (:'u', :'t', 'image', :'s', case when :'s' = 'published' then now() end) returning id`,
    { u: owner.id, t: title, s: status },
  )
}

// Node 20 runs top-level before() hooks concurrently: the fixtures are set up
// inside the suites so that they wait for the stacks.
describe('one server connection shared by every client (default_pool_size = 1)', () => {
  let alice, bob, anon, service, draft, bobsWork

  before(async () => {
    alice = await shared.createUser({ username: 'alice' })
    bob = await shared.createUser({ username: 'bob' })
    anon = shared.client('anon')
    service = shared.client('service_role')
    draft = await creation(shared, alice, 'Alice draft', 'draft')
    bobsWork = await creation(shared, bob, 'Bob at sea')
    // alice gets a notification (bob follows her) and private settings
    // nobody else may read.
    ok(await bob.client.rpc('follow_user', { p_following_id: alice.id }))
    ok(await alice.client.from('profile_private').update({ preferences: { secret: 'alice-only' } }).eq('id', alice.id), 204)
  })

  test('every request runs on one backend, with no named prepared statement on it', async () => {
    const clients = [anon, alice.client, bob.client, service]
    const seen = await Promise.all(Array.from({ length: 40 }, (_, i) => whoami(clients[i % 4])))
    assert.equal(new Set(seen.map((s) => s.pid)).size, 1, 'all requests on one server connection')
    const want = [[null, 'anon'], [alice.id, 'authenticated'], [bob.id, 'authenticated'], [null, 'service_role']]
    assert.deepEqual(seen.map((s) => [s.uid, s.role]), seen.map((_, i) => want[i % 4]), 'each request as its own caller')
    assert.deepEqual([...new Set(seen.map((s) => s.prepared))], [0], 'PostgREST sends unnamed statements only')
    const pool = await servers(shared)
    assert.deepEqual(pool.map((r) => Number(r.remote_pid)), [seen[0].pid], "PgBouncer's one server connection for PostgREST is that backend")
    const backends = await shared.query(`select pid from pg_stat_activity where usename = 'authenticator' and datname = current_database()`)
    assert.deepEqual(backends.map((b) => b.pid), [seen[0].pid], 'one authenticator backend in the database')
  })

  test('a signed-in request never leaves its identity to the next, anonymous, request (100 rounds)', async () => {
    let pid
    for (let round = 0; round < 100; round++) {
      const kind = round % 5
      const mine = await whoami(alice.client)
      const theirs = await whoami(anon)
      pid ??= mine.pid
      assert.deepEqual([mine.pid, theirs.pid], [pid, pid], 'both on the one backend')
      assert.deepEqual([mine.uid, mine.role], [alice.id, 'authenticated'])
      assert.deepEqual([theirs.uid, theirs.role, theirs.sub_setting], [null, 'anon', null])
      if (kind === 0) {
        // auth.uid()-dependent RPC: alice gets her private stats, anon is not a user.
        const stats = ok(await alice.client.rpc('get_user_stats'))
        assert.equal(stats.user_id, alice.id)
        assert.ok(stats.private, 'the owner sees her private part')
        fails(await anon.rpc('get_user_stats'), 401, '42501')
        const pub = ok(await anon.rpc('get_user_stats', { p_user_id: alice.id }))
        assert.equal(pub.user_id, alice.id)
        assert.equal(pub.private, undefined, 'anon sees the public part only')
      } else if (kind === 1) {
        // RLS on a table: her draft is hers only.
        assert.deepEqual(ok(await alice.client.from('creations').select('id').eq('id', draft)), [{ id: draft }])
        assert.deepEqual(ok(await anon.from('creations').select('id').eq('id', draft)), [])
      } else if (kind === 2) {
        // A private table.
        assert.deepEqual(ok(await alice.client.from('profile_private').select('id,preferences')), [
          { id: alice.id, preferences: { secret: 'alice-only' } },
        ])
        fails(await anon.from('profile_private').select('id,preferences'), 401, '42501')
      } else if (kind === 3) {
        const notes = ok(await alice.client.from('notifications').select('user_id,type'))
        assert.ok(notes.length >= 1 && notes.every((n) => n.user_id === alice.id && n.type === 'new_follower'))
        fails(await anon.from('notifications').select('user_id'), 401, '42501')
      } else {
        const mineAll = ok(await alice.client.rpc('export_my_data'))
        assert.equal(mineAll.user_id, alice.id)
        fails(await anon.rpc('export_my_data'), 401, '42501')
      }
    }
  })

  test('alice and bob, interleaved: 400 calls one after the other, each gets their own answers', async () => {
    for (let i = 0; i < 100; i++) {
      const [who, other] = i % 2 ? [alice, bob] : [bob, alice]
      assert.equal((await whoami(who.client)).uid, who.id)
      const stats = ok(await who.client.rpc('get_user_stats'))
      assert.equal(stats.user_id, who.id)
      assert.equal(stats.username, who.username)
      const own = ok(await who.client.from('profile_private').select('id'))
      assert.deepEqual(own, [{ id: who.id }], 'RLS shows each their own private row only')
      // Naming the other user is refused for the caller, whoever ran before.
      fails(await who.client.rpc('export_my_data', { p_user_id: other.id }), 403, '42501')
    }
  })

  test('alice, bob and anon, all at once: 300 concurrent calls, each gets their own answers', async () => {
    const who = [alice, bob, null]
    const calls = Array.from({ length: 300 }, (_, i) => who[(i * 7) % 3])
    // Each call resolves to [what it got, what it should have got].
    const results = await Promise.all(
      calls.map(async (u, i) => {
        const client = u ? u.client : anon
        if (i % 2) return [(await whoami(client)).uid, u ? u.id : null]
        const res = await client.rpc('get_user_stats')
        return u ? [ok(res).user_id, u.id] : [res.status, 401]
      }),
    )
    for (const [got, want] of results) assert.equal(got, want)
    // Writes too: alice toggles a like on bob's creation 51 times, bob 50
    // times, all at once; each ends where their own toggles lead. (Parity
    // holds because the one backend runs the toggles one after the other; on
    // several backends two toggles of one user at the same instant like once,
    // as toggle_like absorbs a double click: the wide stack checks counters
    // instead.)
    const toggles = [...Array(51).fill(alice), ...Array(50).fill(bob)].sort(() => Math.random() - 0.5)
    const answers = await Promise.all(toggles.map((u) => u.client.rpc('toggle_like', { p_creation_id: bobsWork })))
    for (const res of answers) ok(res)
    const likes = await shared.query(`select user_id from public.likes where creation_id = :'c'`, { c: bobsWork })
    assert.deepEqual(likes, [{ user_id: alice.id }])
    const [row] = await shared.query(`select like_count from public.creations where id = :'c'`, { c: bobsWork })
    assert.equal(row.like_count, 1)
  })

  test("kept plans, prepared by whichever client came first, serve the others, also after DDL", async () => {
    // The backend that holds the extension's kept plans.
    const { pid } = await whoami(anon)
    const LUMINA = '00000000-0000-4000-8000-00000000a001'
    const round = async (n) => {
      for (const u of [alice, bob]) {
        const conv = ok(await u.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_session_id: `s${n}` }))
        assert.equal(conv.user_id, u.id)
        ok(await u.client.rpc('add_message_to_conversation', { p_conversation_id: conv.id, p_content: `hello ${n}` }))
        ok(await service.rpc('add_message_to_conversation', {
          p_conversation_id: conv.id, p_user_id: u.id, p_role: 'assistant', p_content: `reply ${n}`,
        }))
        const chat = ok(await u.client.rpc('get_conversation_with_messages', { p_conversation_id: conv.id }))
        assert.equal(chat.conversation.user_id, u.id)
        assert.deepEqual(chat.messages.map((m) => m.content).sort(), [`hello ${n}`, `reply ${n}`])
        // The other user may not read it, on the same backend right after.
        const other = u === alice ? bob : alice
        fails(await other.client.rpc('get_conversation_with_messages', { p_conversation_id: conv.id }), 404, 'PT404')
        const rel = ok(await u.client.rpc('get_luminor_relationship', { p_luminor_id: LUMINA }))
        assert.equal(rel.user_id, u.id)
      }
      const hits = ok(await anon.rpc('search_creations', { p_query: 'sea' }))
      assert.deepEqual(hits.map((h) => h.id), [bobsWork])
    }
    await round(1)
    // DDL on tables the kept plans read, from a direct connection: PostgreSQL
    // invalidates the plans, the shared backend replans them on next use.
    await shared.sql(`create index e2e_messages_content on public.luminor_messages (content)`)
    await shared.sql(`alter table public.luminor_conversations add column e2e_note text`)
    await round(2)
    await shared.sql(`drop index public.e2e_messages_content`)
    await shared.sql(`alter table public.luminor_conversations drop column e2e_note`)
    await round(3)
    assert.equal((await whoami(anon)).pid, pid, 'still the one backend')
  })

  test('rate limits count per user on the shared backend, and per address for visitors', async () => {
    await shared.sql(`update arcanea.rate_limits set max_calls = 5, per = '1 hour' where action in ('comment', 'view')`)
    await shared.sql(`delete from arcanea.rate_limit_usage; delete from public.e2e_trace`)
    const target = await creation(shared, bob, 'Comment here')
    const statuses = { [alice.id]: [], [bob.id]: [] }
    // One after the other, alternating: 8 each, the limit is 5.
    for (let i = 0; i < 16; i++) {
      const u = i % 2 ? bob : alice
      const res = await u.client.from('comments').insert({ user_id: u.id, creation_id: target, content: `c${i}` })
      statuses[u.id].push(res.status)
    }
    for (const u of [alice, bob]) {
      assert.deepEqual(statuses[u.id], [201, 201, 201, 201, 201, 429, 429, 429], `${u.username}'s budget is their own`)
    }
    // And all at once: 8 more each, after the window was reset.
    await shared.sql(`delete from arcanea.rate_limit_usage`)
    const burst = [...Array(8).fill(alice), ...Array(8).fill(bob)].sort(() => Math.random() - 0.5)
    const res = await Promise.all(burst.map((u) => u.client.from('comments').insert({ user_id: u.id, creation_id: target, content: 'burst' }).then((r) => [u, r.status])))
    for (const u of [alice, bob]) {
      const mine = res.filter(([v]) => v === u).map(([, s]) => s).sort()
      assert.deepEqual(mine, [201, 201, 201, 201, 201, 429, 429, 429])
    }
    const trace = await shared.query(`select count(distinct pid)::int as pids, count(*)::int as n,
                                             count(*) filter (where uid is distinct from user_id)::int as mismatched from public.e2e_trace`)
    assert.deepEqual(trace, [{ pids: 1, n: 20, mismatched: 0 }], 'twenty comments, all from the one backend, each by its caller')
    // Two visitors told apart by the gateway's address: 5 views each.
    const visitor = (ip) => shared.client('anon', { global: { headers: { 'x-forwarded-for': ip } } })
    for (const ip of ['203.0.113.7', '198.51.100.9']) {
      const v = visitor(ip)
      for (let i = 0; i < 5; i++) ok(await v.rpc('increment_creation_views', { p_creation_id: target }))
      fails(await v.rpc('increment_creation_views', { p_creation_id: target }), 429, 'PT429')
    }
    await shared.sql(`update arcanea.rate_limits set max_calls = 1000000000`)
  })

  describe('session state on a transaction pooler (what PgBouncer warns about)', () => {
    test('SET LOCAL / set_config(..., true) from a psql client ends with its transaction', async () => {
      const claims = JSON.stringify({ sub: alice.id, role: 'authenticated' })
      const out = await pooledPsql(shared, 'authenticator', `
        begin;
        select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '${claims}', true);
        select (public.get_user_stats())->>'user_id';
        commit;`)
      assert.equal(out.split('\n').at(-1), alice.id, 'inside its transaction the psql client is alice')
      const next = await whoami(anon)
      assert.deepEqual([next.uid, next.role], [null, 'anon'], 'the next request on the backend is anonymous')
    })

    test("a psql client's session-level SET outlives it on the shared backend and becomes the next requests' identity", async () => {
      // Through the pooler as PostgREST's own login role, so it lands in
      // PostgREST's pool: the legacy claim GUC that auth.uid() reads first
      // (Supabase's definition) is set for the session and left there.
      await pooledPsql(shared, 'authenticator', `set request.jwt.claim.sub = '${alice.id}'`)
      try {
        const next = await whoami(anon)
        assert.equal(next.sub_setting, alice.id, 'the setting survived the psql client on the backend')
        assert.equal(next.uid, alice.id, 'an anonymous request now is alice: identity leaks')
        const stats = ok(await bob.client.rpc('get_user_stats'))
        assert.equal(stats.user_id, alice.id, "bob's request gets alice's private stats: identity leaks")
      } finally {
        // The same pool, the same (only) backend: take it back.
        await pooledPsql(shared, 'authenticator', 'reset request.jwt.claim.sub')
      }
      assert.equal((await whoami(anon)).uid, null)
      assert.equal(ok(await bob.client.rpc('get_user_stats')).user_id, bob.id)
    })

    test("a psql client logged in as another user stays in that user's pool and cannot reach PostgREST's backend", async () => {
      const pid = Number(await pooledPsql(shared, 'postgres', `set request.jwt.claim.sub = '${alice.id}'; select pg_backend_pid()`))
      const next = await whoami(anon)
      assert.notEqual(next.pid, pid, "postgres's pool has its own server connection")
      assert.equal(next.uid, null)
      await pooledPsql(shared, 'postgres', 'reset request.jwt.claim.sub')
    })
  })
})

describe('one user on several backends (default_pool_size = 4)', () => {
  let alice, bob, target

  before(async () => {
    alice = await wide.createUser({ username: 'alice' })
    bob = await wide.createUser({ username: 'bob' })
    target = await creation(wide, bob, 'Comment here')
    await wide.sql(`update arcanea.rate_limits set max_calls = 5, per = '1 hour' where action = 'comment'`)
  })

  test('rate limits count per user when their calls run on different backends', async (t) => {
    // Bursts of 8 comments each, all at once: exactly 5 of each user's pass,
    // every time. PgBouncer hands out whichever server is free, so which
    // backends a burst uses is up to it: the bursts go on until alice's
    // comments of one burst were written from more than one backend (at
    // most 20 bursts; the test fails if that never happens).
    let spread = 0
    let bursts = 0
    while (bursts < 20 && spread < 3) {
      bursts++
      await wide.sql(`delete from arcanea.rate_limit_usage; delete from public.e2e_trace`)
      const burst = [...Array(8).fill(alice), ...Array(8).fill(bob)].sort(() => Math.random() - 0.5)
      const res = await Promise.all(
        burst.map((u) => u.client.from('comments').insert({ user_id: u.id, creation_id: target, content: `b${bursts}` }).then((r) => [u, r.status])),
      )
      for (const u of [alice, bob]) {
        const mine = res.filter(([v]) => v === u).map(([, s]) => s).sort()
        assert.deepEqual(mine, [201, 201, 201, 201, 201, 429, 429, 429], `burst ${bursts}: ${u.username}'s budget`)
      }
      const [t] = await wide.query(
        `select count(distinct pid) filter (where user_id = :'a')::int as alice_pids,
                count(*) filter (where uid is distinct from user_id)::int as mismatched, count(*)::int as n
           from public.e2e_trace`,
        { a: alice.id },
      )
      assert.deepEqual([t.n, t.mismatched], [10, 0], 'ten comments, each written as its caller')
      if (t.alice_pids > 1) spread++
    }
    assert.equal(spread, 3, `three bursts in which alice's comments ran on more than one backend (took ${bursts} bursts)`)
    t.diagnostic(`${bursts} bursts of 16 comments for 3 in which alice's ran on several backends`)
    const [{ n }] = await wide.query(`select count(*)::int as n from pg_stat_activity where usename = 'authenticator' and datname = current_database()`)
    assert.ok(n > 1 && n <= 4, `PostgREST's requests ran on ${n} backends (pool size 4)`)
  })

  test('counters stay exact when likes of the same creations run on several backends at once', async () => {
    await wide.sql(`update arcanea.rate_limits set max_calls = 1000000000`)
    const works = []
    for (let i = 0; i < 4; i++) works.push(await creation(wide, i % 2 ? alice : bob, `Work ${i}`))
    const calls = []
    for (let round = 0; round < 15; round++) {
      for (const w of works) for (const u of [alice, bob]) calls.push([u, w])
    }
    calls.sort(() => Math.random() - 0.5)
    const answers = await Promise.all(calls.map(([u, w]) => u.client.rpc('toggle_like', { p_creation_id: w })))
    for (const res of answers) assert.equal(typeof ok(res).liked, 'boolean')
    const rows = await wide.query(
      `select c.id, c.like_count, (select count(*)::int from public.likes l where l.creation_id = c.id) as likes
         from public.creations c where c.id = any(:'ids'::uuid[])`,
      { ids: `{${works.join(',')}}` },
    )
    assert.equal(rows.length, 4)
    for (const r of rows) assert.equal(r.like_count, r.likes, `creation ${r.id}: like_count is the number of likes`)
    const [{ n }] = await wide.query(`select count(distinct pid)::int as n from pg_stat_activity where usename = 'authenticator' and datname = current_database()`)
    assert.ok(n > 1, "PostgREST's pool spans more than one backend")
  })
})
