-- ============================================================================
-- pgrx-tests/bench/generate_shapes.sql: data shapes laid over a data set that
-- pgrx-tests/bench/generate.sql made (issue 15, item 4).  Overlays, not a
-- regeneration: about 1.5 minutes at scale 1 (most of it the UPDATE that
-- plants words in 600,000 descriptions) instead of the generator's ten.
--
--   psql -v shapes=all -f pgrx-tests/bench/generate_shapes.sql        (superuser,
--   in the generated database; scripts/bench.sh runs it once per data set)
--
-- -v shapes=LIST  `all` (the default) or a comma-separated subset of
--                 follows, bursts, vocab (applied in that order);
-- -v version=V    recorded with each shape (scripts/bench.sh passes the
--                 file's hash).
--
-- Shapes:
--   follows  four new reader accounts (bench.shape_uid(1..4), usernames
--            shape_dormant, shape_recent, shape_celebrity, shape_wide) who
--            follow, in order: the accounts whose newest public creation is
--            oldest (none at all first), the most recently active ones,
--            the most followed ones, and random ones.  2,000, 2,000, 2,000
--            and 10,000 accounts at scale 1; below it at most a fifth (the
--            wide reader half) of the profiles, so the four stay distinct:
--            2,000/2,000/2,000/5,000 at scale 0.1, 40/40/40/100 at 0.002.
--            The accounts are chosen from the generator's rows only (dated
--            up to bench.t0()), not from what earlier benchmark runs added.
--   bursts   30 bursts of activity by the accounts the recent reader
--            follows, one every 2.5 hours up to bench.t0(): each burst 50
--            published public creations within 3 minutes (nu / 200, at
--            least 3, below scale 0.25), quiet in between.
--   vocab    made-up words (they begin with "zy"; neither stop words nor
--            changed by stemming; checked below) planted at the end of the
--            descriptions of published public creations: five band words
--            in exactly max(1, round(f * N)) of the N creations, f = 1e-6,
--            1e-4, 1e-2, 0.1, 0.5; and a Zipf mix of 50 words, word k in a
--            share 0.5 * k^-3.354 (0.5 down to 1e-6).  Bands nest (the
--            1e-4 word's creations are among the 1e-2 word's), ordered by
--            one hash; the mix by another.  Also 30 made-up words kept out
--            of every creation (kind `unknown`): a query of them asks the
--            typo correction for each.  bench.shape_words lists them all,
--            with their counts.
--
-- Nothing the other jobs address by number (bench.uid, bench.cid) moves, but
-- on a reused data set they run over the overlay: descriptions a few words
-- longer, the bursts among the newest creations, four more profiles.
--
-- Like generate.sql: deterministic (hashes, never random()), set-based, with
-- triggers off (session_replication_role = replica).  So this script does
-- what the triggers would: search_vector with the expression of
-- arcanea.creations_search_vector(), the new words into arcanea.search_terms,
-- arcanea.recount_counters() for the counters, and when the extension has
-- them arcanea.rebuild_feed_timelines() (its materialised timelines miss rows
-- inserted with triggers off) and arcanea.refresh_search_leaders() (each
-- common word's best-ranked creations: the planted words are new ones).
--
-- Guarded: each shape commits with its row in bench.shapes_applied and is
-- skipped when that row exists, so a rerun adds nothing.  A shape applied
-- by an older version of this file stays; --fresh in scripts/bench.sh
-- regenerates the data set.
-- ============================================================================
\set ON_ERROR_STOP 1
\pset footer off
\if :{?shapes}
\else
\set shapes all
\endif
\if :{?version}
\else
\set version manual
\endif
SET client_min_messages = warning;
SET session_replication_role = replica;
SET synchronous_commit = off;
SET work_mem = '256MB';
SET max_parallel_workers_per_gather = 0;
SET jit = off;

SELECT (SELECT value::int FROM bench.meta WHERE key = 'nu') AS nu,
       (SELECT value::int FROM bench.meta WHERE key = 'seed') AS s,
       (SELECT value FROM bench.meta WHERE key = 'complete') = 'true' AS complete
\gset
\if :complete
\else
\echo [shapes] the data set is incomplete (bench.meta): run generate.sql first
SELECT 1 / 0 AS incomplete_data_set;
\endif

SELECT bool_and(x IN ('all', 'follows', 'bursts', 'vocab')) AS known_shapes,
       :'shapes' = 'all' OR 'follows' = ANY (array_agg(x)) AS want_follows,
       :'shapes' = 'all' OR 'bursts' = ANY (array_agg(x)) AS want_bursts,
       :'shapes' = 'all' OR 'vocab' = ANY (array_agg(x)) AS want_vocab
  FROM unnest(string_to_array(replace(:'shapes', ' ', ''), ',')) x
\gset
\if :known_shapes
\else
\echo [shapes] -v shapes must be all or a list of follows, bursts, vocab, not :shapes
SELECT 1 / 0 AS unknown_shape;
\endif

CREATE TABLE IF NOT EXISTS bench.shapes_applied (
    shape      text PRIMARY KEY,
    version    text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    seconds    numeric NOT NULL,
    detail     text NOT NULL
);

-- Readers' ids, like bench.uid(n) but a prefix of their own.
CREATE OR REPLACE FUNCTION bench.shape_uid(k bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN md5('su' || k::text)::uuid;

-- The four follow-graph readers and how many accounts each follows.
CREATE TABLE IF NOT EXISTS bench.shape_readers (
    k       int PRIMARY KEY,
    shape   text NOT NULL UNIQUE,
    follows int NOT NULL,
    detail  text NOT NULL
);

-- The accounts (user numbers) a follow shape picks, from the generator's
-- rows only (created_at <= bench.t0()): the benchmark's own writes (dated
-- now()) do not move the choice.
CREATE OR REPLACE FUNCTION bench.shape_accounts(shape text, nu int, cnt int, seed int)
RETURNS TABLE (n int) LANGUAGE sql STABLE AS $fn$
    WITH u AS (
        SELECT n, bench.uid(n) AS id FROM generate_series(1, nu) n),
    newest AS (
        SELECT c.user_id, max(c.created_at) AS at FROM public.creations c
         WHERE c.status = 'published' AND c.is_public AND c.created_at <= bench.t0()
           AND shape IN ('dormant', 'recent')
         GROUP BY c.user_id),
    followers AS (
        SELECT f.following_id, count(*) AS followers FROM public.follows f
         WHERE f.created_at <= bench.t0() AND shape = 'celebrity'
         GROUP BY f.following_id)
    SELECT u.n FROM u
      LEFT JOIN newest w ON w.user_id = u.id
      LEFT JOIN followers f ON f.following_id = u.id
     ORDER BY CASE shape WHEN 'dormant' THEN coalesce(extract(epoch FROM w.at), -1e18)
                         WHEN 'recent' THEN -coalesce(extract(epoch FROM w.at), -1e18)
                         WHEN 'celebrity' THEN -coalesce(f.followers, 0)
                         ELSE bench.h(seed * 100 + 211, u.n) END,
              bench.h(seed * 100 + 212, u.n)
     LIMIT cnt
$fn$;

-- The follow-shape sizes: the scale-1 counts, capped for small data sets.
SELECT least(2000, :nu / 5) AS nshape, least(10000, :nu / 2) AS nwide,
       least(50, greatest(3, :nu / 200)) AS burst_size, 30 AS bursts
\gset
\echo [shapes] shapes=:shapes users=:nu follow sets :nshape (wide :nwide), :bursts bursts of :burst_size

-- ---------------------------------------------------------------------------
-- follows: the four readers and their follows
-- ---------------------------------------------------------------------------
SELECT :'want_follows'::boolean AND NOT EXISTS (SELECT 1 FROM bench.shapes_applied WHERE shape = 'follows') AS do_follows \gset
\if :do_follows
\echo [shapes] follows
BEGIN;
SELECT clock_timestamp() AS shape_t0 \gset
INSERT INTO bench.shape_readers (k, shape, follows, detail)
VALUES (1, 'dormant', :nshape, ''), (2, 'recent', :nshape, ''), (3, 'celebrity', :nshape, ''), (4, 'wide', :nwide, '')
ON CONFLICT (k) DO UPDATE SET follows = excluded.follows;

INSERT INTO auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data,
                        created_at, updated_at)
