-- Counters kept by the database (through inserts, deletes, status changes
-- and multi-row statements), arcanea.recount_counters(), and the
-- notifications the database writes.  Runs as the superuser: the triggers
-- must hold whoever writes the rows.
BEGIN;
-- Counters on shared rows are folded from their pending deltas when the
-- writer commits; this file, which never commits, folds at every statement
-- instead, and reads the columns as a committed writer would leave them.
SET CONSTRAINTS ALL IMMEDIATE;
SELECT plan(163);
SET LOCAL timezone = 'UTC';

CREATE FUNCTION pg_temp.u(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT ('12000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$;
CREATE FUNCTION pg_temp.c(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT ('c1200000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$;
CREATE FUNCTION pg_temp.conv(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT ('c0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$;
CREATE FUNCTION pg_temp.m(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT ('3e000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$;
-- (like_count, comment_count) of a creation
CREATE FUNCTION pg_temp.cc(n int) RETURNS text LANGUAGE sql AS $$
    SELECT (like_count, comment_count)::text FROM public.creations WHERE id = pg_temp.c(n) $$;
-- (creation_count, follower_count, following_count) of a profile
CREATE FUNCTION pg_temp.pc(n int) RETURNS text LANGUAGE sql AS $$
    SELECT (creation_count, follower_count, following_count)::text FROM public.profiles WHERE id = pg_temp.u(n) $$;
-- (message_count, last_message_at) of a conversation
CREATE FUNCTION pg_temp.mc(n int) RETURNS text LANGUAGE sql AS $$
    SELECT (message_count, last_message_at)::text FROM public.luminor_conversations WHERE id = pg_temp.conv(n) $$;
-- (interaction_count, user_count, rating_count, rating_sum, average_rating) of the test Luminor
CREATE FUNCTION pg_temp.lc() RETURNS text LANGUAGE sql AS $$
    SELECT (interaction_count, user_count, rating_count, rating_sum, average_rating)::text
      FROM public.luminors WHERE id = '00000000-0000-4000-8000-0000000012aa' $$;

INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT pg_temp.u(n), name || '@counters.test', jsonb_build_object('username', name)
  FROM (VALUES (1, 'ann'), (2, 'ben'), (3, 'cat'), (4, 'dan'), (5, 'eve'),
               (11, 'nina'), (12, 'omar'), (13, 'pete'), (14, 'quinn'), (15, 'rosa')) v(n, name);
INSERT INTO public.luminors (id, name, slug) VALUES ('00000000-0000-4000-8000-0000000012aa', 'Countess', 'countess');

-- ============================================================================
-- creations.like_count
-- ============================================================================
INSERT INTO public.creations (id, user_id, title, type, status, published_at) VALUES
    (pg_temp.c(1), pg_temp.u(1), 'Ann one', 'image', 'published', now()),
    (pg_temp.c(2), pg_temp.u(1), 'Ann two', 'image', 'published', now());
SELECT is(pg_temp.cc(1), '(0,0)', 'like_count/comment_count start at 0');
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(2), pg_temp.c(1));
SELECT is(pg_temp.cc(1), '(1,0)', 'like_count: one like, 1');
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(3), pg_temp.c(1)), (pg_temp.u(4), pg_temp.c(1)), (pg_temp.u(5), pg_temp.c(1));
SELECT is(pg_temp.cc(1), '(4,0)', 'like_count: three likes in one INSERT, 4');
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(2), pg_temp.c(2)), (pg_temp.u(1), pg_temp.c(2)), (pg_temp.u(5), pg_temp.c(1))
    ON CONFLICT DO NOTHING;
SELECT is(pg_temp.cc(1) || pg_temp.cc(2), '(4,0)(2,0)', 'like_count: one INSERT over two creations with a conflict skipped');
DELETE FROM public.likes WHERE user_id = pg_temp.u(2) AND creation_id = pg_temp.c(1);
SELECT is(pg_temp.cc(1), '(3,0)', 'like_count: an unlike, 3');
DELETE FROM public.likes WHERE creation_id = pg_temp.c(1) AND user_id IN (pg_temp.u(3), pg_temp.u(4));
SELECT is(pg_temp.cc(1), '(1,0)', 'like_count: two unlikes in one DELETE, 1');
DELETE FROM public.likes WHERE user_id = pg_temp.u(2) AND creation_id = pg_temp.c(1);
SELECT is(pg_temp.cc(1), '(1,0)', 'like_count: deleting a like that is not there changes nothing');
UPDATE public.likes SET creation_id = pg_temp.c(2) WHERE user_id = pg_temp.u(5) AND creation_id = pg_temp.c(1);
SELECT is(pg_temp.cc(1) || pg_temp.cc(2), '(0,0)(3,0)', 'like_count: a like moved to another creation by UPDATE (service role) moves the counts');
-- Move it back and redo the move as unlike + like, so that what follows does
-- not depend on the assertion above.
UPDATE public.likes SET creation_id = pg_temp.c(1) WHERE user_id = pg_temp.u(5) AND creation_id = pg_temp.c(2);
DELETE FROM public.likes WHERE user_id = pg_temp.u(5) AND creation_id = pg_temp.c(1);
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(5), pg_temp.c(2));

-- ============================================================================
-- creations.comment_count (replies count too)
-- ============================================================================
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('c0ffee00-0000-4000-8000-000000000001', pg_temp.u(2), pg_temp.c(1), 'first');
SELECT is(pg_temp.cc(1), '(0,1)', 'comment_count: one comment, 1');
INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id) VALUES
    (pg_temp.u(3), pg_temp.c(1), 'reply', 'c0ffee00-0000-4000-8000-000000000001');
SELECT is(pg_temp.cc(1), '(0,2)', 'comment_count: a reply counts, 2');
INSERT INTO public.comments (user_id, creation_id, content)
SELECT pg_temp.u(4), pg_temp.c(1), 'bulk ' || g FROM generate_series(1, 3) g;
SELECT is(pg_temp.cc(1), '(0,5)', 'comment_count: three comments in one INSERT, 5');
DELETE FROM public.comments WHERE id = 'c0ffee00-0000-4000-8000-000000000001';
SELECT is(pg_temp.cc(1), '(0,3)', 'comment_count: deleting a comment deletes its reply, 3');
UPDATE public.comments SET content = 'edited' WHERE creation_id = pg_temp.c(1);
SELECT is(pg_temp.cc(1), '(0,3)', 'comment_count: editing comments changes nothing');
DELETE FROM public.comments WHERE creation_id = pg_temp.c(1);
SELECT is(pg_temp.cc(1), '(0,0)', 'comment_count: deleting all in one DELETE, 0');

-- ============================================================================
-- profiles.follower_count / following_count
-- ============================================================================
SELECT is(pg_temp.pc(1) || pg_temp.pc(2), '(2,0,0)(0,0,0)', 'follow counts start at 0 (ann has 2 published creations)');
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(2), pg_temp.u(1));
SELECT is(pg_temp.pc(1) || pg_temp.pc(2), '(2,1,0)(0,0,1)', 'follow: ben follows ann');
INSERT INTO public.follows (follower_id, following_id) VALUES
    (pg_temp.u(3), pg_temp.u(1)), (pg_temp.u(4), pg_temp.u(1)), (pg_temp.u(5), pg_temp.u(1)), (pg_temp.u(1), pg_temp.u(2));
SELECT is(pg_temp.pc(1) || pg_temp.pc(2) || pg_temp.pc(3), '(2,4,1)(0,1,1)(0,0,1)',
          'follow: four follows in one INSERT, one of them mutual');
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(2), pg_temp.u(1)) ON CONFLICT DO NOTHING;
SELECT is(pg_temp.pc(1), '(2,4,1)', 'follow: a duplicate skipped by ON CONFLICT changes nothing');
DELETE FROM public.follows WHERE follower_id = pg_temp.u(3) AND following_id = pg_temp.u(1);
SELECT is(pg_temp.pc(1) || pg_temp.pc(3), '(2,3,1)(0,0,0)', 'unfollow: cat unfollows ann');
DELETE FROM public.follows WHERE following_id = pg_temp.u(1);
SELECT is(pg_temp.pc(1) || pg_temp.pc(2) || pg_temp.pc(4) || pg_temp.pc(5), '(2,0,1)(0,1,0)(0,0,0)(0,0,0)',
          'unfollow: everyone unfollows ann in one DELETE');

-- ============================================================================
-- profiles.creation_count: published creations only
-- ============================================================================
INSERT INTO public.creations (id, user_id, title, type, status) VALUES
    (pg_temp.c(3), pg_temp.u(1), 'Ann draft', 'image', 'draft'),
    (pg_temp.c(4), pg_temp.u(1), 'Ann processing', 'video', 'processing');
SELECT is(pg_temp.pc(1), '(2,0,1)', 'creation_count: drafts and processing do not count');
UPDATE public.creations SET status = 'published', published_at = now() WHERE id = pg_temp.c(3);
SELECT is(pg_temp.pc(1), '(3,0,1)', 'creation_count: publishing a draft, +1');
UPDATE public.creations SET title = 'Ann draft, published' WHERE id = pg_temp.c(3);
UPDATE public.creations SET status = 'published' WHERE id = pg_temp.c(3);
SELECT is(pg_temp.pc(1), '(3,0,1)', 'creation_count: editing, or re-setting published on a published creation, changes nothing');
UPDATE public.creations SET status = 'archived' WHERE id = pg_temp.c(3);
SELECT is(pg_temp.pc(1), '(2,0,1)', 'creation_count: archiving, -1');
UPDATE public.creations SET status = 'published' WHERE id = pg_temp.c(3);
SELECT is(pg_temp.pc(1), '(3,0,1)', 'creation_count: re-publishing an archived creation, +1');
UPDATE public.creations SET status = 'draft', published_at = NULL WHERE id = pg_temp.c(3);
SELECT is(pg_temp.pc(1), '(2,0,1)', 'creation_count: unpublishing back to draft, -1');
UPDATE public.creations SET status = 'published', published_at = now() WHERE user_id = pg_temp.u(1);
SELECT is(pg_temp.pc(1), '(4,0,1)', 'creation_count: one UPDATE publishing two, with two already published, 4');
UPDATE public.creations SET status = 'archived' WHERE id IN (pg_temp.c(3), pg_temp.c(4));
SELECT is(pg_temp.pc(1), '(2,0,1)', 'creation_count: one UPDATE archiving two, 2');
DELETE FROM public.creations WHERE id = pg_temp.c(4);
SELECT is(pg_temp.pc(1), '(2,0,1)', 'creation_count: deleting an archived creation changes nothing');
INSERT INTO public.creations (id, user_id, title, type, status, published_at)
SELECT pg_temp.c(10 + g), pg_temp.u(2), 'Ben ' || g, 'music', 'published', now() FROM generate_series(1, 3) g;
SELECT is(pg_temp.pc(2), '(3,1,0)', 'creation_count: three published creations in one INSERT, 3');
DELETE FROM public.creations WHERE id = pg_temp.c(11);
SELECT is(pg_temp.pc(2), '(2,1,0)', 'creation_count: deleting a published creation, -1');
UPDATE public.creations SET user_id = pg_temp.u(1) WHERE id = pg_temp.c(12);
SELECT is(pg_temp.pc(1) || pg_temp.pc(2), '(3,0,1)(1,1,0)', 'creation_count: moving a published creation to another owner moves the count');
UPDATE public.creations SET user_id = pg_temp.u(1), status = 'archived' WHERE id = pg_temp.c(13);
SELECT is(pg_temp.pc(1) || pg_temp.pc(2), '(3,0,1)(0,1,0)', 'creation_count: moving and archiving at once, -1 for the old owner only');

-- ============================================================================
-- luminor_conversations.message_count / last_message_at,
-- luminors.interaction_count (user messages) / average_rating / user_count
-- ============================================================================
INSERT INTO public.luminor_conversations (id, user_id, luminor_id) VALUES
    (pg_temp.conv(1), pg_temp.u(1), '00000000-0000-4000-8000-0000000012aa'),
    (pg_temp.conv(2), pg_temp.u(2), '00000000-0000-4000-8000-0000000012aa');
SELECT is(pg_temp.mc(1) || pg_temp.lc(), '(0,)(0,0,0,0,)', 'message counters start at 0 / NULL');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, created_at) VALUES
    (pg_temp.m(1), pg_temp.conv(1), pg_temp.u(1), 'user', 'hi', '2030-01-01 10:00+00');
