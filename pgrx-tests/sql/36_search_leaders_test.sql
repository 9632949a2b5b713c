-- Search leaders (sql/26_search_leaders.sql): a word of 2,000 or more public
-- creations is answered from its leaders, with the same rows as ranking every
-- match; the lists follow publishes, hides, edits and deletes at once, and
-- stay equal at the top to what a refresh computes.
BEGIN;
SELECT plan(26);

\ir fixtures/act_as.sql

INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('36363636-0000-4000-8000-0000000000a1', 'zephyr@t.io', '{"username":"zephyrmaker"}');
-- 2,400 public creations with the word: in the description only (most), in
-- the tags, or in the title once or twice, at distinct times; and drafts.
-- Most have the tag breeze.
INSERT INTO public.creations (id, user_id, title, description, tags, type, status, is_public, published_at, created_at)
SELECT md5('zephyr-' || n)::uuid, '36363636-0000-4000-8000-0000000000a1',
       CASE WHEN n % 97 = 0 THEN 'Zephyr over Zephyr hills' WHEN n % 13 = 0 THEN 'Zephyr ' || n ELSE 'Work ' || n END,
       'a quiet zephyr morning' || CASE WHEN n % 7 = 0 THEN ' and another zephyr' ELSE '' END,
       CASE WHEN n % 11 = 0 THEN '{zephyr}'::text[] ELSE '{}'::text[] END
       || CASE WHEN n % 10 <> 0 THEN '{breeze}'::text[] ELSE '{}'::text[] END,
       CASE WHEN n % 3 = 0 THEN 'music' ELSE 'image' END,
       CASE WHEN n % 50 = 0 THEN 'draft' ELSE 'published' END, true, now(),
       now() - n * interval '1 minute'
  FROM generate_series(1, 2400) n;
ANALYZE public.creations;

