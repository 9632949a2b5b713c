-- Rate limits (sql/45_rate_limits.sql, src/limits.rs): each limited action,
-- through the RPC and through the table API, as PostgREST calls them (role
-- and JWT claims inside the transaction).  Going over is PT429 and writes
-- nothing; trusted callers are exempt; views cannot be inflated by a loop.
BEGIN;
-- Counters on shared rows are folded when the writer commits; this file
-- never commits, so it folds at every statement (12_counters tests both).
SET CONSTRAINTS ALL IMMEDIATE;
SELECT plan(51);

\ir fixtures/act_as.sql

-- Close every open window, as if the limits' periods had passed.
CREATE FUNCTION pg_temp.time_passes() RETURNS void LANGUAGE sql AS $$
    UPDATE arcanea.rate_limit_usage SET window_start = window_start - interval '1 day';
$$;

-- alice (a1) owns 8 published creations; bob (b2) and carol (c3) act.
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@t.io', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@t.io',   '{"username":"bob"}'),
    ('cccccccc-0000-4000-8000-0000000000c3', 'carol@t.io', '{"username":"carol"}');
INSERT INTO public.creations (id, user_id, title, type, status, published_at)
SELECT ('11111111-0000-4000-8000-00000000000' || g)::uuid, 'aaaaaaaa-0000-4000-8000-0000000000a1',
       'Creation ' || g, 'image', 'published', now()
  FROM generate_series(1, 8) g;

-- ------------------------------------------------------------------ defaults
SELECT results_eq($$SELECT action, max_calls, per FROM arcanea.rate_limits ORDER BY action$$,
                  $$VALUES ('comment', 10, interval '1 minute'), ('follow', 30, interval '1 minute'),
                           ('like', 60, interval '1 minute'), ('message', 30, interval '1 minute'),
                           ('repeat_view', 1, interval '30 minutes'), ('view', 120, interval '1 minute')$$,
                  'defaults: one row per limited action');
SELECT ok((SELECT c.relpersistence = 'u' FROM pg_class c WHERE c.oid = 'arcanea.rate_limit_usage'::regclass),
          'the usage table is unlogged (no WAL per call)');
SELECT ok('arcanea.rate_limits'::regclass = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'arcanea')::regclass[]),
          'the operator''s limits are dumped with the data');
SELECT ok(NOT 'arcanea.rate_limit_usage'::regclass = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'arcanea')::regclass[]),
          'the usage windows are not dumped');
SELECT ok(NOT has_table_privilege('authenticated', 'arcanea.rate_limits', 'SELECT')
          AND NOT has_table_privilege('authenticated', 'arcanea.rate_limit_usage', 'UPDATE')
          AND NOT has_table_privilege('anon', 'arcanea.rate_limit_usage', 'SELECT'),
          'API roles can neither read nor write the limits or the usage');
SELECT throws_ok($$INSERT INTO arcanea.rate_limits VALUES ('poke', 1, '1 minute')$$, '23514', NULL,
                 'only known actions can be limited');
SELECT throws_ok($$UPDATE arcanea.rate_limits SET max_calls = 0 WHERE action = 'like'$$, '23514', NULL,
                 'a limit allows at least one call');

UPDATE arcanea.rate_limits SET max_calls = 3 WHERE action IN ('like', 'follow', 'comment', 'message', 'view');

-- ---------------------------------------------------------------------- likes
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT lives_ok($$SELECT toggle_like(p_creation_id => ('11111111-0000-4000-8000-00000000000' || g)::uuid)
                    FROM generate_series(1, 3) g$$, 'likes: three likes fit a limit of three');
SELECT throws_ok($$SELECT toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000004')$$,
                 'PT429', 'rate limit exceeded for like: at most 3 per 60 s; try again in 60 s',
                 'likes: the fourth through the RPC is PT429 (HTTP 429), saying when to retry');
SELECT throws_ok($$INSERT INTO public.likes (user_id, creation_id)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '11111111-0000-4000-8000-000000000005')$$,
                 'PT429', NULL, 'likes: the table API is held to the same limit');
SELECT is(toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000001') ->> 'liked', 'false',
          'likes: unliking is not limited');
