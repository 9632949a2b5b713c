-- pgrx-tests/shell/crash/setup.sql: the bookkeeping schema of
-- pgrx-tests/shell/crash_safety.sh (run once, as superuser, right after
-- CREATE EXTENSION arcanea in the throwaway cluster).
--
-- Every operation of the load is a row of crash.ops, numbered per round and
-- client; what it writes is derived from (round, client, n) alone, so its
-- effect can be looked up after a crash.  crash.committed holds the ops whose
-- COMMIT returned (the clients' `\echo committed N` lines), crash.op_state
-- says for every op whether it was logged and whether its effect exists.
--
-- psql variable: targets (how many followed users / published creations).

CREATE SCHEMA crash;

-- Ids: one hex prefix per kind of row, then a number.
CREATE FUNCTION crash.id(prefix text, n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
    SELECT (prefix || '0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid
$$;
-- The user acting as client c in round r (each round has fresh actors).
CREATE FUNCTION crash.actor(r int, c int) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT crash.id('a', r * 100 + c) $$;
-- Followed users, each owning one published creation (liked and commented).
CREATE FUNCTION crash.target(k int) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT crash.id('b', k) $$;
CREATE FUNCTION crash.post(k int) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT crash.id('c', k) $$;
-- The actor's drafts (published by the load) and conversation with Lumina.
CREATE FUNCTION crash.draft(r int, c int, k int) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT crash.id('d', r * 10000000::bigint + c * 100000 + k) $$;
CREATE FUNCTION crash.conversation(r int, c int) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT crash.id('e', r * 100 + c) $$;

CREATE TABLE crash.ops (
    round  int  NOT NULL,
    client int  NOT NULL,
    n      int  NOT NULL,            -- 1.. in the order the client runs them
    kind   text NOT NULL,            -- like, follow, comment, message, publish
    k      int  NOT NULL,            -- which target / post / draft
    label  text NOT NULL,            -- unique content of a comment or message
    PRIMARY KEY (round, client, n)
);
CREATE TABLE crash.committed (
    round  int NOT NULL,
    client int NOT NULL,
    n      int NOT NULL,
    PRIMARY KEY (round, client, n)
);

CREATE VIEW crash.op_state AS
SELECT o.round, o.client, o.n, o.kind, o.label,
       c.n IS NOT NULL AS logged,
       CASE o.kind
           WHEN 'like' THEN EXISTS (
               SELECT 1 FROM public.likes l
                WHERE l.user_id = crash.actor(o.round, o.client) AND l.creation_id = crash.post(o.k))
           WHEN 'follow' THEN EXISTS (
               SELECT 1 FROM public.follows f
                WHERE f.follower_id = crash.actor(o.round, o.client) AND f.following_id = crash.target(o.k))
           WHEN 'comment' THEN EXISTS (
               SELECT 1 FROM public.comments m
                WHERE m.creation_id = crash.post(o.k) AND m.user_id = crash.actor(o.round, o.client)
                  AND m.content = o.label)
           WHEN 'message' THEN EXISTS (
               SELECT 1 FROM public.luminor_messages m
                WHERE m.conversation_id = crash.conversation(o.round, o.client) AND m.content = o.label)
           WHEN 'publish' THEN EXISTS (
               SELECT 1 FROM public.creations d
                WHERE d.id = crash.draft(o.round, o.client, o.k) AND d.status = 'published')
       END AS present
  FROM crash.ops o
  LEFT JOIN crash.committed c USING (round, client, n);

-- The shared targets: users who are followed and own the creations that are
-- liked and commented on (signed up through auth.users: the extension's
-- trigger creates their profiles).
INSERT INTO auth.users (id, email)
SELECT crash.target(k), 'target' || k || '@crash.test' FROM generate_series(1, :targets) k;
INSERT INTO public.creations (id, user_id, title, type, status, published_at)
SELECT crash.post(k), crash.target(k), 'Post ' || k, 'image', 'published', now()
  FROM generate_series(1, :targets) k;
