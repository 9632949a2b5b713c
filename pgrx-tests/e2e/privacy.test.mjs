// Privacy through supabase-js and the real PostgREST 12.0.2: the private
// fields (table profile_private) are the owner's to read and edit and nobody
// else's; export_my_data gives a user their data (401 for anon, 403 for
// another user's id, any user by id with the service key); get_presence shows
// last_active_at of oneself and of followed accounts that opted in.
// What a refused call did not write is checked with psql as the superuser.
// The full matrix (every field, every RPC, deactivation) is
// pgrx-tests/sql/24_privacy_test.sql; erasure is pgrx-tests/shell/erasure.sh.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'

import { useStack } from './harness.mjs'
import { fails, ok } from './expect.mjs'

const stack = useStack()

const LUMINA = '00000000-0000-4000-8000-00000000a001'
const PRIVATE = 'id,preferences,onboarding_completed,onboarding_step,last_active_at,share_presence'

/** alice's private row as the superuser sees it. */
async function privateRow(id) {
  const rows = await stack.query(
    `select preferences, onboarding_completed, onboarding_step, last_active_at, share_presence
       from public.profile_private where id = :'id'`,
    { id },
  )
  assert.equal(rows.length, 1, `profile_private has a row for ${id}`)
  return rows[0]
}

