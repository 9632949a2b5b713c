-- pgrx-tests/bench/heavy_user.sql: one heavy account on top of the
-- benchmark data set, for privacy_timing.sh.  Written the way the app
-- writes (triggers on: counters, notifications and search terms follow),
-- as the superuser (no rate limit applies).
--
--   psql -v uid=UUID -v username=NAME -v avatar=URL -v likes=N -v followers=N \
--        -v creations=N -v comments=N -f heavy_user.sql   (a database made by generate.sql)
--
-- The account signs up, publishes :creations creations (each with a file in
-- the creations bucket, and one word no other creation uses) before anyone
-- follows it, so that they notify nobody; then it likes :likes published
-- creations of others, writes :comments comments on them (every tenth
-- mentions a user), follows 2,000 accounts, is followed by :followers,
-- is mentioned in 500 other users' comments, and talks to the Luminors
-- (20 conversations of 50 messages).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT value::bigint AS nu, (SELECT value::bigint FROM bench.meta WHERE key = 'nc') AS nc
  FROM bench.meta WHERE key = 'nu' \gset

INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES (:'uid', :'username' || '@heavy.example', jsonb_build_object('username', :'username'));
UPDATE public.profiles SET avatar_url = :'avatar', display_name = 'Heavy Eraser', bio = 'Here to be erased.'
 WHERE id = :'uid';
UPDATE public.profile_private SET preferences = '{"theme": "dark"}', share_presence = true WHERE id = :'uid';
INSERT INTO storage.objects (bucket_id, name, owner) VALUES ('avatars', :'uid' || '/avatar.png', :'uid');

-- Its creations: published, public, each with a word of its own.
INSERT INTO public.creations (id, user_id, title, description, type, status, is_public, tags, published_at)
SELECT md5('heavy-c' || i)::uuid, :'uid', 'heavyword' || i || ' lantern', 'An erasable lantern number ' || i,
       'image', 'published', true, ARRAY['erasure'], now() - i * interval '1 minute'
  FROM generate_series(1, :creations) i;
INSERT INTO storage.objects (bucket_id, name, owner)
SELECT 'creations', :'uid' || '/' || md5('heavy-c' || i)::uuid || '.png', :'uid'
  FROM generate_series(1, :creations) i;

-- Likes of others' published creations (creation n is published and public
-- iff bench.is_pub(n)).
INSERT INTO public.likes (user_id, creation_id)
SELECT :'uid', bench.cid(n)
  FROM generate_series(1, :nc) n
 WHERE bench.is_pub(n)
 LIMIT :likes;

-- Comments on some of them; every tenth mentions user 7.
INSERT INTO public.comments (user_id, creation_id, content)
SELECT :'uid', bench.cid(n),
       CASE WHEN n % 10 = 1 THEN 'Look at this, @' || (SELECT username FROM public.profiles WHERE id = bench.uid(7))
            ELSE 'Lovely work ' || n END
  FROM generate_series(1, :nc) n
 WHERE bench.is_pub(n)
 LIMIT :comments;

-- Follows: it follows 2,000 accounts, :followers accounts follow it.
INSERT INTO public.follows (follower_id, following_id)
SELECT :'uid', bench.uid(n) FROM generate_series(1, least(2000, :nu)) n;
INSERT INTO public.follows (follower_id, following_id)
SELECT bench.uid(n), :'uid' FROM generate_series(1, least(:followers, :nu)) n;

-- Others mention it (on its creations and elsewhere), in several spellings.
INSERT INTO public.comments (user_id, creation_id, content)
SELECT bench.uid(n + 1), CASE WHEN n % 2 = 0 THEN md5('heavy-c' || (1 + n % :creations))::uuid ELSE bench.cid(10 * n + 1) END,
       CASE n % 3 WHEN 0 THEN 'Thanks @' || :'username' || '!'
                  WHEN 1 THEN '@' || upper(:'username') || ' and @' || :'username' || ', see this'
                  ELSE 'cc (@' || :'username' || '). More soon.' END
  FROM generate_series(1, 500) n;

-- Conversations with the Luminors.
INSERT INTO public.luminor_conversations (id, user_id, luminor_id, title, session_id)
SELECT md5('heavy-v' || v)::uuid, :'uid', bench.lum(1 + v % 3), 'Chat ' || v, 'heavy-' || v
  FROM generate_series(1, 20) v;
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content)
SELECT md5('heavy-v' || v)::uuid, :'uid', CASE WHEN m % 2 = 0 THEN 'user' ELSE 'assistant' END,
       'Message ' || m || ' of chat ' || v
  FROM generate_series(1, 20) v, generate_series(1, 50) m;
ANALYZE;
