-- Row-level security and column privileges on the eleven public tables, for
-- every role PostgREST can act as: anon, the owner of a row, another
-- authenticated user, and service_role.  Each table is checked for SELECT,
-- INSERT, UPDATE and DELETE in both directions: what must be allowed works
-- (and did what it said), what must be denied fails with 42501 or touches
-- no row.  Rules: sql/50_security.sql (its comments and its GRANTs).
--
-- Identities are switched exactly as PostgREST 12 does it: inside the
-- transaction, role and request.jwt.claims are set with set_config(..., true).
BEGIN;
-- Counters on shared rows are folded when the writer commits; this file
-- never commits, so it folds at every statement (12_counters tests both).
SET CONSTRAINTS ALL IMMEDIATE;
SELECT plan(271);

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------
-- act_as(role, sub): PostgREST's SET LOCAL ROLE plus its claims GUC.  anon
-- and service_role get claims without a sub, as PostgREST sends them.
\ir fixtures/act_as.sql

\ir fixtures/rows.sql

-- ---------------------------------------------------------------------------
-- Fixtures (as the superuser)
--   alice  a1  owner of most rows
--   bob    b2  the other authenticated user
--   carol  c3  an inactive profile
--   eve    e5  a signed-up user whose profile the service role recreates
-- ---------------------------------------------------------------------------
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@rls.test', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@rls.test',   '{"username":"bob"}'),
    ('cccccccc-0000-4000-8000-0000000000c3', 'carol@rls.test', '{"username":"carol"}'),
    ('eeeeeeee-0000-4000-8000-0000000000e5', 'eve@rls.test',   '{"username":"eve"}');
UPDATE public.profiles SET is_active = false WHERE id = 'cccccccc-0000-4000-8000-0000000000c3';
UPDATE public.profiles SET stripe_customer_id = 'cus_alice', stripe_subscription_id = 'sub_alice',
                           subscription_status = 'active', tier = 'creator'
 WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
DELETE FROM public.profiles WHERE id = 'eeeeeeee-0000-4000-8000-0000000000e5';

INSERT INTO public.luminors (id, name, slug, is_active, is_public)
VALUES ('a0000000-0000-4000-8000-000000000001', 'Hidden', 'hidden-one', false, true);

