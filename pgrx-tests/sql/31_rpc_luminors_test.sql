-- RPC API, Luminor functions: conversations, messages, the bond system,
-- key memories; as PostgREST calls them.
BEGIN;
SELECT plan(63);

\ir fixtures/act_as.sql

INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@t.io', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@t.io',   '{"username":"bob"}');
-- Lumina, Harmonix are seeded; a retired Luminor is not available.
INSERT INTO public.luminors (id, name, slug, is_active) VALUES
    ('00000000-0000-4000-8000-00000000dead', 'Retired', 'retired', false);

-- ------------------------------------------------------ get_or_create_conversation
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
CREATE TEMP TABLE conv AS
    SELECT (get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001',
                                        p_session_id => 'tab-1')).*;
SELECT is((SELECT user_id FROM conv), 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid,
          'get_or_create_conversation: creates the caller''s conversation');
SELECT is((SELECT title FROM conv), 'Chat with Lumina', 'get_or_create_conversation: titled after the Luminor');
SELECT is((get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_session_id => 'tab-1')).id,
          (SELECT id FROM conv), 'get_or_create_conversation: the same session returns the same conversation');
SELECT isnt((get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_session_id => 'tab-2')).id,
            (SELECT id FROM conv), 'get_or_create_conversation: another session gets another conversation');
SELECT is((get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001')).id,
          (get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001')).id,
          'get_or_create_conversation: no session is one session of its own');
SELECT is((SELECT count(*)::int FROM public.luminor_relationships
            WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 1,
          'get_or_create_conversation: creates the relationship once');
SELECT throws_ok($$SELECT get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000dead')$$,
                 'PT404', 'luminor not found', 'get_or_create_conversation: an inactive Luminor is not found');
SELECT throws_ok($$SELECT get_or_create_conversation()$$, '22004', NULL, 'get_or_create_conversation: missing Luminor');
SELECT throws_ok($$SELECT get_or_create_conversation('bbbbbbbb-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-00000000a001')$$,
                 '42501', NULL, 'get_or_create_conversation: acting as another user is refused');
SELECT throws_ok($$SELECT get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_session_id => repeat('x', 201))$$,
                 '22023', NULL, 'get_or_create_conversation: an overlong session id is a 400');
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001')$$,
                 '42501', NULL, 'get_or_create_conversation: anon may not call it');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.luminor_conversations WHERE user_id = 'bbbbbbbb-0000-4000-8000-0000000000b2'), 0,
          'refused calls created nothing for bob');
GRANT SELECT ON conv TO authenticated, service_role;

-- ------------------------------------------------------ add_message_to_conversation
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => 'Hello Lumina')).role,
          'user', 'add_message_to_conversation: a user message, role defaults to user');
RESET ROLE;
SELECT is((SELECT message_count FROM public.luminor_conversations WHERE id = (SELECT id FROM conv)), 1,
          'add_message_to_conversation: the conversation counts it');
SELECT is((SELECT bond_xp FROM public.luminor_relationships
            WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND luminor_id = '00000000-0000-4000-8000-00000000a001'), 10,
          'add_message_to_conversation: a user message earns 10 XP');
SELECT is((SELECT total_interactions FROM public.luminor_relationships
            WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND luminor_id = '00000000-0000-4000-8000-00000000a001'), 1,
          'add_message_to_conversation: and one interaction');
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_role => 'assistant', p_content => 'I am Lumina')$$,
                 '42501', NULL, 'add_message_to_conversation: a user may not write assistant messages');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => 'x', p_cost => 0.5)$$,
                 '42501', NULL, 'add_message_to_conversation: a user may not set a cost');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_role => 'robot', p_content => 'x')$$,
                 '22023', 'invalid p_role: must be one of user, assistant, system', 'add_message_to_conversation: unknown role');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => '   ')$$,
                 '22023', NULL, 'add_message_to_conversation: blank content');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => repeat('x', 32001))$$,
                 '22023', NULL, 'add_message_to_conversation: content over 32000 characters');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv))$$,
                 '22004', 'missing required argument p_content', 'add_message_to_conversation: missing content');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => 'hi')$$,
                 'PT404', 'conversation not found', 'add_message_to_conversation: another user''s conversation is not found');
SELECT throws_ok($$SELECT add_message_to_conversation((SELECT id FROM conv), 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'hi')$$,
                 '42501', NULL, 'add_message_to_conversation: acting as the owner is refused');