SELECT is(pg_temp.mc(1), '(1,"2030-01-01 10:00:00+00")', 'message_count 1, last_message_at = the message''s time');
SELECT is(pg_temp.lc(), '(1,0,0,0,)', 'interaction_count: a user message, 1');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, created_at) VALUES
    (pg_temp.m(2), pg_temp.conv(1), pg_temp.u(1), 'assistant', 'hello', '2030-01-01 10:01+00');
SELECT is(pg_temp.mc(1) || pg_temp.lc(), '(2,"2030-01-01 10:01:00+00")(1,0,0,0,)',
          'an assistant message: message_count 2, interaction_count unchanged');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, created_at) VALUES
    (pg_temp.m(3), pg_temp.conv(1), pg_temp.u(1), 'user', 'q', '2030-01-01 10:02+00'),
    (pg_temp.m(4), pg_temp.conv(1), pg_temp.u(1), 'assistant', 'a', '2030-01-01 10:03+00'),
    (pg_temp.m(5), pg_temp.conv(1), pg_temp.u(1), 'system', 's', '2030-01-01 10:04+00'),
    (pg_temp.m(6), pg_temp.conv(2), pg_temp.u(2), 'user', 'ben here', '2030-01-01 09:00+00');
SELECT is(pg_temp.mc(1) || pg_temp.mc(2) || pg_temp.lc(),
          '(5,"2030-01-01 10:04:00+00")(1,"2030-01-01 09:00:00+00")(3,0,0,0,)',
          'four messages over two conversations in one INSERT');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, created_at) VALUES
    (pg_temp.m(7), pg_temp.conv(1), pg_temp.u(1), 'user', 'late import', '2030-01-01 08:00+00');
SELECT is(pg_temp.mc(1), '(6,"2030-01-01 10:04:00+00")', 'an older message: message_count 6, last_message_at stays at the newest');
DELETE FROM public.luminor_messages WHERE id = pg_temp.m(5);
SELECT is(pg_temp.mc(1), '(5,"2030-01-01 10:03:00+00")', 'deleting the newest message: last_message_at goes back to the one before');
DELETE FROM public.luminor_messages WHERE id = pg_temp.m(7);
SELECT is(pg_temp.mc(1) || pg_temp.lc(), '(4,"2030-01-01 10:03:00+00")(3,0,0,0,)', 'deleting a user message: interaction_count -1');