SELECT bench.shape_uid(k), 'authenticated', 'authenticated', 'shape_' || shape || '@bench.arcanea.test',
       bench.t0() - interval '400 days', '{"provider": "email"}',
       jsonb_build_object('username', 'shape_' || shape), bench.t0() - interval '400 days',
       bench.t0() - interval '400 days'
  FROM bench.shape_readers;
-- Counters are set by recount_counters() below.  arcanean_id: past any
-- the generator numbers (its sequence stops at nu).
INSERT INTO public.profiles
    (id, username, display_name, avatar_url, bio, arcanean_id, tier, creation_count, follower_count,
     following_count, is_active, is_verified, created_at, updated_at)
SELECT bench.shape_uid(k), 'shape_' || shape, 'Shape reader ' || shape,
       'https://cdn.arcanea.test/avatars/shape_' || k || '.webp', 'Reads a ' || shape || ' feed.',
       'ARC-' || (900000000 + k), 'explorer', 0, 0, 0, true, false,
       bench.t0() - interval '400 days', bench.t0() - interval '400 days'
  FROM bench.shape_readers;
INSERT INTO public.profile_private (id, preferences, onboarding_completed, onboarding_step, last_active_at)
SELECT bench.shape_uid(k), '{}', true, 5, bench.t0() - interval '1 day' FROM bench.shape_readers;

