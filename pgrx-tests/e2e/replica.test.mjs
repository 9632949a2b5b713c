// A read replica through the real PostgREST 12.0.2, as Supabase serves one:
// a streaming hot standby of this file's cluster with a second PostgREST on
// it (useStack({ replica: true }), harness.mjs).
//
// 1. Data is made on the primary through the API (three users, creations,
//    likes, follows, comments and a reply, a conversation with Lumina with
//    messages and memories, notifications, views, presence).
// 2. Once the standby has replayed it, every read RPC (POST, as .rpc() sends
//    it, and GET) and the table API's reads of every table a client may
//    read answer on the replica exactly what they answer on the primary, as
//    anon and as a signed-in user with the same JWT.
// 3. Every writing RPC and every table-API write fails on the replica with a
//    4xx and a read-only SQLSTATE, never 500 and never XX000:
//    - sent as supabase-js sends writes (POST/PATCH/DELETE), PostgREST opens
//      the transaction with `BEGIN ... READ WRITE`, which a standby refuses
//      before any function runs: 0A000 "cannot set transaction read-write
//      mode during recovery", HTTP 400;
//    - a writing RPC called with GET (`{ get: true }`) runs read-only and
//      reaches arcanea, which refuses it up front with 25006, HTTP 405
//      (src/db.rs refuse_if_read_only; before that fix: XX000 "cannot assign
//      TransactionIds during recovery", HTTP 500).
//    The RPCs are read from the catalog (every function in `public` an API
//    role may execute) and classified below; a function the list does not
//    classify fails the test, so a new RPC cannot be forgotten, and the
//    README's routing table ("Read replicas") must say the same.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, test } from 'node:test'

import { makeClient, ROOT, useStack } from './harness.mjs'
import { ok } from './expect.mjs'

const stack = useStack({ replica: true })

const LUMINA = '00000000-0000-4000-8000-00000000a001'
const API_ROLES = ['anon', 'authenticated', 'service_role']

// The fixtures the calls below use, filled in by the suite's before().
const f = {}

