-- Privacy: private fields stay private, a user takes their data with them,
-- and a deactivated account is invisible to others until it comes back.
-- The suite runs this file in a bare database and in one set up as
-- Supabase sets up its own (pgrx-tests/fixtures/supabase.sql); nothing here
-- depends on which.  It acts as PostgREST does: anon, a signed-in user
-- (act_as with their sub) and service_role.
--
--   1. the privacy matrix: each private field (profile_private's
--      preferences, onboarding_completed, onboarding_step, last_active_at,
--      share_presence) as anon, another user, the owner and service_role,
--      through the table API (profile_private, the old column names on
--      profiles, a join, updates) and through every RPC that returns
--      profile data (get_user_stats, search_creations, get_user_feed,
--      get_conversation_with_messages, export_my_data, and the actor data
--      in notifications): the owner and the service role see the value,
--      nobody else does;
--   2. export_my_data: every row the user owns, section by section against
--      the tables, and no row of anyone else; anon and other users are
--      refused, the service role exports by id;
--   3. get_presence: oneself, and the accounts one follows that share their
--      presence (and are active); anon is refused;
--   4. deactivation: every read path as anon, another user and a follower
--      (table API, search, feed pages, stats, storage listings, mentions)
--      shows nothing of the account while it is deactivated and everything
--      again after; the owner sees all of it throughout;
--   5. sign-up without a username: creator_ and digits, nothing of the
--      e-mail address, and a private row with presence not shared;
--   6. erasure of a short name mentioned in a comment at its length limit.
-- Erasure (a deleted account) is tested by pgrx-tests/shell/erasure.sh;
-- the private fields, the export and presence through PostgREST by
-- pgrx-tests/e2e/privacy.test.mjs.
BEGIN;
SELECT plan(225);
SET LOCAL timezone = 'UTC';

\ir fixtures/act_as.sql
\ir fixtures/rows.sql