INSERT INTO public.follows (id, follower_id, following_id, notify_creations, created_at)
SELECT md5('sf' || r.k || ':' || a.n)::uuid, bench.shape_uid(r.k), bench.uid(a.n), true,
       bench.t0() - interval '300 days' * bench.h(:s * 100 + 213, r.k, a.n)
  FROM bench.shape_readers r
 CROSS JOIN LATERAL bench.shape_accounts(r.shape, :nu, r.follows, :s) a;

-- What each reader's followed accounts look like, for the report.
UPDATE bench.shape_readers r
   SET detail = format('%s accounts; newest public creation %s', d.accounts,
                       CASE WHEN d.newest IS NULL THEN 'none'
                            ELSE round(extract(epoch FROM bench.t0() - d.newest) / 86400, 1) || ' days before t0 at the latest, '
                                 || round(extract(epoch FROM bench.t0() - d.median) / 86400, 1) || ' the median'
                                 || coalesce(', ' || d.none || ' accounts with none', '') END
                       || CASE WHEN r.shape IN ('celebrity', 'wide')
                               THEN format('; followers: median %s, max %s', d.fmedian, d.fmax) ELSE '' END)
  FROM (SELECT f.follower_id, count(*) AS accounts, max(w.at) AS newest,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY w.at) AS median,
               nullif(count(*) FILTER (WHERE w.at IS NULL), 0) AS none,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY p.follower_count) AS fmedian,
               max(p.follower_count) AS fmax
          FROM public.follows f
          JOIN public.profiles p ON p.id = f.following_id
          LEFT JOIN LATERAL (SELECT max(c.created_at) AS at FROM public.creations c
                              WHERE c.user_id = f.following_id AND c.status = 'published' AND c.is_public
                                AND c.created_at <= bench.t0()) w ON true
         WHERE f.follower_id IN (SELECT bench.shape_uid(k) FROM bench.shape_readers)
         GROUP BY f.follower_id) d
 WHERE d.follower_id = bench.shape_uid(r.k);

INSERT INTO bench.shapes_applied (shape, version, seconds, detail)
SELECT 'follows', :'version', round(extract(epoch FROM clock_timestamp() - :'shape_t0'::timestamptz)::numeric, 1),
       string_agg(shape || ' ' || follows, ', ' ORDER BY k) || ' follows'
  FROM bench.shape_readers;
COMMIT;
\endif

-- ---------------------------------------------------------------------------
-- bursts: creations in bursts by the accounts the recent reader follows
-- ---------------------------------------------------------------------------
SELECT :'want_bursts'::boolean AND NOT EXISTS (SELECT 1 FROM bench.shapes_applied WHERE shape = 'bursts') AS do_bursts \gset
\if :do_bursts
\echo [shapes] bursts
BEGIN;
SELECT clock_timestamp() AS shape_t0 \gset
CREATE TEMP TABLE shape_authors ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY n) AS author, n FROM bench.shape_accounts('recent', :nu, :nshape, :s);
-- Burst b (0 = the newest) starts 2.5 h * b + 10 min before t0 and lasts
-- 3 minutes; creation i of the overlay is in burst (i - 1) / burst_size.
INSERT INTO public.creations
    (id, user_id, title, description, type, file_url, thumbnail_url, file_size, file_format, ai_tool,
     prompt, model, generation_params, seed, metadata, status, is_public, is_featured, is_nsfw, license,
     allow_remix, allow_commercial, tags, categories, view_count, like_count, comment_count, remix_count,
     created_at, updated_at, published_at, search_vector)
