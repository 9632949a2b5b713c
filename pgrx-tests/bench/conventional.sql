-- pgrx-tests/bench/conventional.sql: the conventional write reference
-- (issue 14).  toggle_like, follow_user and add_message_to_conversation as a
-- competent Supabase team writes them by hand: PL/pgSQL RPCs that take the
-- caller from auth.uid() (the JWT's `sub`), plain counter triggers
-- (UPDATE parent SET n = n + 1) and one notification row per like and per
-- follow; no rate limits, no notification grouping, no partitions.  They
-- work on their own copy of the tables, in schema `conventional`, holding
-- the benchmark's rows from `public` at the moment this script runs.
--
-- Security: the RPCs are SECURITY INVOKER (Supabase's default and advice)
-- under row-level security with the usual `(select auth.uid())` policies;
-- the triggers, which write other users' rows (counters, notifications),
-- are SECURITY DEFINER, as in Supabase's own examples.  Every function pins
-- `search_path = ''`, as Supabase's database linter asks.
--
-- Run by scripts/bench.sh, as a superuser, after the data set is generated
-- (and again whenever this file changes: bench.meta's `conventional` key
-- holds the hash of the copy it made).  Rerunning it starts over.  The rows
-- are copied before any index, key or trigger exists; the foreign keys are
-- NOT VALID because the rows come from tables that enforce the same keys
-- (they are enforced on every new row all the same), which saves a scan of
-- every referencing table at scale 1.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
DROP SCHEMA IF EXISTS conventional CASCADE;
CREATE SCHEMA conventional;

-- ---------------------------------------------------------------------------
-- Tables: public's columns, defaults and CHECK constraints, and its fill
-- factors (the counter updates stay HOT as often as on our side, so that
-- storage settings are not what the comparison measures).
-- ---------------------------------------------------------------------------
CREATE TABLE conventional.profiles (LIKE public.profiles INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 85);
CREATE TABLE conventional.creations (LIKE public.creations INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 85);
CREATE TABLE conventional.likes (LIKE public.likes INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
CREATE TABLE conventional.follows (LIKE public.follows INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
CREATE TABLE conventional.luminors (LIKE public.luminors INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
CREATE TABLE conventional.luminor_conversations (LIKE public.luminor_conversations INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 85);
CREATE TABLE conventional.luminor_messages (LIKE public.luminor_messages INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
CREATE TABLE conventional.luminor_relationships (LIKE public.luminor_relationships INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 85);
CREATE TABLE conventional.notifications (LIKE public.notifications INCLUDING DEFAULTS INCLUDING CONSTRAINTS);

INSERT INTO conventional.profiles SELECT * FROM public.profiles;
INSERT INTO conventional.creations SELECT * FROM public.creations;
INSERT INTO conventional.likes SELECT * FROM public.likes;
INSERT INTO conventional.follows SELECT * FROM public.follows;
INSERT INTO conventional.luminors SELECT * FROM public.luminors;
INSERT INTO conventional.luminor_conversations SELECT * FROM public.luminor_conversations;
INSERT INTO conventional.luminor_messages SELECT * FROM public.luminor_messages;
INSERT INTO conventional.luminor_relationships SELECT * FROM public.luminor_relationships;
INSERT INTO conventional.notifications SELECT * FROM public.notifications;

-- ---------------------------------------------------------------------------
-- Keys and indexes: a primary key on id everywhere, the natural unique
-- keys, and the spec's lookup indexes.  Not ours: partition keys, the
-- feed's and search's partial indexes, the notification grouping and
-- erasure indexes, the composite keys that prove ownership.
-- ---------------------------------------------------------------------------
ALTER TABLE conventional.profiles ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON conventional.profiles (username);
CREATE UNIQUE INDEX ON conventional.profiles (arcanean_id);
CREATE INDEX ON conventional.profiles (tier);
CREATE INDEX ON conventional.profiles (created_at DESC);

ALTER TABLE conventional.creations ADD PRIMARY KEY (id);
CREATE INDEX ON conventional.creations (user_id);
CREATE INDEX ON conventional.creations (type);
CREATE INDEX ON conventional.creations (status, is_public);
CREATE INDEX ON conventional.creations (created_at DESC);
CREATE INDEX ON conventional.creations USING gin (tags);
CREATE INDEX ON conventional.creations (is_featured, is_public);

ALTER TABLE conventional.likes ADD PRIMARY KEY (id);
ALTER TABLE conventional.likes ADD UNIQUE (user_id, creation_id);
CREATE INDEX ON conventional.likes (user_id, created_at DESC);
CREATE INDEX ON conventional.likes (creation_id, created_at DESC);
CREATE INDEX ON conventional.likes (created_at DESC);

ALTER TABLE conventional.follows ADD PRIMARY KEY (id);
ALTER TABLE conventional.follows ADD UNIQUE (follower_id, following_id);
CREATE INDEX ON conventional.follows (follower_id, created_at DESC);
CREATE INDEX ON conventional.follows (following_id, created_at DESC);

ALTER TABLE conventional.luminors ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON conventional.luminors (slug);

ALTER TABLE conventional.luminor_conversations ADD PRIMARY KEY (id);
CREATE INDEX ON conventional.luminor_conversations (user_id);
CREATE INDEX ON conventional.luminor_conversations (luminor_id);
CREATE INDEX ON conventional.luminor_conversations (session_id);
CREATE INDEX ON conventional.luminor_conversations (user_id, is_active);

ALTER TABLE conventional.luminor_messages ADD PRIMARY KEY (id);
CREATE INDEX ON conventional.luminor_messages (conversation_id, created_at DESC);
CREATE INDEX ON conventional.luminor_messages (created_at DESC);
CREATE INDEX ON conventional.luminor_messages (user_id);

ALTER TABLE conventional.luminor_relationships ADD PRIMARY KEY (id);
ALTER TABLE conventional.luminor_relationships ADD UNIQUE (user_id, luminor_id);
CREATE INDEX ON conventional.luminor_relationships (bond_level DESC);
CREATE INDEX ON conventional.luminor_relationships (luminor_id);

ALTER TABLE conventional.notifications ADD PRIMARY KEY (id);
CREATE INDEX ON conventional.notifications (user_id, created_at DESC);
CREATE INDEX ON conventional.notifications (user_id, is_read) WHERE NOT is_read;
CREATE INDEX ON conventional.notifications (created_at DESC);

ALTER TABLE conventional.profiles
    ADD FOREIGN KEY (id) REFERENCES auth.users (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE conventional.creations
    ADD FOREIGN KEY (user_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE conventional.likes
    ADD FOREIGN KEY (user_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID,
    ADD FOREIGN KEY (creation_id) REFERENCES conventional.creations (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE conventional.follows
    ADD FOREIGN KEY (follower_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID,
    ADD FOREIGN KEY (following_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE conventional.luminor_conversations
    ADD FOREIGN KEY (user_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID,
    ADD FOREIGN KEY (luminor_id) REFERENCES conventional.luminors (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE conventional.luminor_messages
    ADD FOREIGN KEY (conversation_id) REFERENCES conventional.luminor_conversations (id) ON DELETE CASCADE NOT VALID,
    ADD FOREIGN KEY (user_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE conventional.luminor_relationships
    ADD FOREIGN KEY (user_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID,
    ADD FOREIGN KEY (luminor_id) REFERENCES conventional.luminors (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE conventional.notifications
    ADD FOREIGN KEY (user_id) REFERENCES conventional.profiles (id) ON DELETE CASCADE NOT VALID;

-- ---------------------------------------------------------------------------
-- Privileges and row-level security, as a Supabase project has them: the
-- API roles hold every table privilege (Supabase's default privileges) and
-- the policies decide.
-- ---------------------------------------------------------------------------
GRANT USAGE ON SCHEMA conventional TO anon, authenticated, service_role;
GRANT ALL ON ALL TABLES IN SCHEMA conventional TO anon, authenticated, service_role;

ALTER TABLE conventional.profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "profiles are public" ON conventional.profiles FOR SELECT USING (true);
CREATE POLICY "users update their profile" ON conventional.profiles FOR UPDATE TO authenticated
    USING (id = (select auth.uid())) WITH CHECK (id = (select auth.uid()));

ALTER TABLE conventional.creations ENABLE ROW LEVEL SECURITY;
CREATE POLICY "published public creations and one's own" ON conventional.creations FOR SELECT
    USING ((status = 'published' AND is_public) OR user_id = (select auth.uid()));
CREATE POLICY "users write their creations" ON conventional.creations FOR ALL TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));

ALTER TABLE conventional.likes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "likes are public" ON conventional.likes FOR SELECT USING (true);
CREATE POLICY "users like as themselves" ON conventional.likes FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid()));
CREATE POLICY "users remove their likes" ON conventional.likes FOR DELETE TO authenticated
    USING (user_id = (select auth.uid()));

ALTER TABLE conventional.follows ENABLE ROW LEVEL SECURITY;
CREATE POLICY "follows are public" ON conventional.follows FOR SELECT USING (true);
CREATE POLICY "users follow as themselves" ON conventional.follows FOR INSERT TO authenticated
    WITH CHECK (follower_id = (select auth.uid()));
CREATE POLICY "users remove their follows" ON conventional.follows FOR DELETE TO authenticated
    USING (follower_id = (select auth.uid()));

ALTER TABLE conventional.luminors ENABLE ROW LEVEL SECURITY;
CREATE POLICY "active public luminors" ON conventional.luminors FOR SELECT USING (is_active AND is_public);

ALTER TABLE conventional.luminor_conversations ENABLE ROW LEVEL SECURITY;
CREATE POLICY "users own their conversations" ON conventional.luminor_conversations FOR ALL TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));

ALTER TABLE conventional.luminor_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY "users read their messages" ON conventional.luminor_messages FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "users write in their conversations" ON conventional.luminor_messages FOR INSERT TO authenticated
    WITH CHECK (user_id = (select auth.uid())
                AND EXISTS (SELECT 1 FROM conventional.luminor_conversations c
                             WHERE c.id = conversation_id AND c.user_id = (select auth.uid())));

ALTER TABLE conventional.luminor_relationships ENABLE ROW LEVEL SECURITY;
CREATE POLICY "users read their bonds" ON conventional.luminor_relationships FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));

ALTER TABLE conventional.notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY "users read their notifications" ON conventional.notifications FOR SELECT TO authenticated
    USING (user_id = (select auth.uid()));
CREATE POLICY "users mark their notifications" ON conventional.notifications FOR UPDATE TO authenticated
    USING (user_id = (select auth.uid())) WITH CHECK (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------
-- Triggers: counters and notifications.
-- ---------------------------------------------------------------------------
CREATE FUNCTION conventional.likes_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE conventional.creations SET like_count = like_count + 1 WHERE id = NEW.creation_id;
    ELSE
        UPDATE conventional.creations SET like_count = like_count - 1 WHERE id = OLD.creation_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_count AFTER INSERT OR DELETE ON conventional.likes
    FOR EACH ROW EXECUTE FUNCTION conventional.likes_count();

CREATE FUNCTION conventional.likes_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    INSERT INTO conventional.notifications (user_id, type, title, message, action_url, metadata)
    SELECT c.user_id, 'creation_liked', coalesce(p.username, 'someone') || ' liked your creation', c.title,
           '/creations/' || c.id,
           jsonb_build_object('actor_id', NEW.user_id, 'actor_username', p.username, 'creation_id', c.id)
      FROM conventional.creations c
      LEFT JOIN conventional.profiles p ON p.id = NEW.user_id
     WHERE c.id = NEW.creation_id AND c.user_id <> NEW.user_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_notify AFTER INSERT ON conventional.likes
    FOR EACH ROW EXECUTE FUNCTION conventional.likes_notify();

-- Both profiles in one UPDATE: its index scan locks the two rows in id
-- order, so A following B while B follows A cannot deadlock (two UPDATEs,
-- followed then follower, could).
CREATE FUNCTION conventional.follows_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    d integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
    f conventional.follows := CASE TG_OP WHEN 'INSERT' THEN NEW ELSE OLD END;
BEGIN
    UPDATE conventional.profiles
       SET follower_count = follower_count + CASE WHEN id = f.following_id THEN d ELSE 0 END,
           following_count = following_count + CASE WHEN id = f.follower_id THEN d ELSE 0 END
     WHERE id IN (f.follower_id, f.following_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_count AFTER INSERT OR DELETE ON conventional.follows
    FOR EACH ROW EXECUTE FUNCTION conventional.follows_count();

CREATE FUNCTION conventional.follows_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    INSERT INTO conventional.notifications (user_id, type, title, action_url, metadata)
    SELECT NEW.following_id, 'new_follower', coalesce(p.username, 'someone') || ' started following you',
           '/u/' || p.username, jsonb_build_object('actor_id', NEW.follower_id, 'actor_username', p.username)
      FROM conventional.profiles p WHERE p.id = NEW.follower_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_notify AFTER INSERT ON conventional.follows
    FOR EACH ROW EXECUTE FUNCTION conventional.follows_notify();

-- A message moves its conversation's counters; a user's message also the
-- Luminor's interaction count and the bond (10 XP, a level when the XP
-- pays for it: the spec's floor(100 * level^1.5), up to level 10).
CREATE FUNCTION conventional.messages_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
    luminor uuid;
    lvl integer;
    xp integer;
    cost integer;
BEGIN
    UPDATE conventional.luminor_conversations
       SET message_count = message_count + 1, last_message_at = NEW.created_at
     WHERE id = NEW.conversation_id
    RETURNING luminor_id INTO luminor;
    IF NEW.role = 'user' THEN
        UPDATE conventional.luminors SET interaction_count = interaction_count + 1 WHERE id = luminor;
        INSERT INTO conventional.luminor_relationships AS r
               (user_id, luminor_id, bond_xp, total_interactions, last_interaction_at)
        VALUES (NEW.user_id, luminor, 10, 1, now())
        ON CONFLICT (user_id, luminor_id) DO UPDATE
           SET bond_xp = r.bond_xp + 10, total_interactions = r.total_interactions + 1, last_interaction_at = now()
        RETURNING bond_level, bond_xp INTO lvl, xp;
        cost := floor(100 * lvl ^ 1.5);
        IF lvl < 10 AND xp >= cost THEN
            UPDATE conventional.luminor_relationships SET bond_level = lvl + 1, bond_xp = xp - cost
             WHERE user_id = NEW.user_id AND luminor_id = luminor;
            INSERT INTO conventional.notifications (user_id, type, title, metadata)
            VALUES (NEW.user_id, 'bond_level_up', 'Your bond reached level ' || lvl + 1,
                    jsonb_build_object('luminor_id', luminor, 'bond_level', lvl + 1));
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_count AFTER INSERT ON conventional.luminor_messages
    FOR EACH ROW EXECUTE FUNCTION conventional.messages_count();

-- A new bond counts one more user for its Luminor.
CREATE FUNCTION conventional.relationships_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    UPDATE conventional.luminors SET user_count = user_count + 1 WHERE id = NEW.luminor_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER relationships_count AFTER INSERT ON conventional.luminor_relationships
    FOR EACH ROW EXECUTE FUNCTION conventional.relationships_count();

-- ---------------------------------------------------------------------------
-- The RPCs (POST /rpc/<name> with the schema in Content-Profile).  They
-- return what ours return, so that both sides do the same work.
-- ---------------------------------------------------------------------------

-- Like a creation the caller can see, or unlike it.  {liked, like_count}.
-- ON CONFLICT DO NOTHING: a double click racing itself is not an error.
CREATE FUNCTION conventional.toggle_like(creation uuid) RETURNS jsonb
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
    me uuid := auth.uid();
    liked boolean := true;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'sign in first' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM conventional.creations c WHERE c.id = creation) THEN
        RAISE EXCEPTION 'creation not found' USING ERRCODE = 'P0002';
    END IF;
    DELETE FROM conventional.likes l WHERE l.user_id = me AND l.creation_id = creation;
    IF FOUND THEN
        liked := false;
    ELSE
        INSERT INTO conventional.likes (user_id, creation_id) VALUES (me, creation)
        ON CONFLICT (user_id, creation_id) DO NOTHING;
    END IF;
    RETURN (SELECT jsonb_build_object('liked', liked, 'like_count', c.like_count)
              FROM conventional.creations c WHERE c.id = creation);
END
$$;

-- Follow a user (idempotent).  {following, follower_count, following_count}.
-- An unknown target fails on the foreign key.
CREATE FUNCTION conventional.follow_user(target uuid) RETURNS jsonb
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
    me uuid := auth.uid();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'sign in first' USING ERRCODE = '42501';
    END IF;
    IF target = me THEN
        RAISE EXCEPTION 'you cannot follow yourself' USING ERRCODE = '22023';
    END IF;
    INSERT INTO conventional.follows (follower_id, following_id) VALUES (me, target)
    ON CONFLICT (follower_id, following_id) DO NOTHING;
    RETURN (SELECT jsonb_build_object('following', true, 'follower_count', t.follower_count,
                                      'following_count', f.following_count)
              FROM conventional.profiles t, conventional.profiles f
             WHERE t.id = target AND f.id = me);
END
$$;

-- Add a message to one of the caller's conversations (the insert policy
-- checks the conversation is theirs); only the service role speaks for
-- the Luminor.  The trigger does the counters and the bond.
CREATE FUNCTION conventional.add_message_to_conversation(conversation uuid, content text, role text DEFAULT 'user')
RETURNS conventional.luminor_messages
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
    me uuid := auth.uid();
    msg conventional.luminor_messages;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'sign in first' USING ERRCODE = '42501';
    END IF;
    IF add_message_to_conversation.role <> 'user' AND auth.role() IS DISTINCT FROM 'service_role' THEN
        RAISE EXCEPTION 'only the service role may add assistant or system messages' USING ERRCODE = '42501';
    END IF;
    IF coalesce(char_length(btrim(add_message_to_conversation.content)), 0) NOT BETWEEN 1 AND 32000 THEN
        RAISE EXCEPTION 'content must be 1 to 32000 characters' USING ERRCODE = '22023';
    END IF;
    INSERT INTO conventional.luminor_messages (conversation_id, user_id, role, content)
    VALUES (conversation, me, add_message_to_conversation.role, add_message_to_conversation.content)
    RETURNING * INTO msg;
    RETURN msg;
END
$$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA conventional TO anon, authenticated, service_role;
COMMIT;

VACUUM ANALYZE conventional.profiles, conventional.creations, conventional.likes, conventional.follows,
    conventional.luminors, conventional.luminor_conversations, conventional.luminor_messages,
    conventional.luminor_relationships, conventional.notifications;