UPDATE public.luminor_messages SET user_rating = 5 WHERE id = pg_temp.m(2);
SELECT is(pg_temp.lc(), '(3,0,1,5,5.00)', 'rating a message 5: rating_count 1, sum 5, average 5.00');
UPDATE public.luminor_messages SET user_rating = 2 WHERE id = pg_temp.m(4);
SELECT is(pg_temp.lc(), '(3,0,2,7,3.50)', 'rating another 2: average 3.50');
UPDATE public.luminor_messages SET user_rating = 4 WHERE id = pg_temp.m(4);
SELECT is(pg_temp.lc(), '(3,0,2,9,4.50)', 'changing a rating 2 to 4: average 4.50');
UPDATE public.luminor_messages SET user_rating = NULL WHERE id = pg_temp.m(2);
SELECT is(pg_temp.lc(), '(3,0,1,4,4.00)', 'clearing a rating: average 4.00');
UPDATE public.luminor_messages SET was_helpful = true WHERE id = pg_temp.m(4);
SELECT is(pg_temp.lc(), '(3,0,1,4,4.00)', 'marking helpful changes no rating');
UPDATE public.luminor_messages SET user_rating = 3 WHERE conversation_id = pg_temp.conv(1) AND role = 'assistant';
SELECT is(pg_temp.lc(), '(3,0,2,6,3.00)', 'one UPDATE rating two messages 3: average 3.00');
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, user_rating) VALUES
    (pg_temp.m(8), pg_temp.conv(2), pg_temp.u(2), 'assistant', 'pre-rated', 1);
SELECT is(pg_temp.lc(), '(3,0,3,7,2.33)', 'a message inserted with a rating counts: average 2.33');
DELETE FROM public.luminor_messages WHERE id = pg_temp.m(8);
SELECT is(pg_temp.lc(), '(3,0,2,6,3.00)', 'deleting a rated message removes its rating');
UPDATE public.luminor_messages SET user_rating = NULL WHERE user_rating IS NOT NULL;
SELECT is(pg_temp.lc(), '(3,0,0,0,)', 'clearing every rating: average back to NULL');

INSERT INTO public.luminor_relationships (user_id, luminor_id) VALUES (pg_temp.u(1), '00000000-0000-4000-8000-0000000012aa');
SELECT is(pg_temp.lc(), '(3,1,0,0,)', 'user_count: a relationship, 1');
INSERT INTO public.luminor_relationships (user_id, luminor_id)
SELECT pg_temp.u(n), '00000000-0000-4000-8000-0000000012aa' FROM generate_series(2, 4) n;
SELECT is(pg_temp.lc(), '(3,4,0,0,)', 'user_count: three relationships in one INSERT, 4');
DELETE FROM public.luminor_relationships WHERE user_id IN (pg_temp.u(3), pg_temp.u(4));
SELECT is(pg_temp.lc(), '(3,2,0,0,)', 'user_count: two relationships deleted in one DELETE, 2');

-- ============================================================================
-- arcanea.recount_counters()
-- ============================================================================
SELECT results_eq(
    $$SELECT counter, rows_fixed FROM arcanea.recount_counters()$$,
    $$VALUES ('creations.like_count', 0::bigint), ('creations.comment_count', 0::bigint),
             ('profiles.follower_count', 0::bigint), ('profiles.following_count', 0::bigint),
             ('profiles.creation_count', 0::bigint), ('luminor_conversations.message_count', 0::bigint),
             ('luminors.interaction_count', 0::bigint), ('luminors.average_rating', 0::bigint),
             ('luminors.user_count', 0::bigint)$$,
    'recount_counters: every counter, nothing to fix on consistent data');

UPDATE public.luminor_messages SET user_rating = 4 WHERE id = pg_temp.m(2);
INSERT INTO public.comments (user_id, creation_id, content) VALUES (pg_temp.u(2), pg_temp.c(2), 'a comment');
-- Corrupt counters as a bad bulk load or a manual edit would.
UPDATE public.creations SET like_count = 999 WHERE id IN (pg_temp.c(1), pg_temp.c(2));
UPDATE public.creations SET comment_count = 0 WHERE id = pg_temp.c(2);
UPDATE public.profiles SET follower_count = 50 WHERE id IN (pg_temp.u(1), pg_temp.u(3), pg_temp.u(4));
UPDATE public.profiles SET following_count = 7 WHERE id = pg_temp.u(5);
UPDATE public.profiles SET creation_count = 9 WHERE id IN (pg_temp.u(1), pg_temp.u(2));
UPDATE public.luminor_conversations SET message_count = 40 WHERE id = pg_temp.conv(1);
UPDATE public.luminor_conversations SET last_message_at = NULL WHERE id = pg_temp.conv(2);
UPDATE public.luminors SET interaction_count = 1000 WHERE id = '00000000-0000-4000-8000-0000000012aa';
UPDATE public.luminors SET rating_sum = 17, average_rating = 1.5 WHERE id = '00000000-0000-4000-8000-0000000012aa';
UPDATE public.luminors SET user_count = 5 WHERE slug IN ('lumina', 'kinetix');
SELECT results_eq(
    $$SELECT counter, rows_fixed FROM arcanea.recount_counters()$$,
    $$VALUES ('creations.like_count', 2::bigint), ('creations.comment_count', 1::bigint),
             ('profiles.follower_count', 3::bigint), ('profiles.following_count', 1::bigint),
             ('profiles.creation_count', 2::bigint), ('luminor_conversations.message_count', 2::bigint),
             ('luminors.interaction_count', 1::bigint), ('luminors.average_rating', 1::bigint),
             ('luminors.user_count', 2::bigint)$$,
    'recount_counters: reports how many rows each corrupted counter fixed');
SELECT is(pg_temp.cc(1) || pg_temp.cc(2), '(0,0)(3,1)', 'recount_counters: like_count and comment_count fixed');
SELECT is(pg_temp.pc(1) || pg_temp.pc(2) || pg_temp.pc(3) || pg_temp.pc(4) || pg_temp.pc(5),
          '(3,0,1)(0,1,0)(0,0,0)(0,0,0)(0,0,0)', 'recount_counters: profile counters fixed');
SELECT is(pg_temp.mc(1) || pg_temp.mc(2), '(4,"2030-01-01 10:03:00+00")(1,"2030-01-01 09:00:00+00")',
          'recount_counters: message_count and last_message_at fixed');
SELECT is(pg_temp.lc(), '(3,2,1,4,4.00)', 'recount_counters: interaction_count, user_count and the rating fixed');
SELECT is((SELECT sum(user_count)::int FROM public.luminors WHERE slug IN ('lumina', 'kinetix')), 0,
          'recount_counters: the default Luminors'' user_count fixed');
SELECT is((SELECT sum(rows_fixed)::int FROM arcanea.recount_counters()), 0, 'recount_counters: a second run finds nothing');

-- Every counter equals its count(*), checked directly.
SELECT is_empty($$
    SELECT id FROM public.creations c
     WHERE like_count <> (SELECT count(*) FROM public.likes l WHERE l.creation_id = c.id)
        OR comment_count <> (SELECT count(*) FROM public.comments m WHERE m.creation_id = c.id)
    UNION ALL
    SELECT id FROM public.profiles p
     WHERE follower_count <> (SELECT count(*) FROM public.follows f WHERE f.following_id = p.id)
        OR following_count <> (SELECT count(*) FROM public.follows f WHERE f.follower_id = p.id)
        OR creation_count <> (SELECT count(*) FROM public.creations c WHERE c.user_id = p.id AND c.status = 'published')
    UNION ALL
    SELECT id FROM public.luminor_conversations c
     WHERE message_count <> (SELECT count(*) FROM public.luminor_messages m WHERE m.conversation_id = c.id)
    UNION ALL
    SELECT id FROM public.luminors l
     WHERE interaction_count <> (SELECT count(*) FROM public.luminor_messages m JOIN public.luminor_conversations c
                                     ON c.id = m.conversation_id WHERE c.luminor_id = l.id AND m.role = 'user')
        OR user_count <> (SELECT count(*) FROM public.luminor_relationships r WHERE r.luminor_id = l.id)
$$, 'every counter equals its count(*)');