INSERT INTO public.creations (id, user_id, title, type, status, is_public, published_at) VALUES
    ('20000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Alice public',  'image', 'published', true,  now()),
    ('20000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Alice draft',   'image', 'draft',     true,  NULL),
    ('20000000-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Alice private', 'image', 'published', false, now()),
    ('20000000-0000-4000-8000-000000000004', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bob public',    'music', 'published', true,  now()),
    ('20000000-0000-4000-8000-000000000005', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bob draft',     'music', 'draft',     true,  NULL);

INSERT INTO public.likes (id, user_id, creation_id) VALUES
    ('30000000-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-0000000000b2', '20000000-0000-4000-8000-000000000001'),
    ('30000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000002');

INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('40000000-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-0000000000b2', '20000000-0000-4000-8000-000000000001', 'Bob on alice public'),
    ('40000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000001', 'Alice on alice public'),
    ('40000000-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000002', 'Alice on her draft');

INSERT INTO public.follows (id, follower_id, following_id) VALUES
    ('50000000-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'aaaaaaaa-0000-4000-8000-0000000000a1');

INSERT INTO public.luminor_conversations (id, user_id, luminor_id, title) VALUES
    ('60000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1',
     (SELECT id FROM public.luminors WHERE slug = 'lumina'), 'Alice and Lumina'),
    ('60000000-0000-4000-8000-000000000002', 'bbbbbbbb-0000-4000-8000-0000000000b2',
     (SELECT id FROM public.luminors WHERE slug = 'lumina'), 'Bob and Lumina');

INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, model, tokens, cost) VALUES
    ('70000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000001',
     'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'Hello Lumina', NULL, NULL, NULL),
    ('70000000-0000-4000-8000-000000000002', '60000000-0000-4000-8000-000000000001',
     'aaaaaaaa-0000-4000-8000-0000000000a1', 'assistant', 'Hello Alice', 'gpt-x', 12, 0.0001),
    ('70000000-0000-4000-8000-000000000003', '60000000-0000-4000-8000-000000000002',
     'bbbbbbbb-0000-4000-8000-0000000000b2', 'user', 'Hello from Bob', NULL, NULL, NULL);

INSERT INTO public.luminor_relationships (id, user_id, luminor_id) VALUES
    ('80000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', (SELECT id FROM public.luminors WHERE slug = 'lumina')),
    ('80000000-0000-4000-8000-000000000002', 'bbbbbbbb-0000-4000-8000-0000000000b2', (SELECT id FROM public.luminors WHERE slug = 'lumina'));

INSERT INTO public.notifications (id, user_id, type, title) VALUES
    ('90000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'For alice'),
    ('90000000-0000-4000-8000-000000000002', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'system_announcement', 'For bob');

-- ===========================================================================
-- RLS is on for every table
-- ===========================================================================
SELECT ok(c.relrowsecurity, format('RLS is enabled on public.%s', t))
  FROM unnest(ARRAY['profiles', 'profile_private', 'luminors', 'luminor_conversations', 'luminor_messages',
                    'luminor_relationships', 'creations', 'likes', 'comments', 'follows',
                    'notifications']) AS t
  LEFT JOIN pg_class c ON c.oid = to_regclass('public.' || t)
 ORDER BY t;

-- ===========================================================================
-- 1. profiles
-- ===========================================================================
-- anon ----------------------------------------------------------------------
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.rows($$SELECT id, username, display_name, avatar_url, bio, arcanean_id, tier, creation_count
                           FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$), '1',
          'profiles/anon: SELECT of an active profile''s public columns works');
SELECT throws_ok($$SELECT preferences, onboarding_completed, onboarding_step, last_active_at
                     FROM public.profile_private WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profile_private/anon: a profile''s private fields are not readable');
SELECT is(pg_temp.rows($$SELECT id FROM public.profiles WHERE id = 'cccccccc-0000-4000-8000-0000000000c3'$$), '0',
          'profiles/anon: an inactive profile is not visible');
SELECT throws_ok($$SELECT stripe_customer_id FROM public.profiles$$, '42501', NULL,
                 'profiles/anon: stripe_customer_id is not readable');
SELECT throws_ok($$SELECT stripe_subscription_id FROM public.profiles$$, '42501', NULL,
                 'profiles/anon: stripe_subscription_id is not readable');
SELECT throws_ok($$SELECT subscription_status FROM public.profiles$$, '42501', NULL,
                 'profiles/anon: subscription_status is not readable');
SELECT throws_ok($$INSERT INTO public.profiles (id, username) VALUES ('eeeeeeee-0000-4000-8000-0000000000e5', 'anon_eve')$$,
                 '42501', NULL, 'profiles/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.profiles SET bio = 'anon was here' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/anon: DELETE is denied');

-- owner ---------------------------------------------------------------------
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$SELECT id FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$), '1',
          'profiles/owner: SELECT of the own profile works');
SELECT throws_ok($$SELECT stripe_customer_id FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: own stripe_customer_id is not readable');
SELECT throws_ok($$SELECT stripe_subscription_id FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: own stripe_subscription_id is not readable');
SELECT throws_ok($$SELECT subscription_status FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: own subscription_status is not readable');
SELECT is(pg_temp.rows($$UPDATE public.profiles
                            SET username = 'alice_2', display_name = 'Alice', avatar_url = 'https://x.test/a.png',
                                bio = 'I make things'
                          WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1' RETURNING 1$$), '1',
          'profiles/owner: UPDATE of the presentation columns works');
SELECT row_eq($$SELECT username, display_name, bio
                  FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
              ROW('alice_2'::text, 'Alice'::text, 'I make things'::text),
              'profiles/owner: the update is stored');
-- The onboarding columns live in profile_private.
SELECT is(pg_temp.rows($$UPDATE public.profile_private
                            SET preferences = '{"theme":"dark"}', onboarding_completed = true, onboarding_step = 3
                          WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1' RETURNING 1$$), '1',
          'profile_private/owner: UPDATE of the onboarding columns works');
SELECT row_eq($$SELECT preferences, onboarding_completed, onboarding_step
                  FROM public.profile_private WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
              ROW('{"theme":"dark"}'::jsonb, true, 3),
              'profile_private/owner: the update is stored');
SELECT throws_ok($$UPDATE public.profiles SET tier = 'realm_builder' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own tier is denied');
SELECT throws_ok($$UPDATE public.profiles SET is_verified = true WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own is_verified is denied');
SELECT throws_ok($$UPDATE public.profiles SET subscription_status = 'active' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own subscription_status is denied');
SELECT throws_ok($$UPDATE public.profiles SET stripe_customer_id = 'cus_x' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own stripe_customer_id is denied');
SELECT throws_ok($$UPDATE public.profiles SET stripe_subscription_id = 'sub_x' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own stripe_subscription_id is denied');
SELECT throws_ok($$UPDATE public.profiles SET creation_count = 99 WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own creation_count is denied');
SELECT throws_ok($$UPDATE public.profiles SET follower_count = 99 WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own follower_count is denied');
SELECT throws_ok($$UPDATE public.profiles SET following_count = 99 WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own following_count is denied');
SELECT throws_ok($$UPDATE public.profiles SET arcanean_id = 'ARC-000007' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own arcanean_id is denied');
-- A user may deactivate their own account, and reactivate it.
SELECT is(pg_temp.rows($$UPDATE public.profiles SET is_active = false
                          WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1' RETURNING 1$$), '1',
          'profiles/owner: UPDATE of own is_active (deactivate) works');
SELECT is(pg_temp.rows($$UPDATE public.profiles SET is_active = true
                          WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND NOT is_active RETURNING 1$$), '1',
          'profiles/owner: and reactivating works');
SELECT throws_ok($$UPDATE public.profiles SET id = 'bbbbbbbb-0000-4000-8000-0000000000b2' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: UPDATE of own id is denied');
SELECT throws_ok($$INSERT INTO public.profiles (id, username) VALUES ('eeeeeeee-0000-4000-8000-0000000000e5', 'eve_by_alice')$$,
                 '42501', NULL, 'profiles/owner: INSERT is denied (profiles come from signup)');
SELECT throws_ok($$DELETE FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/owner: DELETE of the own profile is denied');
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'cccccccc-0000-4000-8000-0000000000c3');
SELECT is(pg_temp.rows($$SELECT id FROM public.profiles WHERE id = 'cccccccc-0000-4000-8000-0000000000c3'$$), '1',
          'profiles/owner: an inactive user still sees their own profile');

-- another user --------------------------------------------------------------
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$SELECT id, username, bio FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$), '1',
          'profiles/other: another user''s public columns are readable');
SELECT is(pg_temp.rows($$SELECT id FROM public.profile_private WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$), '0',
          'profile_private/other: another user''s private fields are not visible');
SELECT is(pg_temp.rows($$SELECT id FROM public.profiles WHERE id = 'cccccccc-0000-4000-8000-0000000000c3'$$), '0',
          'profiles/other: another user''s inactive profile is not visible');
SELECT throws_ok($$SELECT stripe_customer_id FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/other: another user''s stripe_customer_id is not readable');
SELECT is(pg_temp.rows($$UPDATE public.profiles SET bio = 'hacked by bob'
                          WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1' RETURNING 1$$), '0',
          'profiles/other: UPDATE of another user''s profile touches no row');
SELECT throws_ok($$DELETE FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'profiles/other: DELETE of another user''s profile is denied');
RESET ROLE;
SELECT is((SELECT bio FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 'I make things',
          'profiles/other: alice''s bio is unchanged');

-- service_role --------------------------------------------------------------
RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is((SELECT stripe_customer_id || '/' || stripe_subscription_id || '/' || subscription_status
             FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          'cus_alice/sub_alice/active', 'profiles/service_role: reads the billing columns');
SELECT is(pg_temp.rows($$SELECT id FROM public.profiles WHERE id = 'cccccccc-0000-4000-8000-0000000000c3'$$), '1',
          'profiles/service_role: sees inactive profiles');
SELECT lives_ok($$INSERT INTO public.profiles (id, username) VALUES ('eeeeeeee-0000-4000-8000-0000000000e5', 'eve')$$,
                'profiles/service_role: INSERT works');
SELECT is(pg_temp.rows($$UPDATE public.profiles SET tier = 'realm_builder', is_verified = true, stripe_customer_id = 'cus_eve'
                          WHERE id = 'eeeeeeee-0000-4000-8000-0000000000e5' RETURNING 1$$), '1',
          'profiles/service_role: UPDATE of tier, is_verified and Stripe ids works');
SELECT is(pg_temp.rows($$DELETE FROM public.profiles WHERE id = 'eeeeeeee-0000-4000-8000-0000000000e5' RETURNING 1$$), '1',
          'profiles/service_role: DELETE works');

-- ===========================================================================
-- 2. luminors (operators only write)
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.rows($$SELECT id, name, slug FROM public.luminors WHERE slug IN ('lumina', 'harmonix', 'kinetix')$$), '3',
          'luminors/anon: the active public Luminors are readable');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminors WHERE slug = 'hidden-one'$$), '0',
          'luminors/anon: an inactive Luminor is not visible');
SELECT throws_ok($$SELECT system_prompt FROM public.luminors$$, '42501', NULL,
                 'luminors/anon: system_prompt is not readable');
SELECT throws_ok($$INSERT INTO public.luminors (name, slug) VALUES ('Anon', 'anon-luminor')$$, '42501', NULL,
                 'luminors/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.luminors SET name = 'Pwned' WHERE slug = 'lumina'$$, '42501', NULL,
                 'luminors/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.luminors WHERE slug = 'lumina'$$, '42501', NULL,
                 'luminors/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminors WHERE slug IN ('lumina', 'hidden-one')$$), '1',
          'luminors/authenticated: active public Luminors only');
SELECT throws_ok($$SELECT system_prompt FROM public.luminors$$, '42501', NULL,
                 'luminors/authenticated: system_prompt is not readable');
SELECT throws_ok($$INSERT INTO public.luminors (name, slug) VALUES ('Mine', 'my-luminor')$$, '42501', NULL,
                 'luminors/authenticated: INSERT is denied');
SELECT throws_ok($$UPDATE public.luminors SET average_rating = 5 WHERE slug = 'lumina'$$, '42501', NULL,
                 'luminors/authenticated: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.luminors WHERE slug = 'lumina'$$, '42501', NULL,
                 'luminors/authenticated: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT system_prompt FROM public.luminors WHERE slug IN ('lumina', 'hidden-one')$$), '2',
          'luminors/service_role: reads every Luminor, system_prompt included');
SELECT lives_ok($$INSERT INTO public.luminors (id, name, slug) VALUES ('a0000000-0000-4000-8000-000000000002', 'Svc', 'svc-luminor')$$,
                'luminors/service_role: INSERT works');
SELECT is(pg_temp.rows($$UPDATE public.luminors SET title = 'Operator' WHERE slug = 'svc-luminor' RETURNING 1$$), '1',
          'luminors/service_role: UPDATE works');
SELECT is(pg_temp.rows($$DELETE FROM public.luminors WHERE slug = 'svc-luminor' RETURNING 1$$), '1',
          'luminors/service_role: DELETE works');

-- ===========================================================================
-- 3. luminor_conversations (the owner's alone)
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT id FROM public.luminor_conversations$$, '42501', NULL,
                 'luminor_conversations/anon: SELECT is denied');
SELECT throws_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'a0000000-0000-4000-8000-000000000001')$$,
                 '42501', NULL, 'luminor_conversations/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.luminor_conversations SET title = 'x'$$, '42501', NULL,
                 'luminor_conversations/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.luminor_conversations WHERE true$$, '42501', NULL,
                 'luminor_conversations/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT set_eq($$SELECT id FROM public.luminor_conversations$$,
              ARRAY['60000000-0000-4000-8000-000000000001'::uuid],
              'luminor_conversations/owner: SELECT returns the own conversation only');
SELECT lives_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id, title, session_id, context)
                  VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1',
                          (SELECT id FROM public.luminors WHERE slug = 'harmonix'), 'New chat', 's1', '{"k":1}')$$,
                'luminor_conversations/owner: INSERT of an own conversation works');
SELECT is(pg_temp.rows($$UPDATE public.luminor_conversations
                            SET title = 'Renamed', context = '{"k":2}', is_active = false, is_archived = true
                          WHERE session_id = 's1' RETURNING 1$$), '1',
          'luminor_conversations/owner: UPDATE of title, context, is_active, is_archived works');
SELECT row_eq($$SELECT title, context, is_active, is_archived FROM public.luminor_conversations
                 WHERE session_id = 's1'$$,
              ROW('Renamed'::text, '{"k":2}'::jsonb, false, true), 'luminor_conversations/owner: the update is stored');
SELECT throws_ok($$UPDATE public.luminor_conversations SET message_count = 999 WHERE id = '60000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_conversations/owner: UPDATE of message_count is denied');
SELECT throws_ok($$UPDATE public.luminor_conversations SET last_message_at = now() WHERE id = '60000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_conversations/owner: UPDATE of last_message_at is denied');
SELECT throws_ok($$UPDATE public.luminor_conversations SET user_id = 'bbbbbbbb-0000-4000-8000-0000000000b2' WHERE id = '60000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_conversations/owner: UPDATE of user_id is denied');
SELECT throws_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id, message_count)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', (SELECT id FROM public.luminors WHERE slug = 'kinetix'), 50)$$,
                 '42501', NULL, 'luminor_conversations/owner: INSERT with message_count is denied');
SELECT throws_ok($$INSERT INTO public.luminor_conversations (user_id, luminor_id)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', (SELECT id FROM public.luminors WHERE slug = 'kinetix'))$$,
                 '42501', NULL, 'luminor_conversations/owner: INSERT of a conversation for another user is denied');
SELECT is(pg_temp.rows($$DELETE FROM public.luminor_conversations WHERE session_id = 's1' RETURNING 1$$), '1',
          'luminor_conversations/owner: DELETE of an own conversation works');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminor_conversations WHERE id = '60000000-0000-4000-8000-000000000001'$$), '0',
          'luminor_conversations/other: another user''s conversation is not visible');
SELECT is(pg_temp.rows($$UPDATE public.luminor_conversations SET title = 'Bob was here'
                          WHERE id = '60000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'luminor_conversations/other: UPDATE of another user''s conversation touches no row');
SELECT is(pg_temp.rows($$DELETE FROM public.luminor_conversations WHERE id = '60000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'luminor_conversations/other: DELETE of another user''s conversation touches no row');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminor_conversations
                          WHERE id IN ('60000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002')$$), '2',
          'luminor_conversations/service_role: sees everyone''s conversations');
SELECT lives_ok($$INSERT INTO public.luminor_conversations (id, user_id, luminor_id, message_count)
                  VALUES ('60000000-0000-4000-8000-000000000004', 'bbbbbbbb-0000-4000-8000-0000000000b2',
                          (SELECT id FROM public.luminors WHERE slug = 'kinetix'), 0)$$,
                'luminor_conversations/service_role: INSERT for any user works');
SELECT is(pg_temp.rows($$UPDATE public.luminor_conversations SET message_count = 7
                          WHERE id = '60000000-0000-4000-8000-000000000004' RETURNING 1$$), '1',
          'luminor_conversations/service_role: UPDATE of message_count works');
SELECT is(pg_temp.rows($$DELETE FROM public.luminor_conversations WHERE id = '60000000-0000-4000-8000-000000000004' RETURNING 1$$), '1',
          'luminor_conversations/service_role: DELETE works');
RESET ROLE;
SELECT is((SELECT title FROM public.luminor_conversations WHERE id = '60000000-0000-4000-8000-000000000001'), 'Alice and Lumina',
          'luminor_conversations: alice''s conversation survived bob''s attempts');

-- ===========================================================================
-- 4. luminor_messages (own turns in own conversations; ratings only)
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT id FROM public.luminor_messages$$, '42501', NULL, 'luminor_messages/anon: SELECT is denied');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('60000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'anon')$$,
                 '42501', NULL, 'luminor_messages/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.luminor_messages SET user_rating = 1 WHERE true$$, '42501', NULL,
                 'luminor_messages/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.luminor_messages WHERE true$$, '42501', NULL, 'luminor_messages/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT set_eq($$SELECT id FROM public.luminor_messages$$,
              ARRAY['70000000-0000-4000-8000-000000000001', '70000000-0000-4000-8000-000000000002']::uuid[],
              'luminor_messages/owner: SELECT returns the messages of the own conversations only');
SELECT lives_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                  VALUES ('60000000-0000-4000-8000-000000000001',
                          'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'A question')$$,
                'luminor_messages/owner: INSERT of a user turn into an own conversation works');
SELECT is((SELECT role FROM public.luminor_messages WHERE content = 'A question'), 'user',
          'luminor_messages/owner: the inserted turn is readable');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('60000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'assistant', 'Fake reply')$$,
                 '42501', NULL, 'luminor_messages/owner: INSERT with role assistant is denied');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('60000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'system', 'Fake system')$$,
                 '42501', NULL, 'luminor_messages/owner: INSERT with role system is denied');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content, model)
                   VALUES ('60000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'x', 'gpt-x')$$,
                 '42501', NULL, 'luminor_messages/owner: INSERT with model is denied');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content, tokens)
                   VALUES ('60000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'x', 5)$$,
                 '42501', NULL, 'luminor_messages/owner: INSERT with tokens is denied');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content, cost)
                   VALUES ('60000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'x', 0.5)$$,
                 '42501', NULL, 'luminor_messages/owner: INSERT with cost is denied');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('60000000-0000-4000-8000-000000000002', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'user', 'In bob''s chat')$$,
                 '42501', NULL, 'luminor_messages/owner: INSERT into another user''s conversation (as that user) is denied');
-- With her own user_id the row passes the policy; the composite foreign key
-- (conversation_id, user_id) is what refuses it.
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ('60000000-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'In bob''s chat')$$,
                 '23503', NULL, 'luminor_messages/owner: INSERT into another user''s conversation (as herself) is refused');
SELECT is(pg_temp.rows($$UPDATE public.luminor_messages SET user_rating = 5, was_helpful = true
                          WHERE id = '70000000-0000-4000-8000-000000000002' RETURNING 1$$), '1',
          'luminor_messages/owner: UPDATE of user_rating and was_helpful works');
SELECT row_eq($$SELECT user_rating, was_helpful FROM public.luminor_messages WHERE id = '70000000-0000-4000-8000-000000000002'$$,
              ROW(5, true), 'luminor_messages/owner: the rating is stored');
SELECT throws_ok($$UPDATE public.luminor_messages SET content = 'Rewritten' WHERE id = '70000000-0000-4000-8000-000000000002'$$,
                 '42501', NULL, 'luminor_messages/owner: UPDATE of content is denied');
SELECT throws_ok($$UPDATE public.luminor_messages SET role = 'user' WHERE id = '70000000-0000-4000-8000-000000000002'$$,
                 '42501', NULL, 'luminor_messages/owner: UPDATE of role is denied');
SELECT throws_ok($$UPDATE public.luminor_messages SET tokens = 0, cost = 0 WHERE id = '70000000-0000-4000-8000-000000000002'$$,
                 '42501', NULL, 'luminor_messages/owner: UPDATE of tokens and cost is denied');
SELECT throws_ok($$DELETE FROM public.luminor_messages WHERE content = 'A question'$$,
                 '42501', NULL, 'luminor_messages/owner: DELETE is denied (history is kept)');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminor_messages WHERE conversation_id = '60000000-0000-4000-8000-000000000001'$$), '0',
          'luminor_messages/other: another user''s messages are not visible');
SELECT is(pg_temp.rows($$UPDATE public.luminor_messages SET user_rating = 1
                          WHERE id = '70000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'luminor_messages/other: rating another user''s message touches no row');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminor_messages
                          WHERE conversation_id IN ('60000000-0000-4000-8000-000000000001', '60000000-0000-4000-8000-000000000002')$$), '4',
          'luminor_messages/service_role: sees every message');
SELECT lives_ok($$INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, model, tokens, cost)
                  VALUES ('70000000-0000-4000-8000-000000000005', '60000000-0000-4000-8000-000000000001',
                          'aaaaaaaa-0000-4000-8000-0000000000a1', 'assistant', 'An answer', 'gpt-x', 30, 0.002)$$,
                'luminor_messages/service_role: INSERT of an assistant message with model, tokens and cost works');
SELECT is(pg_temp.rows($$UPDATE public.luminor_messages SET content = 'An edited answer'
                          WHERE id = '70000000-0000-4000-8000-000000000005' RETURNING 1$$), '1',
          'luminor_messages/service_role: UPDATE of content works');
SELECT is(pg_temp.rows($$DELETE FROM public.luminor_messages WHERE id = '70000000-0000-4000-8000-000000000005' RETURNING 1$$), '1',
          'luminor_messages/service_role: DELETE works');
RESET ROLE;
SELECT row_eq($$SELECT content, user_rating FROM public.luminor_messages WHERE id = '70000000-0000-4000-8000-000000000002'$$,
              ROW('Hello Alice'::text, 5), 'luminor_messages: the assistant message kept its content and alice''s rating');

-- ===========================================================================
-- 5. luminor_relationships (read the bond, edit user_preferences only)
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT id FROM public.luminor_relationships$$, '42501', NULL, 'luminor_relationships/anon: SELECT is denied');
SELECT throws_ok($$INSERT INTO public.luminor_relationships (user_id, luminor_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', (SELECT id FROM public.luminors WHERE slug = 'kinetix'))$$,
                 '42501', NULL, 'luminor_relationships/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.luminor_relationships SET user_preferences = '{}' WHERE true$$, '42501', NULL,
                 'luminor_relationships/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.luminor_relationships WHERE true$$, '42501', NULL,
                 'luminor_relationships/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT set_eq($$SELECT id FROM public.luminor_relationships$$, ARRAY['80000000-0000-4000-8000-000000000001'::uuid],
              'luminor_relationships/owner: SELECT returns the own bond only');
SELECT is(pg_temp.rows($$UPDATE public.luminor_relationships SET user_preferences = '{"tone":"short"}'
                          WHERE id = '80000000-0000-4000-8000-000000000001' RETURNING 1$$), '1',
          'luminor_relationships/owner: UPDATE of user_preferences works');
SELECT is((SELECT user_preferences FROM public.luminor_relationships WHERE id = '80000000-0000-4000-8000-000000000001'),
          '{"tone":"short"}'::jsonb, 'luminor_relationships/owner: the preferences are stored');
SELECT throws_ok($$UPDATE public.luminor_relationships SET bond_level = 10 WHERE id = '80000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_relationships/owner: UPDATE of bond_level is denied');
SELECT throws_ok($$UPDATE public.luminor_relationships SET bond_xp = 9999 WHERE id = '80000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_relationships/owner: UPDATE of bond_xp is denied');
SELECT throws_ok($$UPDATE public.luminor_relationships SET total_interactions = 9999 WHERE id = '80000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_relationships/owner: UPDATE of total_interactions is denied');
SELECT throws_ok($$UPDATE public.luminor_relationships SET key_memories = '[{"fake":true}]' WHERE id = '80000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_relationships/owner: UPDATE of key_memories is denied');
SELECT throws_ok($$UPDATE public.luminor_relationships SET personality_match = '{"x":1}' WHERE id = '80000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_relationships/owner: UPDATE of personality_match is denied');
SELECT throws_ok($$INSERT INTO public.luminor_relationships (user_id, luminor_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', (SELECT id FROM public.luminors WHERE slug = 'kinetix'))$$,
                 '42501', NULL, 'luminor_relationships/owner: INSERT is denied (bonds are made by the functions)');
SELECT throws_ok($$DELETE FROM public.luminor_relationships WHERE id = '80000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'luminor_relationships/owner: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminor_relationships WHERE id = '80000000-0000-4000-8000-000000000001'$$), '0',
          'luminor_relationships/other: another user''s bond is not visible');
SELECT is(pg_temp.rows($$UPDATE public.luminor_relationships SET user_preferences = '{"bob":true}'
                          WHERE id = '80000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'luminor_relationships/other: UPDATE of another user''s bond touches no row');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT id FROM public.luminor_relationships
                          WHERE id IN ('80000000-0000-4000-8000-000000000001', '80000000-0000-4000-8000-000000000002')$$), '2',
          'luminor_relationships/service_role: sees every bond');
SELECT lives_ok($$INSERT INTO public.luminor_relationships (id, user_id, luminor_id)
                  VALUES ('80000000-0000-4000-8000-000000000003', 'bbbbbbbb-0000-4000-8000-0000000000b2',
                          (SELECT id FROM public.luminors WHERE slug = 'kinetix'))$$,
                'luminor_relationships/service_role: INSERT works');
SELECT is(pg_temp.rows($$UPDATE public.luminor_relationships SET bond_level = 2, bond_xp = 10
                          WHERE id = '80000000-0000-4000-8000-000000000003' RETURNING 1$$), '1',
          'luminor_relationships/service_role: UPDATE of bond_level and bond_xp works');
SELECT is(pg_temp.rows($$DELETE FROM public.luminor_relationships WHERE id = '80000000-0000-4000-8000-000000000003' RETURNING 1$$), '1',
          'luminor_relationships/service_role: DELETE works');
RESET ROLE;
SELECT is((SELECT user_preferences FROM public.luminor_relationships WHERE id = '80000000-0000-4000-8000-000000000001'),
          '{"tone":"short"}'::jsonb, 'luminor_relationships: bob did not change alice''s preferences');

-- ===========================================================================
-- 6. creations
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT set_eq($$SELECT id FROM public.creations WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
              ARRAY['20000000-0000-4000-8000-000000000001'::uuid],
              'creations/anon: only published public creations are visible (no draft, no private)');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Anon art', 'image')$$,
                 '42501', NULL, 'creations/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.creations SET title = 'Anon' WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT set_eq($$SELECT id FROM public.creations WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
              ARRAY['20000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002',
                    '20000000-0000-4000-8000-000000000003']::uuid[],
              'creations/owner: all own creations are visible, drafts and private ones included');
SELECT lives_ok($$INSERT INTO public.creations (id, user_id, title, type, tags)
                  VALUES ('20000000-0000-4000-8000-000000000006', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                          'New draft', 'text', ARRAY['poem'])$$,
                'creations/owner: INSERT of a draft works');
SELECT row_eq($$SELECT status, like_count, is_featured FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000006'$$,
              ROW('draft'::text, 0, false), 'creations/owner: the new creation is a draft with zero counters');
SELECT lives_ok($$INSERT INTO public.creations (id, user_id, title, type, status)
                  VALUES ('20000000-0000-4000-8000-000000000007', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                          'Processing', 'video', 'processing')$$,
                'creations/owner: INSERT with status processing works');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, status)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Jump', 'image', 'published')$$,
                 '42501', NULL, 'creations/owner: INSERT straight to status published is denied');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, status, published_at)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Jump', 'image', 'published', now())$$,
                 '42501', NULL, 'creations/owner: INSERT published with a published_at is denied');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, status)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Archived', 'image', 'archived')$$,
                 '42501', NULL, 'creations/owner: INSERT with status archived is denied');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, like_count)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Liked', 'image', 1000)$$,
                 '42501', NULL, 'creations/owner: INSERT with like_count is denied');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, view_count)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Viewed', 'image', 1000)$$,
                 '42501', NULL, 'creations/owner: INSERT with view_count is denied');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type, is_featured)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Featured', 'image', true)$$,
                 '42501', NULL, 'creations/owner: INSERT with is_featured is denied');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', 'For bob', 'image')$$,
                 '42501', NULL, 'creations/owner: INSERT of a creation for another user is denied');