-- ---------------------------------------------------------------------------
-- Helpers (pg_temp: any role may call them; they run with the caller's
-- rights, so what they see is what that role sees)
-- ---------------------------------------------------------------------------
-- The fixture's users by name, and back.
CREATE FUNCTION pg_temp.u(who text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT p.id FROM (VALUES
        ('alice', '24a00000-0000-4000-8000-0000000000a1'::uuid),
        ('bob',   '24b00000-0000-4000-8000-0000000000b2'::uuid),
        ('carol', '24c00000-0000-4000-8000-0000000000c3'::uuid),
        ('dave',  '24d00000-0000-4000-8000-0000000000d4'::uuid),
        ('erin',  '24e00000-0000-4000-8000-0000000000e5'::uuid),
        ('frank', '24f00000-0000-4000-8000-0000000000f6'::uuid),
        ('gina',  '24000000-0000-4000-8000-0000000000a7'::uuid),
        ('nobody', '99999999-0000-4000-8000-000000000099'::uuid)) p(name, id)
     WHERE p.name = who
$$;
CREATE FUNCTION pg_temp.who(user_id uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce((SELECT n FROM unnest(ARRAY['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina']) n
                      WHERE pg_temp.u(n) = user_id), user_id::text)
$$;
-- dave's creations (section 4): three published public ones and a draft.
CREATE FUNCTION pg_temp.dave_creations() RETURNS uuid[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['24d10000-0000-4000-8000-000000000001', '24d10000-0000-4000-8000-000000000002',
                 '24d10000-0000-4000-8000-000000000003', '24d10000-0000-4000-8000-000000000004']::uuid[]
$$;

-- pg_temp.val(sql): what the current role gets from a query: the first
-- column of the first row as text, '(no row)', '(null)', or
-- 'ERROR <sqlstate>' (a refusal is then a failed assertion with its code,
-- not an aborted file).  Unlike pg_temp.rows() it evaluates the column, so
-- a function in the select list really runs (and checks its privileges).
CREATE FUNCTION pg_temp.val(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v text;
    n bigint;
BEGIN
    EXECUTE q INTO v;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN CASE WHEN n = 0 THEN '(no row)' ELSE coalesce(v, '(null)') END;
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE;
END
$$;

-- pg_temp.leaks(doc): what a document gives away of the private fields:
-- any key named like one (at any depth), and any of the fixture's private
-- values (alice's and bob's preference markers and last_active_at dates).
-- '' when nothing.
CREATE FUNCTION pg_temp.leaks(doc jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(x, ', ' ORDER BY x), '') FROM (
        SELECT DISTINCT 'key ' || k AS x
          FROM jsonb_path_query(coalesce(doc, 'null'), 'lax $.**') v
         CROSS JOIN LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(v) = 'object' THEN v ELSE '{}' END) k
         WHERE k IN ('preferences', 'onboarding_completed', 'onboarding_step', 'last_active_at', 'share_presence')
        UNION
        SELECT 'value ' || m
          FROM unnest(ARRAY['p24-alice-secret', 'p24-bob-secret', '2001-02-03', '2002-03-04']) m
         WHERE position(m IN coalesce(doc, 'null')::text) > 0) s
$$;

-- The private columns, alice's values as text, and a value a hostile
-- writer would set.
CREATE FUNCTION pg_temp.private_columns() RETURNS TABLE (n int, col text, alice_value text, hostile text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES (1, 'preferences', '{"theme": "p24-alice-secret"}', $v$'{"theme": "hacked"}'::jsonb$v$),
           (2, 'onboarding_completed', 'true', 'false'),
           (3, 'onboarding_step', '37', '99'),
           (4, 'last_active_at', '2001-02-03 04:05:06+00', 'now()'),
           (5, 'share_presence', 'true', 'false')
$$;

-- ---------------------------------------------------------------------------
-- Fixtures (as the superuser)
--   alice: the owner of sections 1 and 2, with rows in every table;
--   bob: another user with rows of his own; carol, erin: other users;
--   dave: deactivated and reactivated in section 4; frank: deactivated,
--   shares his presence; gina (section 5) signs up without a username.
-- ---------------------------------------------------------------------------
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT pg_temp.u(n), n || '@p24.test', jsonb_build_object('username', n)
  FROM unnest(ARRAY['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) n;

UPDATE public.profiles SET bio = 'Painter of lanterns', avatar_url = 'https://cdn.p24.test/alice.png',
       subscription_status = 'active', stripe_customer_id = 'cus_p24alice', stripe_subscription_id = 'sub_p24alice'
 WHERE id = pg_temp.u('alice');
UPDATE public.profiles SET stripe_customer_id = 'cus_p24bob' WHERE id = pg_temp.u('bob');
UPDATE public.profile_private SET preferences = '{"theme": "p24-alice-secret"}', onboarding_completed = true,
       onboarding_step = 37, last_active_at = '2001-02-03 04:05:06+00', share_presence = true
 WHERE id = pg_temp.u('alice');
UPDATE public.profile_private SET preferences = '{"theme": "p24-bob-secret"}', onboarding_step = 12,
       last_active_at = '2002-03-04 05:06:07+00', share_presence = false
 WHERE id = pg_temp.u('bob');
UPDATE public.profile_private SET last_active_at = '2003-04-05 06:07:08+00', share_presence = false WHERE id = pg_temp.u('carol');
UPDATE public.profile_private SET last_active_at = '2004-05-06 07:08:09+00', share_presence = true  WHERE id = pg_temp.u('erin');
UPDATE public.profile_private SET last_active_at = '2005-06-07 08:09:10+00', share_presence = true  WHERE id = pg_temp.u('frank');

INSERT INTO public.creations (id, user_id, title, description, type, tags, status, is_public, published_at, created_at) VALUES
    ('24a10000-0000-4000-8000-000000000001', pg_temp.u('alice'), 'Quillwort lanterns', 'glowing reeds', 'image', '{lantern}', 'published', true,  now(), now() - interval '10 hours'),
    ('24a10000-0000-4000-8000-000000000002', pg_temp.u('alice'), 'Unfinished quillwort', NULL, 'image', '{}', 'draft', true, NULL, now() - interval '9 hours'),
    ('24a10000-0000-4000-8000-000000000003', pg_temp.u('alice'), 'Private study', NULL, 'image', '{}', 'published', false, now(), now() - interval '8 hours'),
    ('24a10000-0000-4000-8000-000000000004', pg_temp.u('alice'), 'Old lantern', NULL, 'text', '{}', 'archived', true, now() - interval '1 day', now() - interval '7 hours'),
    ('24b10000-0000-4000-8000-000000000001', pg_temp.u('bob'),   'Harbour at night', NULL, 'image', '{}', 'published', true, now(), now() - interval '6 hours'),
    ('24c10000-0000-4000-8000-000000000001', pg_temp.u('carol'), 'Meadow song', NULL, 'music', '{}', 'published', true, now(), now() - interval '5 hours'),
    ('24d10000-0000-4000-8000-000000000001', pg_temp.u('dave'),  'Zanzibarite dawn', NULL, 'image', '{}', 'published', true, now(), now() - interval '4 hours'),
    ('24d10000-0000-4000-8000-000000000002', pg_temp.u('dave'),  'Zanzibarite noon', NULL, 'image', '{}', 'published', true, now(), now() - interval '3 hours'),
    ('24d10000-0000-4000-8000-000000000003', pg_temp.u('dave'),  'Zanzibarite dusk', NULL, 'image', '{}', 'published', true, now(), now() - interval '2 hours'),
    ('24d10000-0000-4000-8000-000000000004', pg_temp.u('dave'),  'Zanzibarite draft', NULL, 'image', '{}', 'draft', true, NULL, now() - interval '1 hours');

-- Files: alice's avatar, A1's file and thumbnail, the draft's file; bob's,
-- one of them named after alice's creation (in bob's folder: not alice's);
-- dave's avatar, D1's file and thumbnail, his draft's file.
INSERT INTO storage.objects (bucket_id, name, owner_id) VALUES
    ('avatars',    '24a00000-0000-4000-8000-0000000000a1/avatar.png', '24a00000-0000-4000-8000-0000000000a1'),
    ('creations',  '24a00000-0000-4000-8000-0000000000a1/image/24a10000-0000-4000-8000-000000000001.png', '24a00000-0000-4000-8000-0000000000a1'),
    ('thumbnails', '24a00000-0000-4000-8000-0000000000a1/24a10000-0000-4000-8000-000000000001-thumb.png', '24a00000-0000-4000-8000-0000000000a1'),
    ('creations',  '24a00000-0000-4000-8000-0000000000a1/image/24a10000-0000-4000-8000-000000000002.png', '24a00000-0000-4000-8000-0000000000a1'),
    ('avatars',    '24b00000-0000-4000-8000-0000000000b2/avatar.png', '24b00000-0000-4000-8000-0000000000b2'),
    ('creations',  '24b00000-0000-4000-8000-0000000000b2/image/24b10000-0000-4000-8000-000000000001.png', '24b00000-0000-4000-8000-0000000000b2'),
    ('thumbnails', '24b00000-0000-4000-8000-0000000000b2/24a10000-0000-4000-8000-000000000001-thumb.png', '24b00000-0000-4000-8000-0000000000b2'),
    ('avatars',    '24d00000-0000-4000-8000-0000000000d4/avatar.png', '24d00000-0000-4000-8000-0000000000d4'),
    ('creations',  '24d00000-0000-4000-8000-0000000000d4/image/24d10000-0000-4000-8000-000000000001.png', '24d00000-0000-4000-8000-0000000000d4'),
    ('thumbnails', '24d00000-0000-4000-8000-0000000000d4/24d10000-0000-4000-8000-000000000001-thumb.png', '24d00000-0000-4000-8000-0000000000d4'),
    ('creations',  '24d00000-0000-4000-8000-0000000000d4/image/24d10000-0000-4000-8000-000000000004.png', '24d00000-0000-4000-8000-0000000000d4');

INSERT INTO public.likes (user_id, creation_id) VALUES
    (pg_temp.u('alice'), '24b10000-0000-4000-8000-000000000001'),
    (pg_temp.u('alice'), '24a10000-0000-4000-8000-000000000001'),
    (pg_temp.u('bob'),   '24a10000-0000-4000-8000-000000000001'),
    (pg_temp.u('bob'),   '24d10000-0000-4000-8000-000000000001'),
    (pg_temp.u('carol'), '24a10000-0000-4000-8000-000000000001'),
    (pg_temp.u('dave'),  '24b10000-0000-4000-8000-000000000001');
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('24b20000-0000-4000-8000-000000000001', pg_temp.u('bob'),   '24a10000-0000-4000-8000-000000000001', 'Lovely light @alice'),
    ('24a20000-0000-4000-8000-000000000001', pg_temp.u('alice'), '24b10000-0000-4000-8000-000000000001', 'Thanks for the harbour, @bob'),
    ('24b20000-0000-4000-8000-000000000002', pg_temp.u('bob'),   '24d10000-0000-4000-8000-000000000001', 'Great stones'),
    ('24d20000-0000-4000-8000-000000000001', pg_temp.u('dave'),  '24d10000-0000-4000-8000-000000000002', 'A note on my own'),
    ('24d20000-0000-4000-8000-000000000002', pg_temp.u('dave'),  '24b10000-0000-4000-8000-000000000001', 'Fine harbour, bob');
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id) VALUES
    ('24a20000-0000-4000-8000-000000000002', pg_temp.u('alice'), '24a10000-0000-4000-8000-000000000001', 'Glad you like it',
     '24b20000-0000-4000-8000-000000000001');
INSERT INTO public.follows (follower_id, following_id) VALUES
    (pg_temp.u('alice'), pg_temp.u('bob')),
    (pg_temp.u('bob'),   pg_temp.u('alice')),
    (pg_temp.u('carol'), pg_temp.u('alice')),
    (pg_temp.u('bob'),   pg_temp.u('carol')),
    (pg_temp.u('bob'),   pg_temp.u('dave')),
    (pg_temp.u('bob'),   pg_temp.u('frank')),
    (pg_temp.u('dave'),  pg_temp.u('carol')),
    (pg_temp.u('erin'),  pg_temp.u('bob'));
UPDATE public.profiles SET is_active = false WHERE id = pg_temp.u('frank');

INSERT INTO public.luminor_conversations (id, user_id, luminor_id, title, session_id) VALUES
    ('24a30000-0000-4000-8000-000000000001', pg_temp.u('alice'), '00000000-0000-4000-8000-00000000a001', 'Lantern light', 'p24-a'),
    ('24b30000-0000-4000-8000-000000000001', pg_temp.u('bob'),   '00000000-0000-4000-8000-00000000a001', 'Harbour', 'p24-b');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content) VALUES
    ('24a31000-0000-4000-8000-000000000001', '24a30000-0000-4000-8000-000000000001', pg_temp.u('alice'), 'user', 'How do reeds glow?'),
    ('24a31000-0000-4000-8000-000000000002', '24a30000-0000-4000-8000-000000000001', pg_temp.u('alice'), 'assistant', 'With a warm rim light.'),
    ('24b31000-0000-4000-8000-000000000001', '24b30000-0000-4000-8000-000000000001', pg_temp.u('bob'),   'user', 'Night harbours?');
INSERT INTO public.luminor_relationships (id, user_id, luminor_id, key_memories) VALUES
    ('24a32000-0000-4000-8000-000000000001', pg_temp.u('alice'), '00000000-0000-4000-8000-00000000a001',
     '[{"type": "fact", "content": "p24 alice paints lanterns", "importance": 7},
       {"type": "goal", "content": "p24 alice wants a show", "importance": 5}]'),
    ('24b32000-0000-4000-8000-000000000001', pg_temp.u('bob'), '00000000-0000-4000-8000-00000000a001',
     '[{"type": "fact", "content": "p24 bob sails", "importance": 4}]');
INSERT INTO public.notifications (id, user_id, type, title) VALUES
    ('24a40000-0000-4000-8000-000000000001', pg_temp.u('alice'), 'system_announcement', 'Welcome, alice'),
    ('24b40000-0000-4000-8000-000000000001', pg_temp.u('bob'),   'system_announcement', 'Welcome, bob');

-- ===========================================================================
-- 1. The privacy matrix
-- ===========================================================================
-- The extension's relations in public (tables, views) and the row types of
-- its RPCs (members through pg_type), and its functions' result columns:
-- only profile_private has a private field, and only get_presence returns
-- one (last_active_at, to whom may see it).
SELECT is_empty($$SELECT c.oid::regclass || '.' || a.attname FROM pg_class c
                   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relname <> 'profile_private'
                    AND a.attname IN ('preferences', 'onboarding_completed', 'onboarding_step', 'last_active_at', 'share_presence')
                    AND EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
                                 WHERE d.deptype = 'e'
                                   AND ((d.classid = 'pg_class'::regclass AND d.objid = c.oid)
                                        OR (d.classid = 'pg_type'::regclass AND d.objid = c.reltype)))
                 UNION ALL
                 SELECT p.oid::regprocedure || ' returns ' || n FROM pg_proc p
                   JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
                   JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea',
                        unnest(p.proargnames) n
                  WHERE p.pronamespace = 'public'::regnamespace AND p.proname <> 'get_presence'
                    AND n IN ('preferences', 'onboarding_completed', 'onboarding_step', 'last_active_at', 'share_presence')$$,
                'no table, view, RPC row type or RPC result column of the extension in public but profile_private and get_presence has a private field');
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'public.profile_private'::regclass)
          AND NOT has_table_privilege('anon', 'public.profile_private', 'SELECT, INSERT, UPDATE, DELETE')
          AND NOT has_table_privilege('authenticated', 'public.profile_private', 'INSERT, DELETE'),
          'profile_private: row-level security on, nothing for anon, users neither insert nor delete rows');

-- anon ---------------------------------------------------------------------
SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profile_private WHERE id = %L', col, pg_temp.u('alice'))),
          'ERROR 42501', format('anon reads alice''s %s from profile_private: 42501', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profiles WHERE id = %L', col, pg_temp.u('alice'))),
          'ERROR 42703', format('anon selects %s on profiles: no such column (42703)', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(split_part(pg_temp.rows(format('UPDATE public.profile_private SET %I = %s WHERE id = %L RETURNING 1',
                                         col, hostile, pg_temp.u('alice'))), ':', 1),
          'ERROR 42501', format('anon updates alice''s %s: 42501', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(pg_temp.val($$SELECT count(*) FROM public.profiles p JOIN public.profile_private pp ON pp.id = p.id$$),
          'ERROR 42501', 'anon joins profiles with profile_private: 42501');
RESET ROLE;

-- another user (bob) ---------------------------------------------------------
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profile_private WHERE id = %L', col, pg_temp.u('alice'))),
          '(no row)', format('another user reads alice''s %s from profile_private: no row', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profiles WHERE id = %L', col, pg_temp.u('alice'))),
          'ERROR 42703', format('another user selects %s on profiles: no such column (42703)', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(split_part(pg_temp.rows(format('UPDATE public.profile_private SET %I = %s WHERE id = %L RETURNING 1',
                                         col, hostile, pg_temp.u('alice'))), ':', 1),
          CASE WHEN col = 'last_active_at' THEN 'ERROR 42501' ELSE '0' END,
          format('another user updates alice''s %s: %s', col,
                 CASE WHEN col = 'last_active_at' THEN '42501' ELSE 'no row matches' END))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(pg_temp.val($$SELECT count(*) FILTER (WHERE pp.id <> pg_temp.u('bob')) || ' of ' || count(*)
                          FROM public.profiles p JOIN public.profile_private pp ON pp.id = p.id$$),
          '0 of 1', 'another user joins profiles with profile_private: their own row only');
RESET ROLE;

-- the owner (alice) ----------------------------------------------------------
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profile_private WHERE id = %L', col, pg_temp.u('alice'))),
          alice_value, format('the owner reads her %s from profile_private', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profiles WHERE id = %L', col, pg_temp.u('alice'))),
          'ERROR 42703', format('the owner selects %s on profiles: no such column (42703)', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(split_part(pg_temp.rows(format('UPDATE public.profile_private SET %1$I = %1$I WHERE id = %2$L RETURNING 1',
                                         col, pg_temp.u('alice'))), ':', 1),
          CASE WHEN col = 'last_active_at' THEN 'ERROR 42501' ELSE '1' END,
          format('the owner updates her %s: %s', col,
                 CASE WHEN col = 'last_active_at' THEN '42501 (it moves through update_last_active)' ELSE 'updated' END))
  FROM pg_temp.private_columns() ORDER BY n;
RESET ROLE;

-- service_role ---------------------------------------------------------------
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profile_private WHERE id = %L', col, pg_temp.u('alice'))),
          alice_value, format('the service role reads alice''s %s from profile_private', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(pg_temp.val(format('SELECT %I::text FROM public.profiles WHERE id = %L', col, pg_temp.u('alice'))),
          'ERROR 42703', format('the service role selects %s on profiles: no such column (42703)', col))
  FROM pg_temp.private_columns() ORDER BY n;
SELECT is(split_part(pg_temp.rows(format('UPDATE public.profile_private SET %1$I = %1$I WHERE id = %2$L RETURNING 1',
                                         col, pg_temp.u('alice'))), ':', 1),
          '1', format('the service role updates alice''s %s', col))
  FROM pg_temp.private_columns() ORDER BY n;
RESET ROLE;
SELECT is((SELECT concat_ws(' | ', preferences::text, onboarding_completed::text, onboarding_step::text, last_active_at::text,
                            share_presence::text)
             FROM public.profile_private WHERE id = pg_temp.u('alice')),
          '{"theme": "p24-alice-secret"} | true | 37 | 2001-02-03 04:05:06+00 | true',
          'after every attempt alice''s private fields hold what she set');

-- get_user_stats: the private part for the owner and the service role only
SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.val($$SELECT (s ->> 'username') || '; private part: ' || (s ? 'private') || '; leaks: ' || pg_temp.leaks(s)
                          FROM public.get_user_stats(pg_temp.u('alice')) s$$),
          'alice; private part: false; leaks: ', 'get_user_stats as anon: the public part, no private field');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT (s ->> 'username') || '; private part: ' || (s ? 'private') || '; leaks: ' || pg_temp.leaks(s)
                          FROM public.get_user_stats(pg_temp.u('alice')) s$$),
          'alice; private part: false; leaks: ', 'get_user_stats as another user: the public part, no private field');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT is(pg_temp.val($$SELECT concat_ws(' ', s #>> '{private,onboarding_completed}', s #>> '{private,last_active_at}')
                          FROM public.get_user_stats() s$$),
          'true 2001-02-03T04:05:06+00:00', 'get_user_stats as the owner: her onboarding_completed and last_active_at');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.val($$SELECT concat_ws(' ', s #>> '{private,onboarding_completed}', s #>> '{private,last_active_at}')
                          FROM public.get_user_stats(pg_temp.u('alice')) s$$),
          'true 2001-02-03T04:05:06+00:00', 'get_user_stats as the service role: alice''s onboarding_completed and last_active_at');
RESET ROLE;

-- search_creations: rows carry the author's public fields only, for anyone
SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.val($$SELECT count(*) || ' row; leaks: ' || pg_temp.leaks(jsonb_agg(to_jsonb(s)))
                          FROM public.search_creations('quillwort') s$$),
          '1 row; leaks: ', 'search_creations as anon: alice''s creation, no private field');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT count(*) || ' row; leaks: ' || pg_temp.leaks(jsonb_agg(to_jsonb(s)))
                          FROM public.search_creations('quillwort') s$$),
          '1 row; leaks: ', 'search_creations as another user: alice''s creation, no private field');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT is(pg_temp.val($$SELECT count(*) || ' row; leaks: ' || pg_temp.leaks(jsonb_agg(to_jsonb(s)))
                          FROM public.search_creations('quillwort') s$$),
          '1 row; leaks: ', 'search_creations as the owner: alice''s creation, no private field');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.val($$SELECT count(*) || ' row; leaks: ' || pg_temp.leaks(jsonb_agg(to_jsonb(s)))
                          FROM public.search_creations('quillwort') s$$),
          '1 row; leaks: ', 'search_creations as the service role: alice''s creation, no private field');
RESET ROLE;
SELECT is((SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
            WHERE a.attrelid = 'public.creation_search_result'::regclass AND a.attnum > 0 AND NOT a.attisdropped
              AND a.attname NOT IN (SELECT c.attname FROM pg_attribute c WHERE c.attrelid = 'public.creations'::regclass)),
          ARRAY['avatar_url', 'display_name', 'rank', 'username'],
          'search_creations rows: the author''s username, display_name and avatar_url, nothing else of the profile');
SELECT is((SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
            WHERE a.attrelid = 'public.user_feed_item'::regclass AND a.attnum > 0 AND NOT a.attisdropped
              AND a.attname NOT IN (SELECT c.attname FROM pg_attribute c WHERE c.attrelid = 'public.creations'::regclass)),
          ARRAY['avatar_url', 'cursor', 'display_name', 'user_has_liked', 'username'],
          'get_user_feed rows: the author''s username, display_name and avatar_url, nothing else of the profile');

-- get_user_feed: bob follows alice, alice follows bob
SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.val($$SELECT count(*) FROM public.get_user_feed()$$), 'ERROR 42501', 'get_user_feed as anon: 42501');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT count(*) FILTER (WHERE f.user_id = pg_temp.u('alice')) || ' of alice; leaks: '
                               || pg_temp.leaks(jsonb_agg(to_jsonb(f)))
                          FROM public.get_user_feed(p_limit => 100) f$$),
          '1 of alice; leaks: ', 'get_user_feed as a follower: alice''s creation, no private field');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT is(pg_temp.val($$SELECT count(*) FILTER (WHERE f.user_id = pg_temp.u('bob')) || ' of bob; leaks: '
                               || pg_temp.leaks(jsonb_agg(to_jsonb(f)))
                          FROM public.get_user_feed(p_limit => 100) f$$),
          '1 of bob; leaks: ', 'get_user_feed as alice: bob''s creation, no private field of his');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.val($$SELECT count(*) FILTER (WHERE f.user_id = pg_temp.u('alice')) || ' of alice; leaks: '
                               || pg_temp.leaks(jsonb_agg(to_jsonb(f)))
                          FROM public.get_user_feed(p_user_id => pg_temp.u('bob'), p_limit => 100) f$$),
          '1 of alice; leaks: ', 'get_user_feed by the service role for bob: no private field');