-- ============================================================================
-- Counters when rows go away through ON DELETE CASCADE
-- ============================================================================
-- ann (u1) follows ben; ben likes ann's c2 and comments on it; ben has a
-- conversation with a user message and a rated one, and a relationship.
DELETE FROM auth.users WHERE id = pg_temp.u(2);
SELECT is(pg_temp.cc(2) || pg_temp.pc(1), '(2,0)(3,0,0)',
          'deleting ben''s account: his like and comment leave ann''s creation, his follow leaves ann''s following_count');
SELECT is(pg_temp.lc(), '(2,1,1,4,4.00)',
          'deleting ben''s account: the Luminor loses his user message (interaction_count) and his relationship (user_count)');
DELETE FROM public.luminor_conversations WHERE id = pg_temp.conv(1);
SELECT is(pg_temp.lc(), '(0,1,0,0,)',
          'deleting a conversation: the Luminor loses its user messages and ratings');
SELECT is_empty($$SELECT counter, rows_fixed FROM arcanea.recount_counters() WHERE rows_fixed <> 0$$,
                'after the cascades, recount_counters finds nothing to fix');

-- ============================================================================
-- Notifications written by the database
-- nina (11) owns n1/n2; omar (12), pete (13), quinn (14), rosa (15) act.
-- ============================================================================
INSERT INTO public.creations (id, user_id, title, type, status, published_at) VALUES
    (pg_temp.c(21), pg_temp.u(11), 'Nina one', 'image', 'published', now()),
    (pg_temp.c(22), pg_temp.u(11), 'Nina two', 'image', 'published', now());
CREATE TEMP VIEW notes AS
    SELECT n.*, p.username AS recipient FROM public.notifications n JOIN public.profiles p ON p.id = n.user_id
     WHERE n.user_id IN (SELECT pg_temp.u(g) FROM generate_series(11, 15) g);
-- how many notifications of a type a user has
CREATE FUNCTION pg_temp.nn(who text, kind text) RETURNS int LANGUAGE sql AS $$
    SELECT count(*)::int FROM notes WHERE recipient = who AND type = kind $$;

-- creation_liked ---------------------------------------------------------------
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(12), pg_temp.c(21));
SELECT is(pg_temp.nn('nina', 'creation_liked'), 1, 'creation_liked: omar likes nina''s creation, nina is notified');
SELECT is((SELECT (metadata ->> 'actor_id', metadata ->> 'actor_username', metadata ->> 'creation_id')::text
             FROM notes WHERE recipient = 'nina' AND type = 'creation_liked'),
          (pg_temp.u(12)::text, 'omar', pg_temp.c(21)::text)::text,
          'creation_liked: metadata carries actor_id, actor_username, creation_id');
SELECT is((SELECT action_url FROM notes WHERE recipient = 'nina' AND type = 'creation_liked'),
          '/creations/' || pg_temp.c(21), 'creation_liked: action_url opens the creation');
SELECT ok((SELECT title ~ 'omar' AND NOT is_read AND read_at IS NULL FROM notes WHERE recipient = 'nina' AND type = 'creation_liked'),
          'creation_liked: unread, title names the actor');
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(11), pg_temp.c(21));
SELECT is(pg_temp.nn('nina', 'creation_liked'), 1, 'creation_liked: liking one''s own creation notifies nobody');
DELETE FROM public.likes WHERE user_id = pg_temp.u(12) AND creation_id = pg_temp.c(21);
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(12), pg_temp.c(21));
DELETE FROM public.likes WHERE user_id = pg_temp.u(12) AND creation_id = pg_temp.c(21);
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(12), pg_temp.c(21));
SELECT is(pg_temp.nn('nina', 'creation_liked'), 1, 'creation_liked: like, unlike, like, unlike, like within 24h is ONE notification');
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(13), pg_temp.c(21)), (pg_temp.u(12), pg_temp.c(22));
SELECT is(pg_temp.nn('nina', 'creation_liked'), 3, 'creation_liked: another actor, and the same actor on another creation, notify again');
-- The groups notified are kept apart, one row per (recipient, group key),
-- so that the check reads one small index instead of every monthly
-- partition of notifications.
SELECT is((SELECT string_agg(g.group_key, ' ' ORDER BY g.group_key) FROM arcanea.notification_groups g
            WHERE g.user_id = pg_temp.u(11) AND g.notified_at = now()),
          (SELECT string_agg(n.group_key, ' ' ORDER BY n.group_key) FROM public.notifications n
            WHERE n.user_id = pg_temp.u(11) AND n.type = 'creation_liked'),
          'creation_liked: each notification''s group is recorded in arcanea.notification_groups');
SELECT is((SELECT g.group_key FROM arcanea.notification_groups g
            WHERE g.user_id = pg_temp.u(11) AND g.group_key LIKE 'creation_liked:' || pg_temp.u(12) || ':%'
              AND g.group_key LIKE '%' || pg_temp.c(21)),
          'creation_liked:' || pg_temp.u(12) || ':' || pg_temp.c(21),
          'creation_liked: the group key is type:actor:creation');
-- A day later (the group's time moved back instead).
UPDATE arcanea.notification_groups SET notified_at = now() - interval '25 hours'
 WHERE user_id = pg_temp.u(11) AND group_key = 'creation_liked:' || pg_temp.u(12) || ':' || pg_temp.c(21);
DELETE FROM public.likes WHERE user_id = pg_temp.u(12) AND creation_id = pg_temp.c(21);
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(12), pg_temp.c(21));
SELECT is(pg_temp.nn('nina', 'creation_liked'), 4, 'creation_liked: liking again after more than 24h notifies again');
SELECT is((SELECT notified_at FROM arcanea.notification_groups
            WHERE user_id = pg_temp.u(11) AND group_key = 'creation_liked:' || pg_temp.u(12) || ':' || pg_temp.c(21)),
          now(), 'creation_liked: notifying again restarts the group''s day');
-- Pruning forgets the groups past their day, and only those.
UPDATE arcanea.notification_groups SET notified_at = now() - interval '24 hours'
 WHERE user_id = pg_temp.u(11) AND group_key = 'creation_liked:' || pg_temp.u(13) || ':' || pg_temp.c(21);
SELECT is(arcanea.prune_notification_groups(), 1::bigint, 'prune_notification_groups: the one group past its day is deleted');
SELECT is((SELECT count(*)::int FROM arcanea.notification_groups WHERE user_id = pg_temp.u(11)), 2,
          'prune_notification_groups: the groups within their day stay');
SELECT ok((SELECT c.relpersistence = 'u' FROM pg_class c WHERE c.oid = 'arcanea.notification_groups'::regclass)
          AND NOT 'arcanea.notification_groups'::regclass = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'arcanea')::regclass[]),
          'notification_groups is unlogged and not dumped (a crash or a restore forgets which groups were notified)');
SELECT ok(NOT has_table_privilege('authenticated', 'arcanea.notification_groups', 'SELECT')
          AND NOT has_table_privilege('anon', 'arcanea.notification_groups', 'SELECT')
          AND NOT has_table_privilege('service_role', 'arcanea.notification_groups', 'INSERT')
          AND NOT has_function_privilege('authenticated', 'arcanea.prune_notification_groups()', 'EXECUTE')
          AND has_function_privilege('service_role', 'arcanea.prune_notification_groups()', 'EXECUTE'),
          'notification_groups: no API role reads or writes it; only the service role may prune it');

