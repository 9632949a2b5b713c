// A realistic journey through supabase-js and the real PostgREST 12.0.2, step
// by step as an app would make it: two people sign up and onboard, Aria
// uploads and publishes a creation, Kai follows, likes and comments, both read
// their notifications, Kai chats with Lumina until their bond levels up, and a
// visitor searches and reads stats while Kai reads his feed.
//
// storage.objects is not in PostgREST's exposed schemas: the Storage API
// writes it itself, as the user (role `authenticated` and the user's JWT
// claims, so the storage policies apply). storageAs() does the same via psql.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'

import { useStack } from './harness.mjs'
import { ok } from './expect.mjs'

const stack = useStack()

const LUMINA = '00000000-0000-4000-8000-00000000a001'

/**
 * Run `statement` as Supabase's Storage API does for a request: in one
 * transaction, with the request's role and JWT claims set locally. `who` is a
 * user from createUser() or 'anon'. Returns psql's output (tuples only).
 */
function storageAs(who, statement, vars = {}) {
  const role = who === 'anon' ? 'anon' : 'authenticated'
  const claims = who === 'anon' ? { role: 'anon' } : { sub: who.id, role: 'authenticated', aud: 'authenticated' }
  return stack.sql(
    `begin;
     select set_config('role', :'role', true), set_config('request.jwt.claims', :'claims', true) \\g /dev/null
     ${statement};
     commit;`,
    { role, claims: JSON.stringify(claims), ...vars },
  )
}