SELECT pg_temp.act_as('authenticated', 'cccccccc-0000-4000-8000-0000000000c3');
SELECT is(toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000004') ->> 'liked', 'true',
          'likes: another user has their own budget');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.likes WHERE user_id = 'bbbbbbbb-0000-4000-8000-0000000000b2'), 2,
          'likes: the refused likes wrote nothing');
SELECT is((SELECT sum(like_count)::int FROM public.creations), 3, 'likes: the counters saw only the likes made');
SELECT is((SELECT count(*)::int FROM public.notifications WHERE type = 'creation_liked'), 4,
          'likes: the refused likes notified nobody (bob 3, carol 1)');
SELECT is((SELECT calls FROM arcanea.rate_limit_usage
            WHERE subject = 'bbbbbbbb-0000-4000-8000-0000000000b2' AND action = 'like'), 3,
          'likes: a refused call does not spend the budget (its count rolled back with it)');
SELECT pg_temp.act_as('service_role');
SELECT lives_ok($$SELECT toggle_like('bbbbbbbb-0000-4000-8000-0000000000b2', ('11111111-0000-4000-8000-00000000000' || g)::uuid)
                    FROM generate_series(4, 8) g$$, 'likes: the service role acting for bob is not limited');
RESET ROLE;
SELECT pg_temp.time_passes();
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000001') ->> 'liked', 'true',
          'likes: once the window has passed, bob may like again');
RESET ROLE;
SELECT is((SELECT calls FROM arcanea.rate_limit_usage
            WHERE subject = 'bbbbbbbb-0000-4000-8000-0000000000b2' AND action = 'like'), 1,
          'likes: a new window starts counting from one');

-- -------------------------------------------------------------------- follows
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT lives_ok($$SELECT follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
                         unfollow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
                         follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
                         unfollow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
                         follow_user(p_following_id => 'cccccccc-0000-4000-8000-0000000000c3')$$,
                'follows: three follows (and unfollows between) fit');
SELECT throws_ok($$SELECT follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 'PT429', NULL, 'follows: a follow/unfollow loop runs into the limit');
SELECT throws_ok($$INSERT INTO public.follows (follower_id, following_id)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 'PT429', NULL, 'follows: the table API too');
RESET ROLE;
SELECT is((SELECT follower_count FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 0,
          'follows: the refused follow wrote nothing');

-- ------------------------------------------------------------------- comments
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT lives_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                  SELECT 'bbbbbbbb-0000-4000-8000-0000000000b2', '11111111-0000-4000-8000-000000000001', 'nice ' || g
                    FROM generate_series(1, 3) g$$, 'comments: three fit');
SELECT throws_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                   VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', '11111111-0000-4000-8000-000000000001', 'spam')$$,
                 'PT429', NULL, 'comments: the fourth is PT429');
RESET ROLE;
SELECT is((SELECT comment_count FROM public.creations WHERE id = '11111111-0000-4000-8000-000000000001'), 3,
          'comments: the refused comment wrote nothing, not even its count');

-- ------------------------------------------------------------------- messages
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
CREATE TEMP TABLE conv AS
SELECT (get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001')).id;
GRANT SELECT ON conv TO service_role;
SELECT lives_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => 'hi ' || g)
                    FROM generate_series(1, 3) g$$, 'messages: three fit');
SELECT throws_ok($$SELECT add_message_to_conversation(p_conversation_id => (SELECT id FROM conv), p_content => 'again')$$,
                 'PT429', NULL, 'messages: the fourth through the RPC is PT429');
SELECT throws_ok($$INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
                   VALUES ((SELECT id FROM conv), 'bbbbbbbb-0000-4000-8000-0000000000b2', 'user', 'direct')$$,
                 'PT429', NULL, 'messages: the table API too');
RESET ROLE;
SELECT is((SELECT message_count FROM public.luminor_conversations WHERE id = (SELECT id FROM conv)), 3,
          'messages: the refused messages wrote nothing');