RESET ROLE;

-- get_conversation_with_messages: embeds no profile data
SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.val($$SELECT public.get_conversation_with_messages('24a30000-0000-4000-8000-000000000001')::text$$),
          'ERROR 42501', 'get_conversation_with_messages as anon: 42501');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT public.get_conversation_with_messages('24a30000-0000-4000-8000-000000000001')::text$$),
          'ERROR PT404', 'get_conversation_with_messages as another user: PT404');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT is(pg_temp.val($$SELECT (d -> 'conversation' ->> 'id') || '; leaks: ' || pg_temp.leaks(d::jsonb)
                          FROM public.get_conversation_with_messages('24a30000-0000-4000-8000-000000000001') d$$),
          '24a30000-0000-4000-8000-000000000001; leaks: ', 'get_conversation_with_messages as the owner: no private field');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.val($$SELECT (d -> 'conversation' ->> 'id') || '; leaks: ' || pg_temp.leaks(d::jsonb)
                          FROM public.get_conversation_with_messages('24a30000-0000-4000-8000-000000000001') d$$),
          '24a30000-0000-4000-8000-000000000001; leaks: ', 'get_conversation_with_messages as the service role: no private field');
RESET ROLE;

-- export_my_data: the private fields for the owner and the service role
SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.val($$SELECT public.export_my_data(pg_temp.u('alice'))::text$$), 'ERROR 42501',
          'export_my_data as anon: 42501');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT public.export_my_data(pg_temp.u('alice'))::text$$), 'ERROR 42501',
          'export_my_data of alice as another user: 42501');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT is(pg_temp.val($$SELECT concat_ws(' ', p #>> '{preferences,theme}', p ->> 'onboarding_completed', p ->> 'onboarding_step',
                                         p ->> 'last_active_at', p ->> 'share_presence')
                          FROM (SELECT public.export_my_data() -> 'private' AS p) x$$),
          'p24-alice-secret true 37 2001-02-03T04:05:06+00:00 true', 'export_my_data as the owner: her five private fields');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.val($$SELECT concat_ws(' ', p #>> '{preferences,theme}', p ->> 'onboarding_completed', p ->> 'onboarding_step',
                                         p ->> 'last_active_at', p ->> 'share_presence')
                          FROM (SELECT public.export_my_data(pg_temp.u('alice')) -> 'private' AS p) x$$),
          'p24-alice-secret true 37 2001-02-03T04:05:06+00:00 true', 'export_my_data by the service role: alice''s five private fields');