SELECT pg_temp.act_as('service_role');
SELECT is((add_message_to_conversation((SELECT id FROM conv), 'aaaaaaaa-0000-4000-8000-0000000000a1', 'assistant',
                                       'Welcome!', 'gpt-x', 42, 0.0012)).tokens, 42,
          'add_message_to_conversation: the service role writes assistant messages with usage');
SELECT throws_ok($$SELECT add_message_to_conversation((SELECT id FROM conv), 'aaaaaaaa-0000-4000-8000-0000000000a1', 'assistant', 'x', NULL, -1)$$,
                 '22023', NULL, 'add_message_to_conversation: negative tokens');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.luminor_messages WHERE conversation_id = (SELECT id FROM conv)), 2,
          'add_message_to_conversation: refused calls wrote nothing');
SELECT is((SELECT bond_xp FROM public.luminor_relationships
            WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND luminor_id = '00000000-0000-4000-8000-00000000a001'), 10,
          'add_message_to_conversation: assistant messages earn no XP');

-- ------------------------------------------------------------------ the bond system
-- Level 1 -> 2 costs 100 XP, 2 -> 3 costs 282, 3 -> 4 costs 519, 4 -> 5
-- costs 800.  Send messages until alice passes two levels, then check the
-- carried remainder.  Forty messages in a second is beyond the default
-- message limit (34_rate_limits tests the limits): raise it, as an
-- operator would.
RESET ROLE;
UPDATE arcanea.rate_limits SET max_calls = 1000 WHERE action = 'message';
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => 'message ' || n)
  FROM generate_series(1, 39) n;   -- 40 user messages = 400 XP: level 3 with 400 - 100 - 282 = 18
SELECT is(get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') -> 'bond_level', '3',
          'bond: 400 XP reach level 3');
SELECT is(get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') -> 'bond_xp', '18',
          'bond: the remainder carries over (400 - 100 - 282 = 18)');
SELECT is(get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') -> 'xp_for_next_level', '519',
          'bond: level 3 needs floor(100 * 3^1.5) = 519');
SELECT is((get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') ->> 'level_progress_percent')::numeric,
          round(18 / 519.0 * 100, 2), 'bond: progress through the level');
SELECT is(get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') ->> 'luminor_name', 'Lumina',
          'get_luminor_relationship: carries the Luminor''s name');
RESET ROLE;
SELECT is((SELECT array_agg((metadata ->> 'bond_level')::int ORDER BY (metadata ->> 'bond_level')::int)
             FROM public.notifications WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND type = 'bond_level_up'),
          ARRAY[2, 3], 'bond: one bond_level_up notification per level gained');
-- Grant a big XP gift (as an operator would) and let check_bond_level_up
-- settle it: several levels at once, then the cap.
UPDATE public.luminor_relationships SET bond_xp = bond_xp + 519 + 800 + 5
 WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND luminor_id = '00000000-0000-4000-8000-00000000a001';
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(check_bond_level_up(p_luminor_id => '00000000-0000-4000-8000-00000000a001'),
          '{"leveled_up": true, "previous_level": 3, "bond_level": 5, "bond_xp": 23, "xp_for_next_level": 1118}'::jsonb,
          'check_bond_level_up: two levels at once, remainder carried (18 + 1324 - 519 - 800 = 23)');
SELECT is(check_bond_level_up(p_luminor_id => '00000000-0000-4000-8000-00000000a001') -> 'leveled_up', 'false',
          'check_bond_level_up: idempotent');
RESET ROLE;
UPDATE public.luminor_relationships SET bond_xp = 1000000
 WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND luminor_id = '00000000-0000-4000-8000-00000000a001';
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(check_bond_level_up(p_luminor_id => '00000000-0000-4000-8000-00000000a001') -> 'bond_level', '10',
          'check_bond_level_up: level 10 is the cap');
SELECT is(get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') -> 'xp_for_next_level', 'null',
          'bond: no next level at the cap');
SELECT is((get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') ->> 'level_progress_percent')::numeric,
          100::numeric, 'bond: progress reports 100 at the cap');
SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => 'still here');
SELECT cmp_ok((get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a001') ->> 'bond_xp')::int, '>', 0,
              'bond: XP keeps accruing at the cap');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.notifications
            WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND type = 'bond_level_up'), 9,
          'bond: nine level-ups, nine notifications, none past the cap');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT throws_ok($$SELECT check_bond_level_up(p_luminor_id => '00000000-0000-4000-8000-00000000a001')$$,
                 'PT404', 'relationship not found', 'check_bond_level_up: no relationship, not found');