SELECT is(pg_temp.rows($$UPDATE public.creations
                            SET title = 'Renamed', description = 'd', tags = ARRAY['sea'], is_public = true, is_nsfw = false,
                                prompt = 'p', model = 'm', metadata = '{"w":1}'
                          WHERE id = '20000000-0000-4000-8000-000000000006' RETURNING 1$$), '1',
          'creations/owner: UPDATE of the content columns works');
SELECT row_eq($$SELECT title, description, tags FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000006'$$,
              ROW('Renamed'::text, 'd'::text, ARRAY['sea']), 'creations/owner: the update is stored');
SELECT throws_ok($$UPDATE public.creations SET like_count = 1000 WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/owner: UPDATE of like_count is denied');
SELECT throws_ok($$UPDATE public.creations SET comment_count = 1000 WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/owner: UPDATE of comment_count is denied');
SELECT throws_ok($$UPDATE public.creations SET view_count = 1000 WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/owner: UPDATE of view_count is denied');
SELECT throws_ok($$UPDATE public.creations SET remix_count = 1000 WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/owner: UPDATE of remix_count is denied');
SELECT throws_ok($$UPDATE public.creations SET is_featured = true WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/owner: UPDATE of is_featured is denied');
SELECT throws_ok($$UPDATE public.creations SET published_at = now() - interval '1 year' WHERE id = '20000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'creations/owner: UPDATE of published_at is denied');
SELECT throws_ok($$UPDATE public.creations SET status = 'published' WHERE id = '20000000-0000-4000-8000-000000000002'$$,
                 '42501', NULL, 'creations/owner: UPDATE of status (draft straight to published) is denied');
SELECT throws_ok($$UPDATE public.creations SET user_id = 'bbbbbbbb-0000-4000-8000-0000000000b2' WHERE id = '20000000-0000-4000-8000-000000000006'$$,
                 '42501', NULL, 'creations/owner: UPDATE of user_id is denied');
SELECT is(pg_temp.rows($$DELETE FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000007' RETURNING 1$$), '1',
          'creations/owner: DELETE of an own creation works');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT set_eq($$SELECT id FROM public.creations WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
              ARRAY['20000000-0000-4000-8000-000000000001'::uuid],
              'creations/other: another user''s drafts and private creations are not visible');
SELECT is(pg_temp.rows($$UPDATE public.creations SET title = 'Bob was here'
                          WHERE id = '20000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'creations/other: UPDATE of another user''s published creation touches no row');
SELECT is(pg_temp.rows($$UPDATE public.creations SET title = 'Bob was here'
                          WHERE id = '20000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'creations/other: UPDATE of another user''s draft touches no row');
SELECT is(pg_temp.rows($$DELETE FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'creations/other: DELETE of another user''s creation touches no row');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT id FROM public.creations WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$), '4',
          'creations/service_role: sees every creation');
SELECT lives_ok($$INSERT INTO public.creations (id, user_id, title, type, status, published_at, is_featured, like_count)
                  VALUES ('20000000-0000-4000-8000-000000000008', 'bbbbbbbb-0000-4000-8000-0000000000b2',
                          'Pipeline', 'image', 'published', now(), true, 3)$$,
                'creations/service_role: INSERT of a published, featured creation works');
SELECT is(pg_temp.rows($$UPDATE public.creations SET status = 'archived', view_count = 10
                          WHERE id = '20000000-0000-4000-8000-000000000008' RETURNING 1$$), '1',
          'creations/service_role: UPDATE of status and counters works');
SELECT is(pg_temp.rows($$DELETE FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000008' RETURNING 1$$), '1',
          'creations/service_role: DELETE works');
RESET ROLE;
SELECT row_eq($$SELECT title, status, like_count, is_featured FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000001'$$,
              ROW('Alice public'::text, 'published'::text, 1, false),
              'creations: alice''s public creation is unchanged by the refused writes');

-- ===========================================================================
-- 7. likes
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT set_eq($$SELECT id FROM public.likes$$, ARRAY['30000000-0000-4000-8000-000000000001'::uuid],
              'likes/anon: likes on visible creations only (not the like on a draft)');
SELECT throws_ok($$INSERT INTO public.likes (user_id, creation_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000004')$$,
                 '42501', NULL, 'likes/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.likes SET created_at = now() WHERE true$$, '42501', NULL, 'likes/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.likes WHERE true$$, '42501', NULL, 'likes/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$SELECT id FROM public.likes WHERE id = '30000000-0000-4000-8000-000000000002'$$), '1',
          'likes/owner: the own like on an own draft is visible');
SELECT lives_ok($$INSERT INTO public.likes (user_id, creation_id)
                  VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000004')$$,
                'likes/owner: INSERT of an own like on a visible creation works');
SELECT is((SELECT like_count FROM public.creations WHERE id = '20000000-0000-4000-8000-000000000004'), 1,
          'likes/owner: the trigger moved like_count, a column the user may not write');
SELECT throws_ok($$INSERT INTO public.likes (user_id, creation_id)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '20000000-0000-4000-8000-000000000003')$$,
                 '42501', NULL, 'likes/owner: INSERT of a like in another user''s name is denied');
SELECT throws_ok($$INSERT INTO public.likes (user_id, creation_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000005')$$,
                 '42501', NULL, 'likes/owner: INSERT of a like on a creation one cannot see (another''s draft) is denied');
SELECT throws_ok($$UPDATE public.likes SET creation_id = '20000000-0000-4000-8000-000000000001'
                   WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '42501', NULL, 'likes/owner: UPDATE of an own like is denied');
SELECT is(pg_temp.rows($$DELETE FROM public.likes WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
                          AND creation_id = '20000000-0000-4000-8000-000000000004' RETURNING 1$$), '1',
          'likes/owner: DELETE of an own like works');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$SELECT id FROM public.likes WHERE id = '30000000-0000-4000-8000-000000000002'$$), '0',
          'likes/other: another user''s like on a creation one cannot see is not visible');
SELECT is(pg_temp.rows($$DELETE FROM public.likes WHERE id = '30000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'likes/other: DELETE of another user''s like touches no row');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT id FROM public.likes WHERE id IN ('30000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002')$$), '2',
          'likes/service_role: sees every like');
SELECT lives_ok($$INSERT INTO public.likes (id, user_id, creation_id)
                  VALUES ('30000000-0000-4000-8000-000000000004', 'bbbbbbbb-0000-4000-8000-0000000000b2',
                          '20000000-0000-4000-8000-000000000002')$$,
                'likes/service_role: INSERT for any user on any creation works');
SELECT is(pg_temp.rows($$UPDATE public.likes SET created_at = now() - interval '1 day'
                          WHERE id = '30000000-0000-4000-8000-000000000004' RETURNING 1$$), '1',
          'likes/service_role: UPDATE works');
SELECT is(pg_temp.rows($$DELETE FROM public.likes WHERE id = '30000000-0000-4000-8000-000000000004' RETURNING 1$$), '1',
          'likes/service_role: DELETE works');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.likes WHERE id = '30000000-0000-4000-8000-000000000002'), 1,
          'likes: alice''s like survived bob''s delete');

-- ===========================================================================
-- 8. comments
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT set_eq($$SELECT id FROM public.comments$$,
              ARRAY['40000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000002']::uuid[],
              'comments/anon: comments on visible creations only (not on a draft)');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000001', 'anon')$$,
                 '42501', NULL, 'comments/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.comments SET content = 'anon' WHERE true$$, '42501', NULL, 'comments/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.comments WHERE true$$, '42501', NULL, 'comments/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT lives_ok($$INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id)
                  VALUES ('40000000-0000-4000-8000-000000000004', 'bbbbbbbb-0000-4000-8000-0000000000b2',
                          '20000000-0000-4000-8000-000000000001', 'A reply', '40000000-0000-4000-8000-000000000002')$$,
                'comments/owner: INSERT of an own comment on a published public creation works');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '20000000-0000-4000-8000-000000000002', 'On a draft')$$,
                 '42501', NULL, 'comments/owner: INSERT on another user''s draft is denied');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '20000000-0000-4000-8000-000000000003', 'On a private one')$$,
                 '42501', NULL, 'comments/owner: INSERT on another user''s private creation is denied');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-000000000001', 'In alice''s name')$$,
                 '42501', NULL, 'comments/owner: INSERT in another user''s name is denied');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content, is_flagged)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '20000000-0000-4000-8000-000000000001', 'x', false)$$,
                 '42501', NULL, 'comments/owner: INSERT with is_flagged is denied');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content, like_count)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '20000000-0000-4000-8000-000000000001', 'x', 50)$$,
                 '42501', NULL, 'comments/owner: INSERT with like_count is denied');