-- new_follower -----------------------------------------------------------------
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(12), pg_temp.u(11));
SELECT is(pg_temp.nn('nina', 'new_follower'), 1, 'new_follower: omar follows nina, nina is notified');
SELECT is((SELECT (metadata ->> 'actor_id', metadata ->> 'actor_username', action_url)::text
             FROM notes WHERE recipient = 'nina' AND type = 'new_follower'),
          (pg_temp.u(12)::text, 'omar', '/u/omar')::text,
          'new_follower: metadata carries actor_id and actor_username, action_url opens the follower');
DELETE FROM public.follows WHERE follower_id = pg_temp.u(12) AND following_id = pg_temp.u(11);
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(12), pg_temp.u(11));
DELETE FROM public.follows WHERE follower_id = pg_temp.u(12) AND following_id = pg_temp.u(11);
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(12), pg_temp.u(11));
SELECT is(pg_temp.nn('nina', 'new_follower'), 1, 'new_follower: follow, unfollow, follow within 24h is ONE notification');
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(13), pg_temp.u(11)), (pg_temp.u(11), pg_temp.u(12));
SELECT is(pg_temp.nn('nina', 'new_follower') || '/' || pg_temp.nn('omar', 'new_follower'), '2/1',
          'new_follower: another follower notifies again; following back notifies the other side');

-- creation_commented, comment_reply -------------------------------------------
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('c0ffee00-0000-4000-8000-000000000021', pg_temp.u(12), pg_temp.c(21), 'Lovely colours');
SELECT is(pg_temp.nn('nina', 'creation_commented'), 1, 'creation_commented: omar comments on nina''s creation, nina is notified');
SELECT is((SELECT (metadata ->> 'actor_id', metadata ->> 'actor_username', metadata ->> 'creation_id', metadata ->> 'comment_id')::text
             FROM notes WHERE recipient = 'nina' AND type = 'creation_commented'),
          (pg_temp.u(12)::text, 'omar', pg_temp.c(21)::text, 'c0ffee00-0000-4000-8000-000000000021')::text,
          'creation_commented: metadata carries actor_id, actor_username, creation_id, comment_id');
SELECT ok((SELECT action_url LIKE '/creations/' || pg_temp.c(21) || '%' FROM notes WHERE recipient = 'nina' AND type = 'creation_commented'),
          'creation_commented: action_url opens the creation');
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('c0ffee00-0000-4000-8000-000000000022', pg_temp.u(11), pg_temp.c(21), 'Thanks all');
SELECT is(pg_temp.nn('nina', 'creation_commented'), 1, 'creation_commented: commenting on one''s own creation notifies nobody');
INSERT INTO public.comments (user_id, creation_id, content) VALUES (pg_temp.u(12), pg_temp.c(21), 'And the light!');
SELECT is(pg_temp.nn('nina', 'creation_commented'), 2, 'creation_commented: every comment notifies (no 24h grouping)');

INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id) VALUES
    ('c0ffee00-0000-4000-8000-000000000023', pg_temp.u(13), pg_temp.c(21), 'Agreed', 'c0ffee00-0000-4000-8000-000000000021');
SELECT is(pg_temp.nn('omar', 'comment_reply') || '/' || pg_temp.nn('nina', 'creation_commented'), '1/3',
          'comment_reply: pete replies to omar''s comment; omar gets comment_reply, nina creation_commented');
SELECT is((SELECT (metadata ->> 'actor_id', metadata ->> 'actor_username', metadata ->> 'creation_id', metadata ->> 'comment_id')::text
             FROM notes WHERE recipient = 'omar' AND type = 'comment_reply'),
          (pg_temp.u(13)::text, 'pete', pg_temp.c(21)::text, 'c0ffee00-0000-4000-8000-000000000023')::text,
          'comment_reply: metadata carries actor_id, actor_username, creation_id and the reply''s comment_id');
SELECT ok((SELECT action_url IS NOT NULL FROM notes WHERE recipient = 'omar' AND type = 'comment_reply'), 'comment_reply: action_url set');
INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id) VALUES
    (pg_temp.u(12), pg_temp.c(21), 'Replying to myself', 'c0ffee00-0000-4000-8000-000000000021');
SELECT is(pg_temp.nn('omar', 'comment_reply') || '/' || pg_temp.nn('nina', 'creation_commented'), '1/4',
          'comment_reply: replying to one''s own comment notifies only the creation''s owner');
INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id) VALUES
    (pg_temp.u(11), pg_temp.c(21), 'Thank you omar', 'c0ffee00-0000-4000-8000-000000000021');
SELECT is(pg_temp.nn('omar', 'comment_reply') || '/' || pg_temp.nn('nina', 'creation_commented'), '2/4',
          'comment_reply: the owner replying on her own creation notifies the parent''s author only');
-- One comment notifies each person once (documented): a reply to nina's own
-- comment that also mentions her is a comment_reply, nothing more.
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id) VALUES
    ('c0ffee00-0000-4000-8000-000000000024', pg_temp.u(13), pg_temp.c(21), '@nina you are welcome',
     'c0ffee00-0000-4000-8000-000000000022');
SELECT is((SELECT string_agg(type, ',') FROM notes WHERE recipient = 'nina'
            AND metadata ->> 'comment_id' = 'c0ffee00-0000-4000-8000-000000000024'), 'comment_reply',
          'a reply to the owner''s comment that mentions her: one notification, comment_reply');

-- mention ----------------------------------------------------------------------
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('c0ffee00-0000-4000-8000-000000000025', pg_temp.u(12), pg_temp.c(21),
     'cc @pete and @PETE and @pete. also @quinn, @nobody_here, @omar and mail me@rosa.com');
SELECT is((SELECT count(*)::int FROM notes WHERE recipient = 'pete' AND type = 'mention'
            AND metadata ->> 'comment_id' = 'c0ffee00-0000-4000-8000-000000000025'), 1,
          'mention: @pete three times (any case, before a full stop) is one notification');
SELECT is(pg_temp.nn('quinn', 'mention'), 1, 'mention: @quinn is notified');
SELECT is(pg_temp.nn('rosa', 'mention'), 0, 'mention: an e-mail address me@rosa.com is not a mention');
SELECT is(pg_temp.nn('omar', 'mention'), 0, 'mention: mentioning oneself notifies nobody');
SELECT is((SELECT count(*)::int FROM public.notifications WHERE metadata ->> 'comment_id' = 'c0ffee00-0000-4000-8000-000000000025'), 3,
          'mention: @nobody_here (no such user) does nothing; the comment notified nina, pete, quinn only');
SELECT is((SELECT (metadata ->> 'actor_id', metadata ->> 'actor_username', metadata ->> 'creation_id', metadata ->> 'comment_id',
                   action_url IS NOT NULL)::text
             FROM notes WHERE recipient = 'quinn' AND type = 'mention'),
          (pg_temp.u(12)::text, 'omar', pg_temp.c(21)::text, 'c0ffee00-0000-4000-8000-000000000025', true)::text,
          'mention: metadata carries actor_id, actor_username, creation_id, comment_id; action_url set');
INSERT INTO public.comments (user_id, creation_id, content) VALUES (pg_temp.u(12), pg_temp.c(22), '@quinn look at this one too');
SELECT is(pg_temp.nn('quinn', 'mention'), 2, 'mention: once per comment, so a second comment notifies again');
INSERT INTO public.comments (id, user_id, creation_id, content) VALUES
    ('c0ffee00-0000-4000-8000-000000000026', pg_temp.u(13), pg_temp.c(22), '@nina this is yours, right?');