RESET ROLE;

-- Notifications carry the actor's public fields only.
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT (count(*) > 0) || '; leaks: ' || pg_temp.leaks(jsonb_agg(to_jsonb(n)))
                          FROM public.notifications n WHERE n.metadata ->> 'actor_id' = pg_temp.u('alice')::text$$),
          'true; leaks: ', 'bob''s notifications of alice''s actions: no private field of hers');
RESET ROLE;

-- ===========================================================================
-- 2. export_my_data: all of the user's rows, none of anyone else's
-- ===========================================================================
CREATE TEMP TABLE exports (who text PRIMARY KEY, doc jsonb);
GRANT SELECT, INSERT ON exports TO authenticated, service_role;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT lives_ok($$INSERT INTO exports SELECT 'alice', public.export_my_data()::jsonb$$, 'alice exports her data');
SELECT throws_ok($$SELECT public.export_my_data(pg_temp.u('bob'))$$, '42501',
                 'p_user_id must be your own user id: you may not act for another user',
                 'alice naming bob: 42501, nothing exported');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT lives_ok($$INSERT INTO exports SELECT 'bob', public.export_my_data(pg_temp.u('bob'))::jsonb$$,
                'bob exports his data (naming himself)');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT lives_ok($$INSERT INTO exports SELECT 'service: alice', public.export_my_data(p_user_id => pg_temp.u('alice'))::jsonb$$,
                'the service role exports alice by id');
RESET ROLE;
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT public.export_my_data()$$, '42501', NULL, 'anon: 42501 (401 through PostgREST)');
RESET ROLE;

