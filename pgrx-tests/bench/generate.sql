-- ============================================================================
-- pgrx-tests/bench/generate.sql: a deterministic synthetic Arcanea dataset.
--
--   psql -v scale=1 -v seed=42 -f pgrx-tests/bench/generate.sql   (superuser,
--   in a database that has just had CREATE EXTENSION arcanea)
--
-- Scale 1: 100,000 users and profiles, 1,000,000 creations (80% published
-- and public), ~5,000,000 likes (power-law over creations), ~2,000,000
-- follows (10 users following 2,000+ accounts, 5 accounts followed by
-- 50,000+), 300,000 comments (a quarter of them replies), 50,000
-- conversations with 1,000,000 messages, 500,000 notifications.  Every count
-- scales linearly with :scale (a float; 0.002 for a CI smoke run).
--
-- Deterministic: every random choice is a hash of (:seed, stream, row number)
-- (hashint8extended), never random(), so the same seed gives the same rows
-- whatever plan or order PostgreSQL picks.  Ids are md5 of a prefix and the
-- row number (bench.uid(n), bench.cid(n), bench.vid(n)), so benchmark
-- scripts compute them from a number without a lookup.
--
-- Fast: set-based INSERT ... SELECT generate_series with triggers off
-- (session_replication_role = replica, which also skips the foreign-key
-- triggers).  The rows are generated in dependency order so that every
-- counter is written right the first time (likes and comments before the
-- creations that count them, creations and follows before the profiles,
-- messages before conversations): no UPDATE pass, no bloat.
-- arcanea.recount_counters() then runs as a check (it should fix only the
-- three luminors), search_terms is filled from the published creations and
-- search_vector is computed in the INSERT with the expression of
-- arcanea.creations_search_vector().
-- ============================================================================
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
SET session_replication_role = replica;
SET synchronous_commit = off;
SET work_mem = '512MB';
SET maintenance_work_mem = '1GB';
SET max_parallel_workers_per_gather = 0;
SET jit = off;

SELECT greatest(50,  round(100000  * :scale))::int AS nu,
       greatest(100, round(1000000 * :scale))::int AS nc,
       greatest(100, round(5000000 * :scale))::int AS nl,
       greatest(100, round(2000000 * :scale))::int AS nf,
       greatest(20,  round(300000  * :scale))::int AS ncm,
       greatest(10,  round(50000   * :scale))::int AS nv,
       greatest(100, round(1000000 * :scale))::int AS nm,
       greatest(50,  round(500000  * :scale))::int AS nn,
       :seed::int AS s
\gset
\echo [gen] scale=:scale seed=:seed users=:nu creations=:nc likes~:nl follows~:nf comments=:ncm conversations=:nv messages=:nm notifications=:nn

-- ---------------------------------------------------------------------------
-- Helpers, kept in schema bench (the benchmark scripts use them too).
-- ---------------------------------------------------------------------------
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- Uniform [0, 1) from a hash of (seed, a, b).  Inlined by the planner.
CREATE FUNCTION bench.h(seed int, a bigint, b bigint DEFAULT 0) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((hashint8extended(a * 1000003 + b, seed) >> 11) & 4503599627370495)::float8 / 4503599627370496.0;

-- Zipf-Mandelbrot rank in [1, v]: P(k) ~ 1 / (k + q).
CREATE FUNCTION bench.zm(u float8, v int, q float8) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN least(v, greatest(1, floor((1 + q) * power((v + 1 + q) / (1 + q), u) - q)))::int;