SELECT throws_ok($$SELECT check_bond_level_up('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a001')$$,
                 '42501', NULL, 'check_bond_level_up: acting as another user is refused');
SELECT throws_ok($$SELECT get_luminor_relationship('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a001')$$,
                 '42501', NULL, 'get_luminor_relationship: acting as another user is refused');

-- ------------------------------------------------------------------- key memories
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
CREATE TEMP TABLE memory AS
    SELECT add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_memory_type => 'project',
                          p_content => 'Painting a dragon series', p_importance => 8) AS m;
SELECT ok((SELECT m ? 'id' AND m ->> 'content' = 'Painting a dragon series' FROM memory),
          'add_key_memory: returns the stored memory with its id');
SELECT is(add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_content => 'painting a  Dragon series.',
                         p_importance => 9) ->> 'id',
          (SELECT m ->> 'id' FROM memory), 'add_key_memory: the same content updates instead of duplicating');
SELECT add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_content => 'Has a cat called Miso', p_importance => 3);
SELECT add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_content => 'Memory number ' || n, p_importance => 2)
  FROM generate_series(1, 120) n;
RESET ROLE;
SELECT is((SELECT jsonb_array_length(key_memories) FROM public.luminor_relationships
            WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND luminor_id = '00000000-0000-4000-8000-00000000a001'), 100,
          'add_key_memory: at most 100 memories');
SELECT ok((SELECT key_memories @> '[{"content": "Has a cat called Miso"}]' FROM public.luminor_relationships
            WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND luminor_id = '00000000-0000-4000-8000-00000000a001'),
          'add_key_memory: eviction takes the least important first');
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(get_key_memories(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_query => 'ideas for my dragons', p_limit => 1) -> 0 ->> 'content',
          'painting a  Dragon series.', 'get_key_memories: the relevant, important memory first');
SELECT is(jsonb_array_length(get_key_memories(p_luminor_id => '00000000-0000-4000-8000-00000000a001')), 10,
          'get_key_memories: 10 by default');
SELECT throws_ok($$SELECT get_key_memories(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_limit => 0)$$,
                 '22023', NULL, 'get_key_memories: limit out of range');
SELECT throws_ok($$SELECT add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_content => 'x', p_importance => 11)$$,
                 '22023', 'invalid p_importance: must be between 1 and 10', 'add_key_memory: importance 1..10');
SELECT throws_ok($$SELECT add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_content => 'x', p_memory_type => 'Bad Type')$$,
                 '22023', NULL, 'add_key_memory: memory type is checked');
SELECT throws_ok($$SELECT add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001')$$,
                 '22004', NULL, 'add_key_memory: missing content');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT throws_ok($$SELECT add_key_memory('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a001', 'fact', 'evil')$$,
                 '42501', NULL, 'add_key_memory: acting as another user is refused');
SELECT throws_ok($$SELECT get_key_memories('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a001')$$,
                 '42501', NULL, 'get_key_memories: reading another user''s memories is refused');

-- ------------------------------------------------------ get_conversation_with_messages
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(json_array_length(get_conversation_with_messages((SELECT id FROM conv), 5) -> 'messages'), 5,
          'get_conversation_with_messages: the limit is applied');
SELECT is(get_conversation_with_messages((SELECT id FROM conv), 1) -> 'messages' -> 0 ->> 'content', 'still here',
          'get_conversation_with_messages: newest first');
SELECT is(get_conversation_with_messages((SELECT id FROM conv)) -> 'luminor' ->> 'name', 'Lumina',
          'get_conversation_with_messages: carries the Luminor');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT throws_ok($$SELECT get_conversation_with_messages((SELECT id FROM conv))$$,
                 'PT404', 'conversation not found', 'get_conversation_with_messages: another user''s is not found');
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT get_conversation_with_messages((SELECT id FROM conv))$$,
                 '42501', NULL, 'get_conversation_with_messages: anon may not call it');

-- ---------------------------------------------------------- archive_old_conversations
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT archive_old_conversations()$$, '42501', NULL, 'archive_old_conversations: users may not call it');
RESET ROLE;
UPDATE public.luminor_conversations SET created_at = now() - interval '200 days'
 WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND message_count = 0;
SELECT pg_temp.act_as('service_role');
SELECT is(archive_old_conversations(), 2, 'archive_old_conversations: archives the idle ones (two empty sessions)');

SELECT * FROM finish();
ROLLBACK;
