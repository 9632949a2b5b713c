// The table API (supabase.from(...)) of all eleven tables through supabase-js and
// the real PostgREST 12.0.2: what anon, the owner, another user and the
// service role may select, insert, update and delete. Writes the API roles may
// not make (a column they may not write, a row that is not theirs) get an
// error or touch nothing, and the row is checked unchanged with psql as the
// superuser afterwards.
//
// Column privileges answer 42501 "permission denied for table" (401 for anon,
// 403 for a user); RLS WITH CHECK answers 42501 "new row violates row-level
// security policy" (403); an UPDATE or DELETE of rows RLS hides matches
// nothing (204, or 200 with [] when the rows are asked back).
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'

import { useStack } from './harness.mjs'
import { fails, ok } from './expect.mjs'

const stack = useStack()

const LUMINA = '00000000-0000-4000-8000-00000000a001'
const HARMONIX = '00000000-0000-4000-8000-00000000a002'

const denied = (res, status) => fails(res, status, '42501', /permission denied for table/)
const rlsDenied = (res) => fails(res, 403, '42501', /new row violates row-level security policy/)

/** Rows RETURNING from an INSERT/UPDATE/DELETE run as the superuser. */
async function dml(statement, vars = {}) {
  return JSON.parse(await stack.sql(`with q as (${statement}) select coalesce(json_agg(q), '[]') from q`, vars))
}

/** The whole row as the superuser sees it, or null. */
async function snapshot(table, id) {
  const rows = await stack.query(`select to_jsonb(t) as row from public.${table} t where id = :'id'`, { id })
  return rows[0]?.row ?? null
}

/** Run `act`, then check the row is exactly as it was. */
async function unchanged(table, id, act) {
  const before = await snapshot(table, id)
  assert.notEqual(before, null, `${table} ${id} exists`)
  await act()
  assert.deepEqual(await snapshot(table, id), before, `${table} ${id} unchanged`)
}

const count = async (from, vars = {}) => (await stack.query(`select count(*)::int as n from ${from}`, vars))[0].n

