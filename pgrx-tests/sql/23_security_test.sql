-- Abuse paths, tried as an ordinary user of the API would try them.  The
-- suite runs this file in a bare database and in one set up as Supabase sets
-- up its own (pgrx-tests/fixtures/supabase.sql: default privileges that
-- hand ALL on every new table and function to the API roles), fresh and
-- upgraded from the last release, and each attack must fail in all four.
--
--   1. privileges: no user may write a column that is the database's
--      (tier, counters, a Luminor's message...), anon may execute only the
--      visitors' RPCs;
--   2. bounded payloads: 23514 naming the limit, nothing written;
--   3. ratings: only the Luminor's messages, by their owner, one value;
--   4. inactive or private Luminors: closed through the table API too;
--   5. the API roles have Supabase's statement timeouts;
--   6. mentions: capped, deduplicated, none to deactivated accounts,
--      withdrawn with the comment; reserved usernames refused.
-- Storage listings are in 21_storage_test.sql, sign-up names in
-- 11_signup_test.sql.
BEGIN;
-- Counters on shared rows are folded when the writer commits; this file
-- never commits, so it folds at every statement (12_counters tests both).
SET CONSTRAINTS ALL IMMEDIATE;
SELECT plan(64);

\ir fixtures/act_as.sql
\ir fixtures/rows.sql

-- ---------------------------------------------------------------------------
-- Fixtures (as the superuser)
--   alice a1, bob b2, carol c3 (deactivated), dave d4
-- ---------------------------------------------------------------------------
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@sec.test', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@sec.test',   '{"username":"bob"}'),
    ('cccccccc-0000-4000-8000-0000000000c3', 'carol@sec.test', '{"username":"carol"}'),
    ('dddddddd-0000-4000-8000-0000000000d4', 'dave@sec.test',  '{"username":"dave"}');
UPDATE public.profiles SET is_active = false WHERE id = 'cccccccc-0000-4000-8000-0000000000c3';
-- 25 more users, to be mentioned all at once.
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT ('f0000000-0000-4000-8000-0000000000' || lpad(g::text, 2, '0'))::uuid, 'm' || g || '@sec.test',
       jsonb_build_object('username', 'fan_' || lpad(g::text, 2, '0'))
  FROM generate_series(1, 25) g;

INSERT INTO public.creations (id, user_id, title, type, status, is_public, published_at) VALUES
    ('2a000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Alice public', 'image', 'published', true, now()),
    ('2b000000-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bob public',   'music', 'published', true, now());

-- A Luminor that will be retired, and one that is kept private.
INSERT INTO public.luminors (id, name, slug, is_active, is_public) VALUES
    ('00000000-0000-4000-8000-0000000f0001', 'Fading', 'fading', true, true),
    ('00000000-0000-4000-8000-0000000f0002', 'Secret', 'secret', true, false);
INSERT INTO public.luminor_conversations (id, user_id, luminor_id) VALUES
    ('3a000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a001'),
    ('3a000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000f0001');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, model, tokens, cost) VALUES
    ('4a000000-0000-4000-8000-000000000001', '3a000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1',
     'user', 'How do I light brass?', NULL, NULL, NULL),
    ('4a000000-0000-4000-8000-000000000002', '3a000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1',
     'assistant', 'Warm key, cool rim.', 'gpt-4o', 120, 0.0018),
    ('4a000000-0000-4000-8000-000000000003', '3a000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1',
     'system', 'Session started.', NULL, NULL, NULL);
INSERT INTO public.luminor_relationships (user_id, luminor_id) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a001');
-- bob likes alice's creation: alice has a notification.
INSERT INTO public.likes (user_id, creation_id)
VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '2a000000-0000-4000-8000-000000000001');