SELECT is((SELECT string_agg(type, ',') FROM notes WHERE recipient = 'nina'
            AND metadata ->> 'comment_id' = 'c0ffee00-0000-4000-8000-000000000026'), 'creation_commented',
          'mentioning the owner on her own creation: one notification, creation_commented');

SELECT is_empty($$SELECT id FROM notes WHERE type IN ('creation_liked', 'creation_commented', 'comment_reply', 'mention', 'new_follower')
                    AND (NOT metadata ? 'actor_id' OR NOT metadata ? 'actor_username' OR action_url IS NULL
                         OR (metadata ->> 'actor_id')::uuid = user_id)$$,
                'every database-written notification carries actor_id and actor_username, an action_url, and never goes to the actor');

-- read_at follows is_read ----------------------------------------------------------
UPDATE public.notifications SET is_read = true WHERE user_id = pg_temp.u(11) AND type = 'creation_liked';
SELECT is((SELECT count(*)::int FROM notes WHERE recipient = 'nina' AND type = 'creation_liked' AND read_at = now()), 4,
          'read_at: set when is_read becomes true (a multi-row UPDATE)');
UPDATE public.notifications SET read_at = '2001-01-01' WHERE user_id = pg_temp.u(11) AND type = 'creation_liked';
UPDATE public.notifications SET is_read = true, is_archived = true WHERE user_id = pg_temp.u(11) AND type = 'creation_liked';
SELECT is((SELECT count(*)::int FROM notes WHERE recipient = 'nina' AND type = 'creation_liked' AND read_at = '2001-01-01'), 4,
          'read_at: marking an already read notification read again keeps the first read time');
UPDATE public.notifications SET is_read = false WHERE user_id = pg_temp.u(11) AND type = 'creation_liked';
SELECT is((SELECT count(*)::int FROM notes WHERE recipient = 'nina' AND type = 'creation_liked' AND read_at IS NULL), 4,
          'read_at: cleared when is_read becomes false');
SELECT is((SELECT count(*)::int FROM notes WHERE recipient = 'nina' AND type <> 'creation_liked' AND (is_read OR read_at IS NOT NULL)), 0,
          'read_at: other notifications untouched');

-- ============================================================================
-- Pending deltas and the fold at commit (the mode writers run in).  Every
-- event appends a delta here (as when its row is busy, or under REPEATABLE
-- READ); the in-place updates follow.
-- ============================================================================
SET CONSTRAINTS ALL DEFERRED;
SET LOCAL arcanea.count_in_place = off;
INSERT INTO public.creations (id, user_id, title, type, status, published_at) VALUES
    (pg_temp.c(40), pg_temp.u(15), 'Deferred', 'image', 'published', now());
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(11), pg_temp.c(40)), (pg_temp.u(12), pg_temp.c(40));
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(14), pg_temp.u(15));
SELECT is(pg_temp.cc(40), '(0,0)', 'deferred: before the commit the column has not moved');
SELECT is((SELECT (likes, comments, views)::text FROM arcanea.pending_creation_counts(pg_temp.c(40))), '(2,0,0)',
          'deferred: the two likes are pending, and readers add them');
SELECT is((SELECT (followers, followings)::text FROM arcanea.pending_profile_counts(pg_temp.u(15))), '(1,0)',
          'deferred: the follow is pending on the followed profile');
SELECT is(current_setting('arcanea.fold_slots'),
          ',' || arcanea.count_slot('profiles', pg_temp.u(15)) || 'd,' || arcanea.count_slot('creations', pg_temp.c(40)) || 'd,'
          || arcanea.count_slot('profiles', pg_temp.u(14)) || 'd,',
          'deferred: the transaction marked the slots it appended to (the publish, the likes, the follow), each once');
-- What the commit does: fire the deferred fold.
SET CONSTRAINTS ALL IMMEDIATE;
SELECT is(pg_temp.cc(40), '(2,0)', 'fold: the likes moved into the column');
SELECT is((SELECT count(*)::int FROM arcanea.creation_count_deltas WHERE creation_id = pg_temp.c(40))
        + (SELECT count(*)::int FROM arcanea.profile_count_deltas WHERE profile_id IN (pg_temp.u(14), pg_temp.u(15))),
          0, 'fold: no delta is left pending');
SELECT is(current_setting('arcanea.fold_slots'), '', 'fold: the marks are cleared');
-- The fold deletes deltas: in a publication FOR ALL TABLES (change
-- capture, a logical replica) that needs a replica identity, or every fold
-- fails.  The publication is made in this transaction and rolled back.
SAVEPOINT publication;
SET LOCAL client_min_messages = error;  -- "wal_level is insufficient" on a bare server
CREATE PUBLICATION arcanea_test_everything FOR ALL TABLES;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(13), pg_temp.c(40));
SELECT lives_ok('SET CONSTRAINTS ALL IMMEDIATE', 'published: a fold deletes its deltas under a publication FOR ALL TABLES');
SELECT is(pg_temp.cc(40), '(3,0)', 'published: and the like reached the column');
ROLLBACK TO SAVEPOINT publication;
-- The slot numbering read back, as the fold reads it to pick the table:
-- every kind's slots, and only those, are that kind's; the fold lock
-- table has a row for each.
SELECT is((SELECT count(*)::int FROM (VALUES ('creations'), ('luminors'), ('profiles')) AS k(kind),
                  generate_series(1, 2000) AS n
            WHERE arcanea.count_slot_kind(arcanea.count_slot(k.kind, md5('slot ' || n)::uuid)) <> k.kind), 0,
          'count_slot_kind: the kind of each of 6,000 slots computed by count_slot');
SELECT results_eq($$SELECT arcanea.count_slot_kind(f.slot), count(*)::int, count(DISTINCT f.slot)::int
                       FROM arcanea.count_fold_slots f GROUP BY 1 ORDER BY 1$$,
                  $$VALUES ('creations', 1024, 1024), ('luminors', 1024, 1024), ('profiles', 1024, 1024)$$,
                  'count_fold_slots: one row per slot, 1,024 of each kind');
-- A delta whose parent is gone is dropped by the next fold of its slot.
INSERT INTO arcanea.creation_count_deltas (slot, creation_id, likes)
VALUES (arcanea.count_slot('creations', '00000000-0000-4000-8000-00000000dead'), '00000000-0000-4000-8000-00000000dead', 1);
SELECT is(arcanea.fold_counters(), 0::bigint, 'fold_counters: a delta of a missing creation folds into nothing');
SELECT is((SELECT count(*)::int FROM arcanea.creation_count_deltas), 0, 'fold_counters: and is dropped');
-- A like left pending (its fold has not run): the recount counts it as
-- counted, and fold_counters folds it.
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(13), pg_temp.c(40));
SELECT results_eq($$SELECT counter, rows_fixed FROM arcanea.recount_counters() WHERE rows_fixed <> 0$$,
                  $$SELECT NULL::text, NULL::bigint WHERE false$$,
                  'recount_counters: a pending like is not drift (the column plus the pending equals the count)');
SELECT is(arcanea.fold_counters(), 1::bigint, 'fold_counters: folds the pending like');
SELECT is(pg_temp.cc(40), '(3,0)', 'fold_counters: the column has it');
SET CONSTRAINTS ALL IMMEDIATE;

-- In place: a READ COMMITTED writer whose parent row is free and has no
-- pending delta updates the row at once and appends nothing.
SET CONSTRAINTS ALL DEFERRED;
SET LOCAL arcanea.count_in_place = on;
SELECT is(arcanea.count_in_place(arcanea.count_slot('creations', pg_temp.c(40))), true, 'in place: allowed in READ COMMITTED');
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(14), pg_temp.c(40));
INSERT INTO public.follows (follower_id, following_id) VALUES (pg_temp.u(13), pg_temp.u(15));
SELECT is(pg_temp.cc(40), '(4,0)', 'in place: the like moved the column before the commit');
SELECT is((SELECT (follower_count, following_count)::text FROM public.profiles WHERE id = pg_temp.u(15)), '(2,0)',
          'in place: and the follow the followed profile''s');
