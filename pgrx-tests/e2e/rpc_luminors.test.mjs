// Luminor RPCs through supabase-js and the real PostgREST 12.0.2: each as the
// user acting for themself, as another user, as anon and with the service key,
// asserting data and HTTP status; refused calls write nothing (checked with
// psql as the superuser).
//
// get_or_create_conversation, add_message_to_conversation,
// check_bond_level_up, add_key_memory, get_key_memories,
// get_conversation_with_messages, get_luminor_relationship,
// archive_old_conversations.
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'

import { useStack } from './harness.mjs'
import { MISSING, fails, ok } from './expect.mjs'

const stack = useStack()

const LUMINA = '00000000-0000-4000-8000-00000000a001'
const HARMONIX = '00000000-0000-4000-8000-00000000a002'
const RETIRED = '00000000-0000-4000-8000-00000000dead'

async function one(select, vars = {}) {
  const rows = await stack.query(select, vars)
  assert.equal(rows.length, 1, `expected one row from: ${select}`)
  return rows[0]
}

const count = async (from, vars = {}) => (await one(`select count(*)::int as n from ${from}`, vars)).n

// Node 20 runs top-level before() hooks concurrently: the fixtures are set up
// inside this suite so that they wait for the stack.
describe('Luminor RPCs through PostgREST', () => {
  // alice chats with Lumina; bob is another user; carol is created by the
  // service role's calls.
  let alice, bob, carol, anon, service
  let conversation // alice's conversation with Lumina

  before(async () => {
    alice = await stack.createUser({ username: 'alice' })
    bob = await stack.createUser({ username: 'bob' })
    carol = await stack.createUser({ username: 'carol' })
    anon = stack.client('anon')
    service = stack.client('service_role')
    await stack.sql(`insert into public.luminors (id, name, slug, is_active) values (:'id', 'Retired', 'retired', false)`, {
      id: RETIRED,
    })
  })

  // --------------------------------------------------------------------------
  describe('get_or_create_conversation', () => {
    test('as the user: 200 with the conversation row, the same one again', async () => {
      conversation = ok(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA }))
      assert.equal(conversation.user_id, alice.id)
      assert.equal(conversation.luminor_id, LUMINA)
      assert.equal(conversation.title, 'Chat with Lumina')
      assert.equal(conversation.session_id, null)
      assert.equal(conversation.message_count, 0)
      const again = ok(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_user_id: alice.id }))
      assert.equal(again.id, conversation.id)
      const tab = ok(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_session_id: 'tab-2' }))
      assert.notEqual(tab.id, conversation.id, 'another session, another conversation')
      assert.equal(await count(`public.luminor_relationships where user_id = :'a'`, { a: alice.id }), 1)
    })

    test('for another user: 403 and nothing created', async () => {
      fails(await bob.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_user_id: alice.id }), 403, '42501')
      fails(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_user_id: bob.id }), 403, '42501')
      assert.equal(await count(`public.luminor_conversations where user_id = :'b'`, { b: bob.id }), 0)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('get_or_create_conversation', { p_luminor_id: LUMINA }), 401, '42501')
    })

    test('with the service key: 200 for a named user, 400 without one', async () => {
      const conv = ok(await service.rpc('get_or_create_conversation', { p_luminor_id: HARMONIX, p_user_id: carol.id }))
      assert.equal(conv.user_id, carol.id)
      assert.equal(conv.title, 'Chat with Harmonix')
      fails(await service.rpc('get_or_create_conversation', { p_luminor_id: HARMONIX }), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 missing, malformed or overlong; 404 unknown or retired Luminor', async () => {
      fails(await alice.client.rpc('get_or_create_conversation'), 400, '22004', /p_luminor_id/)
      fails(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: 'lumina' }), 400, '22P02')
      fails(
        await alice.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA, p_session_id: 'x'.repeat(201) }),
        400,
        '22023',
        /p_session_id/,
      )
      fails(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: MISSING }), 404, 'PT404', /luminor not found/)
      fails(await alice.client.rpc('get_or_create_conversation', { p_luminor_id: RETIRED }), 404, 'PT404', /luminor not found/)
    })

    test('with { get: true }: 405, nothing created', async () => {
      fails(await bob.client.rpc('get_or_create_conversation', { p_luminor_id: LUMINA }, { get: true }), 405, '25006')
      assert.equal(await count(`public.luminor_conversations where user_id = :'b'`, { b: bob.id }), 0)
      assert.equal(await count(`public.luminor_relationships where user_id = :'b'`, { b: bob.id }), 0)
    })
  })

  // --------------------------------------------------------------------------
  describe('add_message_to_conversation', () => {
    const messages = () => count(`public.luminor_messages where conversation_id = :'c'`, { c: conversation.id })

    test('as the user: 200 with the message row; a user message earns 10 XP', async () => {
      const msg = ok(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: conversation.id, p_content: 'Hello Lumina' }))
      assert.equal(msg.role, 'user')
      assert.equal(msg.content, 'Hello Lumina')
      assert.equal(msg.user_id, alice.id)
      assert.equal(msg.conversation_id, conversation.id)
      const rel = await one(`select bond_xp, total_interactions from public.luminor_relationships where user_id = :'a' and luminor_id = :'l'`, {
        a: alice.id,
        l: LUMINA,
      })
      assert.deepEqual(rel, { bond_xp: 10, total_interactions: 1 })
    })

    test('as the user speaking for the Luminor: 403 (assistant role, model, tokens or cost)', async () => {
      const base = { p_conversation_id: conversation.id, p_content: 'I am Lumina' }
      fails(await alice.client.rpc('add_message_to_conversation', { ...base, p_role: 'assistant' }), 403, '42501', /only the service role/)
      fails(await alice.client.rpc('add_message_to_conversation', { ...base, p_cost: 0.5 }), 403, '42501')
      fails(await alice.client.rpc('add_message_to_conversation', { ...base, p_model: 'gpt-x' }), 403, '42501')
      assert.equal(await messages(), 1)
    })

    test('as another user: 404 for someone else\'s conversation, 403 acting as its owner; nothing written', async () => {
      fails(await bob.client.rpc('add_message_to_conversation', { p_conversation_id: conversation.id, p_content: 'hi' }), 404, 'PT404', /conversation not found/)
      fails(
        await bob.client.rpc('add_message_to_conversation', { p_conversation_id: conversation.id, p_user_id: alice.id, p_content: 'hi' }),
        403,
        '42501',
      )
      assert.equal(await messages(), 1)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('add_message_to_conversation', { p_conversation_id: conversation.id, p_content: 'hi' }), 401, '42501')
    })

    test('with the service key: 200 for an assistant reply with usage; no XP for it', async () => {
      const msg = ok(
        await service.rpc('add_message_to_conversation', {
          p_conversation_id: conversation.id,
          p_user_id: alice.id,
          p_role: 'assistant',
          p_content: 'Welcome, traveller.',
          p_model: 'gpt-x',
          p_tokens: 42,
          p_cost: 0.0012,
        }),
      )
      assert.equal(msg.role, 'assistant')
      assert.equal(msg.tokens, 42)
      assert.equal(Number(msg.cost), 0.0012)
      assert.equal(msg.user_id, alice.id, 'a message belongs to the conversation owner')
      const rel = await one(`select bond_xp from public.luminor_relationships where user_id = :'a' and luminor_id = :'l'`, { a: alice.id, l: LUMINA })
      assert.equal(rel.bond_xp, 10)
      fails(await service.rpc('add_message_to_conversation', { p_conversation_id: conversation.id, p_content: 'x' }), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 unknown role, blank/missing/overlong content, negative tokens, malformed id; 404 unknown', async () => {
      const c = conversation.id
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: c, p_role: 'robot', p_content: 'x' }), 400, '22023', /p_role/)
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: c, p_content: '   ' }), 400, '22023', /p_content/)
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: c }), 400, '22004', /missing required argument p_content/)
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: c, p_content: 'x'.repeat(32001) }), 400, '22023')
      fails(
        await service.rpc('add_message_to_conversation', { p_conversation_id: c, p_user_id: alice.id, p_role: 'assistant', p_content: 'x', p_tokens: -1 }),
        400,
        '22023',
        /p_tokens/,
      )
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: 'abc', p_content: 'x' }), 400, '22P02')
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: c, p_content: 'x', p_tokens: 'many' }), 400, '22P02')
      fails(await alice.client.rpc('add_message_to_conversation', { p_content: 'x' }), 400, '22004', /p_conversation_id/)
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: MISSING, p_content: 'x' }), 404, 'PT404')
      assert.equal(await messages(), 2)
    })

    test('with { get: true }: 405, nothing written', async () => {
      fails(await alice.client.rpc('add_message_to_conversation', { p_conversation_id: conversation.id, p_content: 'hi' }, { get: true }), 405, '25006')
      assert.equal(await messages(), 2)
    })
  })

  // --------------------------------------------------------------------------
  describe('check_bond_level_up', () => {
    test('as the user: 200 with the bond; XP granted by an operator is settled into levels', async () => {
      assert.deepEqual(ok(await alice.client.rpc('check_bond_level_up', { p_luminor_id: LUMINA })), {
        leveled_up: false,
        previous_level: 1,
        bond_level: 1,
        bond_xp: 10,
        xp_for_next_level: 100,
      })
      await stack.sql(`update public.luminor_relationships set bond_xp = bond_xp + 100 + 282 where user_id = :'a' and luminor_id = :'l'`, {
        a: alice.id,
        l: LUMINA,
      })
      assert.deepEqual(ok(await alice.client.rpc('check_bond_level_up', { p_luminor_id: LUMINA, p_user_id: alice.id })), {
        leveled_up: true,
        previous_level: 1,
        bond_level: 3,
        bond_xp: 10,
        xp_for_next_level: 519,
      })
      const levels = await stack.query(
        `select (metadata->>'bond_level')::int as level from public.notifications
          where user_id = :'a' and type = 'bond_level_up' order by 1`,
        { a: alice.id },
      )
      assert.deepEqual(levels, [{ level: 2 }, { level: 3 }])
    })

    test('as another user: 403 acting for the owner, 404 without a relationship of their own', async () => {
      fails(await bob.client.rpc('check_bond_level_up', { p_luminor_id: LUMINA, p_user_id: alice.id }), 403, '42501')
      fails(await bob.client.rpc('check_bond_level_up', { p_luminor_id: LUMINA }), 404, 'PT404', /relationship not found/)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('check_bond_level_up', { p_luminor_id: LUMINA }), 401, '42501')
    })

    test('with the service key: 200 for a named user, 400 without one', async () => {
      const bond = ok(await service.rpc('check_bond_level_up', { p_luminor_id: LUMINA, p_user_id: alice.id }))
      assert.equal(bond.bond_level, 3)
      assert.equal(bond.leveled_up, false)
      fails(await service.rpc('check_bond_level_up', { p_luminor_id: LUMINA }), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 missing or malformed Luminor', async () => {
      fails(await alice.client.rpc('check_bond_level_up'), 400, '22004', /p_luminor_id/)
      fails(await alice.client.rpc('check_bond_level_up', { p_luminor_id: 'abc' }), 400, '22P02')
    })

    test('with { get: true }: 405', async () => {
      fails(await alice.client.rpc('check_bond_level_up', { p_luminor_id: LUMINA }, { get: true }), 405, '25006')
    })
  })

  // --------------------------------------------------------------------------
  describe('add_key_memory', () => {
    const memories = (user) =>
      one(`select jsonb_array_length(key_memories) as n from public.luminor_relationships where user_id = :'u' and luminor_id = :'l'`, {
        u: user,
        l: LUMINA,
      }).then((r) => r.n)

    test('as the user: 200 with the stored memory; the same content updates it', async () => {
      const m = ok(
        await alice.client.rpc('add_key_memory', {
          p_luminor_id: LUMINA,
          p_memory_type: 'project',
          p_content: 'Painting a dragon series',
          p_importance: 8,
        }),
      )
      assert.ok(m.id, 'has an id')
      assert.equal(m.content, 'Painting a dragon series')
      assert.equal(m.importance, 8)
      const again = ok(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'painting a  Dragon series.', p_importance: 9 }))
      assert.equal(again.id, m.id)
      ok(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_user_id: alice.id, p_content: 'Has a cat called Miso', p_importance: 3 }))
      assert.equal(await memories(alice.id), 2)
    })

    test('for another user: 403, nothing stored', async () => {
      fails(await bob.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_user_id: alice.id, p_content: 'Likes spam' }), 403, '42501')
      assert.equal(await memories(alice.id), 2)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'x' }), 401, '42501')
    })

    test('with the service key: 200 for a named user (the relationship is created), 400 without one', async () => {
      const m = ok(await service.rpc('add_key_memory', { p_luminor_id: LUMINA, p_user_id: carol.id, p_content: 'Plays the cello', p_memory_type: 'fact' }))
      assert.equal(m.content, 'Plays the cello')
      assert.equal(m.importance, 5, 'default importance')
      assert.equal(await memories(carol.id), 1)
      fails(await service.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'x' }), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 importance out of range, bad type, missing content; 404 unknown Luminor', async () => {
      fails(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'x', p_importance: 11 }), 400, '22023', /p_importance/)
      fails(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'x', p_importance: 'high' }), 400, '22P02')
      fails(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'x', p_memory_type: 'Bad Type!' }), 400, '22023', /p_memory_type/)
      fails(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA }), 400, '22004', /p_content/)
      fails(await alice.client.rpc('add_key_memory', { p_luminor_id: MISSING, p_content: 'x' }), 404, 'PT404', /luminor not found/)
      assert.equal(await memories(alice.id), 2)
    })

    test('with { get: true }: 405', async () => {
      fails(await alice.client.rpc('add_key_memory', { p_luminor_id: LUMINA, p_content: 'x' }, { get: true }), 405, '25006')
      assert.equal(await memories(alice.id), 2)
    })
  })

  // --------------------------------------------------------------------------
  describe('get_key_memories', () => {
    test('as the user: 200, the relevant memory first; also with { get: true }', async () => {
      const best = ok(await alice.client.rpc('get_key_memories', { p_luminor_id: LUMINA, p_query: 'ideas for my dragons', p_limit: 1 }))
      assert.equal(best.length, 1)
      assert.equal(best[0].content, 'painting a  Dragon series.')
      const all = ok(await alice.client.rpc('get_key_memories', { p_luminor_id: LUMINA, p_query: 'my cat' }, { get: true }))
      assert.equal(all.length, 2)
      assert.equal(all[0].content, 'Has a cat called Miso')
    })

    test('as another user: 403 for the owner\'s memories, 404 without a relationship', async () => {
      fails(await bob.client.rpc('get_key_memories', { p_luminor_id: LUMINA, p_user_id: alice.id }), 403, '42501')
      fails(await bob.client.rpc('get_key_memories', { p_luminor_id: LUMINA }, { get: true }), 404, 'PT404', /relationship not found/)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('get_key_memories', { p_luminor_id: LUMINA }, { get: true }), 401, '42501')
    })

    test('with the service key: 200 for a named user', async () => {
      const got = ok(await service.rpc('get_key_memories', { p_luminor_id: LUMINA, p_user_id: carol.id }, { get: true }))
      assert.deepEqual(
        got.map((m) => m.content),
        ['Plays the cello'],
      )
      fails(await service.rpc('get_key_memories', { p_luminor_id: LUMINA }), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 limit out of range or not a number, missing Luminor', async () => {
      fails(await alice.client.rpc('get_key_memories', { p_luminor_id: LUMINA, p_limit: 0 }), 400, '22023', /p_limit/)
      fails(await alice.client.rpc('get_key_memories', { p_luminor_id: LUMINA, p_limit: 101 }, { get: true }), 400, '22023')
      fails(await alice.client.rpc('get_key_memories', { p_luminor_id: LUMINA, p_limit: 'ten' }, { get: true }), 400, '22P02')
      fails(await alice.client.rpc('get_key_memories', {}, { get: true }), 400, '22004', /p_luminor_id/)
    })
  })

  // --------------------------------------------------------------------------
  describe('get_luminor_relationship', () => {
    test('as the user: 200 with the bond, the Luminor\'s name and progress; also with { get: true }', async () => {
      const rel = ok(await alice.client.rpc('get_luminor_relationship', { p_luminor_id: LUMINA }, { get: true }))
      assert.equal(rel.user_id, alice.id)
      assert.equal(rel.luminor_name, 'Lumina')
      assert.equal(rel.luminor_color, '#4444FF')
      assert.equal(rel.bond_level, 3)
      assert.equal(rel.bond_xp, 10)
      assert.equal(rel.xp_for_next_level, 519)
      assert.equal(rel.level_progress_percent, Math.round((10 / 519) * 10000) / 100)
      assert.equal(rel.key_memories.length, 2)
      const post = ok(await alice.client.rpc('get_luminor_relationship', { p_luminor_id: LUMINA, p_user_id: alice.id }))
      assert.equal(post.id, rel.id)
    })

    test('as another user: 403 for the owner\'s, 404 without one of their own', async () => {
      fails(await bob.client.rpc('get_luminor_relationship', { p_luminor_id: LUMINA, p_user_id: alice.id }), 403, '42501')
      fails(await bob.client.rpc('get_luminor_relationship', { p_luminor_id: LUMINA }, { get: true }), 404, 'PT404', /relationship not found/)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('get_luminor_relationship', { p_luminor_id: LUMINA }, { get: true }), 401, '42501')
    })

    test('with the service key: 200 for a named user, 400 without one', async () => {
      const rel = ok(await service.rpc('get_luminor_relationship', { p_luminor_id: HARMONIX, p_user_id: carol.id }, { get: true }))
      assert.equal(rel.luminor_name, 'Harmonix')
      assert.equal(rel.bond_level, 1)
      fails(await service.rpc('get_luminor_relationship', { p_luminor_id: HARMONIX }), 400, '22004', /p_user_id/)
    })

    test('bad arguments: 400 missing or malformed Luminor', async () => {
      fails(await alice.client.rpc('get_luminor_relationship', {}, { get: true }), 400, '22004', /p_luminor_id/)
      fails(await alice.client.rpc('get_luminor_relationship', { p_luminor_id: 'abc' }, { get: true }), 400, '22P02')
    })
  })

  // --------------------------------------------------------------------------
  describe('get_conversation_with_messages', () => {
    test('as the owner: 200 {conversation, luminor, messages}, newest first; also with { get: true }', async () => {
      const body = ok(await alice.client.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id }, { get: true }))
      assert.equal(body.conversation.id, conversation.id)
      assert.equal(body.conversation.message_count, 2)
      assert.equal(body.luminor.name, 'Lumina')
      assert.equal(body.luminor.slug, 'lumina')
      assert.deepEqual(
        body.messages.map((m) => [m.role, m.content]),
        [
          ['assistant', 'Welcome, traveller.'],
          ['user', 'Hello Lumina'],
        ],
      )
      const last = ok(await alice.client.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id, p_limit: 1 }))
      assert.equal(last.messages.length, 1)
      assert.equal(last.messages[0].role, 'assistant')
    })

    test('as another user: 404', async () => {
      fails(await bob.client.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id }, { get: true }), 404, 'PT404', /conversation not found/)
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id }, { get: true }), 401, '42501')
    })

    test('with the service key: 200', async () => {
      const body = ok(await service.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id }, { get: true }))
      assert.equal(body.messages.length, 2)
    })

    test('bad arguments: 400 missing, malformed or out-of-range; 404 unknown', async () => {
      fails(await alice.client.rpc('get_conversation_with_messages', {}, { get: true }), 400, '22004', /p_conversation_id/)
      fails(await alice.client.rpc('get_conversation_with_messages', { p_conversation_id: 'abc' }, { get: true }), 400, '22P02')
      fails(await alice.client.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id, p_limit: 0 }), 400, '22023', /p_limit/)
      fails(await alice.client.rpc('get_conversation_with_messages', { p_conversation_id: conversation.id, p_limit: 501 }), 400, '22023')
      fails(await alice.client.rpc('get_conversation_with_messages', { p_conversation_id: MISSING }, { get: true }), 404, 'PT404')
    })
  })

  // --------------------------------------------------------------------------
  describe('archive_old_conversations', () => {
    before(async () => {
      // alice's empty second session has been idle for 200 days.
      await stack.sql(
        `update public.luminor_conversations set created_at = now() - interval '200 days'
          where user_id = :'a' and session_id = 'tab-2'`,
        { a: alice.id },
      )
    })
    const archived = () => count(`public.luminor_conversations where is_archived`)

    test('as the owner of the idle conversation: 403, nothing archived', async () => {
      fails(await alice.client.rpc('archive_old_conversations'), 403, '42501', /permission denied for function archive_old_conversations/)
      assert.equal(await archived(), 0)
    })

    test('as another user: 403', async () => {
      fails(await bob.client.rpc('archive_old_conversations', { p_older_than: '1 second' }), 403, '42501')
    })

    test('as anon: 401', async () => {
      fails(await anon.rpc('archive_old_conversations'), 401, '42501')
    })

    test('with { get: true }: 405, nothing archived', async () => {
      fails(await service.rpc('archive_old_conversations', {}, { get: true }), 405, '25006')
      assert.equal(await archived(), 0)
    })

    test('with the service key: 200 with the count; honours the age, defaults to 90 days', async () => {
      assert.equal(ok(await service.rpc('archive_old_conversations', { p_older_than: '300 days' })), 0)
      assert.equal(ok(await service.rpc('archive_old_conversations')), 1)
      const row = await one(`select is_archived, is_active from public.luminor_conversations where user_id = :'a' and session_id = 'tab-2'`, {
        a: alice.id,
      })
      assert.deepEqual(row, { is_archived: true, is_active: false })
    })

    test('bad arguments: 400 for a malformed interval', async () => {
      fails(await service.rpc('archive_old_conversations', { p_older_than: 'ages' }), 400, '22007')
    })
  })
})