CREATE FUNCTION pg_temp.export_of(who text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT doc FROM exports WHERE exports.who = export_of.who
$$;
SELECT is((SELECT string_agg(s, ' ' ORDER BY s) FROM unnest(ARRAY['profile', 'private', 'creations', 'storage_objects',
                                                                   'likes', 'comments', 'following', 'followers',
                                                                   'conversations', 'relationships', 'notifications']) s
            WHERE coalesce(pg_temp.export_of('alice') -> s, 'null') IN ('null', '[]', '{}')),
          NULL, 'alice''s export has every section, none empty');
SELECT is(concat_ws(' ', pg_temp.export_of('alice') ->> 'format', pg_temp.export_of('alice') ->> 'user_id'),
          'arcanea-export/1 ' || pg_temp.u('alice'), 'the export names its format and the user');
SELECT is(pg_temp.export_of('alice') -> 'profile',
          (SELECT to_jsonb(p) FROM public.profiles p WHERE p.id = pg_temp.u('alice')),
          'profile: her profiles row, every column');
SELECT is(concat_ws(' ', pg_temp.export_of('alice') #>> '{profile,subscription_status}',
                    pg_temp.export_of('alice') #>> '{profile,stripe_customer_id}',
                    pg_temp.export_of('alice') #>> '{profile,stripe_subscription_id}'),
          'active cus_p24alice sub_p24alice', 'profile: with the billing columns');
SELECT is(pg_temp.export_of('alice') -> 'private',
          (SELECT to_jsonb(pp) FROM public.profile_private pp WHERE pp.id = pg_temp.u('alice')),
          'private: her profile_private row');
SELECT is((SELECT jsonb_agg(x ->> 'id' ORDER BY x ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'creations') x),
          (SELECT jsonb_agg(c.id::text ORDER BY c.id::text) FROM public.creations c WHERE c.user_id = pg_temp.u('alice')),
          'creations: all of hers, in every status (published, draft, private, archived)');
SELECT is((SELECT jsonb_agg(x - 'storage_objects' ORDER BY x ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'creations') x),
          (SELECT jsonb_agg(to_jsonb(c) - 'search_vector' ORDER BY c.id::text) FROM public.creations c WHERE c.user_id = pg_temp.u('alice')),
          'creations: each is its row (every column but the search index''s document)');
SELECT is((SELECT jsonb_agg(jsonb_build_object('creation', x ->> 'id', 'files',
                                               (SELECT coalesce(jsonb_agg((o ->> 'bucket') || ':' || (o ->> 'name')
                                                                          ORDER BY (o ->> 'bucket') || ':' || (o ->> 'name')), '[]')
                                                  FROM jsonb_array_elements(x -> 'storage_objects') o))
                            ORDER BY x ->> 'id')
             FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'creations') x),
          (SELECT jsonb_agg(jsonb_build_object('creation', c.id::text, 'files',
                                               (SELECT coalesce(jsonb_agg(o.bucket_id || ':' || o.name ORDER BY o.bucket_id || ':' || o.name), '[]')
                                                  FROM storage.objects o
                                                 WHERE (storage.foldername(o.name))[1] = c.user_id::text
                                                   AND storage.filename(o.name) LIKE c.id || '%'))
                            ORDER BY c.id::text)
             FROM public.creations c WHERE c.user_id = pg_temp.u('alice')),
          'creations: each with the files of it in her folder (not bob''s file named after hers)');
SELECT is((SELECT jsonb_agg((o ->> 'bucket') || ':' || (o ->> 'name') ORDER BY (o ->> 'bucket') || ':' || (o ->> 'name'))
             FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'storage_objects') o),
          (SELECT jsonb_agg(o.bucket_id || ':' || o.name ORDER BY o.bucket_id || ':' || o.name) FROM storage.objects o
            WHERE o.bucket_id IN (SELECT b.id FROM arcanea.buckets b)
              AND (storage.foldername(o.name))[1] = pg_temp.u('alice')::text),
          'storage_objects: every file in her folders, nobody else''s');
SELECT is((SELECT jsonb_agg(x ->> 'creation_id' ORDER BY x ->> 'creation_id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'likes') x),
          (SELECT jsonb_agg(l.creation_id::text ORDER BY l.creation_id::text) FROM public.likes l WHERE l.user_id = pg_temp.u('alice')),
          'likes: hers (not the likes of her creations by others)');
SELECT is((SELECT jsonb_agg(x ORDER BY x ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'comments') x),
          (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id::text) FROM public.comments c WHERE c.user_id = pg_temp.u('alice')),
          'comments: her comments, as rows (not the comments on her creations by others)');
SELECT is((SELECT jsonb_agg(x ->> 'user_id' ORDER BY x ->> 'user_id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'following') x),
          (SELECT jsonb_agg(f.following_id::text ORDER BY f.following_id::text) FROM public.follows f WHERE f.follower_id = pg_temp.u('alice')),
          'following: whom she follows');
SELECT is((SELECT jsonb_agg(x ->> 'user_id' ORDER BY x ->> 'user_id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'followers') x),
          (SELECT jsonb_agg(f.follower_id::text ORDER BY f.follower_id::text) FROM public.follows f WHERE f.following_id = pg_temp.u('alice')),
          'followers: who follows her');
SELECT is((SELECT jsonb_agg(x -> 'conversation' ORDER BY x #>> '{conversation,id}') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'conversations') x),
          (SELECT jsonb_agg(to_jsonb(cv) ORDER BY cv.id::text) FROM public.luminor_conversations cv WHERE cv.user_id = pg_temp.u('alice')),
          'conversations: her conversations, as rows');
SELECT is((SELECT jsonb_agg(m ORDER BY m ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'conversations') x,
                                                      jsonb_array_elements(x -> 'messages') m),
          (SELECT jsonb_agg(to_jsonb(m) ORDER BY m.id::text) FROM public.luminor_messages m
            WHERE m.conversation_id IN (SELECT cv.id FROM public.luminor_conversations cv WHERE cv.user_id = pg_temp.u('alice'))),
          'conversations: every message of each, hers and the Luminor''s');
SELECT is((SELECT jsonb_agg(x ORDER BY x ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'relationships') x),
          (SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id::text) FROM public.luminor_relationships r
            WHERE r.user_id = pg_temp.u('alice') AND jsonb_array_length(r.key_memories) = 2),
          'relationships: her bonds with their key memories');
SELECT is((SELECT jsonb_agg(x ORDER BY x ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('alice') -> 'notifications') x),
          (SELECT jsonb_agg(to_jsonb(n) ORDER BY n.id::text) FROM public.notifications n WHERE n.user_id = pg_temp.u('alice')),
          'notifications: hers, as rows');
-- Anyone else's rows and values.  Others' ids that her rows point at
-- (bob's id as someone she follows, bob's creation she liked, the comment
-- she replied to) are hers to have; these are not.
SELECT is((SELECT string_agg(f.what, ', ' ORDER BY f.what)
             FROM (SELECT 'bob''s private value ' || v AS what, v FROM unnest(ARRAY['p24-bob-secret', '2002-03-04', 'cus_p24bob', 'p24 bob sails']) v
                   UNION ALL SELECT 'notification ' || n.id, n.id::text FROM public.notifications n WHERE n.user_id <> pg_temp.u('alice')
                   UNION ALL SELECT 'like ' || l.id, l.id::text FROM public.likes l WHERE l.user_id <> pg_temp.u('alice')
                   UNION ALL SELECT 'message ' || m.id, m.id::text FROM public.luminor_messages m WHERE m.user_id <> pg_temp.u('alice')
                   UNION ALL SELECT 'conversation ' || cv.id, cv.id::text FROM public.luminor_conversations cv WHERE cv.user_id <> pg_temp.u('alice')
                   UNION ALL SELECT 'relationship ' || r.id, r.id::text FROM public.luminor_relationships r WHERE r.user_id <> pg_temp.u('alice')
                   UNION ALL SELECT 'comment ' || c.id, c.id::text FROM public.comments c
                              WHERE c.user_id <> pg_temp.u('alice')
                                AND c.id NOT IN (SELECT m.parent_comment_id FROM public.comments m
                                                  WHERE m.user_id = pg_temp.u('alice') AND m.parent_comment_id IS NOT NULL)
                                AND c.id::text NOT IN (SELECT n.metadata ->> 'comment_id' FROM public.notifications n
                                                        WHERE n.user_id = pg_temp.u('alice') AND n.metadata ? 'comment_id')
                   UNION ALL SELECT 'file ' || o.name, o.name FROM storage.objects o
                              WHERE (storage.foldername(o.name))[1] <> pg_temp.u('alice')::text) f
            WHERE position(f.v IN pg_temp.export_of('alice')::text) > 0),
          NULL, 'alice''s export holds no row and no private value of anyone else');
SELECT is(concat_ws(' / ',
              (SELECT jsonb_agg(x ->> 'id' ORDER BY x ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('bob') -> 'comments') x)::text,
              (SELECT jsonb_agg(x ->> 'id' ORDER BY x ->> 'id') FROM jsonb_array_elements(pg_temp.export_of('bob') -> 'notifications') x)::text),
          concat_ws(' / ',
              (SELECT jsonb_agg(c.id::text ORDER BY c.id::text) FROM public.comments c WHERE c.user_id = pg_temp.u('bob'))::text,
              (SELECT jsonb_agg(n.id::text ORDER BY n.id::text) FROM public.notifications n WHERE n.user_id = pg_temp.u('bob'))::text),
          'bob''s export: his comments and his notifications');
SELECT is((SELECT string_agg(f.what, ', ' ORDER BY f.what)
             FROM (SELECT 'alice''s private value ' || v AS what, v FROM unnest(ARRAY['p24-alice-secret', '2001-02-03', 'cus_p24alice', 'sub_p24alice', 'p24 alice']) v
                   UNION ALL SELECT 'notification ' || n.id, n.id::text FROM public.notifications n WHERE n.user_id = pg_temp.u('alice')
                   UNION ALL SELECT 'like ' || l.id, l.id::text FROM public.likes l WHERE l.user_id = pg_temp.u('alice')
                   UNION ALL SELECT 'message ' || m.id, m.id::text FROM public.luminor_messages m WHERE m.user_id = pg_temp.u('alice')
                   UNION ALL SELECT 'conversation ' || cv.id, cv.id::text FROM public.luminor_conversations cv WHERE cv.user_id = pg_temp.u('alice')
                   UNION ALL SELECT 'relationship ' || r.id, r.id::text FROM public.luminor_relationships r WHERE r.user_id = pg_temp.u('alice')
                   UNION ALL SELECT 'file ' || o.name, o.name FROM storage.objects o
                              WHERE (storage.foldername(o.name))[1] = pg_temp.u('alice')::text) f
            WHERE position(f.v IN pg_temp.export_of('bob')::text) > 0),
          NULL, 'bob''s export holds nothing of alice''s own rows or private values');
SELECT is(pg_temp.export_of('service: alice'), pg_temp.export_of('alice'),
          'the service role''s export of alice is the one she gets herself');

-- ===========================================================================
-- 3. Presence: oneself, and followed accounts that share it
--    bob follows alice (shares), carol (does not), frank (shares,
--    deactivated); erin shares and follows bob, bob does not follow her.
-- ===========================================================================
CREATE FUNCTION pg_temp.presence(names text[]) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(pg_temp.who(p.user_id) || '=' || coalesce(p.last_active_at::text, 'null'), ' '
                               ORDER BY pg_temp.who(p.user_id)), '')
      FROM public.get_presence(ARRAY(SELECT pg_temp.u(n) FROM unnest(names) n)) p
$$;
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT * FROM public.get_presence(ARRAY[pg_temp.u('alice')])$$, '42501', NULL,
                 'get_presence as anon: 42501 (401 through PostgREST)');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['bob'])$$), 'bob=2002-03-04 05:06:07+00',
          'get_presence: one''s own, though one does not share it');
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['alice'])$$), 'alice=2001-02-03 04:05:06+00',
          'get_presence: a followed account that shares it');
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['carol'])$$), '',
          'get_presence: not a followed account that does not share it');
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['erin'])$$), '',
          'get_presence: not an account that shares it but is not followed (she follows bob)');
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['frank'])$$), '',
          'get_presence: not a followed account that shares it but is deactivated');
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'nobody'])$$),
          'alice=2001-02-03 04:05:06+00 bob=2002-03-04 05:06:07+00',
          'get_presence of everyone at once: exactly bob himself and alice');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['alice', 'bob', 'carol', 'nobody'])$$),
          'alice=2001-02-03 04:05:06+00 bob=2002-03-04 05:06:07+00 carol=2003-04-05 06:07:08+00',
          'get_presence as the service role: everyone asked about who has a profile, sharing or not');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT is(pg_temp.rows($$UPDATE public.profile_private SET share_presence = false WHERE id = pg_temp.u('alice') RETURNING 1$$), '1',
          'alice stops sharing her presence (table API)');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['alice'])$$), '', 'get_presence: then bob no longer sees hers');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('alice'));