SELECT is((SELECT count(*)::int FROM arcanea.creation_count_deltas) + (SELECT count(*)::int FROM arcanea.profile_count_deltas),
          0, 'in place: no delta appended');
SELECT is(current_setting('arcanea.fold_slots') ~ ('^,' || arcanea.count_slot('creations', pg_temp.c(40)) || 'p,'), true,
          'in place: the slot is marked p (look for deltas at commit)');
SELECT is((SELECT count(*)::int FROM pg_locks
            WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 2
              AND objid = arcanea.count_slot('creations', pg_temp.c(40))
              AND classid::bigint = 1634886512),  -- hold_slot_rows()'s
          1, 'in place: the transaction holds the slot until commit (folders leave it alone)');
SELECT is(arcanea.count_in_place(arcanea.count_slot('creations', pg_temp.c(40))), false,
          'in place: only for the first event of a slot in a transaction (the next ones append deltas)');
SELECT lives_ok($$SELECT arcanea.count_creation(pg_temp.c(40), NULL, 0, 0)$$, 'a NULL change is taken...');
SELECT is(pg_temp.cc(40) || ' ' || (SELECT count(*) FROM arcanea.creation_count_deltas), '(4,0) 0',
          '... and moves nothing, in place or pending');
-- At most 16 slots in place per transaction: a bulk statement appends
-- deltas rather than hold a lock per slot.
SET LOCAL arcanea.count_in_place TO DEFAULT;
SELECT is(arcanea.count_in_place(3000), true, 'in place: on by default (the setting is only for off)');
SELECT set_config('arcanea_test.marks', current_setting('arcanea.fold_slots'), true);
SELECT set_config('arcanea.fold_slots', ',' || string_agg(g || 'p', ',') || ',', true) FROM generate_series(1, 15) g;
SELECT is(arcanea.count_in_place(3000), true, 'in place: with 15 slots marked, one more');
SELECT set_config('arcanea.fold_slots', ',' || string_agg(g || 'p', ',') || ',', true) FROM generate_series(1, 16) g;
SELECT is(arcanea.count_in_place(3000), false, 'in place: with 16 slots marked, no more (deltas)');
SELECT set_config('arcanea.fold_slots', current_setting('arcanea_test.marks'), true);
SET LOCAL arcanea.count_in_place = off;
SELECT is(arcanea.count_in_place(3000), false, 'in place: arcanea.count_in_place = off turns it off');
SET LOCAL arcanea.count_in_place = on;
-- A parent with a pending delta (another writer's, here made by hand) is
-- not updated in place: the event appends a delta beside it, and the
-- commit folds both.
INSERT INTO arcanea.creation_count_deltas (slot, creation_id, likes)
VALUES (arcanea.count_slot('creations', pg_temp.c(40)), pg_temp.c(40), 1);
INSERT INTO public.likes (user_id, creation_id) VALUES (pg_temp.u(15), pg_temp.c(40));
SELECT is((SELECT sum(likes)::int FROM arcanea.creation_count_deltas WHERE creation_id = pg_temp.c(40)), 2,
          'in place: not with a delta pending; the event appends its own');
SELECT is(current_setting('arcanea.fold_slots') ~ (',' || arcanea.count_slot('creations', pg_temp.c(40)) || 'd,'), true,
          'in place: and the slot''s mark becomes d (fold)');
SET CONSTRAINTS ALL IMMEDIATE;
SELECT is(pg_temp.cc(40), '(6,0)', 'in place: the commit folds the deltas into the column');
SELECT is((SELECT count(*)::int FROM arcanea.creation_count_deltas), 0, 'in place: none is left');
UPDATE public.creations SET like_count = like_count - 1 WHERE id = pg_temp.c(40);  -- the hand-made delta

-- The slot numbering, written in count_slot(), the slot rows and
-- queue_fold()'s marks, agrees: every slot a kind hashes to has its row and
-- its mark, and the kinds' ranges do not overlap.
SELECT is((SELECT (min(slot), max(slot), count(*))::text FROM arcanea.count_fold_slots), '(0,3071,3072)',
          'fold slots: one row for each of 3 kinds x 1024 slots');
SELECT is((SELECT array_agg(DISTINCT k.kind || ':' || (arcanea.count_slot(k.kind, g.id) / 1024)) FROM
              (VALUES ('creations'), ('luminors'), ('profiles')) k(kind),
              (SELECT md5(i::text)::uuid AS id FROM generate_series(1, 2000) i) g),
          '{creations:0,luminors:1,profiles:2}'::text[], 'fold slots: each kind hashes into its own 1024');
SELECT arcanea.queue_fold(3071, true), arcanea.queue_fold(0, false), arcanea.queue_fold(3071, false),
       arcanea.queue_fold(0, true);
SELECT is(current_setting('arcanea.fold_slots'), ',3071d,0d,',
          'fold slots: the last and the first slot marked, each once, d over p');

-- A slot folded less than 250 ms ago waits out the rest before it folds
-- (so a hot row is rewritten a few times a second, not at every commit),
-- once per transaction; maintenance (wait = true) never waits.  Here the
-- slot of creation 40 "was folded" 50 ms ago, by hand.
SELECT set_config('arcanea.fold_waited', '', true);  -- this file is one transaction
SELECT set_config('arcanea_test.slot', arcanea.count_slot('creations', pg_temp.c(40))::text, true);
UPDATE arcanea.count_fold_slots SET folded_at = clock_timestamp() - interval '50 ms'
 WHERE slot = current_setting('arcanea_test.slot')::int;
INSERT INTO arcanea.creation_count_deltas (slot, creation_id, likes)
VALUES (current_setting('arcanea_test.slot')::int, pg_temp.c(40), 1);
SELECT set_config('arcanea_test.t0', clock_timestamp()::text, true);
SELECT is(arcanea.fold_slot(current_setting('arcanea_test.slot')::int), 1::bigint,
          'fold interval: the delta is folded');
SELECT cmp_ok(clock_timestamp() - current_setting('arcanea_test.t0')::timestamptz, '>=', interval '190 ms',
              'fold interval: after waiting out the 250 ms since the slot''s last fold');
SELECT cmp_ok((SELECT folded_at FROM arcanea.count_fold_slots WHERE slot = current_setting('arcanea_test.slot')::int),
              '>=', current_setting('arcanea_test.t0')::timestamptz, 'fold interval: the fold notes its time');
INSERT INTO arcanea.creation_count_deltas (slot, creation_id, likes)
VALUES (current_setting('arcanea_test.slot')::int, pg_temp.c(40), -1);
SELECT set_config('arcanea_test.t0', clock_timestamp()::text, true);
SELECT is(arcanea.fold_slot(current_setting('arcanea_test.slot')::int), 1::bigint,
          'fold interval: folded again at once');
SELECT cmp_ok(clock_timestamp() - current_setting('arcanea_test.t0')::timestamptz, '<', interval '100 ms',
              'fold interval: a transaction waits once at most (it already waited)');
SELECT set_config('arcanea.fold_waited', '', true);
INSERT INTO arcanea.creation_count_deltas (slot, creation_id, likes)
VALUES (current_setting('arcanea_test.slot')::int, pg_temp.c(40), 1), (current_setting('arcanea_test.slot')::int, pg_temp.c(40), -1);
SELECT set_config('arcanea_test.t0', clock_timestamp()::text, true);
SELECT is(arcanea.fold_slot(current_setting('arcanea_test.slot')::int, true), 2::bigint,
          'fold interval: maintenance folds');
SELECT cmp_ok(clock_timestamp() - current_setting('arcanea_test.t0')::timestamptz, '<', interval '100 ms',
              'fold interval: and does not wait');
-- A Luminor's slot never waits: nothing locks a Luminor's row per event.
SELECT set_config('arcanea_test.lslot', arcanea.count_slot('luminors', (SELECT min(id::text)::uuid FROM public.luminors))::text, true);
UPDATE arcanea.count_fold_slots SET folded_at = clock_timestamp() WHERE slot = current_setting('arcanea_test.lslot')::int;
INSERT INTO arcanea.luminor_count_deltas (slot, luminor_id, interactions)
VALUES (current_setting('arcanea_test.lslot')::int, (SELECT min(id::text)::uuid FROM public.luminors), 0);
SELECT set_config('arcanea_test.t0', clock_timestamp()::text, true);
SELECT is(arcanea.fold_slot(current_setting('arcanea_test.lslot')::int), 1::bigint,
          'fold interval: a Luminor''s slot folds');
SELECT cmp_ok(clock_timestamp() - current_setting('arcanea_test.t0')::timestamptz, '<', interval '100 ms',
              'fold interval: at once, however recent its last fold');

-- A SQL function that reads in a FROM clause is not inlined, and called
-- from PL/pgSQL it is parsed and planned afresh at every call:
-- count_in_place() was one, 75-89 us of every count.  Such functions are
-- kept off the path of every like, follow, comment, view and message;
-- these are the ones there are, and why each may be.
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'arcanea'::regnamespace AND NOT p.proretset
              AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')
              AND p.prosrc ~* '\mFROM\M'),
          ARRAY['comments_unmention',      -- an erasure or a rename, once per account
                'partition_bounds',        -- maintenance
                'prune_notification_groups',  -- maintenance
                'prune_rate_limit_usage',  -- maintenance
                'query_lexemes',           -- search: planned once per query, then per row
                'storage_read_allowed',    -- storage policies: once per query
                'storage_write_allowed'],
          'no SQL function planned per call on an event''s path: the non-inlinable ones are these');