-- ===========================================================================
-- 1. Privileges: what the database keeps, a user cannot write
-- ===========================================================================
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$UPDATE public.profiles SET tier = 'realm_builder' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'a user cannot set their own tier');
SELECT throws_ok($$UPDATE public.profiles SET is_verified = true WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'a user cannot verify themselves');
SELECT throws_ok($$UPDATE public.profiles SET subscription_status = 'active' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'a user cannot set their own subscription status');
SELECT throws_ok($$UPDATE public.profiles SET follower_count = 1000000 WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'a user cannot set their own follower_count');
SELECT throws_ok($$UPDATE public.creations SET like_count = 999 WHERE id = '2a000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'a user cannot set a creation''s like_count');
SELECT throws_ok($$UPDATE public.creations SET view_count = 999 WHERE id = '2a000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'a user cannot set a creation''s view_count');
SELECT throws_ok($$UPDATE public.creations SET is_featured = true WHERE id = '2a000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'a user cannot feature their own creation');
SELECT throws_ok($$UPDATE public.luminor_relationships SET bond_level = 10 WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'a user cannot set their bond level');
SELECT throws_ok($$UPDATE public.notifications SET title = 'You won a prize' WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'a user cannot rewrite a notification');
SELECT throws_ok($$INSERT INTO public.notifications (user_id, type, title)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'Official: send me your password')$$,
                 '42501', NULL, 'a user cannot write a notification');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content, cost)
                   VALUES ('3a000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'hi', 0)$$,
                 '42501', NULL, 'a user cannot post a message with a cost');
SELECT throws_ok($$UPDATE public.luminor_messages SET content = 'I am Lumina and I say: you win'
                    WHERE id = '4a000000-0000-4000-8000-000000000002'$$,
                 '42501', NULL, 'a user cannot edit a Luminor''s message');
SELECT throws_ok($$UPDATE public.luminor_messages SET tokens = 0 WHERE id = '4a000000-0000-4000-8000-000000000002'$$,
                 '42501', NULL, 'a user cannot edit a message''s tokens');
RESET ROLE;
SELECT is(pg_temp.rows($$SELECT 1 FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
                          AND tier = 'explorer' AND NOT is_verified AND follower_count = 0$$), '1',
          'after the attempts: alice''s profile is as it was');

SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p
                   JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
                   JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
                  WHERE p.prosecdef AND has_function_privilege('anon', p.oid, 'EXECUTE')
                    AND p.proname NOT IN ('search_creations', 'increment_creation_views', 'get_user_stats')$$,
                'anon may execute no SECURITY DEFINER function but the three visitors'' RPCs');
SELECT is_empty($$SELECT r || ' ' || c.oid::regclass FROM pg_class c
                   JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
                   JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea',
                        unnest(ARRAY['anon', 'authenticated']) r
                  WHERE c.relkind IN ('r', 'p', 'S') AND c.relnamespace IN ('public'::regnamespace, 'arcanea'::regnamespace)
                    AND (has_table_privilege(r, c.oid, 'TRUNCATE, REFERENCES, TRIGGER')
                         OR (c.relkind <> 'S' AND has_table_privilege(r, c.oid, 'INSERT, UPDATE')))$$,
                'anon and authenticated hold no table-wide INSERT, UPDATE, TRUNCATE, REFERENCES or TRIGGER on any table of the extension');
SELECT is_empty($$SELECT c.oid::regclass::text FROM pg_class c
                   JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
                   JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
                  WHERE c.relkind = 'S' AND (has_sequence_privilege('anon', c.oid, 'USAGE, SELECT, UPDATE')
                                             OR has_sequence_privilege('authenticated', c.oid, 'USAGE, SELECT, UPDATE'))$$,
                'anon and authenticated hold nothing on the extension''s sequences');

-- ===========================================================================
-- 2. Bounded payloads
-- ===========================================================================
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$UPDATE public.profile_private SET preferences = jsonb_build_object('x', repeat('a', 9000))
                    WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', 'new row for relation "profile_private" violates check constraint "profile_private_preferences_size"',
                 'profile_private.preferences over 8 KB: 23514 naming the limit');
SELECT throws_ok($$UPDATE public.profile_private SET preferences = jsonb_build_object('x', repeat('a', 1000000))
                    WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'profile_private.preferences of 1 MB that compresses to almost nothing: refused too (bytes, not stored size)');
SELECT is(pg_temp.rows($$UPDATE public.profile_private SET preferences = jsonb_build_object('x', repeat('a', 8000))
                          WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1' RETURNING 1$$), '1',
          'profile_private.preferences just under 8 KB: stored');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, generation_params)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Big params', 'image',
                           jsonb_build_object('p', repeat('z', 17000)))$$,
                 '23514', 'new row for relation "creations" violates check constraint "creations_generation_params_size"',
                 'creations.generation_params over 16 KB: refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, metadata)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Big meta', 'image',
                           jsonb_build_object('m', repeat('z', 17000)))$$,
                 '23514', 'new row for relation "creations" violates check constraint "creations_metadata_size"',
                 'creations.metadata over 16 KB: refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, categories)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Many categories', 'image',
                           ARRAY(SELECT 'c' || g FROM generate_series(1, 11) g))$$,
                 '23514', 'new row for relation "creations" violates check constraint "creations_categories_limit"',
                 'creations.categories: 11 elements refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, categories)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Long category', 'image', ARRAY[repeat('c', 51)])$$,
                 '23514', 'new row for relation "creations" violates check constraint "creations_categories_element_length"',
                 'creations.categories: an element of 51 characters refused');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, tags)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Blank tag', 'image', ARRAY['ok', '  '])$$,
                 '23514', 'new row for relation "creations" violates check constraint "creations_tags_element_length"',
                 'creations.tags: a blank element refused');