// Node 20 runs top-level before() hooks concurrently: the fixtures are set up
// inside this suite so that they wait for the stack.
describe('privacy through PostgREST', () => {
  let alice, bob, carol, anon, service
  let published, draft, bobsComment

  before(async () => {
    alice = await stack.createUser({ username: 'alice' })
    bob = await stack.createUser({ username: 'bob' })
    carol = await stack.createUser({ username: 'carol' })
    anon = stack.client('anon')
    service = stack.client('service_role')
    // alice: a published creation and a draft, a like, follows both ways, a
    // conversation with Lumina and a key memory; bob comments on her work.
    const ids = JSON.parse(
      await stack.sql(
        `with c as (insert into public.creations (user_id, title, type, status, published_at)
                    values (:'a', 'Lanterns at dusk', 'image', 'published', now()), (:'a', 'Sketch', 'image', 'draft', null)
                    returning id, status)
         select json_agg(c) from c`,
        { a: alice.id },
      ),
    )
    published = ids.find((r) => r.status === 'published').id
    draft = ids.find((r) => r.status === 'draft').id
    await stack.sql(
      `insert into public.follows (follower_id, following_id) values (:'b', :'a'), (:'a', :'b');
       insert into public.likes (user_id, creation_id) values (:'a', :'p');
       insert into storage.objects (bucket_id, name, owner_id)
         values ('avatars', :'a' || '/avatar.png', :'a'), ('creations', :'a' || '/image/' || :'p' || '.png', :'a');`,
      { a: alice.id, b: bob.id, p: published },
    )
    bobsComment = JSON.parse(
      await stack.sql(
        `with c as (insert into public.comments (user_id, creation_id, content) values (:'b', :'p', 'Lovely, @alice')
                    returning id)
         select to_json(c.id) from c`,
        { b: bob.id, p: published },
      ),
    )
    ok(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_session_id: 'privacy-1' }))
    ok(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'paints lanterns' }))
  })

  // ----------------------------------------------------------------------------
  describe('profile_private', () => {
    test('the owner reads her row (200), made with her profile', async () => {
      const rows = ok(await alice.client.from('profile_private').select(PRIVATE))
      assert.deepEqual(rows, [
        {
          id: alice.id,
          preferences: {},
          onboarding_completed: false,
          onboarding_step: 0,
          last_active_at: null,
          share_presence: false,
        },
      ])
    })

    test('the owner updates preferences, onboarding and share_presence (200)', async () => {
      const rows = ok(
        await alice.client
          .from('profile_private')
          .update({ preferences: { theme: 'e2e-alice-secret' }, onboarding_completed: true, onboarding_step: 4, share_presence: true })
          .eq('id', alice.id)
          .select('preferences,onboarding_completed,onboarding_step,share_presence'),
      )
      assert.deepEqual(rows, [
        { preferences: { theme: 'e2e-alice-secret' }, onboarding_completed: true, onboarding_step: 4, share_presence: true },
      ])
      const row = await privateRow(alice.id)
      assert.deepEqual(row.preferences, { theme: 'e2e-alice-secret' })
      assert.equal(row.onboarding_step, 4)
    })

    test('the owner cannot write last_active_at (403: it moves through update_last_active)', async () => {
      const before = await privateRow(alice.id)
      fails(
        await alice.client.from('profile_private').update({ last_active_at: '2020-01-01T00:00:00Z' }).eq('id', alice.id),
        403,
        '42501',
      )
      assert.deepEqual(await privateRow(alice.id), before)
    })

    test('another user reads nothing of hers and updates nothing (200 with [])', async () => {
      const before = await privateRow(alice.id)
      assert.deepEqual(ok(await bob.client.from('profile_private').select(PRIVATE).eq('id', alice.id)), [])
      // Listing the table gives bob his own row only.
      assert.deepEqual(
        ok(await bob.client.from('profile_private').select('id')).map((r) => r.id),
        [bob.id],
      )
      assert.deepEqual(
        ok(
          await bob.client
            .from('profile_private')
            .update({ preferences: { theme: 'hacked' }, share_presence: false })
            .eq('id', alice.id)
            .select('id'),
        ),
        [],
      )
      fails(await bob.client.from('profile_private').delete().eq('id', alice.id), 403, '42501')
      assert.deepEqual(await privateRow(alice.id), before)
    })

    test('anon reads nothing and writes nothing (401)', async () => {
      const before = await privateRow(alice.id)
      fails(await anon.from('profile_private').select(PRIVATE), 401, '42501', /permission denied for table profile_private/)
      fails(await anon.from('profile_private').update({ share_presence: false }).eq('id', alice.id), 401, '42501')
      assert.deepEqual(await privateRow(alice.id), before)
    })

    test('profiles no longer has the private columns, for anyone (400, 42703)', async () => {
      for (const client of [anon, bob.client, alice.client]) {
        for (const col of ['preferences', 'onboarding_completed', 'onboarding_step', 'last_active_at']) {
          fails(await client.from('profiles').select(`id,${col}`).eq('id', alice.id), 400, '42703')
        }
      }
    })

    test('an embedded join is no way round it: null for another user, 401 for anon, hers for the owner', async () => {
      const embed = 'id,profile_private(preferences)'
      assert.deepEqual(ok(await bob.client.from('profiles').select(embed).eq('id', alice.id)), [
        { id: alice.id, profile_private: null },
      ])
      fails(await anon.from('profiles').select(embed).eq('id', alice.id), 401, '42501')
      assert.deepEqual(ok(await alice.client.from('profiles').select(embed).eq('id', alice.id)), [
        { id: alice.id, profile_private: { preferences: { theme: 'e2e-alice-secret' } } },
      ])
    })

    test('the service key reads and writes every private field', async () => {
      const rows = ok(await service.from('profile_private').select(PRIVATE).eq('id', alice.id))
      assert.equal(rows.length, 1)
      assert.deepEqual(rows[0].preferences, { theme: 'e2e-alice-secret' })
      ok(await service.from('profile_private').update({ onboarding_step: 5 }).eq('id', alice.id), 204)
      assert.equal((await privateRow(alice.id)).onboarding_step, 5)
    })
  })

  // ----------------------------------------------------------------------------
  describe('export_my_data', () => {
    test("as the user: 200 with every section of her data and nobody else's", async () => {
      const data = ok(await alice.client.rpc('export_my_data'))
      assert.equal(data.format, 'arcanea-export/1')
      assert.equal(data.user_id, alice.id)
      assert.equal(data.profile.id, alice.id)
      assert.equal(data.profile.username, 'alice')
      assert.ok('stripe_customer_id' in data.profile, 'the profile comes with its billing columns')
      assert.deepEqual(data.private.preferences, { theme: 'e2e-alice-secret' })
      assert.deepEqual(data.creations.map((c) => c.id).sort(), [published, draft].sort())
      const files = data.creations.find((c) => c.id === published).storage_objects
      assert.deepEqual(files, [{ bucket: 'creations', name: `${alice.id}/image/${published}.png` }])
      assert.deepEqual(data.storage_objects.map((o) => `${o.bucket}:${o.name}`).sort(), [
        `avatars:${alice.id}/avatar.png`,
        `creations:${alice.id}/image/${published}.png`,
      ])
      assert.deepEqual(data.likes.map((l) => l.creation_id), [published])
      assert.deepEqual(data.comments, [], "bob's comment on her creation is his, not hers")
      assert.deepEqual(data.following.map((f) => f.user_id), [bob.id])
      assert.deepEqual(data.followers.map((f) => f.user_id), [bob.id])
      assert.equal(data.conversations.length, 1)
      assert.equal(data.conversations[0].conversation.user_id, alice.id)
      assert.equal(data.relationships.length, 1)
      assert.deepEqual(data.relationships[0].key_memories.map((m) => m.content), ['paints lanterns'])
      const notes = await stack.query(`select id from public.notifications where user_id = :'a' order by created_at, id`, {
        a: alice.id,
      })
      assert.ok(notes.length > 0, 'bob followed and commented: alice has notifications')
      assert.deepEqual(data.notifications.map((n) => n.id).sort(), notes.map((n) => n.id).sort())
      assert.ok(data.notifications.every((n) => n.user_id === alice.id))
      // It is a reader: GET works too.
      assert.equal(ok(await alice.client.rpc('export_my_data', {}, { get: true })).user_id, alice.id)
    })

    test("bob's export has his comment and none of alice's private values", async () => {
      const data = ok(await bob.client.rpc('export_my_data', { p_user_id: bob.id }))
      assert.deepEqual(data.comments.map((c) => c.id), [bobsComment])
      assert.ok(!JSON.stringify(data).includes('e2e-alice-secret'))
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('export_my_data'), 401, '42501')
      fails(await anon.rpc('export_my_data', { p_user_id: alice.id }), 401, '42501')
    })

    test("another user's id: 403", async () => {
      fails(
        await bob.client.rpc('export_my_data', { p_user_id: alice.id }),
        403,
        '42501',
        /p_user_id must be your own user id/,
      )
    })

    test('with the service key: any user by id (200); 400 without one', async () => {
      const data = ok(await service.rpc('export_my_data', { p_user_id: alice.id }))
      assert.equal(data.user_id, alice.id)
      assert.deepEqual(data.private.preferences, { theme: 'e2e-alice-secret' })
      fails(await service.rpc('export_my_data'), 400, '22004', /p_user_id/)
    })
  })

  // ----------------------------------------------------------------------------
  describe('get_presence', () => {
    // bob follows alice; carol follows nobody.  alice shares her presence
    // (set above); bob does not share his.
    let aliceSeen

    before(async () => {
      aliceSeen = ok(await alice.client.rpc('update_last_active'))
      ok(await bob.client.rpc('update_last_active'))
      assert.equal((await privateRow(alice.id)).share_presence, true)
      assert.equal((await privateRow(bob.id)).share_presence, false)
    })

    const presence = async (client, ids) => {
      const rows = ok(await client.rpc('get_presence', { p_user_ids: ids }))
      return Object.fromEntries(rows.map((r) => [r.user_id, new Date(r.last_active_at).getTime()]))
    }

    test('a follower sees a user who shares it; one sees oneself', async () => {
      const seen = await presence(bob.client, [alice.id, bob.id, carol.id])
      assert.deepEqual(Object.keys(seen).sort(), [alice.id, bob.id].sort())
      assert.equal(seen[alice.id], new Date(aliceSeen).getTime())
    })

    test('not a user one does not follow, nor one who does not share it', async () => {
      assert.deepEqual(await presence(carol.client, [alice.id, bob.id]), {})
      // alice follows bob, but bob does not share.
      assert.deepEqual(Object.keys(await presence(alice.client, [bob.id])), [])
    })

    test('opting out (table API) hides it from followers; opting in shows it again', async () => {
      ok(await alice.client.from('profile_private').update({ share_presence: false }).eq('id', alice.id), 204)
      assert.deepEqual(await presence(bob.client, [alice.id]), {})
      ok(await alice.client.from('profile_private').update({ share_presence: true }).eq('id', alice.id), 204)
      assert.deepEqual(Object.keys(await presence(bob.client, [alice.id])), [alice.id])
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('get_presence', { p_user_ids: [alice.id] }), 401, '42501')
    })
  })
})
