// RPCs of the social and creation domains through supabase-js and the real
// PostgREST 12.0.2: each function as the user acting for themself, as another
// user (acting for someone else, or touching someone else's object), as anon
// and with the service key, asserting data and HTTP status. Refused calls are
// checked to have written nothing, through psql as the superuser.
//
// update_last_active, toggle_like, follow_user, unfollow_user,
// publish_creation, archive_creation, increment_creation_views,
// mark_notification_read, mark_all_notifications_read, cleanup_notifications.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { before, describe, test } from 'node:test'

import { useStack } from './harness.mjs'
import { MISSING, fails, ok } from './expect.mjs'

const stack = useStack()

// alice owns a published creation and a draft; bob and carol are other users.
let alice, bob, carol, anon, service
let published, draft

/** Rows RETURNING from an INSERT/UPDATE/DELETE run as the superuser. */
async function dml(statement, vars = {}) {
  return JSON.parse(await stack.sql(`with q as (${statement}) select coalesce(json_agg(q), '[]') from q`, vars))
}

async function one(select, vars = {}) {
  const rows = await stack.query(select, vars)
  assert.equal(rows.length, 1, `expected one row from: ${select}`)
  return rows[0]
}

// Node 20 runs top-level before() hooks concurrently: the fixtures are set up
// inside this suite so that they wait for the stack.
describe('social and creation RPCs through PostgREST', () => {
  before(async () => {
    alice = await stack.createUser({ username: 'alice' })
    bob = await stack.createUser({ username: 'bob' })
    carol = await stack.createUser({ username: 'carol' })
    anon = stack.client('anon')
    service = stack.client('service_role')
    const ids = await dml(
      `insert into public.creations (user_id, title, type, status, published_at)
       values (:'a', 'Dragon at dawn', 'image', 'published', now()), (:'a', 'Unfinished sketch', 'image', 'draft', null)
       returning id, status`,
      { a: alice.id },
    )
    published = ids.find((r) => r.status === 'published').id
    draft = ids.find((r) => r.status === 'draft').id
  })

  // ----------------------------------------------------------------------------
  describe('update_last_active', () => {
    test('as the user: 200 with the stored timestamp', async () => {
      const at = ok(await alice.client.rpc('update_last_active'))
      const row = await one(`select last_active_at from public.profile_private where id = :'id'`, { id: alice.id })
      assert.equal(new Date(at).getTime(), new Date(row.last_active_at).getTime())
      // Passing one's own id is the same call.
      const again = ok(await alice.client.rpc('update_last_active', { p_user_id: alice.id }))
      assert.equal(new Date(again).getTime(), new Date(at).getTime(), 'within a minute it does not write again')
    })

    test('for another user: 403 and nothing written', async () => {
      fails(await alice.client.rpc('update_last_active', { p_user_id: bob.id }), 403, '42501', /p_user_id must be your own user id/)
      const row = await one(`select last_active_at from public.profile_private where id = :'id'`, { id: bob.id })
      assert.equal(row.last_active_at, null)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('update_last_active'), 401, '42501', /permission denied for function update_last_active/)
    })

    test('with the service key: 200 for a named user, 400 without one, 404 for an unknown one', async () => {
      const at = ok(await service.rpc('update_last_active', { p_user_id: carol.id }))
      assert.ok(!Number.isNaN(new Date(at).getTime()))
      const row = await one(`select last_active_at from public.profile_private where id = :'id'`, { id: carol.id })
      assert.notEqual(row.last_active_at, null)
      fails(await service.rpc('update_last_active'), 400, '22004', /missing required argument p_user_id/)
      fails(await service.rpc('update_last_active', { p_user_id: MISSING }), 404, 'PT404', /user not found/)
    })

    test('bad arguments: 400 for a non-uuid, 404 (PGRST202) for an unknown argument name', async () => {
      fails(await alice.client.rpc('update_last_active', { p_user_id: 'abc' }), 400, '22P02', /invalid input syntax for type uuid/)
      fails(await alice.client.rpc('update_last_active', { p_user: alice.id }), 404, 'PGRST202')
    })

    test('with { get: true }: 405, nothing written', async () => {
      await stack.sql(`update public.profile_private set last_active_at = '2020-01-01T00:00:00Z' where id = :'id'`, { id: bob.id })
      fails(await bob.client.rpc('update_last_active', {}, { get: true }), 405, '25006')
      const row = await one(`select last_active_at = '2020-01-01T00:00:00Z' as unchanged from public.profile_private where id = :'id'`, { id: bob.id })
      assert.equal(row.unchanged, true)
    })
  })

  // ----------------------------------------------------------------------------
  describe('toggle_like', () => {
    test('as the user: likes (200 {liked, like_count}), then unlikes', async () => {
      assert.deepEqual(ok(await bob.client.rpc('toggle_like', { p_creation_id: published })), { liked: true, like_count: 1 })
      assert.deepEqual(ok(await bob.client.rpc('toggle_like', { p_creation_id: published, p_user_id: bob.id })), {
        liked: false,
        like_count: 0,
      })
      // The owner may like their own draft.
      assert.deepEqual(ok(await alice.client.rpc('toggle_like', { p_creation_id: draft })), { liked: true, like_count: 1 })
      ok(await alice.client.rpc('toggle_like', { p_creation_id: draft }))
    })

    test('as another user: 403 acting for someone else, 404 for their draft; nothing written', async () => {
      fails(await bob.client.rpc('toggle_like', { p_creation_id: published, p_user_id: carol.id }), 403, '42501')
      fails(await bob.client.rpc('toggle_like', { p_creation_id: draft }), 404, 'PT404', /creation not found/)
      const row = await one(`select count(*)::int as n from public.likes where user_id in (:'b', :'c')`, { b: bob.id, c: carol.id })
      assert.equal(row.n, 0)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('toggle_like', { p_creation_id: published }), 401, '42501')
    })

    test('with the service key: 200 for a named user, 400 without one', async () => {
      assert.deepEqual(ok(await service.rpc('toggle_like', { p_user_id: carol.id, p_creation_id: published })), {
        liked: true,
        like_count: 1,
      })
      fails(await service.rpc('toggle_like', { p_creation_id: published }), 400, '22004', /p_user_id/)
      ok(await service.rpc('toggle_like', { p_user_id: carol.id, p_creation_id: published }))
    })

    test('bad arguments: 400 missing or malformed, 404 unknown creation', async () => {
      fails(await bob.client.rpc('toggle_like'), 400, '22004', /missing required argument p_creation_id/)
      fails(await bob.client.rpc('toggle_like', { p_creation_id: 'abc' }), 400, '22P02')
      fails(await bob.client.rpc('toggle_like', { p_creation_id: MISSING }), 404, 'PT404')
    })

    test('with { get: true }: 405, nothing written', async () => {
      fails(await bob.client.rpc('toggle_like', { p_creation_id: published }, { get: true }), 405, '25006')
      const row = await one(`select like_count from public.creations where id = :'id'`, { id: published })
      assert.equal(row.like_count, 0)
    })
  })

  // ----------------------------------------------------------------------------
  describe('follow_user', () => {
    test('as the user: 200 {following, follower_count, following_count}, idempotent', async () => {
      const expected = { following: true, follower_count: 1, following_count: 1 }
      assert.deepEqual(ok(await bob.client.rpc('follow_user', { p_following_id: alice.id })), expected)
      assert.deepEqual(ok(await bob.client.rpc('follow_user', { p_following_id: alice.id, p_follower_id: bob.id })), expected)
    })

    test('for another user: 403 and nothing written', async () => {
      fails(await bob.client.rpc('follow_user', { p_follower_id: carol.id, p_following_id: alice.id }), 403, '42501')
      const row = await one(`select count(*)::int as n from public.follows where follower_id = :'c'`, { c: carol.id })
      assert.equal(row.n, 0)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('follow_user', { p_following_id: alice.id }), 401, '42501')
    })

    test('with the service key: 200 for a named follower, 400 without one', async () => {
      assert.deepEqual(ok(await service.rpc('follow_user', { p_follower_id: carol.id, p_following_id: alice.id })), {
        following: true,
        follower_count: 2,
        following_count: 1,
      })
      fails(await service.rpc('follow_user', { p_following_id: alice.id }), 400, '22004', /p_follower_id/)
    })

    test('bad arguments: 400 for self-follow, missing or malformed target; 404 unknown user', async () => {
      fails(await bob.client.rpc('follow_user', { p_following_id: bob.id }), 400, '22023', /you cannot follow yourself/)
      fails(await bob.client.rpc('follow_user'), 400, '22004', /p_following_id/)
      fails(await bob.client.rpc('follow_user', { p_following_id: 'abc' }), 400, '22P02')
      fails(await bob.client.rpc('follow_user', { p_following_id: MISSING }), 404, 'PT404', /user not found/)
    })

    test('with { get: true }: 405', async () => {
      fails(await carol.client.rpc('follow_user', { p_following_id: bob.id }, { get: true }), 405, '25006')
      const row = await one(`select count(*)::int as n from public.follows where following_id = :'b'`, { b: bob.id })
      assert.equal(row.n, 0)
    })
  })

  // ----------------------------------------------------------------------------
  describe('unfollow_user', () => {
    test('as the user: 200 {following: false, ...}, idempotent', async () => {
      const expected = { following: false, follower_count: 1, following_count: 0 }
      assert.deepEqual(ok(await bob.client.rpc('unfollow_user', { p_following_id: alice.id })), expected)
      assert.deepEqual(ok(await bob.client.rpc('unfollow_user', { p_following_id: alice.id })), expected)
    })

    test('for another user: 403 and carol still follows alice', async () => {
      fails(await bob.client.rpc('unfollow_user', { p_follower_id: carol.id, p_following_id: alice.id }), 403, '42501')
      const row = await one(`select count(*)::int as n from public.follows where follower_id = :'c'`, { c: carol.id })
      assert.equal(row.n, 1)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('unfollow_user', { p_following_id: alice.id }), 401, '42501')
    })

    test('with the service key: 200 for a named follower', async () => {
      assert.deepEqual(ok(await service.rpc('unfollow_user', { p_follower_id: carol.id, p_following_id: alice.id })), {
        following: false,
        follower_count: 0,
        following_count: 0,
      })
      fails(await service.rpc('unfollow_user', { p_following_id: alice.id }), 400, '22004')
    })

    test('bad arguments: 400 missing or malformed, 404 unknown user', async () => {
      fails(await bob.client.rpc('unfollow_user', {}), 400, '22004')
      fails(await bob.client.rpc('unfollow_user', { p_following_id: 'not-a-uuid' }), 400, '22P02')
      fails(await bob.client.rpc('unfollow_user', { p_following_id: MISSING }), 404, 'PT404')
    })

    test('with { get: true }: 405', async () => {
      await stack.sql(`insert into public.follows (follower_id, following_id) values (:'b', :'a')`, { a: alice.id, b: bob.id })
      fails(await bob.client.rpc('unfollow_user', { p_following_id: alice.id }, { get: true }), 405, '25006')
      const row = await one(`select count(*)::int as n from public.follows where follower_id = :'b'`, { b: bob.id })
      assert.equal(row.n, 1, 'the follow is still there')
    })
  })

  // ----------------------------------------------------------------------------
  describe('publish_creation', () => {
    test('as the owner: 200 with the published row', async () => {
      const row = ok(await alice.client.rpc('publish_creation', { p_creation_id: draft }))
      assert.equal(row.id, draft)
      assert.equal(row.status, 'published')
      assert.ok(row.published_at)
      assert.equal(row.user_id, alice.id)
      const again = ok(await alice.client.rpc('publish_creation', { p_creation_id: draft, p_user_id: alice.id }))
      assert.equal(again.published_at, row.published_at, 'idempotent: published_at unchanged')
      const p = await one(`select creation_count from public.profiles where id = :'id'`, { id: alice.id })
      assert.equal(p.creation_count, 2)
    })

    test('as another user: 404 for their creation, 403 acting as its owner', async () => {
      await stack.sql(`update public.creations set status = 'draft', published_at = null where id = :'id'`, { id: draft })
      fails(await bob.client.rpc('publish_creation', { p_creation_id: draft }), 404, 'PT404', /creation not found/)
      fails(await bob.client.rpc('publish_creation', { p_creation_id: draft, p_user_id: alice.id }), 403, '42501')
      const row = await one(`select status from public.creations where id = :'id'`, { id: draft })
      assert.equal(row.status, 'draft')
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('publish_creation', { p_creation_id: draft }), 401, '42501')
    })

    test('with the service key: 200 for the named owner, 400 without one', async () => {
      fails(await service.rpc('publish_creation', { p_creation_id: draft }), 400, '22004', /p_user_id/)
      const row = ok(await service.rpc('publish_creation', { p_creation_id: draft, p_user_id: alice.id }))
      assert.equal(row.status, 'published')
    })

    test('bad arguments: 400 missing or malformed id, 404 unknown id', async () => {
      fails(await alice.client.rpc('publish_creation', {}), 400, '22004', /p_creation_id/)
      fails(await alice.client.rpc('publish_creation', { p_creation_id: 'abc' }), 400, '22P02')
      fails(await alice.client.rpc('publish_creation', { p_creation_id: MISSING }), 404, 'PT404')
    })

    test('with { get: true }: 405', async () => {
      fails(await alice.client.rpc('publish_creation', { p_creation_id: draft }, { get: true }), 405, '25006')
    })
  })

  // ----------------------------------------------------------------------------
  describe('archive_creation', () => {
    test('as the owner: 200 with the archived row, idempotent', async () => {
      const row = ok(await alice.client.rpc('archive_creation', { p_creation_id: draft }))
      assert.equal(row.status, 'archived')
      assert.equal(ok(await alice.client.rpc('archive_creation', { p_creation_id: draft })).status, 'archived')
      const p = await one(`select creation_count from public.profiles where id = :'id'`, { id: alice.id })
      assert.equal(p.creation_count, 1, 'archiving takes it out of the public count')
    })

    test('as another user: 404 for their creation, 403 acting as its owner; nothing written', async () => {
      fails(await bob.client.rpc('archive_creation', { p_creation_id: published }), 404, 'PT404')
      fails(await bob.client.rpc('archive_creation', { p_creation_id: published, p_user_id: alice.id }), 403, '42501')
      const row = await one(`select status from public.creations where id = :'id'`, { id: published })
      assert.equal(row.status, 'published')
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('archive_creation', { p_creation_id: published }), 401, '42501')
    })

    test('with the service key: 200 for the named owner', async () => {
      const row = ok(await service.rpc('archive_creation', { p_creation_id: draft, p_user_id: alice.id }))
      assert.equal(row.status, 'archived')
      fails(await service.rpc('archive_creation', { p_creation_id: draft, p_user_id: bob.id }), 404, 'PT404')
    })

    test('bad arguments: 400 missing or malformed id', async () => {
      fails(await alice.client.rpc('archive_creation'), 400, '22004')
      fails(await alice.client.rpc('archive_creation', { p_creation_id: '12345' }), 400, '22P02')
    })

    test('with { get: true }: 405, still published', async () => {
      fails(await alice.client.rpc('archive_creation', { p_creation_id: published }, { get: true }), 405, '25006')
      const row = await one(`select status from public.creations where id = :'id'`, { id: published })
      assert.equal(row.status, 'published')
    })
  })

  // ----------------------------------------------------------------------------
  describe('increment_creation_views', () => {
    test('as anon: 200 with the new count of a published creation; a repeat is not counted', async () => {
      assert.equal(ok(await anon.rpc('increment_creation_views', { p_creation_id: published })), 1)
      assert.equal(ok(await anon.rpc('increment_creation_views', { p_creation_id: published })), 1)
    })

    test('as anon behind a gateway: each forwarded address is a visitor', async () => {
      // As Supabase's gateway sends it: the client's address last.
      const visitor = stack.client('anon', { global: { headers: { 'x-forwarded-for': '203.0.113.7' } } })
      assert.equal(ok(await visitor.rpc('increment_creation_views', { p_creation_id: published })), 2)
      assert.equal(ok(await visitor.rpc('increment_creation_views', { p_creation_id: published })), 2)
      const spoofing = stack.client('anon', { global: { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' } } })
      assert.equal(ok(await spoofing.rpc('increment_creation_views', { p_creation_id: published })), 2)
    })

    test('as the owner: 200, also on their archived creation', async () => {
      assert.equal(ok(await alice.client.rpc('increment_creation_views', { p_creation_id: draft })), 1)
    })

    test('as another user: 200 on a published creation, 404 on someone else\'s archived one', async () => {
      assert.equal(ok(await bob.client.rpc('increment_creation_views', { p_creation_id: published })), 3)
      assert.equal(ok(await bob.client.rpc('increment_creation_views', { p_creation_id: published })), 3)
      fails(await bob.client.rpc('increment_creation_views', { p_creation_id: draft }), 404, 'PT404', /creation not found/)
      fails(await anon.rpc('increment_creation_views', { p_creation_id: draft }), 404, 'PT404')
      const row = await one(`select view_count from public.creations where id = :'id'`, { id: draft })
      assert.equal(row.view_count, 1)
    })

    test('with the service key: 200, every call counted (a trusted relay is not limited)', async () => {
      assert.equal(ok(await service.rpc('increment_creation_views', { p_creation_id: published })), 4)
      assert.equal(ok(await service.rpc('increment_creation_views', { p_creation_id: published })), 5)
    })

    test('bad arguments: 400 missing or malformed, 404 unknown', async () => {
      fails(await anon.rpc('increment_creation_views'), 400, '22004')
      fails(await anon.rpc('increment_creation_views', { p_creation_id: 'abc' }), 400, '22P02')
      fails(await anon.rpc('increment_creation_views', { p_creation_id: MISSING }), 404, 'PT404')
    })

    test('with { get: true }: 405, the count does not move', async () => {
      fails(await anon.rpc('increment_creation_views', { p_creation_id: published }, { get: true }), 405, '25006')
      const row = await one(`select view_count from public.creations where id = :'id'`, { id: published })
      assert.equal(row.view_count, 5)
    })
  })

  // ----------------------------------------------------------------------------
  describe('notifications', () => {
    let aliceNote, aliceOther, bobNote
    before(async () => {
      // Start from a known set: drop what the likes and follows above caused.
      await stack.sql(`delete from public.notifications`)
      const rows = await dml(
        `insert into public.notifications (user_id, type, title)
         values (:'a', 'system_announcement', 'Welcome'), (:'a', 'system_announcement', 'Tips'),
                (:'a', 'system_announcement', 'News'), (:'b', 'system_announcement', 'Welcome')
         returning id, user_id, title`,
        { a: alice.id, b: bob.id },
      )
      aliceNote = rows.find((r) => r.user_id === alice.id && r.title === 'Welcome').id
      aliceOther = rows.find((r) => r.user_id === alice.id && r.title === 'Tips').id
      bobNote = rows.find((r) => r.user_id === bob.id).id
    })
    const isRead = async (id) => (await one(`select is_read from public.notifications where id = :'id'`, { id })).is_read

    describe('mark_notification_read', () => {
      test('as the recipient: 200 true when it marks, false when already read', async () => {
        assert.equal(ok(await alice.client.rpc('mark_notification_read', { p_notification_id: aliceNote })), true)
        assert.equal(ok(await alice.client.rpc('mark_notification_read', { p_notification_id: aliceNote, p_user_id: alice.id })), false)
        const row = await one(`select is_read, read_at is not null as has_read_at from public.notifications where id = :'id'`, { id: aliceNote })
        assert.deepEqual(row, { is_read: true, has_read_at: true })
      })

      test('as another user: 404 for someone else\'s notification, 403 acting as them; nothing written', async () => {
        fails(await bob.client.rpc('mark_notification_read', { p_notification_id: aliceOther }), 404, 'PT404', /notification not found/)
        fails(await bob.client.rpc('mark_notification_read', { p_notification_id: aliceOther, p_user_id: alice.id }), 403, '42501')
        assert.equal(await isRead(aliceOther), false)
      })

      test('as anon: 401', async () => {
        fails(await anon.rpc('mark_notification_read', { p_notification_id: aliceOther }), 401, '42501')
      })

      test('with the service key: 200 for the named recipient, 400 without one', async () => {
        fails(await service.rpc('mark_notification_read', { p_notification_id: bobNote }), 400, '22004')
        assert.equal(ok(await service.rpc('mark_notification_read', { p_notification_id: bobNote, p_user_id: bob.id })), true)
      })

      test('bad arguments: 400 missing or malformed, 404 unknown', async () => {
        fails(await alice.client.rpc('mark_notification_read'), 400, '22004', /p_notification_id/)
        fails(await alice.client.rpc('mark_notification_read', { p_notification_id: 'abc' }), 400, '22P02')
        fails(await alice.client.rpc('mark_notification_read', { p_notification_id: MISSING }), 404, 'PT404')
      })

      test('with { get: true }: 405, still unread', async () => {
        fails(await alice.client.rpc('mark_notification_read', { p_notification_id: aliceOther }, { get: true }), 405, '25006')
        assert.equal(await isRead(aliceOther), false)
      })
    })

    describe('mark_all_notifications_read', () => {
      test('with { get: true }: 405, nothing marked', async () => {
        fails(await alice.client.rpc('mark_all_notifications_read', {}, { get: true }), 405, '25006')
        assert.equal(await isRead(aliceOther), false)
      })

      test('for another user: 403, nothing marked', async () => {
        fails(await bob.client.rpc('mark_all_notifications_read', { p_user_id: alice.id }), 403, '42501')
        assert.equal(await isRead(aliceOther), false)
      })

      test('as anon: 401', async () => {
        fails(await anon.rpc('mark_all_notifications_read'), 401, '42501')
      })

      test('as the recipient: 200 with how many it marked', async () => {
        assert.equal(ok(await alice.client.rpc('mark_all_notifications_read')), 2)
        assert.equal(ok(await alice.client.rpc('mark_all_notifications_read', { p_user_id: alice.id })), 0)
      })

      test('with the service key: 200 for a named user, 400 without one', async () => {
        await stack.sql(`update public.notifications set is_read = false where user_id = :'b'`, { b: bob.id })
        assert.equal(ok(await service.rpc('mark_all_notifications_read', { p_user_id: bob.id })), 1)
        fails(await service.rpc('mark_all_notifications_read'), 400, '22004', /p_user_id/)
      })

      test('bad arguments: 400 for a malformed user id', async () => {
        fails(await alice.client.rpc('mark_all_notifications_read', { p_user_id: 'abc' }), 400, '22P02')
      })
    })

    describe('cleanup_notifications', () => {
      before(async () => {
        await stack.sql(`update public.notifications set read_at = now() - interval '40 days' where user_id = :'a' and is_read`, {
          a: alice.id,
        })
      })
      const count = async () => (await one(`select count(*)::int as n from public.notifications`)).n

      test('as the recipient of old notifications: 403, nothing deleted', async () => {
        fails(await alice.client.rpc('cleanup_notifications'), 403, '42501', /permission denied for function cleanup_notifications/)
        assert.equal(await count(), 4)
      })

      test('as another user: 403', async () => {
        fails(await bob.client.rpc('cleanup_notifications', { p_read_older_than: '1 day' }), 403, '42501')
      })

      test('as anon: 401', async () => {
        fails(await anon.rpc('cleanup_notifications'), 401, '42501')
      })

      test('with { get: true }: 405, nothing deleted', async () => {
        fails(await service.rpc('cleanup_notifications', {}, { get: true }), 405, '25006')
        assert.equal(await count(), 4)
      })

      test('with the service key: 200, honours the age and defaults to 30 days', async () => {
        assert.equal(ok(await service.rpc('cleanup_notifications', { p_read_older_than: '50 days' })), 0)
        assert.equal(ok(await service.rpc('cleanup_notifications')), 3)
        assert.equal(await count(), 1, 'bob\'s notification, read just now, stays')
      })

      test('bad arguments: 400 for a malformed interval', async () => {
        fails(await service.rpc('cleanup_notifications', { p_read_older_than: 'abc' }), 400, '22007')
      })
    })
  })

  // --------------------------------------------------------------------------
  describe('a valid token whose user no longer has a profile', () => {
    // A deleted account's access token stays valid until it expires (an hour
    // on Supabase). Its calls should say the caller's profile is missing, as
    // update_last_active and get_user_stats do, not leak a foreign-key
    // violation as a 409 "conflict".
    let gone
    before(async () => {
      gone = stack.client(await stack.userToken({ id: randomUUID() }))
    })

    test('update_last_active and get_user_stats: 404 profile/user not found', async () => {
      fails(await gone.rpc('update_last_active'), 404, 'PT404', /user not found/)
      fails(await gone.rpc('get_user_stats', {}, { get: true }), 404, 'PT404', /user not found/)
    })

    test('toggle_like, follow_user, get_or_create_conversation, add_key_memory: 404, not 409 (23503)', async () => {
      const lumina = '00000000-0000-4000-8000-00000000a001'
      const calls = {
        toggle_like: { p_creation_id: published },
        follow_user: { p_following_id: alice.id },
        get_or_create_conversation: { p_luminor_id: lumina },
        add_key_memory: { p_luminor_id: lumina, p_content: 'x' },
      }
      const got = {}
      for (const [fn, args] of Object.entries(calls)) {
        const { status, error } = await gone.rpc(fn, args)
        got[fn] = `${status} ${error?.code}`
      }
      assert.deepEqual(got, {
        toggle_like: '404 PT404',
        follow_user: '404 PT404',
        get_or_create_conversation: '404 PT404',
        add_key_memory: '404 PT404',
      })
    })
  })

  // ----------------------------------------------------------------------------
  describe('rate limits', () => {
    let extra
    before(async () => {
      await stack.sql(`update arcanea.rate_limits set max_calls = 2 where action in ('like', 'comment')`)
      await stack.sql(`delete from arcanea.rate_limit_usage`)
      extra = await dml(
        `insert into public.creations (user_id, title, type, status, published_at)
         select :'a', 'Limit ' || g, 'image', 'published', now() from generate_series(1, 4) g returning id`,
        { a: alice.id },
      )
    })

    test('over the like limit: 429 PT429 with the wait, and nothing written', async () => {
      for (const { id } of extra.slice(0, 2)) ok(await carol.client.rpc('toggle_like', { p_creation_id: id }))
      fails(await carol.client.rpc('toggle_like', { p_creation_id: extra[2].id }), 429, 'PT429',
        /rate limit exceeded for like: at most 2 per 60 s; try again in \d+ s/)
      const row = await one(`select like_count from public.creations where id = :'id'`, { id: extra[2].id })
      assert.equal(row.like_count, 0)
    })

    test('over the comment limit through the table API: 429 PT429', async () => {
      const comment = (content) => ({ user_id: carol.id, creation_id: published, content })
      ok(await carol.client.from('comments').insert([comment('one'), comment('two')]), 201)
      fails(await carol.client.from('comments').insert(comment('three')), 429, 'PT429')
    })

    test('the service role is not limited', async () => {
      const res = await service.rpc('toggle_like', { p_user_id: carol.id, p_creation_id: extra[3].id })
      assert.equal(ok(res).liked, true)
    })
  })
})
