-- Materialised feeds (sql/27_feeds.sql): who is materialised, what fans
-- out, what vanishes at once, and that the incremental state always equals a
-- rebuild from follows and creations.
BEGIN;
SELECT plan(39);

\ir fixtures/act_as.sql

-- The reader r, 70 authors a01..a70 with three creations each (published
-- public, draft, published private), at distinct times.
CREATE FUNCTION pg_temp.author(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT md5('feed-author-' || n)::uuid $$;
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT pg_temp.author(n), 'a' || n || '@t.io', json_build_object('username', 'feedauthor' || n)
  FROM generate_series(1, 70) n;
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('eeeeeeee-0000-4000-8000-0000000000e5', 'reader@t.io', '{"username":"feedreader"}');
INSERT INTO public.creations (id, user_id, title, type, status, is_public, published_at, created_at)
SELECT md5('feed-creation-' || n || '-' || k)::uuid, pg_temp.author(n), 'work ' || n || '/' || k, 'image',
       CASE k WHEN 2 THEN 'draft' ELSE 'published' END, k <> 3, now(),
       now() - (n * 3 + k) * interval '1 minute'
  FROM generate_series(1, 70) n, generate_series(1, 3) k;

-- What the feed must show, computed the plain way.
CREATE FUNCTION pg_temp.expected(reader uuid) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
    SELECT c.id FROM public.follows f
      JOIN public.creations c ON c.user_id = f.following_id AND c.status = 'published' AND c.is_public
      JOIN public.profiles p ON p.id = c.user_id AND p.is_active
     WHERE f.follower_id = reader
     ORDER BY c.created_at DESC, c.id DESC
$$;
CREATE FUNCTION pg_temp.materialised(reader uuid) RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT EXISTS (SELECT 1 FROM arcanea.feed_readers WHERE reader_id = reader) $$;
-- The three feed tables, as text, for comparing with a rebuild.
CREATE FUNCTION pg_temp.feed_state() RETURNS TABLE (t text) LANGUAGE sql STABLE AS $$
    SELECT 'r ' || reader_id FROM arcanea.feed_readers
    UNION ALL SELECT 's ' || author_id || ' ' || reader_id FROM arcanea.feed_subscriptions
    UNION ALL SELECT 'e ' || reader_id || ' ' || created_at || ' ' || creation_id FROM arcanea.feed_entries
$$;
CREATE TEMP TABLE before_rebuild (t text);

-- ------------------------------------------------------------ materialising
SELECT is(arcanea.feed_materialise_above(), 64, 'the materialisation threshold is 64 follows');
INSERT INTO public.follows (follower_id, following_id)
SELECT 'eeeeeeee-0000-4000-8000-0000000000e5', pg_temp.author(n) FROM generate_series(1, 64) n;
SET CONSTRAINTS ALL IMMEDIATE;
SELECT ok(NOT pg_temp.materialised('eeeeeeee-0000-4000-8000-0000000000e5'),
          'a reader following 64 accounts reads by author');
SELECT pg_temp.act_as('authenticated', 'eeeeeeee-0000-4000-8000-0000000000e5');
SELECT results_eq($$SELECT id FROM get_user_feed(p_limit => 100)$$,
                  $$SELECT * FROM pg_temp.expected('eeeeeeee-0000-4000-8000-0000000000e5') LIMIT 100$$,
                  'by author: the feed is every visible creation of the followed accounts, newest first');
RESET ROLE;
INSERT INTO public.follows (follower_id, following_id)
VALUES ('eeeeeeee-0000-4000-8000-0000000000e5', pg_temp.author(65));
SELECT ok(pg_temp.materialised('eeeeeeee-0000-4000-8000-0000000000e5'),
          'the 65th follow materialises the reader');
SELECT is((SELECT count(*)::int FROM arcanea.feed_subscriptions
            WHERE reader_id = 'eeeeeeee-0000-4000-8000-0000000000e5'), 65,
          'one subscription per followed account');
SELECT is((SELECT count(*)::int FROM arcanea.feed_entries
            WHERE reader_id = 'eeeeeeee-0000-4000-8000-0000000000e5'), 65,
          'one entry per visible creation (no drafts, no private ones)');

SELECT pg_temp.act_as('authenticated', 'eeeeeeee-0000-4000-8000-0000000000e5');
SELECT results_eq($$SELECT id FROM get_user_feed(p_limit => 100)$$,
                  $$SELECT * FROM pg_temp.expected('eeeeeeee-0000-4000-8000-0000000000e5') LIMIT 100$$,
                  'materialised: the same feed');
SELECT results_eq(
    $$SELECT id FROM get_user_feed(p_limit => 10,
          p_cursor => (SELECT cursor FROM get_user_feed(p_limit => 10) OFFSET 9))$$,
    $$SELECT id FROM get_user_feed(p_limit => 10, p_offset => 10)$$,
    'materialised: the cursor continues where the page ended');
SELECT results_eq($$SELECT id FROM get_user_feed(p_limit => 10, p_offset => 20)$$,
                  $$SELECT * FROM pg_temp.expected('eeeeeeee-0000-4000-8000-0000000000e5') OFFSET 20 LIMIT 10$$,
                  'materialised: p_offset pages');
SELECT is((SELECT count(*)::int FROM get_user_feed(p_limit => 100)),
          (SELECT count(*)::int FROM pg_temp.expected('eeeeeeee-0000-4000-8000-0000000000e5')),
          'materialised: every entry once');
-- Its statements use plans made once per session (sql/90_finalize.sql);
-- the setting is the function's own and the caller's is left as it was.
SELECT is((SELECT current_setting('plan_cache_mode')), 'auto',
          'after a feed call the caller''s plan_cache_mode is still auto');
SELECT ok((SELECT 'plan_cache_mode=force_generic_plan' = ANY (proconfig) FROM pg_proc
            WHERE oid = 'public.get_user_feed(uuid, integer, integer, text)'::regprocedure),
          'get_user_feed plans its statements generically');
RESET ROLE;

-- ------------------------------------------------------------ what fans out
-- a01's draft published: in the feed at once.
UPDATE public.creations SET status = 'published' WHERE id = md5('feed-creation-1-2')::uuid;
SELECT ok(md5('feed-creation-1-2')::uuid IN (SELECT id FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100)),
          'a publish is in the feed at once');