SELECT pg_temp.rows($$UPDATE public.profile_private SET share_presence = true WHERE id = pg_temp.u('alice') RETURNING 1$$);
SELECT is(pg_temp.val($$SELECT public.update_last_active()::text$$), now()::text, 'alice shares again, and is active now');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('bob'));
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['alice'])$$), 'alice=' || now(),
          'get_presence: bob sees her again, with the time update_last_active wrote');
RESET ROLE;
SELECT pg_temp.act_as('authenticated', pg_temp.u('carol'));
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['alice'])$$), 'alice=' || now(), 'get_presence: carol follows alice and sees hers');
SELECT is(pg_temp.rows($$DELETE FROM public.follows WHERE follower_id = pg_temp.u('carol') AND following_id = pg_temp.u('alice')
                         RETURNING 1$$), '1', 'carol unfollows alice');
SELECT is(pg_temp.val($$SELECT pg_temp.presence(ARRAY['alice'])$$), '', 'get_presence: then carol no longer sees hers');
RESET ROLE;

-- ===========================================================================
-- 4. Deactivation: invisible to others, everything back after
--    dave: three published creations (bob liked and commented on one, dave
--    commented on another), a draft, files, a like of and a comment on one
--    of bob's creations, bob follows him, he follows
--    carol.  Observers: anon, erin (no relation to him), bob (his follower:
--    the feed) and dave himself.
-- ===========================================================================
-- The ids of every page of the current user's feed, paged by cursor or by
-- offset.  (bob follows too few accounts for a materialised feed: his pages
-- are read by author; 35_feed_timelines_test.sql covers the other way.)
CREATE FUNCTION pg_temp.feed_ids(page_size int, by_cursor boolean) RETURNS uuid[] LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[] := '{}';
    page uuid[];
    next_cursor text;
    pages int := 0;
BEGIN
    LOOP
        IF by_cursor THEN
            SELECT array_agg(f.id ORDER BY f.ordinality), (array_agg(f.cursor ORDER BY f.ordinality DESC))[1] INTO page, next_cursor
              FROM public.get_user_feed(p_limit => page_size, p_cursor => next_cursor) WITH ORDINALITY f;
        ELSE
            SELECT array_agg(f.id ORDER BY f.ordinality) INTO page
              FROM public.get_user_feed(p_limit => page_size, p_offset => pages * page_size) WITH ORDINALITY f;
        END IF;
        EXIT WHEN page IS NULL OR pages > 100;
        ids := ids || page;
        pages := pages + 1;
    END LOOP;
    RETURN ids;