SELECT is(pg_temp.rows($$UPDATE public.comments SET content = 'Bob, edited'
                          WHERE id = '40000000-0000-4000-8000-000000000001' RETURNING 1$$), '1',
          'comments/owner: UPDATE of the own comment''s content works');
SELECT row_eq($$SELECT content, is_edited FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000001'$$,
              ROW('Bob, edited'::text, true), 'comments/owner: the edit is stored and marked edited');
SELECT throws_ok($$UPDATE public.comments SET is_flagged = false WHERE id = '40000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'comments/owner: UPDATE of is_flagged is denied');
SELECT throws_ok($$UPDATE public.comments SET like_count = 50 WHERE id = '40000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'comments/owner: UPDATE of like_count is denied');
SELECT throws_ok($$UPDATE public.comments SET is_edited = false WHERE id = '40000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'comments/owner: UPDATE of is_edited is denied');
SELECT throws_ok($$UPDATE public.comments SET creation_id = '20000000-0000-4000-8000-000000000004' WHERE id = '40000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'comments/owner: UPDATE of creation_id is denied');
SELECT throws_ok($$UPDATE public.comments SET user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' WHERE id = '40000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'comments/owner: UPDATE of user_id is denied');
SELECT is(pg_temp.rows($$DELETE FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000004' RETURNING 1$$), '1',
          'comments/owner: DELETE of an own comment works');
SELECT is(pg_temp.rows($$SELECT id FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000003'$$), '0',
          'comments/other: a comment on another user''s draft is not visible');
SELECT is(pg_temp.rows($$UPDATE public.comments SET content = 'Bob rewrote alice'
                          WHERE id = '40000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'comments/other: UPDATE of another user''s comment touches no row');
SELECT is(pg_temp.rows($$DELETE FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'comments/other: DELETE of another user''s comment touches no row');
-- The creation's owner moderates nothing through the table API either.
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$DELETE FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'comments/other: the creation''s owner cannot delete someone else''s comment on it');
SELECT is(pg_temp.rows($$SELECT id FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000003'$$), '1',
          'comments/owner: the own comment on an own draft is visible to its author');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT id FROM public.comments WHERE id IN ('40000000-0000-4000-8000-000000000001',
                          '40000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000003')$$), '3',
          'comments/service_role: sees every comment');
SELECT lives_ok($$INSERT INTO public.comments (id, user_id, creation_id, content)
                  VALUES ('40000000-0000-4000-8000-000000000005', 'bbbbbbbb-0000-4000-8000-0000000000b2',
                          '20000000-0000-4000-8000-000000000002', 'Service comment')$$,
                'comments/service_role: INSERT anywhere works');
SELECT is(pg_temp.rows($$UPDATE public.comments SET is_flagged = true WHERE id = '40000000-0000-4000-8000-000000000005' RETURNING 1$$), '1',
          'comments/service_role: UPDATE of is_flagged works');
SELECT is(pg_temp.rows($$DELETE FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000005' RETURNING 1$$), '1',
          'comments/service_role: DELETE works');
RESET ROLE;
SELECT is((SELECT content FROM public.comments WHERE id = '40000000-0000-4000-8000-000000000002'), 'Alice on alice public',
          'comments: alice''s comment survived bob''s attempts');

-- ===========================================================================
-- 9. follows (public graph; follow and unfollow as yourself)
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.rows($$SELECT id FROM public.follows WHERE id = '50000000-0000-4000-8000-000000000001'$$), '1',
          'follows/anon: the social graph is readable');
SELECT throws_ok($$INSERT INTO public.follows (follower_id, following_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'bbbbbbbb-0000-4000-8000-0000000000b2')$$,
                 '42501', NULL, 'follows/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.follows SET notify_creations = false WHERE true$$, '42501', NULL, 'follows/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.follows WHERE true$$, '42501', NULL, 'follows/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$UPDATE public.follows SET notify_creations = false
                          WHERE id = '50000000-0000-4000-8000-000000000001' RETURNING 1$$), '1',
          'follows/owner: UPDATE of notify_creations on an own follow works');
SELECT is((SELECT notify_creations FROM public.follows WHERE id = '50000000-0000-4000-8000-000000000001'), false,
          'follows/owner: the update is stored');
SELECT throws_ok($$UPDATE public.follows SET following_id = 'cccccccc-0000-4000-8000-0000000000c3' WHERE id = '50000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'follows/owner: UPDATE of following_id is denied');
SELECT throws_ok($$UPDATE public.follows SET follower_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' WHERE id = '50000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'follows/owner: UPDATE of follower_id is denied');
SELECT throws_ok($$INSERT INTO public.follows (follower_id, following_id)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'cccccccc-0000-4000-8000-0000000000c3')$$,
                 '42501', NULL, 'follows/owner: INSERT of a follow in another user''s name is denied');
SELECT lives_ok($$INSERT INTO public.follows (follower_id, following_id)
                  VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', 'cccccccc-0000-4000-8000-0000000000c3')$$,
                'follows/owner: INSERT of an own follow works');
SELECT is(pg_temp.rows($$DELETE FROM public.follows WHERE follower_id = 'bbbbbbbb-0000-4000-8000-0000000000b2'
                          AND following_id = 'cccccccc-0000-4000-8000-0000000000c3' RETURNING 1$$), '1',
          'follows/owner: DELETE of an own follow works');

-- alice is followed by bob: she may neither edit nor remove his follow.
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$SELECT id FROM public.follows WHERE id = '50000000-0000-4000-8000-000000000001'$$), '1',
          'follows/other: another user''s follow is readable');
SELECT is(pg_temp.rows($$UPDATE public.follows SET notify_creations = true
                          WHERE id = '50000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'follows/other: UPDATE of another user''s follow touches no row');
SELECT is(pg_temp.rows($$DELETE FROM public.follows WHERE id = '50000000-0000-4000-8000-000000000001' RETURNING 1$$), '0',
          'follows/other: DELETE of another user''s follow touches no row');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT lives_ok($$INSERT INTO public.follows (id, follower_id, following_id)
                  VALUES ('50000000-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                          'bbbbbbbb-0000-4000-8000-0000000000b2')$$,
                'follows/service_role: INSERT for any user works');
SELECT is(pg_temp.rows($$SELECT id FROM public.follows WHERE id IN ('50000000-0000-4000-8000-000000000001', '50000000-0000-4000-8000-000000000003')$$), '2',
          'follows/service_role: SELECT works');
SELECT is(pg_temp.rows($$UPDATE public.follows SET notify_creations = false
                          WHERE id = '50000000-0000-4000-8000-000000000003' RETURNING 1$$), '1',
          'follows/service_role: UPDATE works');
SELECT is(pg_temp.rows($$DELETE FROM public.follows WHERE id = '50000000-0000-4000-8000-000000000003' RETURNING 1$$), '1',
          'follows/service_role: DELETE works');
RESET ROLE;
SELECT row_eq($$SELECT follower_id, following_id, notify_creations FROM public.follows WHERE id = '50000000-0000-4000-8000-000000000001'$$,
              ROW('bbbbbbbb-0000-4000-8000-0000000000b2'::uuid, 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, false),
              'follows: bob''s follow is as bob left it');

-- ===========================================================================
-- 10. notifications (the recipient reads, marks and deletes; nobody inserts)
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT id FROM public.notifications$$, '42501', NULL, 'notifications/anon: SELECT is denied');
SELECT throws_ok($$INSERT INTO public.notifications (user_id, type, title)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'anon')$$,
                 '42501', NULL, 'notifications/anon: INSERT is denied');
SELECT throws_ok($$UPDATE public.notifications SET is_read = true WHERE true$$, '42501', NULL, 'notifications/anon: UPDATE is denied');
SELECT throws_ok($$DELETE FROM public.notifications WHERE true$$, '42501', NULL, 'notifications/anon: DELETE is denied');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$SELECT id FROM public.notifications WHERE user_id <> 'aaaaaaaa-0000-4000-8000-0000000000a1'$$), '0',
          'notifications/owner: SELECT returns no one else''s notifications');
SELECT is(pg_temp.rows($$SELECT id FROM public.notifications WHERE id = '90000000-0000-4000-8000-000000000001'$$), '1',
          'notifications/owner: the own notification is visible');
SELECT throws_ok($$INSERT INTO public.notifications (user_id, type, title)
                   VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'Self-made')$$,
                 '42501', NULL, 'notifications/owner: INSERT of an own notification is denied');
SELECT throws_ok($$INSERT INTO public.notifications (user_id, type, title)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', 'new_follower', 'Spam for bob')$$,
                 '42501', NULL, 'notifications/owner: INSERT of a notification for another user is denied');
SELECT is(pg_temp.rows($$UPDATE public.notifications SET is_read = true, is_archived = true
                          WHERE id = '90000000-0000-4000-8000-000000000001' RETURNING 1$$), '1',
          'notifications/owner: UPDATE of is_read and is_archived works');
SELECT ok((SELECT is_read AND is_archived AND read_at IS NOT NULL FROM public.notifications
            WHERE id = '90000000-0000-4000-8000-000000000001'),
          'notifications/owner: stored, and read_at was set by the database');
SELECT throws_ok($$UPDATE public.notifications SET title = 'Edited' WHERE id = '90000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'notifications/owner: UPDATE of title is denied');
SELECT throws_ok($$UPDATE public.notifications SET message = 'Edited' WHERE id = '90000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'notifications/owner: UPDATE of message is denied');
SELECT throws_ok($$UPDATE public.notifications SET type = 'mention' WHERE id = '90000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'notifications/owner: UPDATE of type is denied');
SELECT throws_ok($$UPDATE public.notifications SET metadata = '{"x":1}' WHERE id = '90000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'notifications/owner: UPDATE of metadata is denied');
SELECT throws_ok($$UPDATE public.notifications SET action_url = '/evil' WHERE id = '90000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'notifications/owner: UPDATE of action_url is denied');
SELECT throws_ok($$UPDATE public.notifications SET read_at = now() WHERE id = '90000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'notifications/owner: UPDATE of read_at is denied');
SELECT throws_ok($$UPDATE public.notifications SET user_id = 'bbbbbbbb-0000-4000-8000-0000000000b2' WHERE id = '90000000-0000-4000-8000-000000000001'$$,
                 '42501', NULL, 'notifications/owner: UPDATE of user_id is denied');
SELECT is(pg_temp.rows($$UPDATE public.notifications SET is_read = true
                          WHERE id = '90000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'notifications/other: UPDATE of another user''s notification touches no row');
SELECT is(pg_temp.rows($$DELETE FROM public.notifications WHERE id = '90000000-0000-4000-8000-000000000002' RETURNING 1$$), '0',
          'notifications/other: DELETE of another user''s notification touches no row');
SELECT is(pg_temp.rows($$SELECT id FROM public.notifications WHERE id = '90000000-0000-4000-8000-000000000002'$$), '0',
          'notifications/other: another user''s notification is not visible');
SELECT is(pg_temp.rows($$DELETE FROM public.notifications WHERE id = '90000000-0000-4000-8000-000000000001' RETURNING 1$$), '1',
          'notifications/owner: DELETE of an own notification works');

RESET ROLE; SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.rows($$SELECT id FROM public.notifications WHERE id = '90000000-0000-4000-8000-000000000002'$$), '1',
          'notifications/service_role: SELECT works');
SELECT lives_ok($$INSERT INTO public.notifications (id, user_id, type, title)
                  VALUES ('90000000-0000-4000-8000-000000000003', 'bbbbbbbb-0000-4000-8000-0000000000b2',
                          'system_announcement', 'From the operators')$$,
                'notifications/service_role: INSERT works');
SELECT is(pg_temp.rows($$UPDATE public.notifications SET title = 'Corrected'
                          WHERE id = '90000000-0000-4000-8000-000000000003' RETURNING 1$$), '1',
          'notifications/service_role: UPDATE of title works');
SELECT is(pg_temp.rows($$DELETE FROM public.notifications WHERE id = '90000000-0000-4000-8000-000000000003' RETURNING 1$$), '1',
          'notifications/service_role: DELETE works');
RESET ROLE;
SELECT row_eq($$SELECT title, is_read FROM public.notifications WHERE id = '90000000-0000-4000-8000-000000000002'$$,
              ROW('For bob'::text, false), 'notifications: bob''s notification is untouched');

-- ---------------------------------------------------------------------------
-- The policies' profile checks stay one probe per row: never a hashed
-- subplan that reads every profile before the first row of a page (87 ms
-- for 20 creations on the scale-1 benchmark data; 50_security.sql).  Here
-- a probe is made to look dear, so that the planner would hash any check
-- it could.
-- ---------------------------------------------------------------------------
\ir fixtures/plan_lines.sql
CREATE FUNCTION pg_temp.hashed_subplans(q text) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM pg_temp.plan_lines(q) l WHERE l ~ 'hashed SubPlan'
$$;
SET LOCAL random_page_cost = 1000000;
SET LOCAL enable_bitmapscan = off;
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.hashed_subplans($$SELECT * FROM public.creations ORDER BY created_at DESC LIMIT 20$$), 0::bigint,
          'policy plans: a page of creations probes the author''s profile per row');
SELECT is(pg_temp.hashed_subplans($$SELECT * FROM public.likes LIMIT 20$$), 0::bigint,
          'policy plans: likes, the creation and the liker likewise');
SELECT is(pg_temp.hashed_subplans($$SELECT * FROM public.comments LIMIT 20$$), 0::bigint,
          'policy plans: comments, the creation and the author likewise');
SELECT is(pg_temp.hashed_subplans($$SELECT * FROM public.follows LIMIT 20$$), 0::bigint,
          'policy plans: follows, both ends likewise');
RESET random_page_cost;
RESET enable_bitmapscan;
-- PostgREST prepares its statements, and after five runs PostgreSQL may
-- keep a generic plan, which expects a handful of comments per creation:
-- it must still read a creation's first comments in index order and stop,
-- not sort them all (a viral creation's 61,055 took 288 s).  This
-- database is too small for the planner to prefer the index on its own, so
-- sorting is priced out: a plan without a Sort exists only if an index
-- gives that order.
SET LOCAL plan_cache_mode = force_generic_plan;
SET LOCAL enable_sort = off;
SET LOCAL enable_incremental_sort = off;
PREPARE first_comments(uuid) AS
    SELECT id FROM public.comments WHERE creation_id = $1 AND parent_comment_id IS NULL
     ORDER BY created_at, id LIMIT 20;
SELECT is((SELECT count(*) FROM pg_temp.plan_lines($$EXECUTE first_comments('00000000-0000-4000-8000-000000000000')$$) l
            WHERE l ~ 'Sort'), 0::bigint,
          'comment plans: a generic plan reads a creation''s comments by created_at, id without sorting');
DEALLOCATE first_comments;
RESET plan_cache_mode;
RESET enable_sort;
RESET enable_incremental_sort;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