-- a01's private creation made public, then private again.
UPDATE public.creations SET is_public = true WHERE id = md5('feed-creation-1-3')::uuid;
SELECT ok(md5('feed-creation-1-3')::uuid IN (SELECT id FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100)),
          'made public: in the feed');
UPDATE public.creations SET is_public = false WHERE id = md5('feed-creation-1-3')::uuid;
SELECT ok(md5('feed-creation-1-3')::uuid NOT IN (SELECT id FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100)),
          'made private: gone from the feed at once');
SELECT is((SELECT count(*)::int FROM arcanea.feed_entries WHERE creation_id = md5('feed-creation-1-3')::uuid), 0,
          'made private: its entries are deleted');
-- Unpublished (archived) and deleted.
UPDATE public.creations SET status = 'archived' WHERE id = md5('feed-creation-2-1')::uuid;
SELECT is((SELECT count(*)::int FROM arcanea.feed_entries WHERE creation_id = md5('feed-creation-2-1')::uuid), 0,
          'archived: its entries are deleted');
DELETE FROM public.creations WHERE id = md5('feed-creation-3-1')::uuid;
SELECT is((SELECT count(*)::int FROM arcanea.feed_entries WHERE creation_id = md5('feed-creation-3-1')::uuid), 0,
          'deleted: its entries are deleted');
-- A new creation by a followed author, inserted published; and one by an
-- account the reader does not follow.
INSERT INTO public.creations (id, user_id, title, type, status, is_public, published_at) VALUES
    ('35353535-0000-4000-8000-000000000001', pg_temp.author(4), 'fresh', 'image', 'published', true, now()),
    ('35353535-0000-4000-8000-000000000002', pg_temp.author(70), 'unfollowed', 'image', 'published', true, now());
SELECT is((SELECT id FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 1)),
          '35353535-0000-4000-8000-000000000001'::uuid, 'a new creation tops the feed');
SELECT is((SELECT count(*)::int FROM arcanea.feed_entries WHERE creation_id = '35353535-0000-4000-8000-000000000002'),
          0, 'no entry for an account the reader does not follow');
-- A creation moved to another time (service role): its entry moves.
UPDATE public.creations SET created_at = now() - interval '10 days' WHERE id = md5('feed-creation-5-1')::uuid;
SELECT is((SELECT created_at FROM arcanea.feed_entries WHERE creation_id = md5('feed-creation-5-1')::uuid),
          (SELECT created_at FROM public.creations WHERE id = md5('feed-creation-5-1')::uuid),
          'a creation''s new time moves its entry');

-- ------------------------------------------------------------ follows
DELETE FROM public.follows
 WHERE follower_id = 'eeeeeeee-0000-4000-8000-0000000000e5' AND following_id = pg_temp.author(6);
SELECT is((SELECT count(*)::int FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100) WHERE user_id = pg_temp.author(6)),
          0, 'unfollowed: the account''s creations leave the feed at once');
SELECT is((SELECT count(*)::int FROM arcanea.feed_entries e JOIN public.creations c ON c.id = e.creation_id
            WHERE e.reader_id = 'eeeeeeee-0000-4000-8000-0000000000e5' AND c.user_id = pg_temp.author(6)),
          0, 'unfollowed: and their entries are deleted');
INSERT INTO public.follows (follower_id, following_id)
VALUES ('eeeeeeee-0000-4000-8000-0000000000e5', pg_temp.author(70));
SELECT ok('35353535-0000-4000-8000-000000000002'::uuid IN (SELECT id FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100)),
          'a new follow brings the account''s creations');
SELECT results_eq($$SELECT id FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100)$$,
                  $$SELECT * FROM pg_temp.expected('eeeeeeee-0000-4000-8000-0000000000e5') LIMIT 100$$,
                  'after publishes, hides, deletes, an unfollow and a follow: the feed is still the plain one');