-- A bulk statement stops listing its slots once the list passes 256
-- characters (43 to 85 slots): a '*' in front, and the commit puts the
-- transaction's own deltas straight into their rows (fold_own_deltas())
-- besides folding the listed slots.  Searching a list of thousands cost
-- 40-60 us an event (queue_fold()); holding every slot counted in, 2
-- advisory locks each, until the commit made every writer in them wait
-- (fold_own_deltas()).  One statement here likes 150 new creations, in
-- about 140 slots.
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES ('12b00000-0000-4000-8000-000000000001', 'bulkmaker@counters.test', '{"username": "bulkmaker"}'),
       ('12b00000-0000-4000-8000-000000000002', 'bulkliker@counters.test', '{"username": "bulkliker"}');
INSERT INTO public.creations (id, user_id, title, type, status, is_public, published_at)
SELECT md5('p12-bulk' || i)::uuid, '12b00000-0000-4000-8000-000000000001', 'Bulk ' || i, 'image', 'published', true, now()
  FROM generate_series(1, 150) i;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO public.likes (user_id, creation_id)
SELECT '12b00000-0000-4000-8000-000000000002', md5('p12-bulk' || i)::uuid FROM generate_series(1, 150) i;
SELECT is(left(current_setting('arcanea.fold_slots'), 1) || ' ' || (octet_length(current_setting('arcanea.fold_slots')) <= 263),
          '* true', 'bulk: the marks stop growing past 256 characters and say "bulk"');
SELECT cmp_ok((SELECT count(*) FROM arcanea.creation_count_deltas), '>=', 100::bigint,
              'bulk: the statement''s later events appended deltas');
SET CONSTRAINTS ALL IMMEDIATE;
SELECT is((SELECT count(*) FROM public.creations c
            WHERE c.id IN (SELECT md5('p12-bulk' || i)::uuid FROM generate_series(1, 150) i) AND c.like_count = 1),
          150::bigint, 'bulk: the commit puts its own deltas into their rows, listed or not: each of the 150 counts is exact');
SELECT cmp_ok((SELECT count(DISTINCT arcanea.count_slot('creations', md5('p12-bulk' || i)::uuid))
                 FROM generate_series(1, 150) i
                WHERE NOT EXISTS (SELECT 1 FROM pg_locks l
                                   WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = 2
                                     AND l.classid = 1634890337
                                     AND l.objid = arcanea.count_slot('creations', md5('p12-bulk' || i)::uuid))),
              '>=', 40::bigint, 'bulk: the commit does not hold every slot the statement counted in');
SELECT ok(EXISTS (SELECT 1 FROM pg_locks l
                   WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = 2
                     AND l.classid = 1634890337 AND l.objid = 3072 AND l.mode = 'ExclusiveLock'),
          'bulk: and the bulk lock, exclusively (fold_held_parents())');
SELECT is((SELECT count(*) FROM arcanea.creation_count_deltas) || ' ' || current_setting('arcanea.fold_slots'), '0 ',
          'bulk: no delta left, no mark left');

-- The delta tables' statistics: ANALYZE records as many distinct slots as
-- a kind has, whatever its sample.  Taken while one hot slot held every
-- delta, they used to say that any slot holds all the rows, and the kept
-- plans of slot_has_deltas() and fold_counts() read the whole table for
-- every slot they folded (26 s at the commit of a heavy user's erasure).
SELECT is((SELECT array_agg(a.attrelid::regclass || ' ' || o ORDER BY a.attrelid::regclass::text)
             FROM pg_attribute a, unnest(a.attoptions) o
            WHERE a.attrelid IN ('arcanea.creation_count_deltas'::regclass, 'arcanea.profile_count_deltas'::regclass,
                                 'arcanea.luminor_count_deltas'::regclass)
              AND a.attname = 'slot' AND o LIKE 'n_distinct=%'),
          (SELECT array_agg(t || ' n_distinct=' || (SELECT count(*) / 3 FROM arcanea.count_fold_slots) ORDER BY t)
             FROM unnest(ARRAY['arcanea.creation_count_deltas', 'arcanea.luminor_count_deltas',
                               'arcanea.profile_count_deltas']) t),
          'delta tables: ANALYZE records one kind''s number of slots as the slots'' distinct values');
INSERT INTO arcanea.creation_count_deltas (slot, creation_id, likes)
SELECT 7, md5('p12-hot' || i)::uuid, 1 FROM generate_series(1, 3000) i;
ANALYZE arcanea.creation_count_deltas;
SET LOCAL plan_cache_mode = force_generic_plan;
PREPARE p12_slot_probe(int) AS
    SELECT d.creation_id, sum(d.likes) FROM arcanea.creation_count_deltas d WHERE d.slot = $1 GROUP BY 1;
\ir fixtures/plan_lines.sql
SELECT is((SELECT count(*) FROM pg_temp.plan_lines('EXECUTE p12_slot_probe(5)') l WHERE l ~ 'Seq Scan'), 0::bigint,
          'delta tables: with 3,000 deltas of one slot analyzed, a kept plan finds a slot''s deltas by the index');
DEALLOCATE p12_slot_probe;
RESET plan_cache_mode;
DELETE FROM arcanea.creation_count_deltas WHERE slot = 7 AND creation_id IN (SELECT md5('p12-hot' || i)::uuid FROM generate_series(1, 3000) i);

SELECT * FROM finish();
ROLLBACK;