// Node 20 runs top-level before() hooks concurrently: the fixtures are set up
// inside this suite so that they wait for the stack.
describe('journey: sign up, create, publish, socialise, chat, discover', () => {
  let aria, kai, anon, service
  let creation // Aria's creation id
  let objectPath
  let conversation

  before(() => {
    anon = stack.client('anon')
    service = stack.client('service_role')
  })

  test('1. two people sign up: each gets a profile from the auth.users trigger', async () => {
    aria = await stack.createUser({ username: 'aria', metadata: { full_name: 'Aria Vale' } })
    kai = await stack.createUser({ username: 'kai_sound' })
    const profiles = ok(await anon.from('profiles').select('username,display_name,tier,arcanean_id').order('username'))
    assert.deepEqual(
      profiles.map((p) => [p.username, p.display_name, p.tier]),
      [
        ['aria', 'Aria Vale', 'explorer'],
        ['kai_sound', 'kai_sound', 'explorer'],
      ],
    )
    assert.ok(profiles.every((p) => /^ARC-\d{6,}$/.test(p.arcanean_id)))
  })

  test('2. both onboard: display name and bio on their own profile, onboarding fields in their private row', async () => {
    for (const [user, display_name, bio] of [
      [aria, 'Aria', 'Painter of light and dragons'],
      [kai, 'Kai', 'Beats and lullabies'],
    ]) {
      const [me] = ok(
        await user.client
          .from('profiles')
          .update({ display_name, bio })
          .eq('id', user.id)
          .select('display_name,bio'),
      )
      assert.deepEqual(me, { display_name, bio })
      const [mine] = ok(
        await user.client
          .from('profile_private')
          .update({ onboarding_step: 3, onboarding_completed: true, preferences: { theme: 'dark' } })
          .eq('id', user.id)
          .select('onboarding_completed,onboarding_step,preferences'),
      )
      assert.deepEqual(mine, { onboarding_completed: true, onboarding_step: 3, preferences: { theme: 'dark' } })
    }
    ok(await aria.client.rpc('update_last_active'))
  })

  test('3. Aria creates a creation (a draft) through the table API and publishes it by RPC', async () => {
    const draft = ok(
      await aria.client
        .from('creations')
        .insert({
          user_id: aria.id,
          title: 'Dragon over the northern sea',
          description: 'A dragon gliding over cold waves at dawn',
          type: 'image',
          tags: ['dragon', 'sea', 'dawn'],
          ai_tool: 'stable-diffusion',
          prompt: 'a dragon over a northern sea at dawn, volumetric light',
        })
        .select('id,status')
        .single(),
      201,
    )
    assert.equal(draft.status, 'draft')
    creation = draft.id
    // A draft is invisible to others.
    assert.deepEqual(ok(await anon.from('creations').select('id').eq('id', creation)), [])

    const published = ok(await aria.client.rpc('publish_creation', { p_creation_id: creation }))
    assert.equal(published.status, 'published')
    assert.ok(published.published_at)
    assert.deepEqual(ok(await anon.from('creations').select('id,title').eq('id', creation)), [
      { id: creation, title: 'Dragon over the northern sea' },
    ])
    const me = ok(await anon.from('profiles').select('creation_count').eq('id', aria.id).single())
    assert.equal(me.creation_count, 1)
  })

  test('4. Aria uploads its file: storage.objects row under her folder, visible to all once published', async () => {
    objectPath = `${aria.id}/image/${creation}.png`
    await storageAs(
      aria,
      `insert into storage.objects (bucket_id, name, owner_id, metadata)
       values ('creations', :'name', :'owner', '{"mimetype": "image/png", "size": 123456}')`,
      { name: objectPath, owner: aria.id },
    )
    ok(
      await aria.client
        .from('creations')
        .update({ file_url: `creations/${objectPath}`, file_format: 'png', file_size: 123456 })
        .eq('id', creation),
      204,
    )
    // Kai may not put files in Aria's folder, nor name a creation that is not his.
    await assert.rejects(
      storageAs(kai, `insert into storage.objects (bucket_id, name, owner_id) values ('creations', :'name', :'owner')`, {
        name: `${aria.id}/image/${creation}-copy.png`,
        owner: kai.id,
      }),
      /row-level security/,
    )
    await assert.rejects(
      storageAs(kai, `insert into storage.objects (bucket_id, name, owner_id) values ('creations', :'name', :'owner')`, {
        name: `${kai.id}/image/${creation}.png`,
        owner: kai.id,
      }),
      /row-level security/,
    )
    const visible = `select count(*) from storage.objects where bucket_id = 'creations' and name = :'name'`
    for (const who of ['anon', kai, aria]) {
      assert.equal(await storageAs(who, visible, { name: objectPath }), '1', `visible to ${who === 'anon' ? 'anon' : who.username}`)
    }
    // Archived, it is Aria's alone again; published again, everyone's.
    ok(await aria.client.rpc('archive_creation', { p_creation_id: creation }))
    assert.equal(await storageAs('anon', visible, { name: objectPath }), '0')
    assert.equal(await storageAs(kai, visible, { name: objectPath }), '0')
    assert.equal(await storageAs(aria, visible, { name: objectPath }), '1')
    ok(await aria.client.rpc('publish_creation', { p_creation_id: creation }))
    assert.equal(await storageAs('anon', visible, { name: objectPath }), '1')
  })

  test('5. Kai follows Aria, likes and comments; Aria thanks @kai_sound in a comment', async () => {
    assert.deepEqual(ok(await kai.client.rpc('follow_user', { p_following_id: aria.id })), {
      following: true,
      follower_count: 1,
      following_count: 1,
    })
    assert.deepEqual(ok(await kai.client.rpc('toggle_like', { p_creation_id: creation })), { liked: true, like_count: 1 })
    assert.equal(ok(await kai.client.rpc('increment_creation_views', { p_creation_id: creation })), 1)
    ok(
      await kai.client.from('comments').insert({ user_id: kai.id, creation_id: creation, content: 'The light on the waves is unreal' }),
      201,
    )
    ok(
      await aria.client.from('comments').insert({ user_id: aria.id, creation_id: creation, content: 'Thank you @kai_sound! Soundtrack next?' }),
      201,
    )
    const comments = ok(await anon.from('comments').select('content,user_id').eq('creation_id', creation).order('created_at'))
    assert.deepEqual(
      comments.map((c) => c.user_id),
      [kai.id, aria.id],
    )
    const counts = ok(await anon.from('creations').select('like_count,comment_count,view_count').eq('id', creation).single())
    assert.deepEqual(counts, { like_count: 1, comment_count: 2, view_count: 1 })
  })

  test('6. notifications: Aria has creation_liked, creation_commented and new_follower; Kai has a mention', async () => {
    const arias = ok(await aria.client.from('notifications').select('id,type,title,metadata,is_read').order('created_at'))
    assert.deepEqual(
      arias.map((n) => n.type).sort(),
      ['creation_commented', 'creation_liked', 'new_follower'],
    )
    assert.ok(arias.every((n) => n.metadata.actor_id === kai.id && n.metadata.actor_username === 'kai_sound'))
    assert.ok(arias.every((n) => !n.is_read))
    const liked = arias.find((n) => n.type === 'creation_liked')
    assert.equal(liked.metadata.creation_id, creation)

    const kais = ok(await kai.client.from('notifications').select('type,metadata,message'))
    assert.deepEqual(
      kais.map((n) => n.type),
      ['mention'],
    )
    assert.equal(kais[0].metadata.actor_username, 'aria')
    assert.match(kais[0].message, /@kai_sound/)

    assert.equal(ok(await aria.client.rpc('mark_notification_read', { p_notification_id: liked.id })), true)
    assert.equal(ok(await aria.client.rpc('mark_all_notifications_read')), 2)
    const unread = await aria.client.from('notifications').select('id', { count: 'exact', head: true }).eq('is_read', false)
    assert.equal(unread.error, null)
    assert.equal(unread.count, 0)
  })

  test('7. Kai chats with Lumina: 11 messages (110 XP) reach bond level 2 and notify him', async () => {
    conversation = ok(await kai.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_session_id: 'web-1' }))
    assert.equal(conversation.title, 'Chat with Lumina')
    for (let i = 1; i <= 11; i++) {
      const msg = ok(await kai.client.rpc('add_message_to_conversation', { p_conversation_id: conversation.id, p_content: `Idea number ${i}` }))
      assert.equal(msg.role, 'user')
      // The app's backend writes Lumina's reply with the service key.
      ok(
        await service.rpc('add_message_to_conversation', {
          p_conversation_id: conversation.id,
          p_user_id: kai.id,
          p_role: 'assistant',
          p_content: `Reply ${i}`,
          p_model: 'gpt-x',
          p_tokens: 20,
          p_cost: 0.0004,
        }),
      )
    }
    const bond = ok(await kai.client.rpc('get_luminor_relationship', { p_luminor_id: LUMINA }, { get: true }))
    assert.equal(bond.bond_level, 2)
    assert.equal(bond.bond_xp, 10, '110 - 100 carried over')
    assert.equal(bond.xp_for_next_level, 282)
    assert.equal(bond.total_interactions, 11)
    const check = ok(await kai.client.rpc('check_bond_level_up', { p_luminor_id: LUMINA }))
    assert.equal(check.leveled_up, false, 'already settled by the messages')

    const levelUps = ok(await kai.client.from('notifications').select('title,metadata').eq('type', 'bond_level_up'))
    assert.equal(levelUps.length, 1)
    assert.equal(levelUps[0].metadata.bond_level, 2)
    assert.equal(levelUps[0].metadata.luminor_name, 'Lumina')

    ok(await kai.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'Writes lullabies for dragons', p_importance: 7 }))
    const memories = ok(await kai.client.rpc('get_key_memories', { p_luminor_id: LUMINA, p_query: 'lullaby' }, { get: true }))
    assert.equal(memories[0].content, 'Writes lullabies for dragons')

    const chat = ok(await kai.client.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id, p_limit: 4 }, { get: true }))
    assert.equal(chat.conversation.message_count, 22)
    assert.deepEqual(
      chat.messages.map((m) => m.content),
      ['Reply 11', 'Idea number 11', 'Reply 10', 'Idea number 10'],
    )
  })

  test('8. a visitor searches and reads Aria\'s stats; Kai reads his feed', async () => {
    const found = ok(
      await anon
        .rpc('search_creations', { p_query: 'dragon' }, { get: true, count: 'exact' })
        .select('id,title,username,display_name,type')
        .eq('type', 'image')
        .limit(5),
    )
    assert.deepEqual(found, [
      { id: creation, title: 'Dragon over the northern sea', username: 'aria', display_name: 'Aria', type: 'image' },
    ])
    assert.equal(ok(await anon.rpc('increment_creation_views', { p_creation_id: creation })), 2)

    const stats = ok(await anon.rpc('get_user_stats', { p_user_id: aria.id }, { get: true }))
    assert.equal(stats.creation_count, 1)
    assert.equal(stats.follower_count, 1)
    assert.equal(stats.likes_received, 1)
    assert.equal(stats.comments_received, 2)
    assert.equal(stats.views_received, 2)
    assert.ok(!('private' in stats))

    const feed = ok(await kai.client.rpc('get_user_feed', {}, { get: true }))
    assert.equal(feed.length, 1)
    assert.equal(feed[0].id, creation)
    assert.equal(feed[0].username, 'aria')
    assert.equal(feed[0].user_has_liked, true)
    assert.equal(feed[0].file_url, `creations/${objectPath}`)

    const mine = ok(await kai.client.rpc('get_user_stats'))
    assert.equal(mine.private.messages_sent, 11)
    assert.deepEqual(mine.private.luminor_bonds, { count: 1, highest_level: 2 })
    assert.equal(mine.private.onboarding_completed, true)
  })
})