-- A deactivated author is skipped at read, as by author.
UPDATE public.profiles SET is_active = false WHERE id = pg_temp.author(7);
SELECT is((SELECT count(*)::int FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100) WHERE user_id = pg_temp.author(7)),
          0, 'a deactivated author is not in the feed');
SELECT results_eq($$SELECT id FROM get_user_feed('eeeeeeee-0000-4000-8000-0000000000e5', 100)$$,
                  $$SELECT * FROM pg_temp.expected('eeeeeeee-0000-4000-8000-0000000000e5') LIMIT 100$$,
                  'with a deactivated author: the feed is the plain one');
UPDATE public.profiles SET is_active = true WHERE id = pg_temp.author(7);

-- ------------------------------------------------------------ bulk statements
-- The feed's locks are counted per transaction (arcanea.feed_lock): past
-- feed_lock_many() keys it holds the whole feed instead.  300 new accounts
-- each follow a01 in one INSERT, then each publish in one INSERT: the
-- per-row triggers ask for 300 reader keys, then 300 author keys.
CREATE FUNCTION pg_temp.feed_locks_held() RETURNS integer LANGUAGE sql AS $$
    SELECT count(*)::int FROM pg_locks
     WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid IN (1717921124, 1717921125, 1717921126)
$$;
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT md5('feed-bulk-' || n)::uuid, 'bulk' || n || '@t.io', json_build_object('username', 'feedbulk' || n)
  FROM generate_series(1, 300) n;
INSERT INTO public.follows (follower_id, following_id)
SELECT md5('feed-bulk-' || n)::uuid, pg_temp.author(1) FROM generate_series(1, 300) n;
SELECT cmp_ok(pg_temp.feed_locks_held(), '<=', arcanea.feed_lock_many() + 1,
              'one INSERT of 300 follows by 300 readers holds at most feed_lock_many() + 1 feed locks');
INSERT INTO public.creations (user_id, title, type, status, is_public, published_at)
SELECT md5('feed-bulk-' || n)::uuid, 'bulk ' || n, 'image', 'published', true, now()
  FROM generate_series(1, 300) n;
SELECT cmp_ok(pg_temp.feed_locks_held(), '<=', arcanea.feed_lock_many() + 1,
              'one INSERT of 300 creations by 300 authors: still at most feed_lock_many() + 1');
SELECT ok(EXISTS (SELECT 1 FROM pg_locks
                   WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = 1717921124 AND objid = 0
                     AND mode = 'ExclusiveLock'),
          'past the budget the transaction holds the whole feed exclusively');

-- ------------------------------------------------------------ rebuild
INSERT INTO before_rebuild SELECT * FROM pg_temp.feed_state();
SELECT results_eq($$SELECT readers, subscriptions FROM arcanea.rebuild_feed_timelines()$$,
                  $$VALUES (1::bigint, 65::bigint)$$, 'rebuild: the one reader with 65 follows');
SELECT bag_eq($$SELECT * FROM pg_temp.feed_state()$$, $$SELECT * FROM before_rebuild$$,
              'the incremental feeds equal a rebuild from follows and creations');

-- ------------------------------------------------------------ privileges
SELECT pg_temp.act_as('authenticated', 'eeeeeeee-0000-4000-8000-0000000000e5');
SELECT throws_ok($$SELECT count(*) FROM arcanea.feed_entries$$, '42501', NULL,
                 'authenticated cannot read the materialised feeds');
SELECT throws_ok($$SELECT arcanea.rebuild_feed_timelines()$$, '42501', NULL,
                 'authenticated cannot rebuild the feeds');
RESET ROLE;
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT count(*) FROM arcanea.feed_subscriptions$$, '42501', NULL,
                 'anon cannot read the subscriptions');
RESET ROLE;
SELECT pg_temp.act_as('service_role');
SELECT lives_ok($$SELECT arcanea.rebuild_feed_timelines()$$, 'the service role may rebuild the feeds');
RESET ROLE;

-- ------------------------------------------------------------ erasure
-- An author's account deleted: their subscriptions and entries go.
DELETE FROM auth.users WHERE id = pg_temp.author(8);
SELECT is((SELECT count(*)::int FROM arcanea.feed_subscriptions WHERE author_id = pg_temp.author(8)), 0,
          'an erased author: no subscriptions left');
SELECT bag_eq($$SELECT e.creation_id FROM arcanea.feed_entries e
                 WHERE e.reader_id = 'eeeeeeee-0000-4000-8000-0000000000e5'$$,
              $$SELECT * FROM pg_temp.expected('eeeeeeee-0000-4000-8000-0000000000e5')$$,
              'an erased author: the entries are exactly the visible creations still followed');
-- The reader's account deleted: nothing of their feed is left.
DELETE FROM auth.users WHERE id = 'eeeeeeee-0000-4000-8000-0000000000e5';
SELECT is((SELECT count(*)::int FROM pg_temp.feed_state()), 0, 'an erased reader: nothing of their feed is left');

SELECT * FROM finish();
ROLLBACK;
