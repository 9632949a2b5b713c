// Discovery RPCs through supabase-js and the real PostgREST 12.0.2, and the
// API's OpenAPI document.
//
// search_creations, get_user_feed and get_user_stats per role; the readers
// over GET ({ get: true }); PostgREST's filters, select, order, limit, range
// and `Prefer: count=exact` on the set-returning ones (they return real
// columns, so PostgREST treats their result like a table); feed paging by
// cursor over GET; GET / listing every RPC with its named parameters.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'

import { useStack } from './harness.mjs'
import { MISSING, fails, ok } from './expect.mjs'

const stack = useStack()

// Search corpus (as in pgrx-tests/sql/32_rpc_discovery_test.sql): title beats
// tags beats description, an exact tag beats all; drafts and private
// creations never show.
const C = (n) => `22222222-0000-4000-8000-00000000000${n}`
const SEA = C(1) // alice, image, 'Dragon over the sea', 5 h ago
const MOUNTAIN = C(2) // alice, image, 'Mountain morning' (a dragon in the description), 4 h ago
const LULLABY = C(3) // bob, music, tagged dragon, 3 h ago
const SECRET = C(4) // bob, draft
const PRIVATE = C(5) // bob, published but not public
const SYNTH = C(6) // carol, music, now

// Every RPC and its named parameters, in declaration order.
const RPCS = {
  update_last_active: ['p_user_id'],
  get_or_create_conversation: ['p_user_id', 'p_luminor_id', 'p_session_id'],
  add_message_to_conversation: ['p_conversation_id', 'p_user_id', 'p_role', 'p_content', 'p_model', 'p_tokens', 'p_cost'],
  check_bond_level_up: ['p_user_id', 'p_luminor_id'],
  add_key_memory: ['p_user_id', 'p_luminor_id', 'p_memory_type', 'p_content', 'p_importance'],
  get_key_memories: ['p_user_id', 'p_luminor_id', 'p_query', 'p_limit'],
  publish_creation: ['p_creation_id', 'p_user_id'],
  archive_creation: ['p_creation_id', 'p_user_id'],
  increment_creation_views: ['p_creation_id'],
  toggle_like: ['p_user_id', 'p_creation_id'],
  follow_user: ['p_follower_id', 'p_following_id'],
  unfollow_user: ['p_follower_id', 'p_following_id'],
  mark_notification_read: ['p_notification_id', 'p_user_id'],
  mark_all_notifications_read: ['p_user_id'],
  search_creations: ['p_query', 'p_type', 'p_limit', 'p_offset'],
  get_user_feed: ['p_user_id', 'p_limit', 'p_offset', 'p_cursor'],
  get_user_stats: ['p_user_id'],
  get_conversation_with_messages: ['p_conversation_id', 'p_limit'],
  get_luminor_relationship: ['p_user_id', 'p_luminor_id'],
  archive_old_conversations: ['p_older_than'],
  cleanup_notifications: ['p_read_older_than'],
  export_my_data: ['p_user_id'],
  get_presence: ['p_user_ids'],
  pending_storage_erasures: [],
}
const ANON_RPCS = ['get_user_stats', 'increment_creation_views', 'search_creations']
const SERVICE_ONLY_RPCS = ['archive_old_conversations', 'cleanup_notifications', 'pending_storage_erasures']
const TABLES = [
  'profiles', 'profile_private', 'luminors', 'luminor_conversations', 'luminor_messages', 'luminor_relationships',
  'creations', 'likes', 'comments', 'follows', 'notifications',
]