SELECT md5('sb' || b.i)::uuid, bench.uid(a.n), title, description, 'image',
       'https://cdn.arcanea.test/creations/sb' || b.i || '.png',
       'https://cdn.arcanea.test/thumbnails/sb' || b.i || '.webp', 1000000, 'png', 'midjourney',
       lower(title), 'v1', '{"steps": 30}', b.i, '{}', 'published', true, false, false, 'cc-by-4.0',
       true, false, tags, '{}', 0, 0, 0, 0, at, at, at,
         setweight(to_tsvector('pg_catalog.english', coalesce(title, '')), 'A')
      || setweight(to_tsvector('pg_catalog.simple',  coalesce(title, '')), 'A')
      || setweight(to_tsvector('pg_catalog.simple',  coalesce(array_to_string(tags, ' '), '')), 'B')
      || setweight(to_tsvector('pg_catalog.english', coalesce(description, '')), 'C')
  FROM (SELECT i,
               1 + floor(:nshape * bench.h(:s * 100 + 221, i))::int AS author,
               bench.t0() - interval '150 minutes' * ((i - 1) / :burst_size) - interval '10 minutes'
                   + interval '180 seconds' * bench.h(:s * 100 + 222, i) AS at,
               initcap(a.word || ' ' || o.word) AS title,
               (SELECT string_agg(w.word, ' ' ORDER BY j)
                  FROM generate_series(1, 8 + floor(9 * bench.h(:s * 100 + 223, i))::int) j
                  JOIN bench.word w ON w.rank = bench.zm(bench.h(:s * 100 + 224, i, j), 5000, 10)) || '.' AS description,
               ARRAY[(SELECT t.tag FROM bench.tag t
                       WHERE t.rank = bench.zm(bench.h(:s * 100 + 225, i), 81, 2))] AS tags
          FROM generate_series(1, :bursts * :burst_size) i
          JOIN bench.adj a ON a.rank = bench.zm(bench.h(:s * 100 + 226, i), (SELECT count(*) FROM bench.adj)::int, 3)
          JOIN bench.noun o ON o.rank = bench.zm(bench.h(:s * 100 + 227, i), (SELECT count(*) FROM bench.noun)::int, 3)) b
  JOIN shape_authors a ON a.author = b.author;
INSERT INTO arcanea.search_terms (term)
SELECT DISTINCT w
  FROM public.creations c,
       regexp_split_to_table(lower(coalesce(c.title, '') || ' ' || array_to_string(c.tags, ' ') || ' '
                                   || coalesce(c.description, '')), '[^[:alnum:]]+') AS w
 WHERE c.id IN (SELECT md5('sb' || i)::uuid FROM generate_series(1, :bursts * :burst_size) i)
   AND char_length(w) BETWEEN 3 AND 30
ON CONFLICT (term) DO NOTHING;
INSERT INTO bench.shapes_applied (shape, version, seconds, detail)
SELECT 'bursts', :'version', round(extract(epoch FROM clock_timestamp() - :'shape_t0'::timestamptz)::numeric, 1),
       format('%s bursts of %s creations (3 minutes each, 2.5 h apart, the newest 10 minutes before t0) by %s of the %s accounts the recent reader follows',
              :bursts, :burst_size, count(DISTINCT c.user_id), :nshape)
  FROM public.creations c
 WHERE c.id IN (SELECT md5('sb' || i)::uuid FROM generate_series(1, :bursts * :burst_size) i);
COMMIT;
\endif