SELECT pg_temp.act_as('service_role');
SELECT lives_ok($$SELECT add_message_to_conversation((SELECT id FROM conv), 'bbbbbbbb-0000-4000-8000-0000000000b2',
                                                     'assistant', 'the Luminor answers')$$,
                'messages: the service role (the AI backend) is not limited');
RESET ROLE;

-- ---------------------------------------------------------------------- views
SELECT pg_temp.act_as('authenticated', 'cccccccc-0000-4000-8000-0000000000c3');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 1, 'views: a first view counts');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 1,
          'views: the same viewer again within the window: the count, not counted again');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000002'), 1, 'views: another creation counts');
SELECT throws_ok($$SELECT increment_creation_views('11111111-0000-4000-8000-000000000003')$$,
                 'PT429', NULL, 'views: calls beyond the view limit are PT429');
SELECT pg_temp.act_as('anon', NULL, '203.0.113.7');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 2, 'views: an anonymous visitor counts');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 2,
          'views: the same visitor (same forwarded address) again does not');
SELECT pg_temp.act_as('anon', NULL, '198.51.100.1, 203.0.113.7');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 2,
          'views: a made-up address prepended to x-forwarded-for changes nothing (the last one counts)');
SELECT pg_temp.act_as('anon', NULL, '198.51.100.1');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 3, 'views: another visitor counts');
SELECT pg_temp.act_as('anon');
SELECT is(ARRAY(SELECT increment_creation_views(('11111111-0000-4000-8000-00000000000' || g)::uuid)
                  FROM generate_series(4, 8) g),
          ARRAY[1, 1, 1, 1, 1],
          'views: visitors without an address share one subject, whose calls are not limited (a shared limit would refuse everyone)');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000004'), 1,
          'views: but their repeated views of a creation still count once');
SELECT pg_temp.act_as('service_role');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001')
          + increment_creation_views('11111111-0000-4000-8000-000000000001'), 4 + 5,
          'views: the service role relays views unlimited');
RESET ROLE;
SELECT pg_temp.time_passes();
SELECT pg_temp.act_as('authenticated', 'cccccccc-0000-4000-8000-0000000000c3');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 6,
          'views: after the repeat window the same viewer counts again');
RESET ROLE;

-- ------------------------------------------------------------------ operators
UPDATE arcanea.rate_limits SET max_calls = NULL WHERE action = 'comment';
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT lives_ok($$INSERT INTO public.comments (user_id, creation_id, content)
                  SELECT 'bbbbbbbb-0000-4000-8000-0000000000b2', '11111111-0000-4000-8000-000000000002', 'more ' || g
                    FROM generate_series(1, 20) g$$, 'operators: a NULL max_calls lifts a limit');
RESET ROLE;
UPDATE arcanea.rate_limits SET max_calls = 1 WHERE action = 'like';
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(ARRAY[toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000002') ->> 'liked',
                toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000003') ->> 'liked',
                toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000002') ->> 'liked'],
          ARRAY['false', 'false', 'true'], 'operators: (bob unlikes two creations and likes one again)');
SELECT throws_ok($$SELECT toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000003')$$,
                 'PT429', 'rate limit exceeded for like: at most 1 per 60 s; try again in 60 s',
                 'operators: lowering a limit takes effect at once');
RESET ROLE;
UPDATE arcanea.rate_limits SET max_calls = 1000 WHERE action = 'like';
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000003') ->> 'liked', 'true',
          'operators: raising it takes effect at once too');
RESET ROLE;
SELECT pg_temp.time_passes();
SELECT cmp_ok(arcanea.prune_rate_limit_usage(), '>', 0::bigint, 'prune: closed windows are deleted');
SELECT is((SELECT count(*)::int FROM arcanea.rate_limit_usage), 0, 'prune: none is left after a day');
SELECT ok(NOT has_function_privilege('authenticated', 'arcanea.prune_rate_limit_usage()', 'EXECUTE')
          AND has_function_privilege('service_role', 'arcanea.prune_rate_limit_usage()', 'EXECUTE'),
          'prune: for the service role only');
SELECT is((SELECT count(*)::int FROM arcanea.recount_counters() WHERE rows_fixed > 0), 0,
          'every counter still equals its recount');

SELECT * FROM finish();
ROLLBACK;