// Node 20 runs top-level before() hooks concurrently: the fixtures are set up
// inside this suite so that they wait for the stack.
describe('discovery RPCs and the OpenAPI document through PostgREST', () => {
  let alice, bob, carol, anon, service

  before(async () => {
    alice = await stack.createUser({ username: 'alice' })
    bob = await stack.createUser({ username: 'bob' })
    carol = await stack.createUser({ username: 'carol' })
    anon = stack.client('anon')
    service = stack.client('service_role')
    await stack.sql(
      `insert into public.creations (id, user_id, title, description, type, tags, status, is_public, published_at, created_at) values
        (:'c1', :'a', 'Dragon over the sea', 'waves at dusk', 'image', '{sea}', 'published', true, now(), now() - interval '5 hours'),
        (:'c2', :'a', 'Mountain morning', 'a small dragon sleeps', 'image', '{mountain}', 'published', true, now(), now() - interval '4 hours'),
        (:'c3', :'b', 'Lullaby', 'soft piano', 'music', '{dragon,piano}', 'published', true, now(), now() - interval '3 hours'),
        (:'c4', :'b', 'Secret dragon', 'unreleased', 'image', '{}', 'draft', true, null, now() - interval '2 hours'),
        (:'c5', :'b', 'Private dragon', 'hidden', 'image', '{}', 'published', false, now(), now() - interval '1 hours'),
        (:'c6', :'c', 'Synthwave nights', 'neon city drive', 'music', '{synthwave,retro}', 'published', true, now(), now());
       -- carol follows alice and bob; alice has 25 older sketches, so the feed has pages.
       insert into public.follows (follower_id, following_id) values (:'c', :'a'), (:'c', :'b');
       insert into public.creations (user_id, title, type, status, published_at, created_at)
       select :'a', 'Sketch ' || n, 'image', 'published', now(), now() - interval '1 day' - n * interval '1 minute'
         from generate_series(1, 25) n;
       insert into public.likes (user_id, creation_id) values (:'c', :'c3');`,
      { a: alice.id, b: bob.id, c: carol.id, c1: SEA, c2: MOUNTAIN, c3: LULLABY, c4: SECRET, c5: PRIVATE, c6: SYNTH },
    )
  })

  // --------------------------------------------------------------------------
  describe('search_creations', () => {
    const ids = (rows) => rows.map((r) => r.id)

    test('as anon: 200, ranked (exact tag, then title, then description), with the author', async () => {
      const rows = ok(await anon.rpc('search_creations', { p_query: 'dragon' }))
      assert.deepEqual(ids(rows), [LULLABY, SEA, MOUNTAIN])
      assert.ok(rows.every((r) => r.rank > 0))
      assert.equal(rows[0].username, 'bob')
      assert.equal(rows[0].title, 'Lullaby')
      assert.deepEqual(rows[0].tags, ['dragon', 'piano'])
      // The same over GET, typo-tolerant.
      assert.deepEqual(ids(ok(await anon.rpc('search_creations', { p_query: 'dragn' }, { get: true }))), [LULLABY, SEA, MOUNTAIN])
      assert.deepEqual(ok(await anon.rpc('search_creations', { p_query: 'zebra' }, { get: true })), [])
    })

    test('as the owner of a draft and a private creation: neither is in search', async () => {
      const rows = ok(await bob.client.rpc('search_creations', { p_query: 'dragon' }, { get: true }))
      assert.ok(!ids(rows).includes(SECRET))
      assert.ok(!ids(rows).includes(PRIVATE))
      assert.deepEqual(ids(rows), [LULLABY, SEA, MOUNTAIN])
    })

    test('as another user: 200, the same public results', async () => {
      assert.deepEqual(ids(ok(await carol.client.rpc('search_creations', { p_query: 'dragon' }))), [LULLABY, SEA, MOUNTAIN])
    })

    test('with the service key: 200, the same public results', async () => {
      assert.deepEqual(ids(ok(await service.rpc('search_creations', { p_query: 'dragon' }, { get: true }))), [LULLABY, SEA, MOUNTAIN])
    })

    test('PostgREST filters, order, limit and count=exact on the result (GET and POST)', async () => {
      for (const get of [true, false]) {
        const res = await anon
          .rpc('search_creations', { p_query: 'dragon' }, { get, count: 'exact' })
          .eq('type', 'image')
          .order('created_at', { ascending: false })
          .limit(1)
        // 206 Partial Content: one row of the two that match.
        assert.deepEqual(ids(ok(res, 206)), [MOUNTAIN], `get: ${get}`)
        assert.equal(res.count, 2, 'count=exact counts the filtered rows, not the page')
      }
      const picked = ok(await anon.rpc('search_creations', { p_query: 'dragon' }, { get: true }).select('title,username,rank').gt('rank', 1))
      assert.deepEqual(
        picked.map(({ title, username }) => ({ title, username })),
        [{ title: 'Lullaby', username: 'bob' }],
        'only the exact tag match ranks above 1',
      )
      // An empty query lists the newest. PostgREST pages what the function
      // returned: p_limit (default 20, at most 100) bounds the count too.
      const newest = await anon.rpc('search_creations', { p_limit: 100 }, { get: true, count: 'exact' }).select('id').range(1, 2)
      assert.deepEqual(ok(newest, 206), [{ id: LULLABY }, { id: MOUNTAIN }])
      assert.equal(newest.count, 29)
      const page = await anon.rpc('search_creations', {}, { get: true, count: 'exact' }).select('id').limit(1)
      assert.equal(ok(page, 206).length, 1)
      assert.equal(page.count, 20, 'the default p_limit of 20')
      const music = ok(await anon.rpc('search_creations', { p_type: 'music' }, { get: true }).select('title').order('title'))
      assert.deepEqual(music, [{ title: 'Lullaby' }, { title: 'Synthwave nights' }])
    })

    test('PostgREST 12.0.2: a filter or order on a column left out of `select` is a 400 (PostgREST#3965)', async () => {
      // PostgREST 12 narrows the function call's columns to `select` before
      // filtering (fixed in PostgREST 13): select the filtered columns too.
      fails(await anon.rpc('search_creations', {}, { get: true }).select('title').eq('type', 'image'), 400, '42703')
      fails(await anon.rpc('search_creations', {}).select('title').order('created_at'), 400, '42703')
      const rows = ok(await anon.rpc('search_creations', { p_query: 'dragon' }, { get: true }).select('title,type').eq('type', 'image').order('title'))
      assert.deepEqual(rows.map((r) => r.title), ['Dragon over the sea', 'Mountain morning'])
    })

    test('bad arguments: 400 unknown type, limit or offset out of range, non-numeric limit, overlong query', async () => {
      fails(await anon.rpc('search_creations', { p_query: 'x', p_type: 'painting' }), 400, '22023', /p_type/)
      fails(await anon.rpc('search_creations', { p_limit: 101 }, { get: true }), 400, '22023', /p_limit/)
      fails(await anon.rpc('search_creations', { p_limit: 0 }), 400, '22023', /p_limit/)
      fails(await anon.rpc('search_creations', { p_offset: -1 }, { get: true }), 400, '22023', /p_offset/)
      fails(await anon.rpc('search_creations', { p_limit: 'abc' }, { get: true }), 400, '22P02')
      fails(await anon.rpc('search_creations', { p_query: 'x'.repeat(201) }), 400, '22023', /p_query/)
    })
  })

  // --------------------------------------------------------------------------
  describe('get_user_feed', () => {
    test('as the user: 200, followed authors\' public creations newest first, with user_has_liked', async () => {
      const rows = ok(await carol.client.rpc('get_user_feed', { p_limit: 3 }))
      assert.deepEqual(
        rows.map((r) => [r.id, r.username, r.user_has_liked]),
        [
          [LULLABY, 'bob', true],
          [MOUNTAIN, 'alice', false],
          [SEA, 'alice', false],
        ],
      )
      assert.ok(rows.every((r) => typeof r.cursor === 'string' && r.cursor.length > 0))
    })

    test('as the user over GET: filters, order, limit and count=exact', async () => {
      const all = await carol.client.rpc('get_user_feed', { p_limit: 100 }, { get: true, count: 'exact' })
      assert.equal(ok(all).length, 28)
      assert.equal(all.count, 28)
      const music = ok(await carol.client.rpc('get_user_feed', { p_limit: 100 }, { get: true }).eq('type', 'music').select('title,type'))
      assert.deepEqual(music, [{ title: 'Lullaby', type: 'music' }])
      const sketches = await carol.client
        .rpc('get_user_feed', { p_limit: 100 }, { get: true, count: 'exact' })
        .like('title', 'Sketch%')
        .order('title', { ascending: true })
        .limit(2)
        .select('title')
      assert.deepEqual(ok(sketches, 206), [{ title: 'Sketch 1' }, { title: 'Sketch 10' }])
      assert.equal(sketches.count, 25)
      const liked = ok(await carol.client.rpc('get_user_feed', { p_limit: 100 }).is('user_has_liked', true).select('id,user_has_liked'))
      assert.deepEqual(liked, [{ id: LULLABY, user_has_liked: true }])
    })

    test('as the user over GET: cursor paging visits every row once, in feed order', async () => {
      const expected = ok(await carol.client.rpc('get_user_feed', { p_limit: 100 }, { get: true })).map((r) => r.id)
      const seen = []
      let cursor
      for (let page = 0; page < 10; page++) {
        const rows = ok(await carol.client.rpc('get_user_feed', { p_limit: 10, p_cursor: cursor }, { get: true }))
        if (rows.length === 0) break
        seen.push(...rows.map((r) => r.id))
        cursor = rows.at(-1).cursor
      }
      assert.deepEqual(seen, expected)
      const byOffset = ok(await carol.client.rpc('get_user_feed', { p_limit: 10, p_offset: 10 }, { get: true })).map((r) => r.id)
      assert.deepEqual(byOffset, expected.slice(10, 20))
    })

    test('for another user: 403', async () => {
      fails(await carol.client.rpc('get_user_feed', { p_user_id: alice.id }, { get: true }), 403, '42501', /p_user_id must be your own/)
      ok(await carol.client.rpc('get_user_feed', { p_user_id: carol.id }, { get: true }))
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('get_user_feed', {}, { get: true }), 401, '42501')
      fails(await anon.rpc('get_user_feed'), 401, '42501')
    })

    test('with the service key: 200 for a named user, 400 without one', async () => {
      const res = await service.rpc('get_user_feed', { p_user_id: carol.id, p_limit: 100 }, { get: true, count: 'exact' })
      assert.equal(ok(res).length, 28)
      assert.equal(res.count, 28)
      assert.deepEqual(ok(await service.rpc('get_user_feed', { p_user_id: alice.id })), [], 'alice follows nobody')
      fails(await service.rpc('get_user_feed', {}, { get: true }), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 malformed cursor, limit out of range or not a number, malformed user id', async () => {
      fails(await carol.client.rpc('get_user_feed', { p_cursor: 'garbage' }, { get: true }), 400, '22023', /p_cursor/)
      fails(await carol.client.rpc('get_user_feed', { p_limit: 1000 }), 400, '22023', /p_limit/)
      fails(await carol.client.rpc('get_user_feed', { p_limit: 'abc' }, { get: true }), 400, '22P02')
      fails(await carol.client.rpc('get_user_feed', { p_user_id: 'abc' }), 400, '22P02')
    })
  })

  // --------------------------------------------------------------------------
  describe('get_user_stats', () => {
    test('as the user: 200 with the private part', async () => {
      const stats = ok(await bob.client.rpc('get_user_stats', {}, { get: true }))
      assert.equal(stats.user_id, bob.id)
      assert.equal(stats.username, 'bob')
      assert.equal(stats.likes_received, 1)
      assert.equal(stats.follower_count, 1)
      assert.deepEqual(stats.private.creations_by_status, { draft: 1, processing: 0, published: 2, archived: 0 })
      assert.equal(stats.private.onboarding_completed, false)
      assert.ok(!('stripe_customer_id' in stats.private))
      const post = ok(await bob.client.rpc('get_user_stats', { p_user_id: bob.id }))
      assert.deepEqual(post.private.creations_by_status, stats.private.creations_by_status)
    })

    test('as another user: 200, public part only', async () => {
      const stats = ok(await bob.client.rpc('get_user_stats', { p_user_id: alice.id }, { get: true }))
      assert.equal(stats.creation_count, 27)
      assert.equal(stats.follower_count, 1)
      assert.ok(!('private' in stats))
    })

    test('as anon: 200 public part for a named user, 401 without one', async () => {
      const stats = ok(await anon.rpc('get_user_stats', { p_user_id: alice.id }, { get: true }))
      assert.equal(stats.username, 'alice')
      assert.equal(stats.creation_count, 27)
      assert.ok(!('private' in stats))
      fails(await anon.rpc('get_user_stats', {}, { get: true }), 401, '42501', /needs a signed-in user/)
    })

    test('with the service key: 200 with the private part, 400 without a user', async () => {
      const stats = ok(await service.rpc('get_user_stats', { p_user_id: alice.id }, { get: true }))
      assert.equal(stats.private.creations_by_status.published, 27)
      fails(await service.rpc('get_user_stats'), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 malformed id, 404 unknown user', async () => {
      fails(await anon.rpc('get_user_stats', { p_user_id: 'abc' }, { get: true }), 400, '22P02')
      fails(await bob.client.rpc('get_user_stats', { p_user_id: MISSING }), 404, 'PT404', /user not found/)
    })
  })

  // --------------------------------------------------------------------------
  describe('OpenAPI document (GET /)', () => {
    async function openapi(token) {
      const res = await stack.rest('/', token ? { headers: { Authorization: `Bearer ${token}` } } : {})
      assert.equal(res.status, 200)
      return res.json()
    }
    const rpcPaths = (doc) => Object.keys(doc.paths).filter((p) => p.startsWith('/rpc/')).sort()

    test('with the service key: every RPC at /rpc/<name>, GET and POST, with its named parameters', async () => {
      const doc = await openapi(stack.serviceRoleKey)
      assert.deepEqual(rpcPaths(doc), Object.keys(RPCS).map((n) => `/rpc/${n}`).sort())
      for (const [name, params] of Object.entries(RPCS)) {
        const path = doc.paths[`/rpc/${name}`]
        // A function without arguments (pending_storage_erasures) has no GET
        // parameters and a POST body without properties.
        const query = (path.get.parameters ?? []).filter((p) => p.in === 'query')
        assert.deepEqual(query.map((p) => p.name), params, `${name}: GET query parameters`)
        assert.ok(query.every((p) => p.required === false), `${name}: every argument is optional (has a default)`)
        const body = path.post.parameters.find((p) => p.in === 'body')
        assert.deepEqual(Object.keys(body.schema.properties ?? {}).sort(), [...params].sort(), `${name}: POST body properties`)
        assert.equal(body.schema.required, undefined, `${name}: no required body property`)
      }
      const uuid = doc.paths['/rpc/toggle_like'].get.parameters.find((p) => p.name === 'p_creation_id')
      assert.deepEqual({ type: uuid.type, format: uuid.format }, { type: 'string', format: 'uuid' })
      for (const t of TABLES) assert.ok(doc.paths[`/${t}`], `table ${t} is listed`)
    })

    test('with a user\'s token: every RPC but the service-only ones (maintenance, pending_storage_erasures)', async () => {
      const doc = await openapi(alice.token)
      const expected = Object.keys(RPCS).filter((n) => !SERVICE_ONLY_RPCS.includes(n))
      assert.deepEqual(rpcPaths(doc), expected.map((n) => `/rpc/${n}`).sort())
    })

    test('as anon: only the three RPCs anon may call', async () => {
      const doc = await openapi(stack.anonKey)
      assert.deepEqual(rpcPaths(doc), ANON_RPCS.map((n) => `/rpc/${n}`))
      assert.deepEqual(rpcPaths(await openapi()), ANON_RPCS.map((n) => `/rpc/${n}`), 'no token at all is anon too')
    })
  })
})