END
$$;
-- What the current role sees of dave, path by path.
CREATE FUNCTION pg_temp.dave_seen() RETURNS TABLE (path text, seen text) LANGUAGE sql AS $$
    SELECT p.path, pg_temp.val(p.q) FROM (VALUES
        ('profiles',        $q$SELECT count(*) FROM public.profiles WHERE id = pg_temp.u('dave')$q$),
        ('creations',       $q$SELECT count(*) FROM public.creations WHERE user_id = pg_temp.u('dave')$q$),
        ('likes of his creations',    $q$SELECT count(*) FROM public.likes WHERE creation_id = ANY (pg_temp.dave_creations())$q$),
        ('comments on his creations', $q$SELECT count(*) FROM public.comments WHERE creation_id = ANY (pg_temp.dave_creations())$q$),
        ('his likes',       $q$SELECT count(*) FROM public.likes WHERE user_id = pg_temp.u('dave')$q$),
        ('his comments',    $q$SELECT count(*) FROM public.comments WHERE user_id = pg_temp.u('dave')$q$),
        ('his followers',   $q$SELECT count(*) FROM public.follows WHERE following_id = pg_temp.u('dave')$q$),
        ('whom he follows', $q$SELECT count(*) FROM public.follows WHERE follower_id = pg_temp.u('dave')$q$),
        ('search by his word', $q$SELECT count(*) FROM public.search_creations('zanzibarite')$q$),
        ('search newest',   $q$SELECT count(*) FROM public.search_creations(NULL, NULL, 100) s WHERE s.user_id = pg_temp.u('dave')$q$),
        ('get_user_stats',  $q$SELECT (s ->> 'username') || CASE WHEN s ? 'private' THEN ' +private' ELSE '' END
                                 FROM public.get_user_stats(pg_temp.u('dave')) s$q$),
        ('storage listing', $q$SELECT count(*) FROM storage.objects
                                WHERE bucket_id IN ('avatars', 'creations', 'thumbnails')
                                  AND name LIKE pg_temp.u('dave') || '/%'$q$),
        ('feed, one page of 100', $q$SELECT count(*) FROM public.get_user_feed(p_limit => 100) f
                                      WHERE f.user_id = pg_temp.u('dave')$q$),
        ('feed, pages of 1 by cursor', $q$SELECT count(*) FROM unnest(pg_temp.feed_ids(1, true)) i
                                           WHERE i = ANY (pg_temp.dave_creations())$q$),
        ('feed, pages of 2 by offset', $q$SELECT count(*) FROM unnest(pg_temp.feed_ids(2, false)) i
                                           WHERE i = ANY (pg_temp.dave_creations())$q$),
        ('feed, others'' creations', $q$SELECT string_agg(f.title, ', ' ORDER BY f.created_at DESC)
                                         FROM public.get_user_feed(p_limit => 100) f
                                        WHERE f.user_id <> pg_temp.u('dave')$q$),
        ('own feed', $q$SELECT count(*) FROM public.get_user_feed(p_limit => 100)$q$),
        ('own export', $q$SELECT concat_ws(' ', json_array_length(d -> 'creations'), json_array_length(d -> 'storage_objects'),
                                            json_array_length(d -> 'followers'), json_array_length(d -> 'following'))
                            FROM public.export_my_data() d$q$)) p(path, q)
$$;
-- Which observer checks which path; 'hidden': nothing while dave is
-- deactivated, 'same': as before.
CREATE TEMP TABLE checks (n serial, observer text, path text, expect text);
INSERT INTO checks (observer, path, expect)
SELECT o, p, 'hidden'
  FROM unnest(ARRAY['anon', 'erin']) o,
       unnest(ARRAY['profiles', 'creations', 'likes of his creations', 'comments on his creations', 'his likes',
                    'his comments', 'his followers', 'whom he follows', 'search by his word', 'search newest',
                    'get_user_stats', 'storage listing']) p;
INSERT INTO checks (observer, path, expect)
SELECT 'bob', p, 'hidden' FROM unnest(ARRAY['feed, one page of 100', 'feed, pages of 1 by cursor', 'feed, pages of 2 by offset']) p;
INSERT INTO checks (observer, path, expect) VALUES ('bob', 'feed, others'' creations', 'same');
INSERT INTO checks (observer, path, expect)
SELECT 'dave', p, 'same'
  FROM unnest(ARRAY['profiles', 'creations', 'likes of his creations', 'comments on his creations', 'his likes',
                    'his comments', 'his followers', 'whom he follows', 'get_user_stats', 'storage listing', 'own feed',
                    'own export']) p;