// Every function in `public` that an API role may execute, classified.
// reader: STABLE, reads through read-only SPI; routed to a replica.
// writer: VOLATILE, writes; must go to the primary.
// Calls: [who, args] pairs; who is 'anon', 'user' (alice, signed in) or
// 'service'. A reader is called as anon and as the user (the catalog says
// which of them may: the other gets the same refusal on both servers); a
// writer as each role it is meant for, with arguments that reach its write
// on the primary (25006 on the replica proves the write path was reached:
// wrong arguments would fail earlier with 22004 or PT404).
const RPCS = {
  search_creations: {
    kind: 'reader',
    calls: () => [
      { p_query: 'dragon' },
      { p_query: 'dragn' }, // the typo correction reads the vocabulary
      { p_query: '' },
      { p_query: 'dragon', p_type: 'image', p_limit: 1, p_offset: 1 },
    ],
  },
  get_user_feed: { kind: 'reader', calls: () => [{}, { p_limit: 1 }, { p_limit: 1, p_cursor: f.feedCursor }, { p_offset: 1 }] },
  get_user_stats: { kind: 'reader', calls: () => [{}, { p_user_id: f.alice.id }, { p_user_id: f.bob.id }] },
  get_key_memories: {
    kind: 'reader',
    calls: () => [{ p_luminor_id: LUMINA }, { p_luminor_id: LUMINA, p_query: 'painting dragons', p_limit: 2 }],
  },
  get_conversation_with_messages: {
    kind: 'reader',
    calls: () => [{ p_conversation_id: f.conversation }, { p_conversation_id: f.conversation, p_limit: 2 }],
  },
  get_luminor_relationship: { kind: 'reader', calls: () => [{ p_luminor_id: LUMINA }] },
  export_my_data: { kind: 'reader', calls: () => [{}] },
  get_presence: { kind: 'reader', calls: () => [{ p_user_ids: [f.alice.id, f.bob.id, f.carol.id] }] },

  update_last_active: { kind: 'writer', calls: () => [['user', {}]] },
  get_or_create_conversation: { kind: 'writer', calls: () => [['user', { p_luminor_id: LUMINA, p_session_id: 'web-1' }]] },
  add_message_to_conversation: {
    kind: 'writer',
    calls: () => [['user', { p_conversation_id: f.conversation, p_content: 'Still there?' }]],
  },
  check_bond_level_up: { kind: 'writer', calls: () => [['user', { p_luminor_id: LUMINA }]] },
  add_key_memory: { kind: 'writer', calls: () => [['user', { p_luminor_id: LUMINA, p_content: 'Likes tea' }]] },
  publish_creation: { kind: 'writer', calls: () => [['user', { p_creation_id: f.aliceDraft }]] },
  archive_creation: { kind: 'writer', calls: () => [['user', { p_creation_id: f.alicePublished }]] },
  increment_creation_views: {
    kind: 'writer',
    calls: () => [
      ['anon', { p_creation_id: f.alicePublished }],
      ['user', { p_creation_id: f.bobPublished }],
    ],
  },
  toggle_like: { kind: 'writer', calls: () => [['user', { p_creation_id: f.bobPublished }]] },
  follow_user: { kind: 'writer', calls: () => [['user', { p_following_id: f.dave.id }]] },
  unfollow_user: { kind: 'writer', calls: () => [['user', { p_following_id: f.bob.id }]] },
  mark_notification_read: { kind: 'writer', calls: () => [['user', { p_notification_id: f.unreadNotification }]] },
  mark_all_notifications_read: { kind: 'writer', calls: () => [['user', {}]] },
  archive_old_conversations: { kind: 'writer', calls: () => [['service', { p_older_than: '0 seconds' }]] },
  cleanup_notifications: { kind: 'writer', calls: () => [['service', { p_read_older_than: '0 seconds' }]] },
  pending_storage_erasures: { kind: 'writer', calls: () => [['service', {}]] },
}

/** A supabase-js response without what differs from one call to the next by nature. */
function comparable(fn, res) {
  const { error, data, count, status, statusText } = res
  let d = data
  if (fn === 'export_my_data' && d && typeof d === 'object') {
    // The time of the export is the time of the call.
    assert.match(d.exported_at, /^\d{4}-\d\d-\d\dT/)
    d = { ...d, exported_at: '(the time of the call)' }
  }
  return { error, data: d, count, status, statusText }
}