-- Ids from numbers.
CREATE FUNCTION bench.uid(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN md5('u' || n::text)::uuid;
CREATE FUNCTION bench.cid(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN md5('c' || n::text)::uuid;
CREATE FUNCTION bench.vid(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN md5('v' || n::text)::uuid;
CREATE FUNCTION bench.lum(k bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('00000000-0000-4000-8000-00000000a00' || k::text)::uuid;
-- Conversation v belongs to user conv_user(v) and Luminor conv_lum(v)
-- (pgbench computes the same with \set).
CREATE FUNCTION bench.conv_user(v bigint, nu bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 1 + (v * 2654435761) % nu;
CREATE FUNCTION bench.conv_lum(v bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 1 + v % 3;
-- Creation n is published and public iff n % 10 is 1..8 (pgbench draws
-- 10 * a + b with b in 1..8).
CREATE FUNCTION bench.is_pub(n bigint) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN n % 10 BETWEEN 1 AND 8;
-- Time origin of the data set: fixed, so the data does not depend on the day.
CREATE FUNCTION bench.t0() RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '2026-01-01 00:00:00+00'::timestamptz;
CREATE FUNCTION bench.creation_at(seed int, n bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN bench.t0() - interval '730 days' * bench.h(seed * 100 + 3, n);
CREATE FUNCTION bench.conversation_at(seed int, v bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN bench.t0() - interval '365 days' * bench.h(seed * 100 + 7, v);

CREATE TABLE bench.meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO bench.meta VALUES
    ('scale', :'scale'), ('seed', :'seed'), ('nu', :'nu'), ('nc', :'nc'), ('nv', :'nv'),
    ('feed_user', :'nu'), ('generated_at', now()::text), ('complete', 'false');

-- ---------------------------------------------------------------------------
-- Vocabulary: ~350 real words at the top ranks (common), ~4,650 made-up
-- words below them (rarer), 10,000 more made-up words for a rare tail, and
-- 80 tags.
-- ---------------------------------------------------------------------------
\echo [gen] vocabulary
CREATE TABLE bench.adj (rank int PRIMARY KEY, word text NOT NULL);
INSERT INTO bench.adj
SELECT row_number() OVER (), w FROM unnest(string_to_array(
    'ancient neon silent golden broken hidden electric frozen burning cosmic lunar solar velvet wild '
    'lost secret sacred dark bright endless forgotten glowing hollow iron jade misty mystic quiet radiant '
    'rusty scarlet silver starlit stormy twilight violet wandering whispering amber arcane astral azure '
    'crimson dreaming emerald fading floating gentle haunted infinite luminous midnight obsidian painted '
    'phantom primal restless sapphire serene shattered sleeping spectral sunken tangled vivid weathered '
    'winter autumn spring summer digital analog retro surreal minimal baroque gothic celestial feral '
    'gilded ivory molten nocturnal opal pale quantum rising sonic tidal urban verdant woven', ' ')) AS w;

CREATE TABLE bench.noun (rank int PRIMARY KEY, word text NOT NULL);
INSERT INTO bench.noun
SELECT row_number() OVER (), w FROM unnest(string_to_array(
    'dragon forest city ocean portrait garden temple river mountain castle tower dream storm sky moon '
    'sun star galaxy planet desert island valley lake cave bridge street harbor lighthouse village kingdom '
    'empire robot android wizard witch knight queen king warrior samurai ninja pirate ghost spirit angel '
    'demon phoenix wolf fox owl raven tiger lion whale serpent butterfly jellyfish koi deer horse cat dog '
    'bird flower rose lotus orchid tree oak willow leaf mushroom stone mirror door window clock lantern '
    'candle book map key crown sword shield mask ship train car bicycle balloon carnival market cafe '
    'library museum station rooftop alley melody rhythm song symphony ballad beat anthem lullaby chorus '
    'echo voice piano guitar violin drum synth bass vinyl radio film scene sketch poem story journey '
    'voyage festival ritual memory vision horizon aurora eclipse nebula comet meteor rain snow fog '
    'thunder wave tide flame ember ash light glow spark portal maze labyrinth ruin relic artifact machine '
    'engine circuit signal', ' ')) AS w;

CREATE TABLE bench.word (rank int PRIMARY KEY, word text NOT NULL UNIQUE);
CREATE TABLE bench.rare (rank int PRIMARY KEY, word text NOT NULL UNIQUE);
WITH real_words AS (
    SELECT word FROM bench.adj UNION SELECT word FROM bench.noun
    UNION SELECT w FROM unnest(string_to_array(
        'explore create dance drift rise fall sing whisper remember wander awaken bloom breathe chase dive '
        'fly gather hunt listen paint play reach return shine sleep soar travel watch weave colorful '
        'cinematic detailed dramatic soft warm cold deep lush moody playful epic cozy dreamy glitchy grainy '
        'hazy lofi ambient acoustic orchestral vibrant textured layered atmospheric nostalgic futuristic '
        'mythical magical peaceful chaotic elegant abstract realistic stylized watercolor charcoal pastel '
        'pixel vector collage photograph render illustration animation loop remix cover demo study series '
        'edition chapter volume morning evening night dawn dusk season century future past home world '
        'universe heart soul mind hope love fear joy sorrow silence chaos harmony balance', ' ')) AS w),
made_up AS (
    -- Two or three syllables, each onset + vowel + optional coda.
    SELECT i, string_agg(
               (ARRAY['b','c','d','f','g','h','k','l','m','n','p','r','s','t','v','z','br','cr','dr','fl',
                      'gr','kr','pl','pr','sk','st','tr','vr','th','sh','ch'])[1 + floor(31 * bench.h(:s * 100 + 21, i, 3 * j))::int]
            || (ARRAY['a','e','i','o','u','ae','ai','ei','ia','io','ou'])[1 + floor(11 * bench.h(:s * 100 + 21, i, 3 * j + 1))::int]
            || (ARRAY['','','','','n','r','s','l','m','th','x','k','nd','rn'])[1 + floor(14 * bench.h(:s * 100 + 21, i, 3 * j + 2))::int],
               '' ORDER BY j) AS w
      FROM generate_series(1, 40000) i
     CROSS JOIN LATERAL generate_series(1, 2 + (bench.h(:s * 100 + 22, i) < 0.35)::int) j
     GROUP BY i),
made_up_distinct AS (
    SELECT w, min(i) AS i FROM made_up
     WHERE char_length(w) BETWEEN 4 AND 10 AND w NOT IN (SELECT word FROM real_words)
     GROUP BY w),
ranked AS (SELECT w, row_number() OVER (ORDER BY i) AS k FROM made_up_distinct),
core AS (
    SELECT word, row_number() OVER (ORDER BY bench.h(:s * 100 + 23, hashtext(word))) AS rank FROM real_words
    UNION ALL
    SELECT w, (SELECT count(*) FROM real_words) + k FROM ranked
     WHERE k <= 5000 - (SELECT count(*) FROM real_words)),
ins AS (INSERT INTO bench.word SELECT rank, word FROM core RETURNING 1)
INSERT INTO bench.rare
SELECT k - (5000 - (SELECT count(*) FROM real_words)), w FROM ranked
 WHERE k > 5000 - (SELECT count(*) FROM real_words)
   AND k <= 15000 - (SELECT count(*) FROM real_words);

CREATE TABLE bench.tag (rank int PRIMARY KEY, tag text NOT NULL);
INSERT INTO bench.tag
SELECT row_number() OVER (), t FROM unnest(string_to_array(
    'fantasy scifi portrait landscape cyberpunk anime abstract surreal lofi synthwave ambient cinematic '
    'watercolor pixelart photography illustration characterdesign worldbuilding music electronic orchestral '
    'piano hiphop jazz rock chillout vaporwave steampunk horror nature architecture space ocean animals cats '
    'dragons mythology retro minimalism noir gothic neon dreamcore cottagecore darkfantasy highfantasy mecha '
    'robots aliens magic poetry shortstory animation motion 3d render sculpture typography logo fashion food '
    'travel city night sunset winter summer spring autumn flowers birds portraiture stilllife experimental '
    'glitch collage comics manga storyboard soundtrack podcast', ' ')) AS t;

-- Sentences for comments and messages (not searched: a pool is enough).
CREATE TABLE bench.sentence (k int PRIMARY KEY, text text NOT NULL);
INSERT INTO bench.sentence
SELECT i, initcap(left(string_agg(w.word, ' ' ORDER BY j), 1)) || substr(string_agg(w.word, ' ' ORDER BY j), 2) || '.'
  FROM generate_series(1, 4000) i
 CROSS JOIN LATERAL generate_series(1, 4 + floor(18 * bench.h(:s * 100 + 24, i))::int) j
  JOIN bench.word w ON w.rank = bench.zm(bench.h(:s * 100 + 25, i, j), 5000, 10)
 GROUP BY i;
SELECT count(*) AS core_words, (SELECT count(*) FROM bench.rare) AS rare_words,
       (SELECT count(*) FROM bench.tag) AS tags FROM bench.word;

-- ---------------------------------------------------------------------------
-- auth.users (the signup trigger is off: profiles come later, with counters)
-- ---------------------------------------------------------------------------
\echo [gen] auth.users
INSERT INTO auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data,
                        created_at, updated_at)
SELECT bench.uid(n), 'authenticated', 'authenticated', 'user_' || n || '@bench.arcanea.test',
       bench.t0() - interval '800 days' * bench.h(:s * 100 + 1, n),
       '{"provider": "email"}', jsonb_build_object('username', 'user_' || n),
       bench.t0() - interval '800 days' * bench.h(:s * 100 + 1, n),
       bench.t0() - interval '800 days' * bench.h(:s * 100 + 1, n)
  FROM generate_series(1, :nu) n;

-- ---------------------------------------------------------------------------
-- follows: celebrities 1..5 followed by 50-58% of everyone; the last ten
-- users follow 2,000 + 100k accounts each (the feed benchmark reads the
-- last one, exactly 2,000 at scale >= 0.02); the rest random, skewed
-- towards low user numbers.
-- ---------------------------------------------------------------------------
\echo [gen] follows
CREATE UNLOGGED TABLE bench.f_cand (follower int, following int);
INSERT INTO bench.f_cand
SELECT m, c FROM generate_series(1, least(5, :nu / 10)) c, generate_series(1, :nu) m
 WHERE m <> c AND bench.h(:s * 100 + 11, c, m) < 0.50 + 0.02 * c;
INSERT INTO bench.f_cand
SELECT f, x.m
  FROM generate_series(:nu - 9, :nu) f
 CROSS JOIN LATERAL (
       SELECT m FROM generate_series(1, :nu) m WHERE m <> f
        ORDER BY bench.h(:s * 100 + 12, f, m)
        LIMIT least(:nu - 1, 2000 + 100 * (:nu - f))) x;
SELECT greatest(0, :nf - count(*)) AS nrand FROM bench.f_cand \gset
INSERT INTO bench.f_cand
SELECT 1 + floor(:nu * bench.h(:s * 100 + 13, i))::int,
       1 + floor(:nu * power(bench.h(:s * 100 + 14, i), 2))::int
  FROM generate_series(1, (:nrand * 1.03)::int) i;
INSERT INTO public.follows (id, follower_id, following_id, notify_creations, created_at)
SELECT md5('f' || follower || ':' || following)::uuid, bench.uid(follower), bench.uid(following),
       bench.h(:s * 100 + 15, follower, following) < 0.9,
       bench.t0() - interval '700 days' * bench.h(:s * 100 + 16, follower, following)
  FROM (SELECT DISTINCT follower, following FROM bench.f_cand WHERE follower <> following) d;
DROP TABLE bench.f_cand;

-- ---------------------------------------------------------------------------
-- likes: users uniform, creations power-law (creation n = nc * u^3, so the
-- most liked has ~5% of all users); published public creations only.
-- ---------------------------------------------------------------------------
\echo [gen] likes
INSERT INTO public.likes (id, user_id, creation_id, created_at)
SELECT md5('l' || u || ':' || c)::uuid, bench.uid(u), bench.cid(c),
       bench.creation_at(:s, c) + (bench.t0() - bench.creation_at(:s, c)) * bench.h(:s * 100 + 33, u, c)
  FROM (SELECT u, c FROM (
            SELECT i, 1 + floor(:nu * bench.h(:s * 100 + 31, i))::int AS u,
                   1 + floor(:nc * power(bench.h(:s * 100 + 32, i), 3))::int AS c
              FROM generate_series(1, (:nl * 1.45)::int) i) x
         WHERE bench.is_pub(c)
         GROUP BY u, c ORDER BY min(i) LIMIT :nl) d;

-- ---------------------------------------------------------------------------
-- comments: on published public creations (power-law), a quarter of those
-- after the first on a creation reply to that first comment.
-- ---------------------------------------------------------------------------
\echo [gen] comments
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id, created_at, updated_at)
SELECT md5('m' || i)::uuid, bench.uid(u), bench.cid(c), s.text,
       CASE WHEN rn > 1 AND bench.h(:s * 100 + 44, i) < 0.25 THEN md5('m' || first_i)::uuid END,
       at, at
  FROM (SELECT *, row_number() OVER w AS rn, first_value(i) OVER w AS first_i
          FROM (SELECT i, u, c,
                       bench.creation_at(:s, c) + (bench.t0() - bench.creation_at(:s, c)) * bench.h(:s * 100 + 43, i) AS at
                  FROM (SELECT i, 1 + floor(:nu * bench.h(:s * 100 + 41, i))::int AS u,
                               1 + floor(:nc * power(bench.h(:s * 100 + 42, i), 3))::int AS c
                          FROM generate_series(1, (:ncm * 1.3)::int) i) x
                 WHERE bench.is_pub(c) ORDER BY i LIMIT :ncm) y
        WINDOW w AS (PARTITION BY c ORDER BY at, i)) z
  JOIN bench.sentence s ON s.k = 1 + floor(4000 * bench.h(:s * 100 + 45, i))::int;

-- ---------------------------------------------------------------------------
-- creations, with their counters and search vector.  Owners skewed to low
-- user numbers (user 1 owns ~0.3%).  Inserted in batches for progress.
-- ---------------------------------------------------------------------------
\echo [gen] creations
CREATE UNLOGGED TABLE bench.like_counts AS
SELECT creation_id, count(*)::int AS cnt FROM public.likes GROUP BY creation_id;
CREATE UNLOGGED TABLE bench.comment_counts AS
SELECT creation_id, count(*)::int AS cnt FROM public.comments GROUP BY creation_id;
ANALYZE bench.like_counts, bench.comment_counts;

CREATE FUNCTION bench.gen_creations(seed int, nu int, first_n int, last_n int) RETURNS void
LANGUAGE sql AS $fn$
INSERT INTO public.creations
    (id, user_id, title, description, type, file_url, thumbnail_url, file_size, file_format, ai_tool,
     prompt, model, generation_params, seed, metadata, status, is_public, is_featured, is_nsfw, license,
     allow_remix, allow_commercial, tags, categories, view_count, like_count, comment_count, remix_count,
     created_at, updated_at, published_at, search_vector)
SELECT bench.cid(n), bench.uid(owner), title, description, type,
       'https://cdn.arcanea.test/creations/' || n || '.' || fmt,
       'https://cdn.arcanea.test/thumbnails/' || n || '.webp',
       (50000 + 5000000 * bench.h(seed * 100 + 59, n))::int, fmt,
       CASE type WHEN 'image' THEN 'midjourney' WHEN 'music' THEN 'suno' WHEN 'video' THEN 'runway'
                 WHEN 'text' THEN 'claude' ELSE 'flux' END,
       lower(title) || ', ' || left(description, 120), 'v' || (1 + n % 7),
       jsonb_build_object('steps', 20 + n % 30, 'guidance', 7), ((n::bigint * 7919) % 2147483647)::int, '{}',
       status, is_public, n % 997 = 0, false, 'cc-by-4.0', true, n % 5 = 0,
       tags, '{}', floor(2000 * bench.h(seed * 100 + 60, n))::int,
       coalesce(lc.cnt, 0), coalesce(cc.cnt, 0), 0,
       created_at, created_at, CASE WHEN status IN ('published', 'archived') THEN created_at END,
         setweight(to_tsvector('pg_catalog.english', coalesce(title, '')), 'A')
      || setweight(to_tsvector('pg_catalog.simple',  coalesce(title, '')), 'A')
      || setweight(to_tsvector('pg_catalog.simple',  coalesce(array_to_string(tags, ' '), '')), 'B')
      || setweight(to_tsvector('pg_catalog.english', coalesce(description, '')), 'C')
  FROM (
    SELECT n, owner, status, is_public, type, created_at, tags,
           CASE WHEN type = 'image' THEN 'png' WHEN type = 'music' THEN 'mp3' WHEN type = 'video' THEN 'mp4'
                WHEN type = 'text' THEN 'md' ELSE 'zip' END AS fmt,
           initcap(CASE WHEN shape < 0.5 THEN a.word || ' ' || o.word
                        WHEN shape < 0.8 THEN a.word || ' ' || o.word || ' of ' || o2.word
                        ELSE o.word || ' ' || x.word END) AS title,
           (SELECT string_agg(w.word, ' ' ORDER BY j)
              FROM generate_series(1, 8 + floor(9 * bench.h(seed * 100 + 55, n))::int) j
              JOIN bench.word w ON w.rank = bench.zm(bench.h(seed * 100 + 56, n, j), 5000, 10))
           || CASE WHEN bench.h(seed * 100 + 57, n) < 0.05
                   THEN ' ' || (SELECT r.word FROM bench.rare r
                                 WHERE r.rank = 1 + floor(10000 * bench.h(seed * 100 + 58, n))::int)
                   ELSE '' END || '.' AS description
      FROM (SELECT n,
                   1 + least(nu - 1, floor(nu * power(bench.h(seed * 100 + 50, n), 2))::int) AS owner,
                   CASE WHEN bench.is_pub(n) THEN 'published'
                        WHEN bench.h(seed * 100 + 51, n) < 0.4 THEN 'published'
                        WHEN bench.h(seed * 100 + 51, n) < 0.7 THEN 'draft'
                        WHEN bench.h(seed * 100 + 51, n) < 0.85 THEN 'processing'
                        ELSE 'archived' END AS status,
                   bench.is_pub(n) AS is_public,
                   CASE WHEN bench.h(seed * 100 + 52, n) < 0.50 THEN 'image'
                        WHEN bench.h(seed * 100 + 52, n) < 0.70 THEN 'music'
                        WHEN bench.h(seed * 100 + 52, n) < 0.85 THEN 'video'
                        WHEN bench.h(seed * 100 + 52, n) < 0.95 THEN 'text'
                        ELSE 'multimodal' END AS type,
                   bench.creation_at(seed, n) AS created_at,
                   bench.h(seed * 100 + 53, n) AS shape,
                   ARRAY(SELECT DISTINCT t.tag
                           FROM generate_series(1, 1 + floor(4 * bench.h(seed * 100 + 54, n))::int) j
                           JOIN bench.tag t ON t.rank = bench.zm(bench.h(seed * 100 + 61, n, j), 81, 2)) AS tags
              FROM generate_series(first_n, last_n) n) base
      JOIN bench.adj a ON a.rank = bench.zm(bench.h(seed * 100 + 62, n), (SELECT count(*) FROM bench.adj)::int, 3)
      JOIN bench.noun o ON o.rank = bench.zm(bench.h(seed * 100 + 63, n), (SELECT count(*) FROM bench.noun)::int, 3)
      JOIN bench.noun o2 ON o2.rank = bench.zm(bench.h(seed * 100 + 64, n), (SELECT count(*) FROM bench.noun)::int, 3)
      JOIN bench.word x ON x.rank = bench.zm(bench.h(seed * 100 + 65, n), 5000, 10)) c
  LEFT JOIN bench.like_counts lc ON lc.creation_id = bench.cid(c.n)
  LEFT JOIN bench.comment_counts cc ON cc.creation_id = bench.cid(c.n)
$fn$;

SELECT greatest(1, ceil(:nc / 100000.0))::int AS nbatch, ceil(:nc / greatest(1, ceil(:nc / 100000.0)))::int AS bsize \gset
\pset tuples_only on
\pset format unaligned
SELECT format('SELECT ''[gen] creations %s/%s'' FROM bench.gen_creations(%s, %s, %s, %s)',
              least(:nc, b * :bsize), :nc, :s, :nu, (b - 1) * :bsize + 1, least(:nc, b * :bsize))
  FROM generate_series(1, :nbatch) b \gexec
\pset tuples_only off
\pset format aligned
DROP TABLE bench.like_counts, bench.comment_counts;

-- The vocabulary typo correction reads (its trigger was off).
\echo [gen] search_terms
INSERT INTO arcanea.search_terms (term)
SELECT DISTINCT w
  FROM public.creations c,
       regexp_split_to_table(lower(coalesce(c.title, '') || ' ' || array_to_string(c.tags, ' ') || ' '
                                   || coalesce(c.description, '')), '[^[:alnum:]]+') AS w
 WHERE c.status = 'published' AND c.is_public AND char_length(w) BETWEEN 3 AND 30
ON CONFLICT (term) DO NOTHING;

-- ---------------------------------------------------------------------------
-- profiles, with their counters
-- ---------------------------------------------------------------------------
\echo [gen] profiles
CREATE UNLOGGED TABLE bench.owner_counts AS
SELECT user_id, count(*)::int AS cnt FROM public.creations WHERE status = 'published' GROUP BY user_id;
CREATE UNLOGGED TABLE bench.follower_counts AS
SELECT following_id AS user_id, count(*)::int AS cnt FROM public.follows GROUP BY following_id;
CREATE UNLOGGED TABLE bench.following_counts AS
SELECT follower_id AS user_id, count(*)::int AS cnt FROM public.follows GROUP BY follower_id;
ANALYZE bench.owner_counts, bench.follower_counts, bench.following_counts;
INSERT INTO public.profiles
    (id, username, display_name, avatar_url, bio, arcanean_id, tier, subscription_status,
     creation_count, follower_count, following_count, is_active, is_verified, created_at, updated_at)
SELECT bench.uid(n), 'user_' || n, 'User ' || n, 'https://cdn.arcanea.test/avatars/' || n || '.webp',
       s.text, 'ARC-' || lpad(n::text, 6, '0'),
       CASE WHEN t < 0.85 THEN 'explorer' WHEN t < 0.97 THEN 'creator' ELSE 'realm_builder' END,
       CASE WHEN t >= 0.85 THEN 'active' END,
       coalesce(oc.cnt, 0), coalesce(fc.cnt, 0), coalesce(gc.cnt, 0), true, n <= 5,
       at, at
  FROM (SELECT n, bench.h(:s * 100 + 71, n) AS t,
               bench.t0() - interval '800 days' * bench.h(:s * 100 + 1, n) AS at
          FROM generate_series(1, :nu) n) p
  JOIN bench.sentence s ON s.k = 1 + n % 4000
  LEFT JOIN bench.owner_counts oc ON oc.user_id = bench.uid(n)
  LEFT JOIN bench.follower_counts fc ON fc.user_id = bench.uid(n)
  LEFT JOIN bench.following_counts gc ON gc.user_id = bench.uid(n);
DROP TABLE bench.owner_counts, bench.follower_counts, bench.following_counts;
SELECT setval('arcanea.arcanean_id_seq', :nu);
-- Their private rows (triggers are off here).
-- A quarter of them share their presence with their followers.
INSERT INTO public.profile_private (id, preferences, onboarding_completed, onboarding_step, last_active_at,
                                    share_presence)
SELECT bench.uid(n), '{}', true, 5, bench.t0() - interval '30 days' * bench.h(:s * 100 + 72, n),
       bench.h(:s * 100 + 73, n) < 0.25
  FROM generate_series(1, :nu) n;

-- ---------------------------------------------------------------------------
-- Luminor conversations and messages (messages first: they give the
-- conversations their counters); relationships for each (user, Luminor).
-- ---------------------------------------------------------------------------
-- Monthly partitions for the generated history and the months ahead, as a
-- database whose daily job ran arcanea.ensure_partitions() all along has
-- them (sql/77_partitions.sql): messages span t0 - 365 days to t0 + 30
-- days, notifications t0 - 90 days to t0.
\echo [gen] partitions
SELECT count(arcanea.create_month_partition(t::regclass, m))
  FROM unnest(ARRAY['public.luminor_messages', 'public.notifications']) t,
       generate_series(bench.t0() - interval '365 days', bench.t0() + interval '31 days', interval '1 month') m
 WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i
                    WHERE i.inhparent = t::regclass
                      AND (arcanea.partition_bounds(i.inhrelid::regclass)).lower_bound
                          = date_trunc('month', m AT TIME ZONE 'UTC') AT TIME ZONE 'UTC');
SELECT count(*) FROM arcanea.ensure_partitions();

\echo [gen] luminor_messages
INSERT INTO public.luminor_messages
    (id, conversation_id, user_id, role, content, model, tokens, cost, user_rating, created_at)
SELECT md5('g' || i)::uuid, bench.vid(v), bench.uid(bench.conv_user(v, :nu)),
       CASE WHEN assistant THEN 'assistant' ELSE 'user' END, s.text,
       CASE WHEN assistant THEN 'gpt-4o' END,
       CASE WHEN assistant THEN 50 + i % 800 END,
       CASE WHEN assistant THEN round((50 + i % 800) * 0.00001, 6) END,
       CASE WHEN assistant AND bench.h(:s * 100 + 84, i) < 0.05 THEN 1 + i % 5 END,
       bench.conversation_at(:s, v) + interval '30 days' * bench.h(:s * 100 + 83, i)
  FROM (SELECT i, 1 + least(:nv - 1, floor(:nv * power(bench.h(:s * 100 + 81, i), 2))::int) AS v,
               bench.h(:s * 100 + 82, i) < 0.5 AS assistant
          FROM generate_series(1, :nm) i) m
  JOIN bench.sentence s ON s.k = 1 + floor(4000 * bench.h(:s * 100 + 85, i))::int;

\echo [gen] luminor_conversations
CREATE UNLOGGED TABLE bench.message_counts AS
SELECT conversation_id, count(*)::int AS cnt, max(created_at) AS last_at FROM public.luminor_messages GROUP BY 1;
ANALYZE bench.message_counts;
INSERT INTO public.luminor_conversations
    (id, user_id, luminor_id, title, session_id, context, is_active, is_archived, message_count,
     created_at, updated_at, last_message_at)
SELECT bench.vid(v), bench.uid(bench.conv_user(v, :nu)), bench.lum(bench.conv_lum(v)),
       'Chat with ' || (ARRAY['Lumina', 'Harmonix', 'Kinetix'])[bench.conv_lum(v)], 'bench-' || v, '{}',
       NOT archived, archived, coalesce(mc.cnt, 0),
       bench.conversation_at(:s, v), bench.conversation_at(:s, v), mc.last_at
  FROM (SELECT v, bench.h(:s * 100 + 86, v) < 0.08 AS archived FROM generate_series(1, :nv) v) c
  LEFT JOIN bench.message_counts mc ON mc.conversation_id = bench.vid(v);
DROP TABLE bench.message_counts;

\echo [gen] luminor_relationships
INSERT INTO public.luminor_relationships
    (id, user_id, luminor_id, bond_level, bond_xp, total_interactions, created_at, updated_at, last_interaction_at)
SELECT md5('r' || u || ':' || k)::uuid, bench.uid(u), bench.lum(k), lvl,
       floor(bench.h(:s * 100 + 92, u, k) * floor(100 * power(lvl, 1.5)))::int,
       floor(200 * bench.h(:s * 100 + 93, u, k))::int,
       bench.t0() - interval '365 days', bench.t0() - interval '1 day', bench.t0() - interval '1 day'
  FROM (SELECT DISTINCT bench.conv_user(v, :nu) AS u, bench.conv_lum(v) AS k
          FROM generate_series(1, :nv) v) r
 CROSS JOIN LATERAL (SELECT 1 + floor(4 * bench.h(:s * 100 + 91, r.u, r.k))::int AS lvl) l;

-- ---------------------------------------------------------------------------
-- notifications: skewed to low user numbers, 70% read
-- ---------------------------------------------------------------------------
\echo [gen] notifications
INSERT INTO public.notifications (id, user_id, type, title, message, action_url, metadata, is_read, created_at, read_at)
SELECT md5('n' || i)::uuid, bench.uid(u), t.type, t.title, NULL, '/notifications', '{}',
       is_read, at, CASE WHEN is_read THEN at + interval '1 hour' END
  FROM (SELECT i, 1 + least(:nu - 1, floor(:nu * power(bench.h(:s * 100 + 101, i), 2))::int) AS u,
               1 + floor(6 * bench.h(:s * 100 + 102, i))::int AS kind,
               bench.h(:s * 100 + 103, i) < 0.7 AS is_read,
               bench.t0() - interval '90 days' * bench.h(:s * 100 + 104, i) AS at
          FROM generate_series(1, :nn) i) n
  JOIN (VALUES (1, 'creation_liked', 'Someone liked your creation'),
               (2, 'creation_commented', 'Someone commented on your creation'),
               (3, 'new_follower', 'You have a new follower'),
               (4, 'comment_reply', 'Someone replied to your comment'),
               (5, 'mention', 'You were mentioned in a comment'),
               (6, 'system_announcement', 'News from Arcanea')) t(kind, type, title) USING (kind);

-- ---------------------------------------------------------------------------
-- Check: every counter was written right, except the three luminors'.
-- ---------------------------------------------------------------------------
\echo [gen] arcanea.recount_counters() (expect fixes on luminors only)
SELECT * FROM arcanea.recount_counters();
-- The rows went in with triggers off: the materialised feeds (0.2.0 on) are
-- built from them, as the upgrade builds them.
SELECT to_regprocedure('arcanea.rebuild_feed_timelines()') IS NOT NULL AS has_feeds \gset
\if :has_feeds
\echo [gen] arcanea.rebuild_feed_timelines()
SELECT * FROM arcanea.rebuild_feed_timelines();
\endif
SELECT to_regprocedure('arcanea.refresh_search_leaders()') IS NOT NULL AS has_leaders \gset
\if :has_leaders
\echo [gen] arcanea.refresh_search_leaders()
SELECT * FROM arcanea.refresh_search_leaders();
\endif
UPDATE bench.meta SET value = 'true' WHERE key = 'complete';
RESET session_replication_role;

\echo [gen] VACUUM ANALYZE
VACUUM ANALYZE;
SELECT 'profiles' AS "table", count(*) FROM public.profiles
UNION ALL SELECT 'creations', count(*) FROM public.creations
UNION ALL SELECT 'creations published+public', count(*) FROM public.creations WHERE status = 'published' AND is_public
UNION ALL SELECT 'likes', count(*) FROM public.likes
UNION ALL SELECT 'follows', count(*) FROM public.follows
UNION ALL SELECT 'comments', count(*) FROM public.comments
UNION ALL SELECT 'luminor_conversations', count(*) FROM public.luminor_conversations
UNION ALL SELECT 'luminor_messages', count(*) FROM public.luminor_messages
UNION ALL SELECT 'luminor_relationships', count(*) FROM public.luminor_relationships
UNION ALL SELECT 'notifications', count(*) FROM public.notifications
UNION ALL SELECT 'search_terms', count(*) FROM arcanea.search_terms;