CREATE TEMP TABLE seen (phase text, observer text, path text, seen text);
GRANT INSERT ON seen TO anon, authenticated;
-- Each observer in turn records what they see of dave in this phase; erin
-- then mentions him in a comment (comment_id, text).
CREATE FUNCTION pg_temp.observe(phase text, comment_id uuid, comment text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    o record;
BEGIN
    FOR o IN SELECT * FROM (VALUES (1, 'anon'), (2, 'erin'), (3, 'bob'), (4, 'dave')) v(n, who) ORDER BY n LOOP
        IF o.who = 'anon' THEN
            PERFORM pg_temp.act_as('anon');
        ELSE
            PERFORM pg_temp.act_as('authenticated', pg_temp.u(o.who));
        END IF;
        INSERT INTO seen SELECT phase, o.who, s.path, s.seen FROM pg_temp.dave_seen() s;
        IF o.who = 'erin' THEN
            INSERT INTO public.comments (id, user_id, creation_id, content)
            VALUES (comment_id, pg_temp.u('erin'), '24a10000-0000-4000-8000-000000000001', comment);
        END IF;
        PERFORM set_config('role', 'none', true);
    END LOOP;
END
$$;
CREATE FUNCTION pg_temp.mentions_of_dave(comment_id uuid) RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM public.notifications
     WHERE user_id = pg_temp.u('dave') AND type = 'mention' AND metadata ->> 'comment_id' = comment_id::text
$$;
CREATE TEMP TABLE dave_rows AS
    SELECT 'before'::text AS phase,
           (SELECT concat_ws(' ', p.creation_count, p.follower_count, p.following_count) FROM public.profiles p WHERE p.id = pg_temp.u('dave'))
           || ' / ' || (SELECT count(*) FROM public.creations WHERE user_id = pg_temp.u('dave'))
           || ' ' || (SELECT count(*) FROM public.likes WHERE creation_id = ANY (pg_temp.dave_creations()))
           || ' ' || (SELECT count(*) FROM public.comments WHERE creation_id = ANY (pg_temp.dave_creations()))
           || ' ' || (SELECT count(*) FROM public.follows WHERE pg_temp.u('dave') IN (follower_id, following_id))
           || ' ' || (SELECT count(*) FROM storage.objects WHERE name LIKE pg_temp.u('dave') || '/%') AS fingerprint;

-- Before: everyone sees dave.
SELECT pg_temp.observe('before', '24e20000-0000-4000-8000-000000000001', 'Look @dave, lanterns');
SELECT is((SELECT string_agg(c.observer || ': ' || c.path || ' = ' || coalesce(s.seen, 'missing'), '; ' ORDER BY c.n)
             FROM checks c LEFT JOIN seen s ON s.phase = 'before' AND s.observer = c.observer AND s.path = c.path
            WHERE s.seen IS NULL OR s.seen IN ('0', '(no row)', '(null)', '') OR s.seen LIKE 'ERROR%'),
          NULL, 'before: every observer sees dave on every path checked below');
SELECT is(pg_temp.mentions_of_dave('24e20000-0000-4000-8000-000000000001'), 1::bigint,
          'before: a mention of @dave notifies him');
-- dave deactivates his account through the table API.
SELECT pg_temp.act_as('authenticated', pg_temp.u('dave'));
SELECT is(pg_temp.rows($$UPDATE public.profiles SET is_active = false WHERE id = pg_temp.u('dave') RETURNING 1$$), '1',
          'dave deactivates his account (table API, is_active = false)');
RESET ROLE;

SELECT pg_temp.observe('during', '24e20000-0000-4000-8000-000000000002', 'Where is @dave?');
SELECT is(d.seen,
          CASE WHEN c.expect = 'same' THEN b.seen WHEN c.path = 'get_user_stats' THEN 'ERROR PT404' ELSE '0' END,
          format('deactivated: %s, as %s: %s', c.path, c.observer,
                 CASE WHEN c.expect = 'same' THEN 'as before (' || b.seen || ')'
                      WHEN c.path = 'get_user_stats' THEN 'PT404' ELSE 'nothing of his' END))
  FROM checks c
  LEFT JOIN seen b ON b.phase = 'before' AND b.observer = c.observer AND b.path = c.path
  LEFT JOIN seen d ON d.phase = 'during' AND d.observer = c.observer AND d.path = c.path
 ORDER BY c.n;
SELECT is(pg_temp.mentions_of_dave('24e20000-0000-4000-8000-000000000002'), 0::bigint,
          'deactivated: a mention of @dave does not notify him');

-- dave comes back.
SELECT pg_temp.act_as('authenticated', pg_temp.u('dave'));
SELECT is(pg_temp.rows($$UPDATE public.profiles SET is_active = true WHERE id = pg_temp.u('dave') RETURNING 1$$), '1',
          'dave reactivates his account (table API, is_active = true)');
RESET ROLE;

SELECT pg_temp.observe('after', '24e20000-0000-4000-8000-000000000003', 'Welcome back @dave');
SELECT is(a.seen, b.seen, format('reactivated: %s, as %s: as before (%s)', c.path, c.observer, b.seen))
  FROM checks c
  LEFT JOIN seen b ON b.phase = 'before' AND b.observer = c.observer AND b.path = c.path
  LEFT JOIN seen a ON a.phase = 'after' AND a.observer = c.observer AND a.path = c.path
 ORDER BY c.n;
SELECT is(pg_temp.mentions_of_dave('24e20000-0000-4000-8000-000000000003'), 1::bigint,
          'reactivated: a mention of @dave notifies him again');
SELECT is((SELECT concat_ws(' ', p.creation_count, p.follower_count, p.following_count) FROM public.profiles p WHERE p.id = pg_temp.u('dave'))
           || ' / ' || (SELECT count(*) FROM public.creations WHERE user_id = pg_temp.u('dave'))
           || ' ' || (SELECT count(*) FROM public.likes WHERE creation_id = ANY (pg_temp.dave_creations()))
           || ' ' || (SELECT count(*) FROM public.comments WHERE creation_id = ANY (pg_temp.dave_creations()))
           || ' ' || (SELECT count(*) FROM public.follows WHERE pg_temp.u('dave') IN (follower_id, following_id))
           || ' ' || (SELECT count(*) FROM storage.objects WHERE name LIKE pg_temp.u('dave') || '/%'),
          (SELECT fingerprint FROM dave_rows WHERE phase = 'before'),
          'reactivated: nothing of dave''s was lost (counters, creations, likes, comments, follows, files)');
SELECT is((SELECT string_agg(counter || ' ' || rows_fixed, ', ') FROM arcanea.recount_counters() WHERE rows_fixed <> 0),
          NULL, 'every counter is exact (recount_counters() fixes nothing)');

-- ===========================================================================
-- 5. Sign-up without a username
-- ===========================================================================
INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES (pg_temp.u('gina'), 'gina.p24secret@p24.test', '{}');
SELECT matches((SELECT username FROM public.profiles WHERE id = pg_temp.u('gina')), '^creator_[0-9]+$',
               'a sign-up without a username is named creator_ and digits');
SELECT is((SELECT string_agg(w, ', ') FROM unnest(ARRAY['gina', 'p24secret', 'p24.test', '@']) w
            WHERE position(w IN (SELECT to_jsonb(p)::text FROM public.profiles p WHERE p.id = pg_temp.u('gina'))) > 0),
          NULL, 'nothing of the e-mail address is in the new profile (username, display name or any column)');
SELECT is((SELECT concat_ws(' ', preferences::text, onboarding_completed::text, onboarding_step::text,
                            last_active_at::text, share_presence::text)
             FROM public.profile_private WHERE id = pg_temp.u('gina')),
          '{} false 0 false', 'the new profile has its private row: nothing set, presence not shared');

-- ===========================================================================
-- 6. Erasure of a short name mentioned at the length limit
--    (shell/erasure.sh tests erasure as a whole.)  "@kim" in others'
--    comments becomes "@[deleted]", which is longer: a comment at its
--    5,000-character limit would go over, so then every mention of kim
--    becomes "@[-]" (never longer than a mention) and the erasure still
--    succeeds.
-- ===========================================================================
INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES ('24f00000-0000-4000-8000-0000000000f7', 'kim@p24.test', '{"username": "kim"}');
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('24e20000-0000-4000-8000-000000000010', pg_temp.u('erin'), '24a10000-0000-4000-8000-000000000001',
     repeat('x', 4995) || ' @kim'),
    ('24e20000-0000-4000-8000-000000000011', pg_temp.u('erin'), '24a10000-0000-4000-8000-000000000001', 'Hi @Kim!');
SELECT lives_ok($$DELETE FROM auth.users WHERE id = '24f00000-0000-4000-8000-0000000000f7'$$,
                'erasing kim, mentioned at the end of a 5,000-character comment, succeeds');
SELECT is((SELECT char_length(content) || ' ' || right(content, 6) FROM public.comments
            WHERE id = '24e20000-0000-4000-8000-000000000010'),
          '5000 x @[-]', 'the long comment keeps its length, the mention rewritten as @[-]');
SELECT is((SELECT content FROM public.comments WHERE id = '24e20000-0000-4000-8000-000000000011'),
          'Hi @[-]!', 'and so is every other mention of kim, whatever its case');

-- ===========================================================================
-- 7. The export's files per creation, on names the Storage API allows but
--    the spec's layout does not use.  A creation's files are those in the
--    user's folder whose name contains its id; the export finds them from
--    the names (queries/privacy/export.sql), and must list what the plain
--    definition lists: two ids that overlap in one name (the last 8
--    characters of one are the first 8 of the other), an id twice, an id in
--    upper case (not its text), an id as a folder, an id at the very end.
-- ===========================================================================
INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES ('24f00000-0000-4000-8000-0000000000f8', 'lena@p24.test', '{"username": "lena"}');
INSERT INTO public.creations (id, user_id, title, type, status, is_public) VALUES
    ('11111111-2222-4333-8444-5555aaaaaaaa', '24f00000-0000-4000-8000-0000000000f8', 'First of a pair', 'image', 'draft', true),
    ('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', '24f00000-0000-4000-8000-0000000000f8', 'Second of a pair', 'image', 'draft', true),
    ('24f10000-0000-4000-8000-000000000003', '24f00000-0000-4000-8000-0000000000f8', 'Alone', 'image', 'draft', true);
INSERT INTO storage.objects (bucket_id, name) VALUES
    ('creations',  '24f00000-0000-4000-8000-0000000000f8/image/11111111-2222-4333-8444-5555aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee.png'),
    ('creations',  '24f00000-0000-4000-8000-0000000000f8/image/24f10000-0000-4000-8000-000000000003-24f10000-0000-4000-8000-000000000003.png'),
    ('creations',  '24f00000-0000-4000-8000-0000000000f8/image/24F10000-0000-4000-8000-000000000003.png'),
    ('thumbnails', '24f00000-0000-4000-8000-0000000000f8/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/x-thumb.png'),
    ('creations',  '24f00000-0000-4000-8000-0000000000f8/image/1111-11111111-2222-4333-8444-5555aaaaaaaa'),
    ('creations',  '24f00000-0000-4000-8000-0000000000f8/image/ab-cd-ef-gh-ij.png'),
    ('creations',  '24b00000-0000-4000-8000-0000000000b2/image/24f10000-0000-4000-8000-000000000003.png');
SELECT pg_temp.act_as('service_role');
CREATE TEMP TABLE lena_export AS SELECT public.export_my_data(p_user_id => '24f00000-0000-4000-8000-0000000000f8')::jsonb AS doc;
RESET ROLE;
SELECT is((SELECT jsonb_object_agg(x ->> 'title', (SELECT coalesce(jsonb_agg(o ->> 'name' ORDER BY o ->> 'name'), '[]')
                                                     FROM jsonb_array_elements(x -> 'storage_objects') o))
             FROM lena_export, jsonb_array_elements(doc -> 'creations') x),
          (SELECT jsonb_object_agg(c.title, (SELECT coalesce(jsonb_agg(o.name ORDER BY o.name), '[]')
                                               FROM storage.objects o
                                              WHERE o.name LIKE c.user_id::text || '/%' AND o.name LIKE '%' || c.id::text || '%'))
             FROM public.creations c WHERE c.user_id = '24f00000-0000-4000-8000-0000000000f8'),
          'each creation''s files: every name in her folder containing its id, overlapping or repeated, none in upper case');
SELECT is((SELECT jsonb_array_length(x -> 'storage_objects') FROM lena_export, jsonb_array_elements(doc -> 'creations') x
            WHERE x ->> 'title' = 'First of a pair'), 2,
          'the first of two overlapping ids has both files that contain it');

SELECT * FROM finish();
ROLLBACK;