-- ---------------------------------------------------------------------------
-- vocab: band words and the Zipf mix, planted into published public creations
-- ---------------------------------------------------------------------------
SELECT :'want_vocab'::boolean AND NOT EXISTS (SELECT 1 FROM bench.shapes_applied WHERE shape = 'vocab') AS do_vocab \gset
\if :do_vocab
\echo [shapes] vocab
BEGIN;
SELECT clock_timestamp() AS shape_t0 \gset
CREATE TABLE IF NOT EXISTS bench.shape_words (
    kind      text NOT NULL,   -- band, mix or unknown
    k         int NOT NULL,
    word      text NOT NULL UNIQUE,
    share     float8,          -- the share of published public creations wanted
    creations int,             -- how many got it
    PRIMARY KEY (kind, k)
);
TRUNCATE bench.shape_words;
-- Candidates: "zy" + two syllables + a final consonant for the planted
-- words; five letters, common first letters, for the unknown ones.  Kept
-- when new to the vocabulary and unchanged by both text configurations
-- (no stop word, no stemming), first come by number.
WITH cand AS (
    SELECT i, kind,
           CASE WHEN kind = 'unknown'
                THEN (ARRAY['s','c','b','m','p','d','t','f','g','l','r','h'])[1 + floor(12 * bench.h(:s * 100 + 231, i, 1))::int]
                  || (ARRAY['a','e','i','o','u'])[1 + floor(5 * bench.h(:s * 100 + 231, i, 2))::int]
                  || (ARRAY['b','d','g','k','l','m','n','p','r','t','v','z'])[1 + floor(12 * bench.h(:s * 100 + 231, i, 3))::int]
                  || (ARRAY['a','e','i','o','u'])[1 + floor(5 * bench.h(:s * 100 + 231, i, 4))::int]
                  || (ARRAY['k','m','n','p','t','x'])[1 + floor(6 * bench.h(:s * 100 + 231, i, 5))::int]
                ELSE 'zy'
                  || (ARRAY['b','d','f','g','k','l','m','n','p','r','t','v'])[1 + floor(12 * bench.h(:s * 100 + 232, i, 1))::int]
                  || (ARRAY['a','e','i','o','u'])[1 + floor(5 * bench.h(:s * 100 + 232, i, 2))::int]
                  || (ARRAY['b','d','f','g','k','l','m','n','p','r','t','v'])[1 + floor(12 * bench.h(:s * 100 + 232, i, 3))::int]
                  || (ARRAY['a','e','i','o','u'])[1 + floor(5 * bench.h(:s * 100 + 232, i, 4))::int]
                  || (ARRAY['k','x','v','q'])[1 + floor(4 * bench.h(:s * 100 + 232, i, 5))::int] END AS word
      FROM generate_series(1, 3000) i
     CROSS JOIN (VALUES ('planted'), ('unknown')) v(kind)),
fresh AS (
    SELECT kind, word, min(i) AS i FROM cand
     WHERE NOT EXISTS (SELECT 1 FROM arcanea.search_terms t WHERE t.term = cand.word)
       AND to_tsvector('pg_catalog.english', word)::text = '''' || word || ''':1'
       AND to_tsvector('pg_catalog.simple', word)::text = '''' || word || ''':1'
     GROUP BY kind, word),
numbered AS (
    SELECT kind, word, row_number() OVER (PARTITION BY kind ORDER BY i) AS r FROM fresh
     WHERE kind = 'unknown' OR word NOT IN (SELECT word FROM fresh WHERE kind = 'unknown'))
INSERT INTO bench.shape_words (kind, k, word, share)
SELECT 'band', r::int, word, (ARRAY[1e-6, 1e-4, 1e-2, 0.1, 0.5])[r] FROM numbered WHERE kind = 'planted' AND r <= 5
UNION ALL
SELECT 'mix', (r - 5)::int, word, 0.5 * power(r - 5, -ln(500000) / ln(50)) FROM numbered
 WHERE kind = 'planted' AND r BETWEEN 6 AND 55
UNION ALL
SELECT 'unknown', r::int, word, NULL FROM numbered WHERE kind = 'unknown' AND r <= 30;
SELECT count(*) FILTER (WHERE kind = 'band') = 5 AND count(*) FILTER (WHERE kind = 'mix') = 50
       AND count(*) FILTER (WHERE kind = 'unknown') = 30 AS words_ok
  FROM bench.shape_words \gset
\if :words_ok
\else
\echo [shapes] not enough new made-up words
SELECT 1 / 0 AS not_enough_words;
\endif