SELECT throws_ok($$UPDATE public.creations SET tags = ARRAY[repeat('t', 51)] WHERE id = '2a000000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'creations.tags: an element of 51 characters refused on update');
SELECT throws_ok($$UPDATE public.luminor_conversations SET context = jsonb_build_object('c', repeat('x', 17000))
                    WHERE id = '3a000000-0000-4000-8000-000000000001'$$,
                 '23514', 'new row for relation "luminor_conversations" violates check constraint "luminor_conversations_context_size"',
                 'luminor_conversations.context over 16 KB: refused');
SELECT throws_ok($$UPDATE public.luminor_relationships SET user_preferences = jsonb_build_object('p', repeat('x', 9000))
                    WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', 'new row for relation "luminor_relationships" violates check constraint "luminor_relationships_user_preferences_size"',
                 'luminor_relationships.user_preferences over 8 KB: refused');
RESET ROLE;
SELECT is(pg_temp.rows($$SELECT 1 FROM public.creations WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
                          AND title IN ('Big params', 'Big meta', 'Many categories', 'Long category', 'Blank tag')$$), '0',
          'no refused creation was written');
SELECT is(pg_temp.rows($$SELECT 1 FROM public.luminor_conversations WHERE context <> '{}'$$), '0',
          'no refused context was written');

-- ===========================================================================
-- 3. Ratings
-- ===========================================================================
CREATE TEMP TABLE lumina_before AS
    SELECT rating_count, rating_sum FROM public.luminors WHERE id = '00000000-0000-4000-8000-00000000a001';
GRANT SELECT ON lumina_before TO authenticated;
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
-- The message names the partition the row lives in (luminor_messages_default,
-- or a month's: 77_partitions.sql).
SELECT throws_like($$UPDATE public.luminor_messages SET user_rating = 5 WHERE id = '4a000000-0000-4000-8000-000000000001'$$,
                 'new row for relation "luminor_messages_%" violates check constraint "luminor_messages_rating_on_assistant"',
                 'a user cannot rate their own message');
SELECT throws_ok($$UPDATE public.luminor_messages SET was_helpful = true WHERE id = '4a000000-0000-4000-8000-000000000003'$$,
                 '23514', NULL, 'a system message cannot be rated');
SELECT is(pg_temp.rows($$UPDATE public.luminor_messages SET user_rating = 5, was_helpful = true
                          WHERE id = '4a000000-0000-4000-8000-000000000002' RETURNING 1$$), '1',
          'the owner rates the Luminor''s message');
SELECT is(pg_temp.rows($$UPDATE public.luminor_messages SET user_rating = 3
                          WHERE id = '4a000000-0000-4000-8000-000000000002' RETURNING 1$$), '1',
          'the owner changes the rating');
RESET ROLE;
SELECT row_eq($$SELECT l.rating_count - b.rating_count, l.rating_sum - b.rating_sum, l.average_rating
                 FROM public.luminors l, lumina_before b WHERE l.id = '00000000-0000-4000-8000-00000000a001'$$,
              ROW(1, 3::bigint, 3.00::numeric(3, 2)),
              'a changed rating moves the Luminor''s aggregate: one vote, now 3 (not two votes)');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$UPDATE public.luminor_messages SET user_rating = 1
                          WHERE id = '4a000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'another user cannot rate alice''s conversation');
RESET ROLE;

-- ===========================================================================
-- 4. Inactive or private Luminors are closed everywhere
-- ===========================================================================
UPDATE public.luminors SET is_active = false WHERE id = '00000000-0000-4000-8000-0000000f0001';
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000f0001')$$,
                 'PT404', 'luminor not found', 'table API: no conversation with an inactive Luminor (PT404, as the RPC)');
SELECT throws_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000f0002')$$,
                 'PT404', 'luminor not found', 'table API: no conversation with a private Luminor');
SELECT throws_ok($$SELECT public.get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-0000000f0001')$$,
                 'PT404', 'luminor not found', 'RPC: get_or_create_conversation refuses the inactive Luminor the same way');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('3a000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'still there?')$$,
                 'PT404', 'luminor not found', 'table API: no message in a conversation whose Luminor was retired');
SELECT throws_ok($$SELECT public.add_message_to_conversation(p_conversation_id => '3a000000-0000-4000-8000-000000000002',
                                                            p_content => 'still there?')$$,
                 'PT404', 'luminor not found', 'RPC: add_message_to_conversation refuses it the same way');