// Node 20 runs top-level before() hooks concurrently: the fixtures are set up
// inside this suite so that they wait for the stack.
describe('the table API through PostgREST', () => {
  let alice, bob, ghost, anon, service
  let published, draft // alice's creations
  let conversation, userMessage, assistantMessage, relationship // alice and Lumina
  let aliceNote, bobNote

  before(async () => {
    alice = await stack.createUser({ username: 'alice' })
    bob = await stack.createUser({ username: 'bob' })
    ghost = await stack.createUser({ username: 'ghost' })
    anon = stack.client('anon')
    service = stack.client('service_role')
    await stack.sql(`update public.profiles set is_active = false where id = :'g'`, { g: ghost.id })
    const c = await dml(
      `insert into public.creations (user_id, title, type, status, published_at)
       values (:'a', 'Dragon at dawn', 'image', 'published', now()), (:'a', 'Unfinished sketch', 'image', 'draft', null)
       returning id, status`,
      { a: alice.id },
    )
    published = c.find((r) => r.status === 'published').id
    draft = c.find((r) => r.status === 'draft').id
    ;[{ id: conversation }] = await dml(
      `insert into public.luminor_conversations (user_id, luminor_id, title) values (:'a', :'l', 'Chat with Lumina') returning id`,
      { a: alice.id, l: LUMINA },
    )
    ;[{ id: relationship }] = await dml(
      `insert into public.luminor_relationships (user_id, luminor_id, bond_xp) values (:'a', :'l', 10) returning id`,
      { a: alice.id, l: LUMINA },
    )
    const m = await dml(
      `insert into public.luminor_messages (conversation_id, user_id, role, content, model, tokens)
       values (:'c', :'a', 'user', 'Hello Lumina', null, null), (:'c', :'a', 'assistant', 'Welcome!', 'gpt-x', 12)
       returning id, role`,
      { c: conversation, a: alice.id },
    )
    userMessage = m.find((r) => r.role === 'user').id
    assistantMessage = m.find((r) => r.role === 'assistant').id
    const n = await dml(
      `insert into public.notifications (user_id, type, title) values (:'a', 'system_announcement', 'Welcome alice'),
              (:'b', 'system_announcement', 'Welcome bob') returning id, user_id`,
      { a: alice.id, b: bob.id },
    )
    aliceNote = n.find((r) => r.user_id === alice.id).id
    bobNote = n.find((r) => r.user_id === bob.id).id
  })

  // --------------------------------------------------------------------------
  describe('profiles', () => {
    const PUBLIC = 'id,username,display_name,bio,tier,is_verified,follower_count,is_active'

    test('anon: selects public columns of active profiles, never profile_private; select(*) is an error (401); writes 401', async () => {
      const rows = ok(await anon.from('profiles').select(PUBLIC).order('username'))
      assert.deepEqual(
        rows.map((r) => r.username),
        ['alice', 'bob'],
        'the inactive profile is hidden',
      )
      // The billing columns (stripe_*, subscription_status) are not granted:
      // `*` names them, so it fails as a whole.
      denied(await anon.from('profiles').select('*'), 401)
      denied(await anon.from('profiles').select('id,stripe_customer_id'), 401)
      // The private fields (settings, onboarding, last activity) are in
      // profile_private, which anon may not read at all.
      denied(await anon.from('profile_private').select('id,preferences,onboarding_completed,last_active_at'), 401)
      await unchanged('profiles', alice.id, async () => {
        denied(await anon.from('profiles').update({ bio: 'hacked' }).eq('id', alice.id), 401)
        denied(await anon.from('profiles').delete().eq('id', alice.id), 401)
      })
      denied(await anon.from('profiles').insert({ id: bob.id, username: 'intruder' }), 401)
    })

    test('the owner: edits presentation columns, and onboarding columns in profile_private; select(*) is an error (403)', async () => {
      const [me] = ok(
        await alice.client
          .from('profiles')
          .update({ display_name: 'Alice A.', bio: 'I paint dragons' })
          .eq('id', alice.id)
          .select('id,display_name,bio'),
      )
      assert.deepEqual(me, { id: alice.id, display_name: 'Alice A.', bio: 'I paint dragons' })
      const [mine] = ok(
        await alice.client
          .from('profile_private')
          .update({ onboarding_step: 2, preferences: { theme: 'dark' } })
          .eq('id', alice.id)
          .select('id,onboarding_step,preferences'),
      )
      assert.deepEqual(mine, { id: alice.id, onboarding_step: 2, preferences: { theme: 'dark' } })
      const own = ok(await alice.client.from('profiles').select('username').eq('id', alice.id).single())
      assert.equal(own.username, 'alice')
      const ownPrivate = ok(await alice.client.from('profile_private').select('onboarding_completed,last_active_at').eq('id', alice.id).single())
      assert.deepEqual(ownPrivate, { onboarding_completed: false, last_active_at: null })
      denied(await alice.client.from('profiles').select('*'), 403)
      // An inactive user still sees their own profile.
      const ghostRows = ok(await ghost.client.from('profiles').select('username').eq('id', ghost.id))
      assert.deepEqual(ghostRows, [{ username: 'ghost' }])
    })

    test('the owner: tier, is_verified, counters, arcanean_id and billing are not writable; nothing changes', async () => {
      await unchanged('profiles', alice.id, async () => {
        denied(await alice.client.from('profiles').update({ tier: 'realm_builder' }).eq('id', alice.id), 403)
        denied(await alice.client.from('profiles').update({ is_verified: true }).eq('id', alice.id), 403)
        denied(await alice.client.from('profiles').update({ follower_count: 1000 }).eq('id', alice.id), 403)
        denied(await alice.client.from('profiles').update({ arcanean_id: 'ARC-999999' }).eq('id', alice.id), 403)
        denied(await alice.client.from('profiles').update({ subscription_status: 'active' }).eq('id', alice.id), 403)
        // One forbidden column sinks the whole update, allowed columns included.
        denied(await alice.client.from('profiles').update({ display_name: 'Boss', tier: 'creator' }).eq('id', alice.id), 403)
        denied(await alice.client.from('profiles').delete().eq('id', alice.id), 403)
      })
      denied(await alice.client.from('profiles').insert({ id: alice.id, username: 'alice2' }), 403)
    })

    test('the owner: constraint violations are 400 (check) and 409 (unique username)', async () => {
      await unchanged('profiles', alice.id, async () => {
        fails(await alice.client.from('profiles').update({ username: 'Not Valid!' }).eq('id', alice.id), 400, '23514')
        fails(await alice.client.from('profiles').update({ bio: 'x'.repeat(501) }).eq('id', alice.id), 400, '23514')
        fails(await alice.client.from('profiles').update({ username: 'bob' }).eq('id', alice.id), 409, '23505')
      })
    })

    test('another user: an update of someone else\'s profile matches no row; nothing changes', async () => {
      await unchanged('profiles', alice.id, async () => {
        ok(await bob.client.from('profiles').update({ bio: 'bob was here' }).eq('id', alice.id), 204)
        assert.deepEqual(ok(await bob.client.from('profiles').update({ bio: 'bob was here' }).eq('id', alice.id).select('id')), [])
      })
      const seen = ok(await bob.client.from('profiles').select('username').eq('id', ghost.id))
      assert.deepEqual(seen, [], 'an inactive profile is hidden from others')
      await unchanged('profile_private', alice.id, async () => {
        assert.deepEqual(ok(await bob.client.from('profile_private').select('id,preferences').eq('id', alice.id)), [],
          'another user\'s private fields are hidden')
        assert.deepEqual(ok(await bob.client.from('profile_private').update({ onboarding_step: 9 }).eq('id', alice.id).select('id')), [])
      })
    })

    test('service role: select(*) with billing columns, writes tier and verification', async () => {
      const row = ok(await service.from('profiles').select('*').eq('id', alice.id).single())
      assert.ok('stripe_customer_id' in row && 'subscription_status' in row)
      const [upd] = ok(await service.from('profiles').update({ tier: 'creator', is_verified: true }).eq('id', bob.id).select('tier,is_verified'))
      assert.deepEqual(upd, { tier: 'creator', is_verified: true })
      const rows = ok(await service.from('profiles').select('username').eq('is_active', false))
      assert.deepEqual(rows, [{ username: 'ghost' }])
    })
  })

  // --------------------------------------------------------------------------
  describe('luminors', () => {
    const COLS = 'name,slug,title,color,greeting_message,expertise'

    test('anon: the active public Luminors; system_prompt and select(*) are errors (401); writes 401', async () => {
      const rows = ok(await anon.from('luminors').select(COLS).order('name'))
      assert.deepEqual(
        rows.map((r) => [r.name, r.slug, r.color]),
        [
          ['Harmonix', 'harmonix', '#FF44AA'],
          ['Kinetix', 'kinetix', '#44FFAA'],
          ['Lumina', 'lumina', '#4444FF'],
        ],
      )
      denied(await anon.from('luminors').select('name,system_prompt'), 401)
      denied(await anon.from('luminors').select('*'), 401)
      denied(await anon.from('luminors').insert({ name: 'Fake', slug: 'fake' }), 401)
    })

    test('a user: reads like anon; may not insert, update or delete', async () => {
      assert.equal(ok(await alice.client.from('luminors').select('slug')).length, 3)
      denied(await alice.client.from('luminors').select('system_prompt'), 403)
      denied(await alice.client.from('luminors').insert({ name: 'Fake', slug: 'fake' }), 403)
      await unchanged('luminors', LUMINA, async () => {
        denied(await alice.client.from('luminors').update({ name: 'Mine' }).eq('id', LUMINA), 403)
        denied(await alice.client.from('luminors').update({ interaction_count: 99 }).eq('id', LUMINA), 403)
        denied(await alice.client.from('luminors').delete().eq('id', LUMINA), 403)
      })
    })

    test('another user: a retired Luminor is hidden from every user', async () => {
      await stack.sql(`insert into public.luminors (name, slug, is_active) values ('Retired', 'retired', false)`)
      assert.deepEqual(ok(await bob.client.from('luminors').select('slug').eq('slug', 'retired')), [])
    })

    test('service role: reads everything incl. system_prompt; inserts, updates and deletes', async () => {
      const row = ok(await service.from('luminors').select('*').eq('id', LUMINA).single())
      assert.match(row.system_prompt, /You are Lumina/)
      const made = ok(await service.from('luminors').insert({ name: 'Scribe', slug: 'scribe' }).select('id,slug').single(), 201)
      assert.equal(made.slug, 'scribe')
      ok(await service.from('luminors').update({ title: 'The Word Smith' }).eq('id', made.id), 204)
      ok(await service.from('luminors').delete().eq('id', made.id), 204)
      assert.equal(await snapshot('luminors', made.id), null)
      assert.equal(ok(await service.from('luminors').select('slug').eq('is_active', false)).length, 1)
    })
  })

  // --------------------------------------------------------------------------
  describe('luminor_conversations', () => {
    test('anon: 401 for select and insert', async () => {
      denied(await anon.from('luminor_conversations').select('id'), 401)
      denied(await anon.from('luminor_conversations').insert({ user_id: alice.id, luminor_id: LUMINA }), 401)
    })

    test('the owner: selects, inserts, edits title/context/archive flags and deletes their own', async () => {
      const mine = ok(await alice.client.from('luminor_conversations').select('id,title,message_count'))
      assert.deepEqual(mine, [{ id: conversation, title: 'Chat with Lumina', message_count: 2 }])
      const made = ok(
        await alice.client
          .from('luminor_conversations')
          .insert({ user_id: alice.id, luminor_id: HARMONIX, title: 'Beats', session_id: 's-1', context: { mood: 'chill' } })
          .select('id,title,context,is_archived')
          .single(),
        201,
      )
      assert.deepEqual({ ...made, id: undefined }, { id: undefined, title: 'Beats', context: { mood: 'chill' }, is_archived: false })
      const [upd] = ok(await alice.client.from('luminor_conversations').update({ title: 'Old beats', is_archived: true }).eq('id', made.id).select('title,is_archived'))
      assert.deepEqual(upd, { title: 'Old beats', is_archived: true })
      ok(await alice.client.from('luminor_conversations').delete().eq('id', made.id), 204)
      assert.equal(await snapshot('luminor_conversations', made.id), null)
    })

    test('the owner: message_count and last_message_at are not writable; nothing changes', async () => {
      await unchanged('luminor_conversations', conversation, async () => {
        denied(await alice.client.from('luminor_conversations').update({ message_count: 0 }).eq('id', conversation), 403)
        denied(await alice.client.from('luminor_conversations').update({ last_message_at: null }).eq('id', conversation), 403)
        denied(await alice.client.from('luminor_conversations').update({ user_id: bob.id }).eq('id', conversation), 403)
      })
    })

    test('another user: sees none of them, cannot insert for the owner, updates and deletes match nothing', async () => {
      assert.deepEqual(ok(await bob.client.from('luminor_conversations').select('id')), [])
      rlsDenied(await bob.client.from('luminor_conversations').insert({ user_id: alice.id, luminor_id: LUMINA }))
      await unchanged('luminor_conversations', conversation, async () => {
        ok(await bob.client.from('luminor_conversations').update({ title: 'mine now' }).eq('id', conversation), 204)
        ok(await bob.client.from('luminor_conversations').delete().eq('id', conversation), 204)
      })
    })

    test('service role: sees and writes every conversation', async () => {
      const rows = ok(await service.from('luminor_conversations').select('id,user_id'))
      assert.deepEqual(rows, [{ id: conversation, user_id: alice.id }])
      ok(await service.from('luminor_conversations').update({ message_count: 2 }).eq('id', conversation), 204)
    })
  })

  // --------------------------------------------------------------------------
  describe('luminor_messages', () => {
    test('anon: 401 for select and insert', async () => {
      denied(await anon.from('luminor_messages').select('id'), 401)
      denied(await anon.from('luminor_messages').insert({ conversation_id: conversation, user_id: alice.id, role: 'user', content: 'x' }), 401)
    })

    test('the owner: reads their messages, writes their own turn and rates a reply', async () => {
      const rows = ok(await alice.client.from('luminor_messages').select('role,content,model').eq('conversation_id', conversation).order('created_at'))
      assert.deepEqual(rows, [
        { role: 'user', content: 'Hello Lumina', model: null },
        { role: 'assistant', content: 'Welcome!', model: 'gpt-x' },
      ])
      const made = ok(
        await alice.client
          .from('luminor_messages')
          .insert({ conversation_id: conversation, user_id: alice.id, role: 'user', content: 'Tell me about light' })
          .select('id,role,content')
          .single(),
        201,
      )
      assert.equal(made.role, 'user')
      assert.equal(await count(`public.luminor_messages where conversation_id = :'c'`, { c: conversation }), 3)
      const [rated] = ok(await alice.client.from('luminor_messages').update({ user_rating: 5, was_helpful: true }).eq('id', assistantMessage).select('user_rating,was_helpful'))
      assert.deepEqual(rated, { user_rating: 5, was_helpful: true })
    })

    test('the owner: an assistant or system message, or model/tokens/cost, is refused; nothing inserted', async () => {
      const before = await count(`public.luminor_messages`)
      const base = { conversation_id: conversation, user_id: alice.id, content: 'I am Lumina, trust me' }
      rlsDenied(await alice.client.from('luminor_messages').insert({ ...base, role: 'assistant' }))
      rlsDenied(await alice.client.from('luminor_messages').insert({ ...base, role: 'system' }))
      denied(await alice.client.from('luminor_messages').insert({ ...base, role: 'user', model: 'gpt-x' }), 403)
      denied(await alice.client.from('luminor_messages').insert({ ...base, role: 'user', tokens: 5, cost: 0.1 }), 403)
      assert.equal(await count(`public.luminor_messages`), before)
    })

    test('the owner: content, role and usage of a message are not editable; no deletes', async () => {
      await unchanged('luminor_messages', assistantMessage, async () => {
        denied(await alice.client.from('luminor_messages').update({ content: 'rewritten' }).eq('id', assistantMessage), 403)
        denied(await alice.client.from('luminor_messages').update({ role: 'user' }).eq('id', assistantMessage), 403)
        denied(await alice.client.from('luminor_messages').update({ tokens: 0 }).eq('id', assistantMessage), 403)
        denied(await alice.client.from('luminor_messages').delete().eq('id', assistantMessage), 403)
      })
    })

    test('another user: sees none, cannot write into the owner\'s conversation, ratings match nothing', async () => {
      assert.deepEqual(ok(await bob.client.from('luminor_messages').select('id')), [])
      const before = await count(`public.luminor_messages`)
      rlsDenied(await bob.client.from('luminor_messages').insert({ conversation_id: conversation, user_id: alice.id, role: 'user', content: 'hi' }))
      // As himself: the message must belong to the conversation's owner (composite foreign key).
      fails(await bob.client.from('luminor_messages').insert({ conversation_id: conversation, user_id: bob.id, role: 'user', content: 'hi' }), 409, '23503')
      assert.equal(await count(`public.luminor_messages`), before)
      await unchanged('luminor_messages', userMessage, async () => {
        ok(await bob.client.from('luminor_messages').update({ user_rating: 1 }).eq('id', userMessage), 204)
      })
    })

    test('service role: writes assistant messages with usage', async () => {
      const made = ok(
        await service
          .from('luminor_messages')
          .insert({ conversation_id: conversation, user_id: alice.id, role: 'assistant', content: 'Light bends.', model: 'gpt-x', tokens: 7, cost: 0.0001 })
          .select('role,tokens')
          .single(),
        201,
      )
      assert.deepEqual(made, { role: 'assistant', tokens: 7 })
    })
  })

  // --------------------------------------------------------------------------
  describe('luminor_relationships', () => {
    test('anon: 401', async () => {
      denied(await anon.from('luminor_relationships').select('id'), 401)
    })

    test('the owner: reads the bond and edits user_preferences', async () => {
      const rows = ok(await alice.client.from('luminor_relationships').select('luminor_id,bond_level,bond_xp,key_memories'))
      assert.deepEqual(rows, [{ luminor_id: LUMINA, bond_level: 1, bond_xp: 10, key_memories: [] }])
      const [upd] = ok(await alice.client.from('luminor_relationships').update({ user_preferences: { tone: 'brief' } }).eq('id', relationship).select('user_preferences'))
      assert.deepEqual(upd, { user_preferences: { tone: 'brief' } })
    })

    test('the owner: bond_level, bond_xp, interactions and memories are not writable; no insert or delete', async () => {
      await unchanged('luminor_relationships', relationship, async () => {
        denied(await alice.client.from('luminor_relationships').update({ bond_level: 10 }).eq('id', relationship), 403)
        denied(await alice.client.from('luminor_relationships').update({ bond_xp: 99999 }).eq('id', relationship), 403)
        denied(await alice.client.from('luminor_relationships').update({ total_interactions: 500 }).eq('id', relationship), 403)
        denied(await alice.client.from('luminor_relationships').update({ key_memories: [{ content: 'planted' }] }).eq('id', relationship), 403)
        denied(await alice.client.from('luminor_relationships').delete().eq('id', relationship), 403)
      })
      // Relationships are created by get_or_create_conversation and add_key_memory.
      denied(await alice.client.from('luminor_relationships').insert({ user_id: alice.id, luminor_id: HARMONIX }), 403)
      denied(await alice.client.from('luminor_relationships').insert({ user_id: alice.id, luminor_id: HARMONIX, bond_level: 10 }), 403)
      assert.equal(await count(`public.luminor_relationships`), 1)
    })

    test('another user: sees none; updates match nothing', async () => {
      assert.deepEqual(ok(await bob.client.from('luminor_relationships').select('id')), [])
      await unchanged('luminor_relationships', relationship, async () => {
        ok(await bob.client.from('luminor_relationships').update({ user_preferences: { tone: 'rude' } }).eq('id', relationship), 204)
      })
    })

    test('service role: writes the bond', async () => {
      const [row] = ok(await service.from('luminor_relationships').update({ bond_xp: 20 }).eq('id', relationship).select('bond_level,bond_xp'))
      assert.deepEqual(row, { bond_level: 1, bond_xp: 20 })
    })
  })

  // --------------------------------------------------------------------------
  describe('creations', () => {
    const COLS = 'id,user_id,title,type,status,like_count,is_featured'

    test('anon: published public creations only; writes 401', async () => {
      const rows = ok(await anon.from('creations').select(COLS))
      assert.deepEqual(
        rows.map((r) => r.id),
        [published],
      )
      await unchanged('creations', published, async () => {
        denied(await anon.from('creations').update({ title: 'defaced' }).eq('id', published), 401)
        denied(await anon.from('creations').delete().eq('id', published), 401)
      })
      denied(await anon.from('creations').insert({ user_id: alice.id, title: 'spam', type: 'image' }), 401)
    })

    test('anon and users: select(*) returns the public columns (the default of .select())', async () => {
      // Every column of creations is readable (RLS decides which rows), so
      // `*`, the default of .select(), works.
      const a = await anon.from('creations').select('*').eq('id', published)
      assert.equal(a.error, null, `anon select(*): ${JSON.stringify(a.error)}`)
      assert.equal(a.data[0].title, 'Dragon at dawn')
      const u = await alice.client.from('creations').select().eq('id', draft)
      assert.equal(u.error, null, `owner select(): ${JSON.stringify(u.error)}`)
      assert.equal(u.data[0].status, 'draft')
    })

    test('the owner: sees drafts, creates drafts, edits content and deletes', async () => {
      const mine = ok(await alice.client.from('creations').select('id,status').order('status'))
      assert.deepEqual(mine, [
        { id: draft, status: 'draft' },
        { id: published, status: 'published' },
      ])
      const made = ok(
        await alice.client
          .from('creations')
          .insert({ user_id: alice.id, title: 'Night moth', type: 'image', tags: ['moth', 'night'], prompt: 'a moth, moonlight' })
          .select('id,status,like_count,published_at')
          .single(),
        201,
      )
      assert.deepEqual({ ...made, id: undefined }, { id: undefined, status: 'draft', like_count: 0, published_at: null })
      const [upd] = ok(await alice.client.from('creations').update({ title: 'Night moths', is_nsfw: false, tags: ['moth'] }).eq('id', made.id).select('title,tags'))
      assert.deepEqual(upd, { title: 'Night moths', tags: ['moth'] })
      ok(await alice.client.from('creations').delete().eq('id', made.id), 204)
      assert.equal(await snapshot('creations', made.id), null)
    })

    test('the owner: may not insert published or someone else\'s creations, nor set counters', async () => {
      const before = await count(`public.creations`)
      rlsDenied(await alice.client.from('creations').insert({ user_id: alice.id, title: 'x', type: 'image', status: 'published' }))
      rlsDenied(await alice.client.from('creations').insert({ user_id: bob.id, title: 'x', type: 'image' }))
      denied(await alice.client.from('creations').insert({ user_id: alice.id, title: 'x', type: 'image', like_count: 500 }), 403)
      denied(await alice.client.from('creations').insert({ user_id: alice.id, title: 'x', type: 'image', is_featured: true }), 403)
      fails(await alice.client.from('creations').insert({ user_id: alice.id, title: 'x', type: 'painting' }), 400, '23514')
      assert.equal(await count(`public.creations`), before)
    })

    test('the owner: like_count, view_count, is_featured, status and published_at are not writable; nothing changes', async () => {
      await unchanged('creations', published, async () => {
        denied(await alice.client.from('creations').update({ like_count: 9999 }).eq('id', published), 403)
        denied(await alice.client.from('creations').update({ view_count: 9999 }).eq('id', published), 403)
        denied(await alice.client.from('creations').update({ is_featured: true }).eq('id', published), 403)
        denied(await alice.client.from('creations').update({ title: 'Featured!', is_featured: true }).eq('id', published), 403)
        denied(await alice.client.from('creations').update({ user_id: bob.id }).eq('id', published), 403)
      })
      await unchanged('creations', draft, async () => {
        denied(await alice.client.from('creations').update({ status: 'published' }).eq('id', draft), 403)
        denied(await alice.client.from('creations').update({ published_at: new Date().toISOString() }).eq('id', draft), 403)
      })
    })

    test('another user: sees published ones only; updates and deletes of the owner\'s match nothing', async () => {
      const rows = ok(await bob.client.from('creations').select('id'))
      assert.deepEqual(rows, [{ id: published }])
      await unchanged('creations', published, async () => {
        assert.deepEqual(ok(await bob.client.from('creations').update({ title: 'mine' }).eq('id', published).select('id')), [])
        ok(await bob.client.from('creations').delete().eq('id', published), 204)
      })
      await unchanged('creations', draft, async () => {
        ok(await bob.client.from('creations').delete().eq('id', draft), 204)
      })
    })

    test('service role: sees all, features a creation', async () => {
      assert.equal(ok(await service.from('creations').select('id')).length, 2)
      const [row] = ok(await service.from('creations').update({ is_featured: true }).eq('id', published).select('is_featured'))
      assert.deepEqual(row, { is_featured: true })
    })
  })

  // --------------------------------------------------------------------------
  describe('likes', () => {
    let bobsLike
    const likeCount = async () => (await snapshot('creations', published)).like_count

    test('anon: reads likes of visible creations; insert 401', async () => {
      await stack.sql(`insert into public.likes (user_id, creation_id) values (:'a', :'d')`, { a: alice.id, d: draft })
      assert.deepEqual(ok(await anon.from('likes').select('creation_id')), [], 'a like of a draft is hidden')
      denied(await anon.from('likes').insert({ user_id: bob.id, creation_id: published }), 401)
    })

    test('the owner (of the like): likes as themself, the counter follows; a duplicate is 409; unlikes', async () => {
      const made = ok(await bob.client.from('likes').insert({ user_id: bob.id, creation_id: published }).select('id,user_id').single(), 201)
      bobsLike = made.id
      assert.equal(await likeCount(), 1)
      fails(await bob.client.from('likes').insert({ user_id: bob.id, creation_id: published }), 409, '23505')
      assert.deepEqual(ok(await anon.from('likes').select('user_id')), [{ user_id: bob.id }])
      ok(await bob.client.from('likes').delete().eq('id', bobsLike), 204)
      assert.equal(await likeCount(), 0)
      bobsLike = ok(await bob.client.from('likes').insert({ user_id: bob.id, creation_id: published }).select('id').single(), 201).id
    })

    test('a user: may not like as someone else, nor a creation they cannot see', async () => {
      const before = await count(`public.likes`)
      rlsDenied(await bob.client.from('likes').insert({ user_id: alice.id, creation_id: published }))
      rlsDenied(await bob.client.from('likes').insert({ user_id: bob.id, creation_id: draft }))
      assert.equal(await count(`public.likes`), before)
    })

    test('another user: cannot delete someone else\'s like (matches nothing)', async () => {
      await unchanged('likes', bobsLike, async () => {
        ok(await alice.client.from('likes').delete().eq('id', bobsLike), 204)
      })
      assert.equal(await likeCount(), 1)
    })

    test('service role: sees every like', async () => {
      assert.equal(ok(await service.from('likes').select('id')).length, 2)
    })
  })

  // --------------------------------------------------------------------------
  describe('comments', () => {
    let bobsComment

    test('anon: reads comments on visible creations; insert 401', async () => {
      ;[{ id: bobsComment }] = await dml(
        `insert into public.comments (user_id, creation_id, content) values (:'b', :'p', 'Lovely light') returning id`,
        { b: bob.id, p: published },
      )
      assert.deepEqual(ok(await anon.from('comments').select('content')), [{ content: 'Lovely light' }])
      denied(await anon.from('comments').insert({ user_id: bob.id, creation_id: published, content: 'spam' }), 401)
    })

    test('the author: comments on published creations, edits (is_edited follows) and deletes', async () => {
      const made = ok(
        await bob.client.from('comments').insert({ user_id: bob.id, creation_id: published, content: 'Second look: wow' }).select('id,is_edited').single(),
        201,
      )
      assert.equal(made.is_edited, false)
      assert.equal((await snapshot('creations', published)).comment_count, 2)
      const [upd] = ok(await bob.client.from('comments').update({ content: 'Second look: WOW' }).eq('id', made.id).select('content,is_edited'))
      assert.deepEqual(upd, { content: 'Second look: WOW', is_edited: true })
      ok(await bob.client.from('comments').delete().eq('id', made.id), 204)
      assert.equal((await snapshot('creations', published)).comment_count, 1)
    })

    test('the author: is_flagged, like_count and is_edited are not writable; nothing changes', async () => {
      await unchanged('comments', bobsComment, async () => {
        denied(await bob.client.from('comments').update({ is_flagged: true }).eq('id', bobsComment), 403)
        denied(await bob.client.from('comments').update({ like_count: 50 }).eq('id', bobsComment), 403)
        denied(await bob.client.from('comments').update({ is_edited: false }).eq('id', bobsComment), 403)
      })
    })

    test('a user: may not comment as someone else, on a draft, or blank', async () => {
      const before = await count(`public.comments`)
      rlsDenied(await bob.client.from('comments').insert({ user_id: alice.id, creation_id: published, content: 'I am alice' }))
      rlsDenied(await bob.client.from('comments').insert({ user_id: bob.id, creation_id: draft, content: 'peek' }))
      fails(await bob.client.from('comments').insert({ user_id: bob.id, creation_id: published, content: '   ' }), 400, '23514')
      assert.equal(await count(`public.comments`), before)
    })

    test('another user: edits and deletes of someone else\'s comment match nothing', async () => {
      await unchanged('comments', bobsComment, async () => {
        ok(await alice.client.from('comments').update({ content: 'edited by alice' }).eq('id', bobsComment), 204)
        ok(await alice.client.from('comments').delete().eq('id', bobsComment), 204)
      })
    })

    test('service role: moderates (flags) a comment', async () => {
      const [row] = ok(await service.from('comments').update({ is_flagged: true }).eq('id', bobsComment).select('is_flagged'))
      assert.deepEqual(row, { is_flagged: true })
    })
  })

  // --------------------------------------------------------------------------
  describe('follows', () => {
    let follow

    test('anon: reads the social graph; insert and delete 401', async () => {
      ;[{ id: follow }] = await dml(`insert into public.follows (follower_id, following_id) values (:'b', :'a') returning id`, {
        a: alice.id,
        b: bob.id,
      })
      assert.deepEqual(ok(await anon.from('follows').select('follower_id,following_id')), [{ follower_id: bob.id, following_id: alice.id }])
      denied(await anon.from('follows').insert({ follower_id: alice.id, following_id: bob.id }), 401)
      await unchanged('follows', follow, async () => {
        denied(await anon.from('follows').delete().eq('id', follow), 401)
      })
    })

    test('the follower: follows (counters follow), toggles notify_creations, unfollows; 409 duplicate, 400 self', async () => {
      ok(await alice.client.from('follows').insert({ follower_id: alice.id, following_id: bob.id }), 201)
      assert.equal((await snapshot('profiles', bob.id)).follower_count, 1)
      fails(await alice.client.from('follows').insert({ follower_id: alice.id, following_id: bob.id }), 409, '23505')
      fails(await alice.client.from('follows').insert({ follower_id: alice.id, following_id: alice.id }), 400, '23514')
      const [upd] = ok(await alice.client.from('follows').update({ notify_creations: false }).eq('follower_id', alice.id).select('notify_creations'))
      assert.deepEqual(upd, { notify_creations: false })
      ok(await alice.client.from('follows').delete().eq('follower_id', alice.id).eq('following_id', bob.id), 204)
      assert.equal((await snapshot('profiles', bob.id)).follower_count, 0)
    })

    test('a user: may not follow on someone else\'s behalf, nor move a follow', async () => {
      rlsDenied(await alice.client.from('follows').insert({ follower_id: bob.id, following_id: ghost.id }))
      await unchanged('follows', follow, async () => {
        denied(await bob.client.from('follows').update({ following_id: ghost.id }).eq('id', follow), 403)
        denied(await bob.client.from('follows').update({ created_at: '2000-01-01T00:00:00Z' }).eq('id', follow), 403)
      })
    })

    test('another user: cannot remove someone else\'s follow (matches nothing)', async () => {
      await unchanged('follows', follow, async () => {
        ok(await alice.client.from('follows').delete().eq('id', follow), 204)
        ok(await alice.client.from('follows').update({ notify_creations: false }).eq('id', follow), 204)
      })
    })

    test('service role: reads and removes any follow', async () => {
      assert.equal(ok(await service.from('follows').select('id')).length, 1)
    })
  })

  // --------------------------------------------------------------------------
  describe('notifications', () => {
    test('anon: 401 for everything', async () => {
      denied(await anon.from('notifications').select('id'), 401)
      denied(await anon.from('notifications').insert({ user_id: alice.id, type: 'mention', title: 'x' }), 401)
    })

    test('the recipient: reads their own, marks read (read_at follows) and archived, deletes', async () => {
      const mine = ok(await alice.client.from('notifications').select('id,title,is_read').eq('type', 'system_announcement'))
      assert.deepEqual(mine, [{ id: aliceNote, title: 'Welcome alice', is_read: false }])
      const [upd] = ok(await alice.client.from('notifications').update({ is_read: true, is_archived: true }).eq('id', aliceNote).select('is_read,is_archived,read_at'))
      assert.equal(upd.is_read, true)
      assert.equal(upd.is_archived, true)
      assert.ok(upd.read_at, 'read_at is set by the database')
      const [{ id: extra }] = await dml(`insert into public.notifications (user_id, type, title) values (:'a', 'mention', 'tmp') returning id`, { a: alice.id })
      ok(await alice.client.from('notifications').delete().eq('id', extra), 204)
      assert.equal(await snapshot('notifications', extra), null)
    })

    test('the recipient: may not insert notifications, nor edit title, type or read_at; nothing changes', async () => {
      const before = await count(`public.notifications`)
      denied(await alice.client.from('notifications').insert({ user_id: alice.id, type: 'mention', title: 'Fake mention' }), 403)
      denied(await alice.client.from('notifications').insert({ user_id: bob.id, type: 'system_announcement', title: 'You won' }), 403)
      assert.equal(await count(`public.notifications`), before)
      await unchanged('notifications', aliceNote, async () => {
        denied(await alice.client.from('notifications').update({ title: 'edited' }).eq('id', aliceNote), 403)
        denied(await alice.client.from('notifications').update({ type: 'mention' }).eq('id', aliceNote), 403)
        denied(await alice.client.from('notifications').update({ read_at: null }).eq('id', aliceNote), 403)
      })
    })

    test('another user: sees none of them; updates and deletes match nothing', async () => {
      const seen = ok(await alice.client.from('notifications').select('id'))
      assert.ok(!seen.some((n) => n.id === bobNote), 'alice does not see bob\'s')
      await unchanged('notifications', bobNote, async () => {
        ok(await alice.client.from('notifications').update({ is_read: true }).eq('id', bobNote), 204)
        ok(await alice.client.from('notifications').delete().eq('id', bobNote), 204)
      })
    })

    test('service role: creates notifications for anyone', async () => {
      const made = ok(
        await service.from('notifications').insert({ user_id: bob.id, type: 'system_announcement', title: 'Maintenance tonight' }).select('user_id,is_read').single(),
        201,
      )
      assert.deepEqual(made, { user_id: bob.id, is_read: false })
      const bobs = ok(await bob.client.from('notifications').select('title').eq('type', 'system_announcement').order('created_at'))
      assert.deepEqual(
        bobs.map((n) => n.title),
        ['Welcome bob', 'Maintenance tonight'],
      )
    })
  })
})