-- Each published public creation's place in the band order and in the mix
-- order; a word goes to the first max(1, round(share * N)) of its order.
UPDATE bench.shape_words
   SET creations = least(n.total, greatest(1, round(share * n.total)))
  FROM (SELECT count(*) AS total FROM public.creations WHERE status = 'published' AND is_public) n
 WHERE kind IN ('band', 'mix');
CREATE TEMP TABLE shape_plant ON COMMIT DROP AS
WITH pub AS (
    SELECT id,
           row_number() OVER (ORDER BY md5(:s || 'band' || id::text)) AS rb,
           row_number() OVER (ORDER BY md5(:s || 'mix' || id::text)) AS rm
      FROM public.creations WHERE status = 'published' AND is_public)
SELECT id, string_agg(word, ' ' ORDER BY kind, k) AS words
  FROM (SELECT pub.id, w.kind, w.k, w.word FROM pub JOIN bench.shape_words w ON w.kind = 'band' AND pub.rb <= w.creations
        UNION ALL
        SELECT pub.id, w.kind, w.k, w.word FROM pub JOIN bench.shape_words w ON w.kind = 'mix' AND pub.rm <= w.creations) x
 GROUP BY id;
UPDATE public.creations c
   SET description = x.description,
       search_vector =
             setweight(to_tsvector('pg_catalog.english', coalesce(c.title, '')), 'A')
          || setweight(to_tsvector('pg_catalog.simple',  coalesce(c.title, '')), 'A')
          || setweight(to_tsvector('pg_catalog.simple',  coalesce(array_to_string(c.tags, ' '), '')), 'B')
          || setweight(to_tsvector('pg_catalog.english', x.description), 'C')
  FROM (SELECT p.id, coalesce(c0.description, '') || ' ' || p.words AS description
          FROM shape_plant p JOIN public.creations c0 ON c0.id = p.id) x
 WHERE c.id = x.id;
INSERT INTO arcanea.search_terms (term)
SELECT word FROM bench.shape_words WHERE kind IN ('band', 'mix') ORDER BY word
ON CONFLICT (term) DO NOTHING;
INSERT INTO bench.shapes_applied (shape, version, seconds, detail)
SELECT 'vocab', :'version', round(extract(epoch FROM clock_timestamp() - :'shape_t0'::timestamptz)::numeric, 1),
       format('%s of %s published public creations got words; bands: %s', (SELECT count(*) FROM shape_plant),
              (SELECT count(*) FROM public.creations WHERE status = 'published' AND is_public),
              string_agg(word || ' ' || creations, ', ' ORDER BY k))
  FROM bench.shape_words WHERE kind = 'band';
COMMIT;
\endif

-- ---------------------------------------------------------------------------
-- What the triggers would have done: counters, feed timelines, search
-- leaders (when the build has them); statistics
-- ---------------------------------------------------------------------------
SELECT :'do_follows'::boolean OR :'do_bursts'::boolean AS did_rows,
       :'do_bursts'::boolean OR :'do_vocab'::boolean AS did_text,
       :'do_follows'::boolean OR :'do_bursts'::boolean OR :'do_vocab'::boolean AS did_any,
       to_regprocedure('arcanea.rebuild_feed_timelines()') IS NOT NULL AS has_timelines,
       to_regprocedure('arcanea.refresh_search_leaders()') IS NOT NULL AS has_leaders
\gset
\if :did_rows
\echo [shapes] arcanea.recount_counters()
SELECT counter, rows_fixed FROM arcanea.recount_counters() WHERE rows_fixed <> 0;
\if :has_timelines
\echo [shapes] arcanea.rebuild_feed_timelines()
SELECT * FROM arcanea.rebuild_feed_timelines();
\endif
\endif
RESET session_replication_role;
\if :did_any
VACUUM ANALYZE public.creations, public.follows, public.profiles, public.profile_private, auth.users,
    arcanea.search_terms;
\endif
\if :did_text
\if :has_leaders
\echo [shapes] arcanea.refresh_search_leaders()
SELECT * FROM arcanea.refresh_search_leaders();
\endif
\endif
SELECT shape, version, seconds, detail FROM bench.shapes_applied ORDER BY applied_at;