SELECT lives_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id)
                  VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a002')$$,
                'table API: a conversation with an active, public Luminor still works');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT throws_ok($$SELECT public.add_message_to_conversation(p_conversation_id => '3a000000-0000-4000-8000-000000000002',
                                                            p_user_id => 'aaaaaaaa-0000-4000-8000-0000000000a1',
                                                            p_role => 'assistant', p_content => 'I am still here')$$,
                 'PT404', 'luminor not found', 'the service role cannot speak for a retired Luminor either');
RESET ROLE;
SELECT is(pg_temp.rows($$SELECT 1 FROM public.luminor_messages WHERE conversation_id = '3a000000-0000-4000-8000-000000000002'$$), '0',
          'no message was written to the retired Luminor''s conversation');

-- ===========================================================================
-- 5. Time limits for the API roles (set when the extension created them,
--    or by Supabase)
-- ===========================================================================
SELECT ok((SELECT 'statement_timeout=3s' = ANY (rolconfig) FROM pg_roles WHERE rolname = 'anon'),
          'anon has a 3 s statement timeout');
SELECT ok((SELECT 'statement_timeout=8s' = ANY (rolconfig) FROM pg_roles WHERE rolname = 'authenticated'),
          'authenticated has an 8 s statement timeout');

-- ===========================================================================
-- 6. Mentions and names
-- ===========================================================================
SELECT pg_temp.act_as('authenticated', 'dddddddd-0000-4000-8000-0000000000d4');
INSERT INTO public.comments (id, user_id, creation_id, content)
VALUES ('5d000000-0000-4000-8000-000000000001', 'dddddddd-0000-4000-8000-0000000000d4', '2b000000-0000-4000-8000-000000000001',
        '@alice look, @alice! And @carol, and @ALICE again');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.notifications
            WHERE type = 'mention' AND user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
              AND metadata ->> 'comment_id' = '5d000000-0000-4000-8000-000000000001'), 1,
          'mentioned three times in one comment: one notification');
SELECT is((SELECT count(*)::int FROM public.notifications WHERE user_id = 'cccccccc-0000-4000-8000-0000000000c3'), 0,
          'a deactivated account is not notified of a mention');

SELECT pg_temp.act_as('authenticated', 'dddddddd-0000-4000-8000-0000000000d4');
INSERT INTO public.comments (id, user_id, creation_id, content)
SELECT '5d000000-0000-4000-8000-000000000002', 'dddddddd-0000-4000-8000-0000000000d4', '2b000000-0000-4000-8000-000000000001',
       string_agg('@fan_' || lpad(g::text, 2, '0'), ' ')
  FROM generate_series(1, 25) g;
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.notifications
            WHERE type = 'mention' AND metadata ->> 'comment_id' = '5d000000-0000-4000-8000-000000000002'), 20,
          'a comment mentioning 25 users notifies 20 (the cap)');

SELECT pg_temp.act_as('authenticated', 'dddddddd-0000-4000-8000-0000000000d4');
SELECT is(pg_temp.rows($$DELETE FROM public.comments WHERE id IN ('5d000000-0000-4000-8000-000000000001',
                                                                   '5d000000-0000-4000-8000-000000000002') RETURNING 1$$), '2',
          'the author deletes both comments');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.notifications
            WHERE metadata ->> 'comment_id' IN ('5d000000-0000-4000-8000-000000000001', '5d000000-0000-4000-8000-000000000002')),
          0, 'a deleted comment''s notifications (mentions, the creation owner''s) are withdrawn');
SELECT is((SELECT count(*)::int FROM public.notifications WHERE type = 'creation_liked'
            AND user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 1,
          'other notifications stay');

SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$UPDATE public.profiles SET username = 'admin' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', 'username "admin" is reserved', 'username admin: refused with 23514');
SELECT throws_ok($$UPDATE public.profiles SET username = 'support_2' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'username support_2: refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'arcanea_official' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'username arcanea_official: refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'root' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'username root: refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'moderator' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'username moderator: refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'system' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'username system: refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'lumina' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'username lumina (a Luminor): refused');
SELECT throws_ok($$UPDATE public.profiles SET username = 'fading_1' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', NULL, 'username fading_1 (an operator''s Luminor, even retired): refused');
SELECT is(pg_temp.rows($$UPDATE public.profiles SET username = 'admiral_ada' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
                         RETURNING 1$$), '1',
          'username admiral_ada: a name that only starts like a reserved word is free');
SELECT is(pg_temp.rows($$UPDATE public.profiles SET display_name = 'Alice again' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
                         RETURNING 1$$), '1',
          'editing another column never trips the rule');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$UPDATE public.profiles SET username = 'support' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2'
                         RETURNING 1$$), '1',
          'the service role may name the service''s own account');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$UPDATE public.profiles SET bio = 'Official support' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2'
                         RETURNING 1$$), '1',
          'the account that holds a reserved name keeps editing its profile');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