-- Every match ranked, the plain way (search_ranked_all.sql's order); as its
-- owner, so that it runs beside anon's calls.
CREATE FUNCTION pg_temp.ranked(query text, kind text, n int, skip int DEFAULT 0) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT c.id FROM public.creations c, arcanea.search_query(query) q
     WHERE c.status = 'published' AND c.is_public AND (kind IS NULL OR c.type = kind)
       AND (c.search_vector @@ q OR lower(btrim(query)) = ANY (c.tags))
     ORDER BY (ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', c.search_vector, q, 32)
               + CASE WHEN lower(btrim(query)) = ANY (c.tags) THEN 1 ELSE 0 END)::real DESC,
              c.created_at DESC, c.id DESC
     LIMIT n OFFSET skip
$$;
-- The top of each list, for comparing with a refresh: the first 990 (each
-- deletion shortens a list until the next refresh; three happen below).
CREATE FUNCTION pg_temp.list_tops() RETURNS TABLE (t text) LANGUAGE sql STABLE AS $$
    SELECT x.lexeme || ' ' || x.score || ' ' || x.created_at || ' ' || x.creation_id
      FROM (SELECT s.*, row_number() OVER (PARTITION BY s.lexeme
                                           ORDER BY s.score DESC, s.created_at DESC, s.creation_id DESC) AS n
              FROM arcanea.search_leaders s) x
     WHERE x.n <= arcanea.search_leaders_kept() - 10
$$;
CREATE TEMP TABLE tops_before (t text);

CREATE TEMP TABLE refreshed AS SELECT * FROM arcanea.refresh_search_leaders();
SELECT results_eq($$SELECT * FROM refreshed$$,
                  $$SELECT count(*), count(*) * arcanea.search_leaders_kept() FROM arcanea.search_common_lexemes$$,
                  'refresh: a full list for every common word');
SELECT is((SELECT matches FROM arcanea.search_common_lexemes WHERE lexeme = 'zephyr'), 2352,
          'the word of 2,352 public creations is common (drafts not counted)');
SELECT is((SELECT matches FROM arcanea.search_common_lexemes WHERE lexeme = '#zephyr'), NULL,
          'its tag, on 214 of them, is not');
SELECT is((SELECT matches FROM arcanea.search_common_lexemes WHERE lexeme = '#breeze'), 2160,
          'a tag on 2,160 public creations is common: it has a list');
SELECT ok((SELECT floor > 0 FROM arcanea.search_common_lexemes WHERE lexeme = 'zephyr'),
          'its floor is the score of its 1,000th leader');

-- ------------------------------------------------------------ answers
SELECT pg_temp.act_as('anon');
SELECT results_eq($$SELECT id FROM search_creations('zephyr', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('zephyr', NULL, 20)$$,
                  'a common word: the leaders give the rows that ranking every match gives');
SELECT results_eq($$SELECT id FROM search_creations('Morning', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('Morning', NULL, 20)$$,
                  'a word whose stem differs (morn | morning, one form common): the same');
SELECT results_eq($$SELECT id FROM search_creations('zephyr', 'music', 20)$$,
                  $$SELECT * FROM pg_temp.ranked('zephyr', 'music', 20)$$,
                  'with a type filter: the same');
SELECT results_eq($$SELECT id FROM search_creations('zephyr', NULL, 20, 400)$$,
                  $$SELECT * FROM pg_temp.ranked('zephyr', NULL, 20, 400)$$,
                  'page 21: the same');
SELECT results_eq($$SELECT id FROM search_creations('zephyr', NULL, 20, 1500)$$,
                  $$SELECT * FROM pg_temp.ranked('zephyr', NULL, 20, 1500)$$,
                  'a page past the lists: the same, ranked another way');
SELECT results_eq($$SELECT id FROM search_creations('breeze', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('breeze', NULL, 20)$$,
                  'a common tag: the same');
SELECT results_eq($$SELECT id FROM search_creations('quiet zephyr morning another work', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('quiet zephyr morning another work', NULL, 20)$$,
                  'five words, found through the rarest four: the same');
-- 'over' is the rarest word (only in 24 titles) and an English stop word: the
-- stemmed reading drops it, so most matches do not contain it.
SELECT results_eq($$SELECT id FROM search_creations('quiet zephyr morning work over', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('quiet zephyr morning work over', NULL, 20)$$,
                  'five words, the rarest a stop word: the same');
-- Five words, three of them stop words: two words are left for the index,
-- and the statement's four conditions repeat the first.
SELECT results_eq($$SELECT id FROM search_creations('the zephyr of a morning', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('the zephyr of a morning', NULL, 20)$$,
                  'five words, two left after the stop words: the same');
SELECT results_eq($$SELECT id FROM search_creations('the zephyr of a an', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('the zephyr of a an', NULL, 20)$$,
                  'five words, one left after the stop words: the same');
SELECT results_eq($$SELECT id FROM search_creations('over and the a an', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('over and the a an', NULL, 20)$$,
                  'five stop words: the same');
-- '²²²²' is a word to the query's simplifier (letters and digits) and has no
-- lexeme to the parser: it requires nothing, and raises nothing.
SELECT results_eq($$SELECT id FROM search_creations('²²²² over and the a', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('²²²² over and the a', NULL, 20)$$,
                  'four stop words and a word without a lexeme: the same, no error');
SELECT results_eq($$SELECT id FROM search_creations('zephyr -hills', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('zephyr -hills', NULL, 20)$$,
                  'one word excluding another: the same');
RESET ROLE;

-- ------------------------------------------------------------ the lists follow writes
INSERT INTO public.creations (id, user_id, title, description, tags, type, status, is_public, published_at) VALUES
    ('36363636-0000-4000-8000-000000000c01', '36363636-0000-4000-8000-0000000000a1',
     'Zephyr Zephyr Zephyr', 'zephyr', '{zephyr}', 'image', 'published', true, now());
SELECT is((SELECT id FROM search_creations('zephyr', NULL, 1)), '36363636-0000-4000-8000-000000000c01'::uuid,
          'a new best creation leads at once');
UPDATE public.creations SET is_public = false WHERE id = '36363636-0000-4000-8000-000000000c01';
SELECT is((SELECT count(*)::int FROM arcanea.search_leaders WHERE creation_id = '36363636-0000-4000-8000-000000000c01'), 0,
          'made private: it leaves the lists');
-- The current first leader: renamed, then deleted.
UPDATE public.creations SET title = 'Calm hills' WHERE id = (SELECT * FROM pg_temp.ranked('zephyr', NULL, 1));
SELECT results_eq($$SELECT id FROM search_creations('zephyr', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('zephyr', NULL, 20)$$,
                  'an edited leader moves down at once');
DELETE FROM public.creations WHERE id = (SELECT * FROM pg_temp.ranked('zephyr', NULL, 1));
SELECT results_eq($$SELECT id FROM search_creations('zephyr', NULL, 20)$$,
                  $$SELECT * FROM pg_temp.ranked('zephyr', NULL, 20)$$,
                  'a deleted leader leaves at once');
SELECT is((SELECT count(*)::int FROM arcanea.search_leaders s
            WHERE NOT EXISTS (SELECT 1 FROM public.creations c
                               WHERE c.id = s.creation_id AND c.status = 'published' AND c.is_public)), 0,
          'no list holds a creation that is not public');
INSERT INTO tops_before SELECT * FROM pg_temp.list_tops();
SELECT lives_ok($$SELECT arcanea.refresh_search_leaders()$$, 'refresh again');
SELECT bag_eq($$SELECT * FROM pg_temp.list_tops()$$, $$SELECT * FROM tops_before$$,
              'the lists kept by the writes equal a refresh at the top');

-- ------------------------------------------------------------ privileges
SELECT pg_temp.act_as('authenticated', '36363636-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT arcanea.refresh_search_leaders()$$, '42501', NULL,
                 'authenticated cannot refresh the leaders');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