/** Rows in a canonical order: a table read without ORDER BY has none of its own. */
const sorted = (rows) => (Array.isArray(rows) ? [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : rows)

const READ_ONLY_AT_BEGIN = /^cannot set transaction read-write mode during recovery$/
const REFUSED_BY_ARCANEA = /^this function writes, and this database is a read-only replica \(hot standby\): call it on the primary$/

describe('a read replica: a hot standby and a second PostgREST', () => {
  let catalogRpcs // [{ name, volatility, roles }]
  let tables // [{ name, select: { anon: [cols], authenticated: [cols] }, insert/update/delete: [roles], key: [cols] }]
  let primary, replica // { anon, user, service } clients

  before(async () => {
    primary = { anon: stack.client('anon'), service: stack.client('service_role') }
    replica = { anon: stack.replica.client('anon'), service: stack.replica.client('service_role') }

    // People sign up (auth.users, as Supabase's auth server writes it).
    f.alice = await stack.createUser({ username: 'alice', metadata: { full_name: 'Alice Moreau' } })
    f.bob = await stack.createUser({ username: 'bob' })
    f.carol = await stack.createUser({ username: 'carol' })
    f.dave = await stack.createUser({ username: 'dave' })
    primary.user = f.alice.client
    // The replica gets the very same JWT.
    replica.user = stack.replica.client(f.alice)
    const { alice, bob, carol } = f

    // Profiles and settings through the table API.
    ok(await alice.client.from('profiles').update({ bio: 'Painter of dragons' }).eq('id', alice.id), 204)
    ok(await bob.client.from('profile_private').update({ share_presence: true }).eq('id', bob.id), 204)

    // Creations: drafts through the table API, published by RPC.
    const draft = async (who, title, tags, description = null) =>
      ok(await who.client.from('creations').insert({ user_id: who.id, title, type: 'image', tags, description }).select('id').single(), 201).id
    f.alicePublished = await draft(alice, 'Dragon at dawn', ['dragon', 'sunrise'], 'A red dragon over the sea')
    const aliceSecond = await draft(alice, 'Sea serpent', ['serpent'], 'Not quite a dragon')
    f.aliceDraft = await draft(alice, 'Unfinished dragon sketch', ['dragon'])
    f.bobPublished = await draft(bob, 'Dragon lullaby', ['music', 'dragon'])
    const carolPublished = await draft(carol, 'Kinetic dragon', ['video'])
    for (const [who, id] of [[alice, f.alicePublished], [alice, aliceSecond], [bob, f.bobPublished], [carol, carolPublished]]) {
      ok(await who.client.rpc('publish_creation', { p_creation_id: id }))
    }

    // Follows, by RPC and through the table API.
    ok(await alice.client.rpc('follow_user', { p_following_id: bob.id }))
    ok(await alice.client.rpc('follow_user', { p_following_id: carol.id }))
    ok(await bob.client.rpc('follow_user', { p_following_id: alice.id }))
    ok(await carol.client.from('follows').insert({ follower_id: carol.id, following_id: alice.id }), 201)

    // Likes, by RPC and through the table API.
    ok(await bob.client.rpc('toggle_like', { p_creation_id: f.alicePublished }))
    ok(await carol.client.from('likes').insert({ user_id: carol.id, creation_id: f.alicePublished }), 201)
    ok(await alice.client.rpc('toggle_like', { p_creation_id: f.bobPublished }))

    // Comments, a mention and a reply (notifications for alice and bob).
    const comment = ok(
      await bob.client.from('comments').insert({ user_id: bob.id, creation_id: f.alicePublished, content: 'Wow @alice, the scales!' }).select('id').single(),
      201,
    )
    ok(
      await carol.client.from('comments').insert({ user_id: carol.id, creation_id: f.alicePublished, content: 'Agreed', parent_comment_id: comment.id }),
      201,
    )

    // Views, anonymous and signed in.
    ok(await primary.anon.rpc('increment_creation_views', { p_creation_id: f.alicePublished }))
    ok(await bob.client.rpc('increment_creation_views', { p_creation_id: f.alicePublished }))

    // A conversation with Lumina: the user's messages, the assistant's (from
    // the app's backend, the service role), memories, the bond.
    const conv = ok(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_session_id: 'web-1' }))
    f.conversation = conv.id
    for (const content of ['Hello Lumina', 'Can you help me paint dragons?', 'Thank you!']) {
      ok(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: conv.id, p_content: content }))
      ok(
        await primary.service.rpc('add_message_to_conversation', {
          p_conversation_id: conv.id,
          p_user_id: alice.id,
          p_role: 'assistant',
          p_content: `Of course: ${content.toLowerCase()}`,
          p_model: 'gpt-x',
          p_tokens: 42,
          p_cost: 0.0012,
        }),
      )
    }
    for (const [content, importance] of [['Paints dragons', 9], ['Lives by the sea', 5], ['Prefers watercolour', 7]]) {
      ok(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: content, p_importance: importance }))
    }
    ok(await alice.client.rpc('check_bond_level_up', { p_luminor_id: LUMINA }))
    ok(await alice.client.rpc('update_last_active'))
    ok(await bob.client.rpc('update_last_active'))

    // Notifications: alice reads one, keeps one unread.
    const notes = ok(await alice.client.from('notifications').select('id,type').order('created_at'))
    assert.ok(notes.length >= 3, `alice has notifications: ${JSON.stringify(notes)}`)
    ok(await alice.client.rpc('mark_notification_read', { p_notification_id: notes[0].id }))
    f.unreadNotification = notes[1].id

    // The feed's second page starts at the first page's cursor.
    const page1 = ok(await alice.client.rpc('get_user_feed', { p_limit: 1 }))
    f.feedCursor = page1[0].cursor

    // What the catalog says: the RPCs, and the tables and who may read or write them.
    catalogRpcs = await stack.query(
      `select p.proname as name, p.provolatile as volatility,
              array(select r from unnest(:'roles'::text[]) r where has_function_privilege(r, p.oid, 'EXECUTE')) as roles
         from pg_proc p
        where p.pronamespace = 'public'::regnamespace
          and exists (select 1 from unnest(:'roles'::text[]) r where has_function_privilege(r, p.oid, 'EXECUTE'))
        order by 1`,
      { roles: `{${API_ROLES.join(',')}}` },
    )
    tables = await stack.query(
      `select c.relname as name,
              (select json_object_agg(r, (select coalesce(json_agg(a.attname order by a.attnum), '[]')
                                            from pg_attribute a
                                           where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                                             and has_column_privilege(r, c.oid, a.attnum, 'SELECT')))
                 from unnest(array['anon', 'authenticated']) r) as select,
              array(select r from unnest(:'roles'::text[]) r where has_any_column_privilege(r, c.oid, 'INSERT')) as insert,
              array(select r from unnest(:'roles'::text[]) r where has_any_column_privilege(r, c.oid, 'UPDATE')) as update,
              array(select r from unnest(:'roles'::text[]) r where has_table_privilege(r, c.oid, 'DELETE')) as delete,
              array(select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                     where i.indrelid = c.oid and i.indisprimary order by a.attnum) as key,
              array(select a.attname from pg_attribute a
                     where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                       and has_column_privilege('authenticated', c.oid, a.attnum, 'UPDATE')
                     order by a.attnum) as user_updatable
         from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f')
          and exists (select 1 from unnest(:'roles'::text[]) r where has_any_column_privilege(r, c.oid, 'SELECT'))
        order by 1`,
      { roles: `{${API_ROLES.join(',')}}` },
    )

    await stack.waitForReplica()
  })

  test('the standby is in recovery, streaming from the primary', async () => {
    assert.equal(await stack.replica.sql(`select pg_is_in_recovery()`), 't')
    assert.equal(await stack.sql(`select pg_is_in_recovery()`), 'f')
    const [rep] = await stack.query(`select state, slot_name from pg_stat_replication r join pg_replication_slots s on s.active_pid = r.pid`)
    assert.deepEqual(rep, { state: 'streaming', slot_name: 'arcanea_e2e_replica' })
    // The data made above is there.
    assert.equal(
      await stack.replica.sql(`select count(*) from public.luminor_messages where conversation_id = :'c'`, { c: f.conversation }),
      '6',
    )
  })

  test('every RPC the catalog exposes is classified, readers STABLE and writers VOLATILE', () => {
    const exposed = catalogRpcs.map((r) => r.name)
    const unclassified = exposed.filter((n) => !(n in RPCS))
    assert.deepEqual(unclassified, [], `RPCs the list in replica.test.mjs does not classify as reader or writer: ${unclassified.join(', ')}`)
    const gone = Object.keys(RPCS).filter((n) => !exposed.includes(n))
    assert.deepEqual(gone, [], `functions listed in replica.test.mjs that the catalog does not expose: ${gone.join(', ')}`)
    // PostgREST runs a POST to a STABLE function read-only, a VOLATILE one
    // read-write: a reader must be STABLE to be served by a replica.
    for (const { name, volatility } of catalogRpcs) {
      const want = RPCS[name].kind === 'reader' ? ['s', 'i'] : ['v']
      assert.ok(want.includes(volatility), `${name} is a ${RPCS[name].kind} but its volatility is '${volatility}'`)
    }
    assert.ok(Object.values(RPCS).filter((r) => r.kind === 'reader').length >= 8)
    assert.ok(Object.values(RPCS).filter((r) => r.kind === 'writer').length >= 16)
  })

  test('every read RPC answers on the replica what it answers on the primary (anon and signed in, POST and GET)', async (t) => {
    let compared = 0
    const succeeded = new Map() // `${fn} as ${who}` -> successful calls compared
    for (const [fn, spec] of Object.entries(RPCS)) {
      if (spec.kind !== 'reader') continue
      for (const who of ['anon', 'user']) {
        for (const args of spec.calls()) {
          for (const get of [false, true]) {
            const opts = get ? { get: true, count: 'exact' } : { count: 'exact' }
            const onPrimary = await primary[who].rpc(fn, args, opts)
            const onReplica = await replica[who].rpc(fn, args, opts)
            const what = `${fn}(${JSON.stringify(args)}) as ${who} by ${get ? 'GET' : 'POST'}`
            assert.deepEqual(comparable(fn, onReplica), comparable(fn, onPrimary), what)
            // A refusal (anon calling a user's function, or asking for
            // "my" stats) is compared too, and must be a 4xx on both.
            assert.ok(onPrimary.status < 500, `${what}: ${JSON.stringify(onPrimary.error)}`)
            if (onPrimary.error === null) succeeded.set(`${fn} as ${who}`, (succeeded.get(`${fn} as ${who}`) ?? 0) + 1)
            compared++
          }
        }
      }
    }
    // Not an empty comparison: each reader returned data to each role the
    // catalog lets call it, on both servers alike.
    for (const { name, roles } of catalogRpcs) {
      if (RPCS[name].kind !== 'reader') continue
      for (const [who, role] of [['anon', 'anon'], ['user', 'authenticated']]) {
        if (roles.includes(role)) assert.ok(succeeded.get(`${name} as ${who}`) > 0, `${name} as ${who} returned data at least once`)
      }
    }
    const successes = [...succeeded.values()].reduce((a, b) => a + b, 0)
    t.diagnostic(`${compared} reader calls compared between primary and replica, ${successes} of them successful`)
  })

  test('the readers return the data made above (the comparison compared something)', async () => {
    const found = ok(await replica.anon.rpc('search_creations', { p_query: 'dragon' }))
    assert.ok(found.length >= 4, JSON.stringify(found.map((c) => c.title)))
    const feed = ok(await replica.user.rpc('get_user_feed', {}))
    assert.deepEqual(feed.map((c) => c.title).sort(), ['Dragon lullaby', 'Kinetic dragon'])
    const stats = ok(await replica.user.rpc('get_user_stats', {}))
    assert.equal(stats.follower_count, 2)
    assert.equal(stats.likes_received, 2)
    assert.equal(stats.private.luminor_bonds.count, 1)
    const chat = ok(await replica.user.rpc('get_conversation_with_messages', { p_conversation_id: f.conversation }))
    assert.equal(chat.messages.length, 6)
    const presence = ok(await replica.user.rpc('get_presence', { p_user_ids: [f.alice.id, f.bob.id, f.carol.id] }))
    assert.deepEqual(presence.map((p) => p.user_id).sort(), [f.alice.id, f.bob.id].sort())
  })

  test('the table API reads every readable table alike on the replica (anon and signed in)', async () => {
    const read = new Set()
    for (const table of tables) {
      for (const [who, role] of [['anon', 'anon'], ['user', 'authenticated']]) {
        const cols = table.select[role]
        if (cols.length === 0) continue
        const select = cols.join(',')
        const onPrimary = await primary[who].from(table.name).select(select, { count: 'exact' })
        const onReplica = await replica[who].from(table.name).select(select, { count: 'exact' })
        const what = `${table.name}.select(${select}) as ${who}`
        assert.equal(onPrimary.error, null, `${what}: ${JSON.stringify(onPrimary.error)}`)
        assert.deepEqual({ ...onReplica, data: sorted(onReplica.data) }, { ...onPrimary, data: sorted(onPrimary.data) }, what)
        read.add(table.name)
      }
    }
    // Every table a client reads was read, and rows came back.
    for (const t of ['profiles', 'profile_private', 'creations', 'likes', 'comments', 'follows', 'luminors',
      'luminor_conversations', 'luminor_messages', 'luminor_relationships', 'notifications']) {
      assert.ok(read.has(t), `table ${t} was read`)
    }
    const rows = ok(await replica.user.from('notifications').select('id,type,is_read'))
    assert.ok(rows.length >= 3)
  })

  test('every writing RPC fails on the replica: 0A000 (400) by POST, 25006 (405) by GET; never 500 or XX000', async (t) => {
    const report = []
    for (const [fn, spec] of Object.entries(RPCS)) {
      if (spec.kind !== 'writer') continue
      for (const [who, args] of spec.calls()) {
        const client = replica[who]
        for (const get of [false, true]) {
          const res = await client.rpc(fn, args, get ? { get: true } : undefined)
          const what = `${fn} as ${who} by ${get ? 'GET' : 'POST'}`
          report.push({ rpc: fn, as: who, method: get ? 'GET' : 'POST', status: res.status, sqlstate: res.error?.code ?? '-' })
          assert.notEqual(res.error, null, `${what} succeeded on the replica: ${JSON.stringify(res.data)}`)
          assert.ok(res.status >= 400 && res.status < 500, `${what}: HTTP ${res.status} ${JSON.stringify(res.error)}`)
          assert.notEqual(res.error.code, 'XX000', what)
          if (get) {
            assert.equal(res.status, 405, `${what}: ${JSON.stringify(res.error)}`)
            assert.equal(res.error.code, '25006', what)
            assert.match(res.error.message, REFUSED_BY_ARCANEA, what)
            assert.match(res.error.hint, /primary/, what)
          } else {
            assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.error)}`)
            assert.equal(res.error.code, '0A000', what)
            assert.match(res.error.message, READ_ONLY_AT_BEGIN, what)
          }
        }
      }
    }
    const writers = Object.values(RPCS).filter((r) => r.kind === 'writer').length
    assert.equal(new Set(report.map((r) => r.rpc)).size, writers, 'every writer was called')
    t.diagnostic('writing RPCs on the replica:')
    for (const line of table(report)) t.diagnostic(line)
  })

  test('every table-API write fails on the replica with 0A000 (400), never 500', async (t) => {
    const report = []
    const service = primary.service
    for (const tbl of tables) {
      for (const op of ['insert', 'update', 'delete']) {
        const roles = tbl[op]
        if (roles.length === 0) continue
        // As a signed-in user where users may, else as the service role.
        const who = roles.includes('authenticated') ? 'user' : 'service'
        // A real row to aim at, as the service role sees it on the primary.
        const { data: rows } = await service.from(tbl.name).select('*').limit(1)
        assert.ok(rows?.length, `${tbl.name} has a row`)
        const row = rows[0]
        const key = tbl.key.length ? tbl.key : Object.keys(row).slice(0, 1)
        const byKey = (q) => key.reduce((acc, k) => acc.eq(k, row[k]), q)
        let res
        if (op === 'insert') {
          res = await replica[who].from(tbl.name).insert(row)
        } else if (op === 'update') {
          const col = (who === 'user' && tbl.user_updatable[0]) || Object.keys(row).find((c) => !key.includes(c))
          res = await byKey(replica[who].from(tbl.name).update({ [col]: row[col] }))
        } else {
          res = await byKey(replica[who].from(tbl.name).delete())
        }
        const what = `${tbl.name} ${op} as ${who}`
        report.push({ table: tbl.name, op, as: who, status: res.status, sqlstate: res.error?.code ?? '-' })
        assert.notEqual(res.error, null, `${what} succeeded on the replica`)
        assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.error)}`)
        assert.equal(res.error.code, '0A000', what)
        assert.match(res.error.message, READ_ONLY_AT_BEGIN, what)
      }
    }
    for (const t of ['creations', 'likes', 'comments', 'follows', 'notifications', 'luminor_messages']) {
      assert.ok(report.some((r) => r.table === t), `a write on ${t} was tried`)
    }
    t.diagnostic('table-API writes on the replica:')
    for (const line of table(report)) t.diagnostic(line)
  })

  test('the primary still has what it had: the replica took no write', async () => {
    await stack.waitForReplica()
    // The likes, follows and views the writers aimed at are unchanged on both.
    const state = `select (select like_count from public.creations where id = :'b') as likes,
                          (select view_count from public.creations where id = :'a') as views,
                          (select count(*) from public.follows where follower_id = :'u')::int as following,
                          (select status from public.creations where id = :'d') as draft`
    const vars = { a: f.alicePublished, b: f.bobPublished, u: f.alice.id, d: f.aliceDraft }
    const onPrimary = await stack.query(state, vars)
    assert.deepEqual(onPrimary, [{ likes: 1, views: 2, following: 2, draft: 'draft' }])
    assert.deepEqual(await stack.replica.query(state, vars), onPrimary)
  })

  test('the README routes every RPC as this list classifies it', async () => {
    // README.md, "Read replicas": the first column lists what may go to a
    // replica, the second what must go to the primary.
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8')
    const section = readme.split(/^## /m).find((s) => s.startsWith('Read replicas'))
    assert.ok(section, 'README.md has a "## Read replicas" section')
    const row = section.split('\n').find((l) => l.startsWith('| `'))
    assert.ok(row, 'the section has a table row naming functions')
    const [replicaCell, primaryCell] = row.split('|').slice(1, 3)
    const names = (cell) => [...cell.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).filter((n) => n in RPCS).sort()
    const of = (kind) => Object.keys(RPCS).filter((n) => RPCS[n].kind === kind).sort()
    assert.deepEqual(names(replicaCell), of('reader'), 'README: the functions that may go to a replica')
    assert.deepEqual(names(primaryCell), of('writer'), 'README: the functions that must go to the primary')
  })

  test('supabase-js on the replica URL with the primary session\'s token (accessToken) reads as the user', async () => {
    // The client docs/operations.md shows: the replica's requests carry the
    // token the primary's client holds; null falls back to the anon key.
    let token = f.alice.token
    const reads = makeClient(stack.replica.url, stack.anonKey, { options: { accessToken: async () => token } })
    const mine = ok(await reads.rpc('get_user_stats', {}, { get: true }))
    assert.equal(mine.user_id, f.alice.id)
    assert.deepEqual(mine, ok(await primary.user.rpc('get_user_stats', {}, { get: true })))
    token = null
    const res = await reads.rpc('get_user_stats', {}, { get: true })
    assert.equal(res.status, 401)
    assert.equal(res.error.code, '42501')
  })

  test('on the primary, a writer called with GET is refused alike (25006, 405), saying why', async () => {
    const res = await primary.user.rpc('toggle_like', { p_creation_id: f.bobPublished }, { get: true })
    assert.equal(res.status, 405)
    assert.equal(res.error.code, '25006')
    assert.equal(res.error.message, 'this function writes and cannot run in a read-only transaction')
    assert.match(res.error.hint, /POST/)
  })
})

/** A plain-text table (its lines) of objects with the same keys. */
function table(rows) {
  const keys = Object.keys(rows[0])
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)))
  const line = (vals) => vals.map((v, i) => String(v).padEnd(width[i])).join('  ')
  return [line(keys), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => r[k])))]
}
