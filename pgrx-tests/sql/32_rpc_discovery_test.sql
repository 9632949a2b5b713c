-- RPC API, discovery: search, the following feed and its cursor, stats.
BEGIN;
SELECT plan(54);

\ir fixtures/act_as.sql

INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@t.io', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@t.io',   '{"username":"bob"}'),
    ('cccccccc-0000-4000-8000-0000000000c3', 'carol@t.io', '{"username":"carol"}');

-- Search corpus: title beats tags beats description; drafts and private
-- creations never show.
INSERT INTO public.creations (id, user_id, title, description, type, tags, status, is_public, published_at, created_at) VALUES
 ('22222222-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Dragon over the sea', 'waves at dusk', 'image', '{sea}', 'published', true, now(), now() - interval '5 hours'),
 ('22222222-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Mountain morning', 'a small dragon sleeps', 'image', '{mountain}', 'published', true, now(), now() - interval '4 hours'),
 ('22222222-0000-4000-8000-000000000003', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Lullaby', 'soft piano', 'music', '{dragon,piano}', 'published', true, now(), now() - interval '3 hours'),
 ('22222222-0000-4000-8000-000000000004', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Secret dragon', 'unreleased', 'image', '{}', 'draft', true, NULL, now() - interval '2 hours'),
 ('22222222-0000-4000-8000-000000000005', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Private dragon', 'hidden', 'image', '{}', 'published', false, now(), now() - interval '1 hours'),
 ('22222222-0000-4000-8000-000000000006', 'cccccccc-0000-4000-8000-0000000000c3', 'Synthwave nights', 'neon city drive', 'music', '{synthwave,retro}', 'published', true, now(), now());

-- ------------------------------------------------------------------ search_creations
SELECT pg_temp.act_as('anon');
SELECT results_eq($$SELECT id FROM search_creations('dragon')$$,
    $$VALUES ('22222222-0000-4000-8000-000000000003'::uuid), ('22222222-0000-4000-8000-000000000001'::uuid),
             ('22222222-0000-4000-8000-000000000002'::uuid)$$,
    'search_creations: an exact tag first, then title over description; no drafts, no private creations');
SELECT ok((SELECT bool_and(rank > 0) FROM search_creations('dragon')), 'search_creations: every hit has a rank');
SELECT is((SELECT username FROM search_creations('lullaby')), 'bob', 'search_creations: carries the author''s username');
SELECT is((SELECT count(*)::int FROM search_creations('dragons')), 3, 'search_creations: stems plurals');
SELECT is((SELECT count(*)::int FROM search_creations('DRAGON')), 3, 'search_creations: case-insensitive');
SELECT is((SELECT count(*)::int FROM search_creations('dragon', 'music')), 1, 'search_creations: filters by type');
SELECT is((SELECT count(*)::int FROM search_creations('"small dragon"')), 1, 'search_creations: phrases');
SELECT is((SELECT count(*)::int FROM search_creations('dragon -sea')), 2, 'search_creations: exclusions');
SELECT is((SELECT count(*)::int FROM search_creations('dragon sea')), 1, 'search_creations: two words, both required');
SELECT is((SELECT count(*)::int FROM search_creations('zebra')), 0, 'search_creations: no match, no rows');
SELECT is((SELECT count(*)::int FROM search_creations('dragn')), 3, 'search_creations: typo-tolerant (a missing letter)');
SELECT is((SELECT title FROM search_creations('synthwvae')), 'Synthwave nights', 'search_creations: typo-tolerant (swapped letters)');
SELECT is((SELECT count(*)::int FROM search_creations('drgon sea')), 1, 'search_creations: a typo inside a two-word query');
SELECT is((SELECT count(*)::int FROM search_creations('dragon -dragon')), 0,
          'search_creations: a word both required and excluded matches nothing');
SELECT is((SELECT count(*)::int FROM search_creations('dragn -DRAGON')), 0,
          'search_creations: ... also once a typo is corrected into it');
SELECT results_eq($$SELECT id, rank FROM search_creations('dragon Dragon & !dragon')$$,
                  $$SELECT id, rank FROM search_creations('dragon')$$,
                  'search_creations: a repeated word counts once (& and ! are separators)');
SELECT is((SELECT count(*)::int FROM search_creations('zzzz or dragn')), 3,
          'search_creations: an unknown word does not stop the correction of the next');
SELECT is((SELECT count(*)::int FROM search_creations('zzzz or zzzy or zzzx or zzzw or zzzv or dragn')), 0,
          'search_creations: only the first five unknown words of a query are corrected');
RESET ROLE;
SELECT ok(NOT EXISTS (SELECT 1 FROM arcanea.search_terms WHERE term IN ('secret', 'unreleased', 'hidden'))
          AND EXISTS (SELECT 1 FROM arcanea.search_terms WHERE term = 'lullaby'),
          'search vocabulary: words of published public creations only');
SELECT pg_temp.act_as('anon');
SELECT is((SELECT count(*)::int FROM search_creations('''); DROP TABLE creations; --')), 0,
          'search_creations: SQL meta-characters are just text');
SELECT results_eq($$SELECT id FROM search_creations()$$,
    $$VALUES ('22222222-0000-4000-8000-000000000006'::uuid), ('22222222-0000-4000-8000-000000000003'::uuid),
             ('22222222-0000-4000-8000-000000000002'::uuid), ('22222222-0000-4000-8000-000000000001'::uuid)$$,
    'search_creations: an empty query lists the newest');
SELECT is((SELECT count(*)::int FROM search_creations('', NULL, 2, 1)), 2, 'search_creations: limit and offset');
SELECT throws_ok($$SELECT * FROM search_creations('x', 'painting')$$, '22023',
                 'invalid p_type: must be one of image, music, video, text, multimodal', 'search_creations: unknown type');
SELECT throws_ok($$SELECT * FROM search_creations('x', NULL, 101)$$, '22023', NULL, 'search_creations: limit above 100');
SELECT throws_ok($$SELECT * FROM search_creations('x', NULL, 0)$$, '22023', NULL, 'search_creations: limit 0');
SELECT throws_ok($$SELECT * FROM search_creations('x', NULL, 10, -1)$$, '22023', NULL, 'search_creations: negative offset');
SELECT throws_ok($$SELECT * FROM search_creations(repeat('x', 201))$$, '22023', NULL, 'search_creations: overlong query');

-- -------------------------------------------------------------------- get_user_feed
-- carol follows alice and bob; alice has 25 more published creations so the
-- feed has pages.
RESET ROLE;
INSERT INTO public.follows (follower_id, following_id) VALUES
    ('cccccccc-0000-4000-8000-0000000000c3', 'aaaaaaaa-0000-4000-8000-0000000000a1'),
    ('cccccccc-0000-4000-8000-0000000000c3', 'bbbbbbbb-0000-4000-8000-0000000000b2');
INSERT INTO public.creations (user_id, title, type, status, published_at, created_at)
SELECT 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Sketch ' || n, 'image', 'published', now(), now() - interval '1 day' - n * interval '1 minute'
  FROM generate_series(1, 25) n;
INSERT INTO public.likes (user_id, creation_id) VALUES
    ('cccccccc-0000-4000-8000-0000000000c3', '22222222-0000-4000-8000-000000000003');
SELECT pg_temp.act_as('authenticated', 'cccccccc-0000-4000-8000-0000000000c3');
SELECT results_eq($$SELECT id FROM get_user_feed(p_limit => 3)$$,
    $$VALUES ('22222222-0000-4000-8000-000000000003'::uuid), ('22222222-0000-4000-8000-000000000002'::uuid),
             ('22222222-0000-4000-8000-000000000001'::uuid)$$,
    'get_user_feed: followed authors'' public creations, newest first, not one''s own, no drafts or private');
SELECT results_eq($$SELECT user_has_liked FROM get_user_feed(p_limit => 2)$$, $$VALUES (true), (false)$$,
    'get_user_feed: user_has_liked');
SELECT is((SELECT count(*)::int FROM get_user_feed(p_limit => 100)), 28, 'get_user_feed: everything followed, once');
-- Page through by cursor and by offset: the same rows in the same order.
CREATE TEMP TABLE by_cursor (page int, n int, id uuid);
DO $$
DECLARE
    next_cursor text;
    page int := 0;
    got int;
BEGIN
    LOOP
        INSERT INTO by_cursor
        SELECT page, row_number() OVER (), f.id FROM get_user_feed(p_limit => 5, p_cursor => next_cursor) f;
        GET DIAGNOSTICS got = ROW_COUNT;
        EXIT WHEN got = 0;
        SELECT f.cursor INTO next_cursor FROM get_user_feed(p_limit => 5, p_cursor => next_cursor) f OFFSET 4;
        page := page + 1;
        EXIT WHEN next_cursor IS NULL OR page > 10;
    END LOOP;
END
$$;
SELECT is((SELECT count(*)::int FROM by_cursor), 28, 'get_user_feed: cursor paging visits every row');
SELECT is((SELECT count(DISTINCT id)::int FROM by_cursor), 28, 'get_user_feed: cursor paging repeats nothing');
SELECT results_eq($$SELECT id FROM by_cursor ORDER BY page, n$$,
                  $$SELECT id FROM get_user_feed(p_limit => 100)$$, 'get_user_feed: cursor pages in feed order');
SELECT results_eq($$SELECT id FROM get_user_feed(p_limit => 5, p_offset => 10)$$,
                  $$SELECT id FROM by_cursor WHERE page = 2 ORDER BY n$$, 'get_user_feed: p_offset still works');
-- A reader of one account sees that account's part of carol's feed.
RESET ROLE;
INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES ('dddddddd-0000-4000-8000-0000000000d4', 'dave@t.io', '{"username":"dave"}');
INSERT INTO public.follows (follower_id, following_id)
VALUES ('dddddddd-0000-4000-8000-0000000000d4', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT pg_temp.act_as('service_role');
SELECT results_eq(
    $$SELECT id FROM get_user_feed('dddddddd-0000-4000-8000-0000000000d4', 100)$$,
    $$SELECT id FROM get_user_feed('cccccccc-0000-4000-8000-0000000000c3', 100)
       WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
    'get_user_feed: a reader of one account sees that account''s part of another feed');
SELECT results_eq(
    $$SELECT id FROM get_user_feed('dddddddd-0000-4000-8000-0000000000d4', 5,  0,
          (SELECT cursor FROM get_user_feed('dddddddd-0000-4000-8000-0000000000d4', 5) OFFSET 4))$$,
    $$SELECT id FROM get_user_feed('dddddddd-0000-4000-8000-0000000000d4', 5, 5)$$,
    'get_user_feed: by author, the cursor continues where the page ended');
SELECT pg_temp.act_as('authenticated', 'cccccccc-0000-4000-8000-0000000000c3');
SELECT throws_ok($$SELECT * FROM get_user_feed(p_cursor => 'garbage')$$, '22023',
                 'invalid p_cursor: not a cursor returned by get_user_feed', 'get_user_feed: malformed cursor');
SELECT throws_ok($$SELECT * FROM get_user_feed(p_cursor => encode('12:not-a-uuid', 'base64'))$$, '22023', NULL,
                 'get_user_feed: cursor with a bad id');
SELECT throws_ok($$SELECT * FROM get_user_feed(p_limit => 1000)$$, '22023', NULL, 'get_user_feed: limit above 100');
SELECT throws_ok($$SELECT * FROM get_user_feed('aaaaaaaa-0000-4000-8000-0000000000a1')$$, '42501', NULL,
                 'get_user_feed: reading another user''s feed is refused');
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT * FROM get_user_feed()$$, '42501', NULL, 'get_user_feed: anon may not call it');
SELECT pg_temp.act_as('service_role');
SELECT is((SELECT count(*)::int FROM get_user_feed('cccccccc-0000-4000-8000-0000000000c3', 100)), 28,
          'get_user_feed: the service role reads a named user''s feed');

-- A common word (more than 20,000 matches) ranks the newest matches, and
-- paging past that window still works.
RESET ROLE;
INSERT INTO public.creations (user_id, title, type, status, published_at, created_at)
SELECT 'cccccccc-0000-4000-8000-0000000000c3', 'Dragon study ' || n, 'image', 'published', now(), now() - n * interval '1 second'
  FROM generate_series(1, 20100) n;
SELECT pg_temp.act_as('anon');
SELECT is((SELECT count(*)::int FROM search_creations('dragon')), 20, 'search_creations: a common word still pages');
SELECT ok((SELECT bool_and(title ILIKE '%dragon%' OR description ILIKE '%dragon%' OR 'dragon' = ANY (tags))
             FROM search_creations('dragon', NULL, 100)),
          'search_creations: a common word returns only matches');
SELECT is((SELECT count(*)::int FROM search_creations('dragon', NULL, 20, 10000)), 20,
          'search_creations: the window follows the offset (offset 10,000 of 20,103 matches)');

-- ------------------------------------------------------------------- get_user_stats
SELECT pg_temp.act_as('anon');
SELECT is(get_user_stats('aaaaaaaa-0000-4000-8000-0000000000a1') ->> 'creation_count', '27',
          'get_user_stats: public counters for anyone');
SELECT ok(NOT get_user_stats('aaaaaaaa-0000-4000-8000-0000000000a1') ? 'private',
          'get_user_stats: no private part for anon');
SELECT throws_ok($$SELECT get_user_stats()$$, '42501', NULL, 'get_user_stats: anon must name a user');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(get_user_stats() -> 'private' -> 'creations_by_status' ->> 'draft', '1',
          'get_user_stats: one''s own private part (drafts)');
SELECT is(get_user_stats() ->> 'likes_received', '1', 'get_user_stats: likes received on public creations');
SELECT ok(NOT get_user_stats('aaaaaaaa-0000-4000-8000-0000000000a1') ? 'private',
          'get_user_stats: no private part of another user');
SELECT throws_ok($$SELECT get_user_stats('99999999-0000-4000-8000-000000000099')$$, 'PT404', 'user not found',
                 'get_user_stats: unknown user');
SELECT pg_temp.act_as('service_role');
SELECT ok(get_user_stats('aaaaaaaa-0000-4000-8000-0000000000a1') ? 'private', 'get_user_stats: the service role sees all');
SELECT throws_ok($$SELECT get_user_stats()$$, '22004', NULL, 'get_user_stats: the service role must name a user');

SELECT * FROM finish();
ROLLBACK;
