-- ============================================================================
-- arcanea 0.1.0 -> 0.2.0                     (ALTER EXTENSION arcanea UPDATE)
-- ============================================================================
-- Every schema change of 0.2.0, for databases that run 0.1.0.  A fresh
-- CREATE EXTENSION runs the install script that pgrx generates from sql/
-- and src/; this file must bring a 0.1.0 database to exactly the same
-- catalog (pgrx-tests/shell/upgrade.sh compares the two and prints any
-- difference), and keep every row.
--
-- Rules (docs/operations.md#releasing-and-upgrading):
--   * Change the base files (sql/NN_*.sql, src/) and this script together.
--   * Runs in one transaction, as the extension's owner, with search_path
--     set to the extension's schema: qualify every name anyway.
--   * New columns go last in their table, as ALTER TABLE ADD COLUMN puts
--     them; the base CREATE TABLE lists them last too.
--   * A function written in Rust keeps its SQL signature and its symbol for
--     as long as a supported version's SQL references it: between the
--     package install and this script, the old catalog calls the new
--     arcanea.so.
--   * Say in a comment which statements take an ACCESS EXCLUSIVE lock on a
--     table that holds user data, and keep them short (no table rewrites;
--     0.2.0's one exception, partitioning two tables, is timed in
--     pgrx-tests/bench/UPGRADE_RESULTS.md).  Everything this script locks
--     stays locked until it commits.
-- ============================================================================

-- ---------------------------------------------------------------------------
-- Safe inside a Supabase database: bounded payloads, ratings only on the
-- Luminor's messages, Luminors closed when inactive, reserved usernames,
-- mentions, storage listings, API roles' time limits, and (last) exact
-- privileges.
-- ---------------------------------------------------------------------------

-- Statement timeouts for the API roles, where the extension created them:
-- on a bare PostgreSQL, where it also created auth.users.  Roles that have
-- a statement_timeout already are left alone.
DO $timeouts$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = 'auth.users'::regclass
                  AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
                  AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'arcanea')) THEN
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
                        WHERE s.setrole = 'anon'::regrole AND c LIKE 'statement\_timeout=%') THEN
            ALTER ROLE anon SET statement_timeout = '3s';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) c
                        WHERE s.setrole = 'authenticated'::regrole AND c LIKE 'statement\_timeout=%') THEN
            ALTER ROLE authenticated SET statement_timeout = '8s';
        END IF;
    END IF;
END
$timeouts$;

-- Private fields (10_tables.sql): preferences, the onboarding fields and
-- last_active_at move from profiles, where every reader could see them,
-- to profile_private, which only the owner reads.  Each profile's values
-- are copied, then the columns leave profiles: dropping a column only
-- marks it (no rewrite); profiles is ACCESS EXCLUSIVE-locked meanwhile.
CREATE TABLE public.profile_private (
    id                   uuid PRIMARY KEY REFERENCES public.profiles (id) ON DELETE CASCADE,
    preferences          jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT profile_private_preferences_object CHECK (jsonb_typeof(preferences) = 'object'),
    onboarding_completed boolean NOT NULL DEFAULT false,
    onboarding_step      integer NOT NULL DEFAULT 0
        CONSTRAINT profile_private_onboarding_step_range CHECK (onboarding_step BETWEEN 0 AND 100),
    last_active_at       timestamptz,
    -- Presence: may the people who follow this user see last_active_at
    -- (get_presence)?  Private unless the user says so.
    share_presence       boolean NOT NULL DEFAULT false,
    updated_at           timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 85);
INSERT INTO public.profile_private (id, preferences, onboarding_completed, onboarding_step, last_active_at)
SELECT p.id, p.preferences, p.onboarding_completed, p.onboarding_step, p.last_active_at FROM public.profiles p;
DROP TRIGGER profiles_touch_updated_at ON public.profiles;
ALTER TABLE public.profiles
    DROP COLUMN preferences, DROP COLUMN onboarding_completed, DROP COLUMN onboarding_step, DROP COLUMN last_active_at;
CREATE TRIGGER profiles_touch_updated_at BEFORE UPDATE OF
    username, display_name, avatar_url, bio, tier, subscription_status, stripe_customer_id,
    stripe_subscription_id, is_active, is_verified
    ON public.profiles FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE TRIGGER profile_private_touch_updated_at BEFORE UPDATE OF
    preferences, onboarding_completed, onboarding_step, share_presence
    ON public.profile_private FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE FUNCTION arcanea.profiles_make_private_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO public.profile_private (id) VALUES (NEW.id) ON CONFLICT (id) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER profiles_make_private_row AFTER INSERT ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION arcanea.profiles_make_private_row();
ALTER TABLE public.profile_private ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_private_owner ON public.profile_private FOR ALL TO authenticated
    USING (id = (SELECT auth.uid()))
    WITH CHECK (id = (SELECT auth.uid()));
SELECT pg_catalog.pg_extension_config_dump('public.profile_private', '');
ALTER TABLE public.profile_private
    ADD CONSTRAINT profile_private_preferences_size CHECK (octet_length(preferences::text) <= 8192) NOT VALID;

-- Deactivation means invisible: a deactivated account's creations,
-- follows, likes and comments leave others' reads (the policies; the feed
-- and search in their queries).
DROP POLICY creations_select ON public.creations;
CREATE POLICY creations_select ON public.creations FOR SELECT TO anon, authenticated
    USING ((status = 'published' AND is_public
            AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = creations.user_id OFFSET 0))
           OR user_id = (SELECT auth.uid()));
DROP POLICY follows_select ON public.follows;
CREATE POLICY follows_select ON public.follows FOR SELECT TO anon, authenticated
    USING (follower_id = (SELECT auth.uid())
           OR (EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = follows.follower_id OFFSET 0)
               AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = follows.following_id OFFSET 0)));
DROP POLICY likes_select ON public.likes;
CREATE POLICY likes_select ON public.likes FOR SELECT TO anon, authenticated
    USING (user_id = (SELECT auth.uid())
           OR (EXISTS (SELECT 1 FROM public.creations c WHERE c.id = likes.creation_id OFFSET 0)
               AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = likes.user_id OFFSET 0)));
-- A creation's comments by created_at, id, whatever the plan (10_tables.sql).
DROP INDEX public.idx_comments_creation_id;
CREATE INDEX idx_comments_creation_id ON public.comments (creation_id, created_at, id);
DROP POLICY comments_select ON public.comments;
CREATE POLICY comments_select ON public.comments FOR SELECT TO anon, authenticated
    USING (EXISTS (SELECT 1 FROM public.creations c WHERE c.id = comments.creation_id OFFSET 0)
           AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = comments.user_id OFFSET 0));

-- Erasure (57_erasure.sql), export and presence.  (The index on the actor
-- of notifications comes with the partitioned notifications, below.)
CREATE TABLE arcanea.storage_erasures (
    bucket_id    text NOT NULL,
    name         text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket_id, name)
);
COMMENT ON TABLE arcanea.storage_erasures IS
    'Files of erased accounts still to delete through the Storage API; see public.pending_storage_erasures().';
SELECT pg_catalog.pg_extension_config_dump('arcanea.storage_erasures', '');
CREATE FUNCTION arcanea.comments_unmention(author uuid, username text, token text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    WITH rewritten AS (
        UPDATE public.comments c
           SET content = regexp_replace(c.content, '(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])',
                                        '\1' || token, 'gi')
         WHERE c.user_id <> author
           AND c.content ILIKE '%@' || username || '%'
           AND c.content ~* ('(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])')
        RETURNING c.id)
    UPDATE public.notifications n
       SET message = regexp_replace(n.message, '(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])',
                                    '\1' || token, 'gi')
     WHERE n.type IN ('mention', 'comment_reply', 'creation_commented')   -- idx_notifications_comment
       AND n.metadata ->> 'comment_id' IN (SELECT r.id::text FROM rewritten r)
       AND n.message ~* ('(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])')
$$;
CREATE FUNCTION arcanea.profiles_erase_traces() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM public.notifications n
     WHERE n.metadata ? 'actor_id' AND n.metadata ->> 'actor_id' = OLD.id::text;
    -- Mentions are matched as arcanea.parse_mentions() finds them: not
    -- after a letter, digit or underscore, case-insensitive, the whole name.
    -- A sequential read of comments (ILIKE first: the regular expression
    -- runs only where the name occurs); erasures are rare.  Should the
    -- longer token push a comment over its length limit (23514), all of
    -- them get '@[-]', which is never longer than a mention ('@' and 3
    -- characters at least).
    BEGIN
        PERFORM arcanea.comments_unmention(OLD.id, OLD.username, '@[deleted]');
    EXCEPTION WHEN check_violation THEN
        PERFORM arcanea.comments_unmention(OLD.id, OLD.username, '@[-]');
    END;
    DELETE FROM arcanea.rate_limit_usage u
     WHERE u.subject = OLD.id::text OR u.subject LIKE OLD.id::text || '/%';
    -- The actor is the key's second field ('type:actor[:target]', written by
    -- the triggers of 30_notifications.sql): a sequential read of the groups
    -- of the last day or so, as for comments above.
    DELETE FROM arcanea.notification_groups g
     WHERE g.user_id = OLD.id OR split_part(g.group_key, ':', 2) = OLD.id::text;
    INSERT INTO arcanea.storage_erasures (bucket_id, name)
    SELECT o.bucket_id, o.name
      FROM storage.objects o
     WHERE o.bucket_id IN (SELECT b.id FROM arcanea.buckets b)
       AND o.name LIKE OLD.id::text || '/%'
    ON CONFLICT (bucket_id, name) DO NOTHING;
    RETURN OLD;
END
$$;
CREATE TRIGGER profiles_erase_traces BEFORE DELETE ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION arcanea.profiles_erase_traces();
CREATE FUNCTION arcanea.creations_release_terms() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM arcanea.search_terms t
     WHERE t.term IN (
               SELECT DISTINCT w
                 FROM gone g,
                      regexp_split_to_table(
                          lower(coalesce(g.title, '') || ' ' || array_to_string(g.tags, ' ') || ' '
                                || coalesce(g.description, '')),
                          '[^[:alnum:]]+') AS w
                WHERE g.status = 'published' AND g.is_public AND char_length(w) BETWEEN 3 AND 30)
       AND NOT EXISTS (
               SELECT 1 FROM public.creations c
                WHERE c.status = 'published' AND c.is_public
                  AND c.search_vector @@ (plainto_tsquery('pg_catalog.simple', t.term)
                                          || plainto_tsquery('pg_catalog.english', t.term)));
    RETURN NULL;
END
$$;
CREATE TRIGGER creations_release_terms AFTER DELETE ON public.creations
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_terms();
CREATE  FUNCTION "export_my_data"(
	"p_user_id" uuid DEFAULT NULL /* Option < Uuid > */
) RETURNS json /* Result < JsonDatum, ErrorReport > */
STABLE SECURITY DEFINER
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'export_my_data_wrapper';
CREATE  FUNCTION "get_presence"(
	"p_user_ids" uuid[] DEFAULT NULL /* :: std :: option :: Option < Vec < Option < Uuid > > > */
) RETURNS TABLE (
	"user_id" uuid,  /* Uuid */
	"last_active_at" timestamp with time zone  /* Option < TimestampWithTimeZone > */
)
STABLE SECURITY DEFINER
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'get_presence_wrapper';
CREATE  FUNCTION "pending_storage_erasures"() RETURNS TABLE (
	"bucket_id" TEXT,  /* String */
	"name" TEXT,  /* String */
	"requested_at" timestamp with time zone  /* TimestampWithTimeZone */
)
STRICT SECURITY DEFINER
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'pending_storage_erasures_wrapper';

-- Counters on shared rows (20_counters.sql, issue 14): events append
-- pending deltas that the writers fold into the parent rows at commit.
-- The columns keep their values (nothing is pending yet); from here on the
-- triggers below append deltas instead of updating the rows.
CREATE FUNCTION arcanea.count_slot(kind text, id uuid) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE kind WHEN 'creations' THEN 0 WHEN 'luminors' THEN 1024 WHEN 'profiles' THEN 2048 END
           + (pg_catalog.uuid_hash(id) & 1023)
$$;
-- The kind of a slot's parents: count_slot's numbering read back.
CREATE FUNCTION arcanea.count_slot_kind(s integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE s / 1024 WHEN 0 THEN 'creations' WHEN 1 THEN 'luminors' ELSE 'profiles' END
$$;
CREATE TABLE arcanea.count_fold_slots (
    slot      integer PRIMARY KEY,
    folded_at timestamptz  -- the slot's last fold at commit (fold_slot())
);
COMMENT ON TABLE arcanea.count_fold_slots IS
    'One row per fold slot of the pending counts; a folder locks its row and notes when it folded.';
INSERT INTO arcanea.count_fold_slots (slot) SELECT generate_series(0, 3071);
CREATE TRIGGER count_fold_slots_replace_seeded_row_on_restore BEFORE INSERT
    ON arcanea.count_fold_slots FOR EACH ROW EXECUTE FUNCTION arcanea.replace_seeded_row_on_restore('slot');
ALTER TABLE arcanea.count_fold_slots ENABLE ALWAYS TRIGGER count_fold_slots_replace_seeded_row_on_restore;
-- Dumped with the data (90_finalize.sql): pending deltas are part of the
-- counts.  One call per statement.
SELECT pg_catalog.pg_extension_config_dump('arcanea.count_fold_slots', '');
CREATE TABLE arcanea.creation_count_deltas (
    slot        integer NOT NULL,
    creation_id uuid    NOT NULL,
    likes       integer NOT NULL DEFAULT 0,
    comments    integer NOT NULL DEFAULT 0,
    views       integer NOT NULL DEFAULT 0
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
CREATE INDEX creation_count_deltas_slot ON arcanea.creation_count_deltas (slot, creation_id);
ALTER TABLE arcanea.creation_count_deltas REPLICA IDENTITY FULL;
ALTER TABLE arcanea.creation_count_deltas ALTER COLUMN slot SET (n_distinct = 1024);
COMMENT ON TABLE arcanea.creation_count_deltas IS
    'Changes to creations'' like/comment/view counts not yet folded into the row (see arcanea.fold_counters()).';
SELECT pg_catalog.pg_extension_config_dump('arcanea.creation_count_deltas', '');
CREATE TABLE arcanea.profile_count_deltas (
    slot        integer NOT NULL,
    profile_id  uuid    NOT NULL,
    followers   integer NOT NULL DEFAULT 0,
    followings  integer NOT NULL DEFAULT 0,
    creations   integer NOT NULL DEFAULT 0
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
CREATE INDEX profile_count_deltas_slot ON arcanea.profile_count_deltas (slot, profile_id);
ALTER TABLE arcanea.profile_count_deltas REPLICA IDENTITY FULL;
ALTER TABLE arcanea.profile_count_deltas ALTER COLUMN slot SET (n_distinct = 1024);
COMMENT ON TABLE arcanea.profile_count_deltas IS
    'Changes to profiles'' follower/following/creation counts not yet folded into the row.';
SELECT pg_catalog.pg_extension_config_dump('arcanea.profile_count_deltas', '');
CREATE TABLE arcanea.luminor_count_deltas (
    slot         integer NOT NULL,
    luminor_id   uuid    NOT NULL,
    interactions integer NOT NULL DEFAULT 0,
    ratings      integer NOT NULL DEFAULT 0,
    rating_sum   integer NOT NULL DEFAULT 0,
    users        integer NOT NULL DEFAULT 0
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
CREATE INDEX luminor_count_deltas_slot ON arcanea.luminor_count_deltas (slot, luminor_id);
ALTER TABLE arcanea.luminor_count_deltas REPLICA IDENTITY FULL;
ALTER TABLE arcanea.luminor_count_deltas ALTER COLUMN slot SET (n_distinct = 1024);
COMMENT ON TABLE arcanea.luminor_count_deltas IS
    'Changes to Luminors'' interaction/rating/user counts not yet folded into the row.';
SELECT pg_catalog.pg_extension_config_dump('arcanea.luminor_count_deltas', '');
CREATE FUNCTION arcanea.queue_fold(slot integer, in_place boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    marked text := coalesce(pg_catalog.current_setting('arcanea.fold_slots', true), '');
    item text := ',' || slot;
BEGIN
    IF NOT in_place AND pg_catalog.left(marked, 1) = '*' THEN
        RETURN;   -- a long list: every slot with deltas is folded at commit
    ELSIF pg_catalog.strpos(marked, item || 'd,') > 0 THEN
        RETURN;
    ELSIF pg_catalog.strpos(marked, item || 'p,') > 0 THEN
        IF in_place THEN
            RETURN;
        END IF;
        marked := pg_catalog.replace(marked, item || 'p,', item || 'd,');
    ELSE
        marked := pg_catalog.rtrim(marked, ',') || item || CASE WHEN in_place THEN 'p,' ELSE 'd,' END;
        IF pg_catalog.octet_length(marked) > 256 AND pg_catalog.left(marked, 1) <> '*' THEN
            marked := '*' || marked;
        END IF;
    END IF;
    PERFORM pg_catalog.set_config('arcanea.fold_slots', marked, true);
END
$$;
CREATE FUNCTION arcanea.count_in_place(s integer) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    marked text := coalesce(pg_catalog.current_setting('arcanea.fold_slots', true), '');
BEGIN
    RETURN pg_catalog.octet_length(marked) <= 91  -- 15 slots of up to 6 characters (',3071d') and a ','
       AND pg_catalog.current_setting('transaction_isolation') = 'read committed'
       AND coalesce(pg_catalog.current_setting('arcanea.count_in_place', true), '') <> 'off'
       AND pg_catalog.strpos(marked, ',' || s || 'p,') + pg_catalog.strpos(marked, ',' || s || 'd,') = 0
       AND pg_catalog.length(marked) - pg_catalog.length(pg_catalog.replace(marked, ',', '')) <= 16;  -- 15 slots marked so far
END
$$;
CREATE FUNCTION arcanea.hold_slot_rows(s integer) RETURNS boolean
LANGUAGE sql AS $$
    SELECT pg_catalog.pg_try_advisory_xact_lock(1634886512, s)  -- 'arcp' in ASCII
$$;
CREATE FUNCTION arcanea.await_slot_rows(s integer) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    FOR attempt IN 1 .. 100 LOOP
        IF arcanea.hold_slot_rows(s) THEN
            RETURN true;
        END IF;
        PERFORM pg_catalog.pg_sleep(0.001);
    END LOOP;
    RETURN false;
END
$$;
CREATE FUNCTION arcanea.rating_average(total bigint, n bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN n > 0 THEN pg_catalog.round(total::numeric / n, 2) END
$$;
CREATE FUNCTION arcanea.count_creation(creation uuid, likes integer, comments integer, views integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s integer := arcanea.count_slot('creations', creation);
BEGIN
    IF NOT coalesce((likes, comments, views) <> (0, 0, 0), false) THEN
        RETURN;
    END IF;
    IF arcanea.count_in_place(s) AND NOT EXISTS (
           SELECT 1 FROM arcanea.creation_count_deltas d WHERE d.slot = s AND d.creation_id = creation)
       AND arcanea.hold_slot_rows(s) THEN
        PERFORM arcanea.queue_fold(s, true);
        UPDATE public.creations c
           SET like_count = c.like_count + likes, comment_count = c.comment_count + comments,
               view_count = c.view_count + views
         WHERE c.id = (SELECT x.id FROM public.creations x WHERE x.id = creation FOR NO KEY UPDATE SKIP LOCKED);
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;
    PERFORM arcanea.queue_fold(s, false);
    INSERT INTO arcanea.creation_count_deltas (slot, creation_id, likes, comments, views)
    VALUES (s, creation, likes, comments, views);
END
$$;
CREATE FUNCTION arcanea.count_profile(profile uuid, followers integer, followings integer, creations integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s integer := arcanea.count_slot('profiles', profile);
BEGIN
    IF NOT coalesce((followers, followings, creations) <> (0, 0, 0), false) THEN
        RETURN;
    END IF;
    IF arcanea.count_in_place(s) AND NOT EXISTS (
           SELECT 1 FROM arcanea.profile_count_deltas d WHERE d.slot = s AND d.profile_id = profile)
       AND arcanea.hold_slot_rows(s) THEN
        PERFORM arcanea.queue_fold(s, true);
        UPDATE public.profiles p
           SET follower_count = p.follower_count + followers, following_count = p.following_count + followings,
               creation_count = p.creation_count + creations
         WHERE p.id = (SELECT x.id FROM public.profiles x WHERE x.id = profile FOR NO KEY UPDATE SKIP LOCKED);
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;
    PERFORM arcanea.queue_fold(s, false);
    INSERT INTO arcanea.profile_count_deltas (slot, profile_id, followers, followings, creations)
    VALUES (s, profile, followers, followings, creations);
END
$$;
CREATE FUNCTION arcanea.count_luminor(
    luminor uuid, interactions integer, ratings integer, rating_sum integer, users integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s integer := arcanea.count_slot('luminors', luminor);
BEGIN
    IF luminor IS NULL OR NOT coalesce((interactions, ratings, rating_sum, users) <> (0, 0, 0, 0), false) THEN
        RETURN;
    END IF;
    IF arcanea.count_in_place(s) AND NOT EXISTS (
           SELECT 1 FROM arcanea.luminor_count_deltas d WHERE d.slot = s AND d.luminor_id = luminor)
       AND arcanea.hold_slot_rows(s) THEN
        PERFORM arcanea.queue_fold(s, true);
        UPDATE public.luminors l
           SET interaction_count = l.interaction_count + interactions,
               rating_count      = l.rating_count + ratings,
               rating_sum        = l.rating_sum + count_luminor.rating_sum,
               average_rating    = arcanea.rating_average(l.rating_sum + count_luminor.rating_sum,
                                                          l.rating_count + ratings),
               user_count        = l.user_count + users
         WHERE l.id = (SELECT x.id FROM public.luminors x WHERE x.id = luminor FOR NO KEY UPDATE SKIP LOCKED);
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;
    PERFORM arcanea.queue_fold(s, false);
    INSERT INTO arcanea.luminor_count_deltas (slot, luminor_id, interactions, ratings, rating_sum, users)
    VALUES (s, luminor, interactions, ratings, rating_sum, users);
END
$$;
CREATE FUNCTION arcanea.slot_has_deltas(s integer) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF arcanea.count_slot_kind(s) = 'creations' THEN
        RETURN EXISTS (SELECT 1 FROM arcanea.creation_count_deltas d WHERE d.slot = s);
    ELSIF arcanea.count_slot_kind(s) = 'luminors' THEN
        RETURN EXISTS (SELECT 1 FROM arcanea.luminor_count_deltas d WHERE d.slot = s);
    END IF;
    RETURN EXISTS (SELECT 1 FROM arcanea.profile_count_deltas d WHERE d.slot = s);
END
$$;
-- Whether a row version is this transaction's (src/row_versions.rs): the
-- bulk fold's test for its own deltas and the parent rows it updated.
CREATE  FUNCTION arcanea."written_by_this_transaction"(
	"xmin" xid /* Xid */
) RETURNS bool /* bool */
STRICT STABLE PARALLEL RESTRICTED
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'written_by_this_transaction_wrapper';
CREATE FUNCTION arcanea.fold_counts(s integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
    skipped boolean;
BEGIN
    IF NOT arcanea.slot_has_deltas(s) THEN
        RETURN 0;
    END IF;
    IF arcanea.count_slot_kind(s) = 'creations' THEN
        WITH pending AS (
            SELECT d.creation_id AS id, sum(d.likes) AS likes, sum(d.comments) AS comments,
                   sum(d.views) AS views, count(*) AS n
              FROM arcanea.creation_count_deltas d WHERE d.slot = s GROUP BY d.creation_id),
        held AS (
            SELECT c.id FROM public.creations c WHERE c.id IN (SELECT p.id FROM pending p)
             ORDER BY c.id FOR NO KEY UPDATE SKIP LOCKED),
        gone AS (
            DELETE FROM arcanea.creation_count_deltas d
             WHERE d.slot = s
               AND (d.creation_id IN (SELECT h.id FROM held h)
                    OR NOT EXISTS (SELECT 1 FROM public.creations c WHERE c.id = d.creation_id))),
        moved AS (
            UPDATE public.creations c
               SET like_count = c.like_count + p.likes, comment_count = c.comment_count + p.comments,
                   view_count = c.view_count + p.views
              FROM pending p WHERE c.id = p.id AND c.id IN (SELECT h.id FROM held h)
            RETURNING p.n)
        SELECT coalesce((SELECT sum(m.n) FROM moved m), 0), (SELECT count(*) FROM pending) > (SELECT count(*) FROM held)
          INTO folded, skipped;
    ELSIF arcanea.count_slot_kind(s) = 'luminors' THEN
        WITH pending AS (
            SELECT d.luminor_id AS id, sum(d.interactions) AS interactions, sum(d.ratings) AS ratings,
                   sum(d.rating_sum) AS rating_sum, sum(d.users) AS users, count(*) AS n
              FROM arcanea.luminor_count_deltas d WHERE d.slot = s GROUP BY d.luminor_id),
        held AS (
            SELECT l.id FROM public.luminors l WHERE l.id IN (SELECT p.id FROM pending p)
             ORDER BY l.id FOR NO KEY UPDATE SKIP LOCKED),
        gone AS (
            DELETE FROM arcanea.luminor_count_deltas d
             WHERE d.slot = s
               AND (d.luminor_id IN (SELECT h.id FROM held h)
                    OR NOT EXISTS (SELECT 1 FROM public.luminors l WHERE l.id = d.luminor_id))),
        moved AS (
            UPDATE public.luminors l
               SET interaction_count = l.interaction_count + p.interactions,
                   rating_count      = l.rating_count + p.ratings,
                   rating_sum        = l.rating_sum + p.rating_sum,
                   average_rating    = arcanea.rating_average(l.rating_sum + p.rating_sum,
                                                              l.rating_count + p.ratings),
                   user_count        = l.user_count + p.users
              FROM pending p WHERE l.id = p.id AND l.id IN (SELECT h.id FROM held h)
            RETURNING p.n)
        SELECT coalesce((SELECT sum(m.n) FROM moved m), 0), (SELECT count(*) FROM pending) > (SELECT count(*) FROM held)
          INTO folded, skipped;
    ELSE
        WITH pending AS (
            SELECT d.profile_id AS id, sum(d.followers) AS followers, sum(d.followings) AS followings,
                   sum(d.creations) AS creations, count(*) AS n
              FROM arcanea.profile_count_deltas d WHERE d.slot = s GROUP BY d.profile_id),
        held AS (
            SELECT p.id FROM public.profiles p WHERE p.id IN (SELECT q.id FROM pending q)
             ORDER BY p.id FOR NO KEY UPDATE SKIP LOCKED),
        gone AS (
            DELETE FROM arcanea.profile_count_deltas d
             WHERE d.slot = s
               AND (d.profile_id IN (SELECT h.id FROM held h)
                    OR NOT EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = d.profile_id))),
        moved AS (
            UPDATE public.profiles p
               SET follower_count = p.follower_count + q.followers,
                   following_count = p.following_count + q.followings,
                   creation_count = p.creation_count + q.creations
              FROM pending q WHERE p.id = q.id AND p.id IN (SELECT h.id FROM held h)
            RETURNING q.n)
        SELECT coalesce((SELECT sum(m.n) FROM moved m), 0), (SELECT count(*) FROM pending) > (SELECT count(*) FROM held)
          INTO folded, skipped;
    END IF;
    IF skipped THEN
        PERFORM pg_catalog.set_config('arcanea.fold_skipped',
                                      coalesce(pg_catalog.current_setting('arcanea.fold_skipped', true), '') || s || ',',
                                      true);
    END IF;
    RETURN folded;
END
$$;
CREATE FUNCTION arcanea.fold_slot(s integer, wait boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    -- The advisory lock of a slot: (this constant, the slot).
    lock_class constant integer := 1634890337;  -- an arbitrary constant
    -- The least time between two folds of a slot at commit.
    fold_interval constant interval := '250 ms';
    folded bigint := 0;
    held boolean;
    last_folded timestamptz;
    pause double precision;
BEGIN
    IF wait THEN
        PERFORM 1 FROM arcanea.count_fold_slots f WHERE f.slot = s FOR UPDATE;
    ELSE
        SELECT f.folded_at INTO last_folded FROM arcanea.count_fold_slots f WHERE f.slot = s FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            -- Another transaction is folding this slot.  Wait while it is in
            -- its last phase (it holds the advisory lock exclusively), then
            -- look again.  Free now: it committed, fold ourselves.  Still
            -- taken: its folder has not yet asked for the exclusive lock, and
            -- when it does it waits for ours and folds our deltas.
            PERFORM pg_catalog.pg_advisory_xact_lock_shared(lock_class, s);
            SELECT f.folded_at INTO last_folded FROM arcanea.count_fold_slots f WHERE f.slot = s FOR UPDATE SKIP LOCKED;
            IF NOT FOUND THEN
                RETURN 0;
            END IF;
        END IF;
    END IF;
    -- The slot's rows.  An in-place writer holding them folds the slot at
    -- its commit; give it up to 100 ms to commit or roll back (then this
    -- fold is the one left).  Not before the second fold: a holder then may
    -- be waiting at its commit for this transaction's exclusive lock, and
    -- it folds after it.
    held := arcanea.hold_slot_rows(s) OR (arcanea.slot_has_deltas(s) AND arcanea.await_slot_rows(s));
    -- Holding the slot and its rows (no in-place writer gets them), wait
    -- out the rest of the interval since the slot's last fold.  Not in a
    -- Luminor's slot: no event takes a foreign-key lock on a
    -- Luminor's row, so its versions do not pile up, and the wait there
    -- only cost writers time (add_message as PostgREST calls it, 4
    -- clients, the scale-1 benchmark data: 558 tps with it, 866 without).
    pause := extract(epoch FROM last_folded + fold_interval - pg_catalog.clock_timestamp());
    IF pause > 0 AND arcanea.count_slot_kind(s) <> 'luminors'
       AND pg_catalog.current_setting('arcanea.fold_waited', true) IS DISTINCT FROM 'on'
       AND arcanea.slot_has_deltas(s) THEN
        PERFORM pg_catalog.set_config('arcanea.fold_waited', 'on', true);
        PERFORM pg_catalog.pg_sleep(pause);
    END IF;
    IF held THEN
        folded := arcanea.fold_counts(s);
    END IF;
    -- Writers that found the slot taken committed their deltas after the
    -- fold's snapshot; wait until they have, then fold again.
    PERFORM pg_catalog.pg_advisory_xact_lock(lock_class, s);
    IF held OR arcanea.hold_slot_rows(s) THEN
        folded := folded + arcanea.fold_counts(s);
    END IF;
    IF folded > 0 THEN
        UPDATE arcanea.count_fold_slots f SET folded_at = pg_catalog.clock_timestamp() WHERE f.slot = s;
    END IF;
    RETURN folded;
END
$$;
CREATE FUNCTION arcanea.fold_own_deltas() RETURNS SETOF integer
LANGUAGE plpgsql AS $$
BEGIN
    WITH pending AS (
        SELECT d.creation_id AS id, sum(d.likes) AS likes, sum(d.comments) AS comments, sum(d.views) AS views
          FROM arcanea.creation_count_deltas d
         WHERE arcanea.written_by_this_transaction(d.xmin) GROUP BY d.creation_id),
    held AS (
        SELECT c.id, p.likes, p.comments, p.views FROM pending p JOIN public.creations c ON c.id = p.id
         ORDER BY c.id FOR NO KEY UPDATE OF c SKIP LOCKED)
    UPDATE public.creations c
       SET like_count = c.like_count + h.likes, comment_count = c.comment_count + h.comments,
           view_count = c.view_count + h.views
      FROM held h WHERE c.id = h.id;
    DELETE FROM arcanea.creation_count_deltas d
     WHERE arcanea.written_by_this_transaction(d.xmin)
       AND NOT EXISTS (SELECT 1 FROM public.creations c
                        WHERE c.id = d.creation_id AND NOT arcanea.written_by_this_transaction(c.xmin));
    WITH pending AS (
        SELECT d.luminor_id AS id, sum(d.interactions) AS interactions, sum(d.ratings) AS ratings,
               sum(d.rating_sum) AS rating_sum, sum(d.users) AS users
          FROM arcanea.luminor_count_deltas d
         WHERE arcanea.written_by_this_transaction(d.xmin) GROUP BY d.luminor_id),
    held AS (
        SELECT l.id, p.interactions, p.ratings, p.rating_sum, p.users FROM pending p JOIN public.luminors l ON l.id = p.id
         ORDER BY l.id FOR NO KEY UPDATE OF l SKIP LOCKED)
    UPDATE public.luminors l
       SET interaction_count = l.interaction_count + h.interactions,
           rating_count      = l.rating_count + h.ratings,
           rating_sum        = l.rating_sum + h.rating_sum,
           average_rating    = arcanea.rating_average(l.rating_sum + h.rating_sum, l.rating_count + h.ratings),
           user_count        = l.user_count + h.users
      FROM held h WHERE l.id = h.id;
    DELETE FROM arcanea.luminor_count_deltas d
     WHERE arcanea.written_by_this_transaction(d.xmin)
       AND NOT EXISTS (SELECT 1 FROM public.luminors l
                        WHERE l.id = d.luminor_id AND NOT arcanea.written_by_this_transaction(l.xmin));
    WITH pending AS (
        SELECT d.profile_id AS id, sum(d.followers) AS followers, sum(d.followings) AS followings,
               sum(d.creations) AS creations
          FROM arcanea.profile_count_deltas d
         WHERE arcanea.written_by_this_transaction(d.xmin) GROUP BY d.profile_id),
    held AS (
        SELECT p.id, q.followers, q.followings, q.creations FROM pending q JOIN public.profiles p ON p.id = q.id
         ORDER BY p.id FOR NO KEY UPDATE OF p SKIP LOCKED)
    UPDATE public.profiles p
       SET follower_count = p.follower_count + h.followers,
           following_count = p.following_count + h.followings,
           creation_count = p.creation_count + h.creations
      FROM held h WHERE p.id = h.id;
    DELETE FROM arcanea.profile_count_deltas d
     WHERE arcanea.written_by_this_transaction(d.xmin)
       AND NOT EXISTS (SELECT 1 FROM public.profiles p
                        WHERE p.id = d.profile_id AND NOT arcanea.written_by_this_transaction(p.xmin));
    RETURN QUERY
        SELECT d.slot FROM arcanea.creation_count_deltas d WHERE arcanea.written_by_this_transaction(d.xmin)
        UNION SELECT d.slot FROM arcanea.luminor_count_deltas d WHERE arcanea.written_by_this_transaction(d.xmin)
        UNION SELECT d.slot FROM arcanea.profile_count_deltas d WHERE arcanea.written_by_this_transaction(d.xmin);
END
$$;
CREATE FUNCTION arcanea.fold_held_parents() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        DELETE FROM arcanea.creation_count_deltas d USING public.creations c
         WHERE c.id = d.creation_id AND arcanea.written_by_this_transaction(c.xmin)
        RETURNING d.creation_id AS id, d.likes, d.comments, d.views),
    pending AS (
        SELECT g.id, sum(g.likes) AS likes, sum(g.comments) AS comments, sum(g.views) AS views
          FROM gone g GROUP BY g.id)
    UPDATE public.creations c
       SET like_count = c.like_count + p.likes, comment_count = c.comment_count + p.comments,
           view_count = c.view_count + p.views
      FROM pending p WHERE c.id = p.id;
    WITH gone AS (
        DELETE FROM arcanea.luminor_count_deltas d USING public.luminors l
         WHERE l.id = d.luminor_id AND arcanea.written_by_this_transaction(l.xmin)
        RETURNING d.luminor_id AS id, d.interactions, d.ratings, d.rating_sum, d.users),
    pending AS (
        SELECT g.id, sum(g.interactions) AS interactions, sum(g.ratings) AS ratings,
               sum(g.rating_sum) AS rating_sum, sum(g.users) AS users
          FROM gone g GROUP BY g.id)
    UPDATE public.luminors l
       SET interaction_count = l.interaction_count + p.interactions,
           rating_count      = l.rating_count + p.ratings,
           rating_sum        = l.rating_sum + p.rating_sum,
           average_rating    = arcanea.rating_average(l.rating_sum + p.rating_sum, l.rating_count + p.ratings),
           user_count        = l.user_count + p.users
      FROM pending p WHERE l.id = p.id;
    WITH gone AS (
        DELETE FROM arcanea.profile_count_deltas d USING public.profiles p
         WHERE p.id = d.profile_id AND arcanea.written_by_this_transaction(p.xmin)
        RETURNING d.profile_id AS id, d.followers, d.followings, d.creations),
    pending AS (
        SELECT g.id, sum(g.followers) AS followers, sum(g.followings) AS followings, sum(g.creations) AS creations
          FROM gone g GROUP BY g.id)
    UPDATE public.profiles p
       SET follower_count = p.follower_count + q.followers,
           following_count = p.following_count + q.followings,
           creation_count = p.creation_count + q.creations
      FROM pending q WHERE p.id = q.id;
END
$$;
CREATE FUNCTION arcanea.fold_marked_slots() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lock_class constant integer := 1634890337;  -- fold_slot()'s
    -- With lock_class, the bulk lock: one past the last slot.
    bulk_lock constant integer := 3072;
    marked text := pg_catalog.current_setting('arcanea.fold_slots', true);
    read_committed boolean := pg_catalog.current_setting('transaction_isolation') = 'read committed';
    bulk boolean;
    skipped text;
    s integer;
    in_place boolean;
BEGIN
    IF marked IS NULL OR marked = '' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_catalog.set_config('arcanea.fold_slots', '', true);
    bulk := pg_catalog.left(marked, 1) = '*';
    IF bulk AND read_committed THEN
        SELECT marked || coalesce(pg_catalog.string_agg(x.slot || 'd,', ''), '') INTO marked
          FROM arcanea.fold_own_deltas() x(slot)
         WHERE pg_catalog.strpos(marked, ',' || x.slot || 'p,') + pg_catalog.strpos(marked, ',' || x.slot || 'd,') = 0;
    ELSIF bulk THEN
        -- A bulk statement's list (queue_fold()), not READ COMMITTED: add
        -- every other slot that has deltas, as 'd', whose locks it takes
        -- shared below.  Its own statement, not a branch of the loop's:
        -- the loop's plan would then be made again at every commit.
        SELECT marked || coalesce(pg_catalog.string_agg(x.slot || 'd,', ''), '') INTO marked
          FROM (SELECT d.slot FROM arcanea.creation_count_deltas d
                UNION SELECT d.slot FROM arcanea.profile_count_deltas d
                UNION SELECT d.slot FROM arcanea.luminor_count_deltas d) x
         WHERE pg_catalog.strpos(marked, ',' || x.slot || 'p,') + pg_catalog.strpos(marked, ',' || x.slot || 'd,') = 0;
    END IF;
    FOR s, in_place IN
        SELECT pg_catalog.left(m, -1)::integer, pg_catalog.right(m, 1) = 'p'
          FROM pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.btrim(marked, '*,'), ',')) m
         ORDER BY 1
    LOOP
        IF read_committed AND NOT in_place AND NOT bulk THEN
            PERFORM arcanea.fold_slot(s);
        ELSE
            PERFORM pg_catalog.pg_advisory_xact_lock_shared(lock_class, s);
            IF read_committed AND arcanea.slot_has_deltas(s) THEN
                PERFORM arcanea.fold_slot(s);
            END IF;
        END IF;
    END LOOP;
    IF NOT read_committed THEN
        RETURN NULL;
    ELSIF bulk THEN
        PERFORM pg_catalog.pg_advisory_xact_lock(lock_class, bulk_lock);
        PERFORM arcanea.fold_held_parents();
        RETURN NULL;
    END IF;
    skipped := coalesce(pg_catalog.current_setting('arcanea.fold_skipped', true), '');
    IF skipped <> '' AND NOT pg_catalog.pg_try_advisory_xact_lock_shared(lock_class, bulk_lock) THEN
        PERFORM pg_catalog.pg_advisory_xact_lock_shared(lock_class, bulk_lock);
        FOR s IN SELECT DISTINCT x::integer FROM pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.rtrim(skipped, ','), ',')) x
                  ORDER BY 1
        LOOP
            PERFORM arcanea.fold_counts(s);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER creation_count_deltas_fold AFTER INSERT ON arcanea.creation_count_deltas
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION arcanea.fold_marked_slots();
CREATE CONSTRAINT TRIGGER profile_count_deltas_fold AFTER INSERT ON arcanea.profile_count_deltas
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION arcanea.fold_marked_slots();
CREATE CONSTRAINT TRIGGER luminor_count_deltas_fold AFTER INSERT ON arcanea.luminor_count_deltas
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION arcanea.fold_marked_slots();
CREATE CONSTRAINT TRIGGER creations_counted_in_place
    AFTER UPDATE OF like_count, comment_count, view_count ON public.creations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (pg_catalog.current_setting('arcanea.fold_slots', true) <> '')
    EXECUTE FUNCTION arcanea.fold_marked_slots();
CREATE CONSTRAINT TRIGGER profiles_counted_in_place
    AFTER UPDATE OF follower_count, following_count, creation_count ON public.profiles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (pg_catalog.current_setting('arcanea.fold_slots', true) <> '')
    EXECUTE FUNCTION arcanea.fold_marked_slots();
CREATE CONSTRAINT TRIGGER luminors_counted_in_place
    AFTER UPDATE OF interaction_count, rating_count, rating_sum, user_count ON public.luminors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (pg_catalog.current_setting('arcanea.fold_slots', true) <> '')
    EXECUTE FUNCTION arcanea.fold_marked_slots();
CREATE FUNCTION arcanea.fold_counters() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s integer;
    folded bigint := 0;
BEGIN
    FOR s IN SELECT d.slot FROM arcanea.creation_count_deltas d
             UNION SELECT d.slot FROM arcanea.luminor_count_deltas d
             UNION SELECT d.slot FROM arcanea.profile_count_deltas d
             ORDER BY 1
    LOOP
        folded := folded + arcanea.fold_slot(s, true);
    END LOOP;
    RETURN folded;
END
$$;
COMMENT ON FUNCTION arcanea.fold_counters() IS
    'Folds every pending counter delta into its row now; returns how many it folded. Writers fold their own at commit, so this is only needed after a crash or to inspect. Service role only.';
CREATE FUNCTION arcanea.pending_creation_counts(creation uuid)
RETURNS TABLE (likes integer, comments integer, views integer)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(d.likes), 0)::integer, coalesce(sum(d.comments), 0)::integer,
           coalesce(sum(d.views), 0)::integer
      FROM arcanea.creation_count_deltas d
     WHERE d.slot = arcanea.count_slot('creations', creation) AND d.creation_id = creation
$$;
CREATE FUNCTION arcanea.pending_profile_counts(profile uuid)
RETURNS TABLE (followers integer, followings integer, creations integer)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(d.followers), 0)::integer, coalesce(sum(d.followings), 0)::integer,
           coalesce(sum(d.creations), 0)::integer
      FROM arcanea.profile_count_deltas d
     WHERE d.slot = arcanea.count_slot('profiles', profile) AND d.profile_id = profile
$$;
CREATE FUNCTION arcanea.pending_luminor_counts(luminor uuid)
RETURNS TABLE (interactions integer, ratings integer, rating_sum integer, users integer)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(d.interactions), 0)::integer, coalesce(sum(d.ratings), 0)::integer,
           coalesce(sum(d.rating_sum), 0)::integer, coalesce(sum(d.users), 0)::integer
      FROM arcanea.luminor_count_deltas d
     WHERE d.slot = arcanea.count_slot('luminors', luminor) AND d.luminor_id = luminor
$$;
CREATE OR REPLACE FUNCTION arcanea.follows_apply(edge public.follows, delta integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.count_profile(edge.following_id, delta, 0, 0);
    PERFORM arcanea.count_profile(edge.follower_id, 0, delta, 0);
END
$$;
CREATE OR REPLACE FUNCTION arcanea.creations_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    was_published boolean := TG_OP <> 'INSERT' AND OLD.status = 'published';
    is_published  boolean := TG_OP <> 'DELETE' AND NEW.status = 'published';
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id THEN
        -- Ownership moved (service role only): take the count along.
        IF was_published THEN
            PERFORM arcanea.count_profile(OLD.user_id, 0, 0, -1);
        END IF;
        IF is_published THEN
            PERFORM arcanea.count_profile(NEW.user_id, 0, 0, 1);
        END IF;
    ELSIF is_published AND NOT was_published THEN
        PERFORM arcanea.count_profile(NEW.user_id, 0, 0, 1);
    ELSIF was_published AND NOT is_published THEN
        PERFORM arcanea.count_profile(OLD.user_id, 0, 0, -1);
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION arcanea.luminor_apply(
    luminor uuid, interactions integer, ratings integer, rating_total integer
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.count_luminor(luminor, interactions, ratings, rating_total, 0);
END
$$;
CREATE OR REPLACE FUNCTION arcanea.relationships_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM arcanea.count_luminor(OLD.luminor_id, 0, 0, 0, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM arcanea.count_luminor(NEW.luminor_id, 0, 0, 0, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION arcanea.recount_counters()
RETURNS TABLE (counter text, rows_fixed bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    PERFORM 1 FROM arcanea.count_fold_slots ORDER BY slot FOR UPDATE;

    counter := 'creations.like_count';
    UPDATE public.creations c SET like_count = r.n - r.pending
      FROM (SELECT c2.id, count(l.id) AS n,
                   (SELECT pc.likes FROM arcanea.pending_creation_counts(c2.id) pc) AS pending
              FROM public.creations c2
              LEFT JOIN public.likes l ON l.creation_id = c2.id GROUP BY c2.id) r
     WHERE r.id = c.id AND c.like_count <> r.n - r.pending;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'creations.comment_count';
    UPDATE public.creations c SET comment_count = r.n - r.pending
      FROM (SELECT c2.id, count(m.id) AS n,
                   (SELECT pc.comments FROM arcanea.pending_creation_counts(c2.id) pc) AS pending
              FROM public.creations c2
              LEFT JOIN public.comments m ON m.creation_id = c2.id GROUP BY c2.id) r
     WHERE r.id = c.id AND c.comment_count <> r.n - r.pending;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'profiles.follower_count';
    UPDATE public.profiles p SET follower_count = r.n - r.pending
      FROM (SELECT p2.id, count(f.id) AS n,
                   (SELECT pc.followers FROM arcanea.pending_profile_counts(p2.id) pc) AS pending
              FROM public.profiles p2
              LEFT JOIN public.follows f ON f.following_id = p2.id GROUP BY p2.id) r
     WHERE r.id = p.id AND p.follower_count <> r.n - r.pending;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'profiles.following_count';
    UPDATE public.profiles p SET following_count = r.n - r.pending
      FROM (SELECT p2.id, count(f.id) AS n,
                   (SELECT pc.followings FROM arcanea.pending_profile_counts(p2.id) pc) AS pending
              FROM public.profiles p2
              LEFT JOIN public.follows f ON f.follower_id = p2.id GROUP BY p2.id) r
     WHERE r.id = p.id AND p.following_count <> r.n - r.pending;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'profiles.creation_count';
    UPDATE public.profiles p SET creation_count = r.n - r.pending
      FROM (SELECT p2.id, count(c.id) AS n,
                   (SELECT pc.creations FROM arcanea.pending_profile_counts(p2.id) pc) AS pending
              FROM public.profiles p2
              LEFT JOIN public.creations c ON c.user_id = p2.id AND c.status = 'published'
             GROUP BY p2.id) r
     WHERE r.id = p.id AND p.creation_count <> r.n - r.pending;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'luminor_conversations.message_count';
    UPDATE public.luminor_conversations c SET message_count = r.n, last_message_at = r.last_at
      FROM (SELECT c2.id, count(m.id) AS n, max(m.created_at) AS last_at
              FROM public.luminor_conversations c2
              LEFT JOIN public.luminor_messages m ON m.conversation_id = c2.id GROUP BY c2.id) r
     WHERE r.id = c.id
       AND (c.message_count <> r.n OR c.last_message_at IS DISTINCT FROM r.last_at);
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'luminors.interaction_count';
    UPDATE public.luminors l SET interaction_count = r.n - r.pending
      FROM (SELECT l2.id, count(m.id) AS n,
                   (SELECT pc.interactions FROM arcanea.pending_luminor_counts(l2.id) pc) AS pending
              FROM public.luminors l2
              LEFT JOIN public.luminor_conversations c ON c.luminor_id = l2.id
              LEFT JOIN public.luminor_messages m ON m.conversation_id = c.id AND m.role = 'user'
             GROUP BY l2.id) r
     WHERE r.id = l.id AND l.interaction_count <> r.n - r.pending;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    -- The average is of the folded ratings: the next fold recomputes it.
    counter := 'luminors.average_rating';
    UPDATE public.luminors l
       SET rating_count = r.n - r.pending_n, rating_sum = r.total - r.pending_total,
           average_rating = arcanea.rating_average(r.total - r.pending_total, r.n - r.pending_n)
      FROM (SELECT l2.id, count(m.user_rating) AS n, coalesce(sum(m.user_rating), 0) AS total,
                   (SELECT pc.ratings FROM arcanea.pending_luminor_counts(l2.id) pc) AS pending_n,
                   (SELECT pc.rating_sum FROM arcanea.pending_luminor_counts(l2.id) pc) AS pending_total
              FROM public.luminors l2
              LEFT JOIN public.luminor_conversations c ON c.luminor_id = l2.id
              LEFT JOIN public.luminor_messages m ON m.conversation_id = c.id
             GROUP BY l2.id) r
     WHERE r.id = l.id
       AND (l.rating_count <> r.n - r.pending_n OR l.rating_sum <> r.total - r.pending_total
            OR l.average_rating IS DISTINCT FROM arcanea.rating_average(r.total - r.pending_total,
                                                                        r.n - r.pending_n));
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'luminors.user_count';
    UPDATE public.luminors l SET user_count = r.n - r.pending
      FROM (SELECT l2.id, count(lr.id) AS n,
                   (SELECT pc.users FROM arcanea.pending_luminor_counts(l2.id) pc) AS pending
              FROM public.luminors l2
              LEFT JOIN public.luminor_relationships lr ON lr.luminor_id = l2.id GROUP BY l2.id) r
     WHERE r.id = l.id AND l.user_count <> r.n - r.pending;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;
END
$$;

-- Counters (20_counters.sql): deleted likes, comments and follows are
-- counted per statement, so that deleting an account does not run a
-- trigger per row.
DROP TRIGGER likes_maintain_count ON public.likes;
CREATE OR REPLACE FUNCTION arcanea.likes_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM arcanea.count_creation(OLD.creation_id, -1, 0, 0);
    END IF;
    PERFORM arcanea.count_creation(NEW.creation_id, 1, 0, 0);
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_maintain_count AFTER INSERT OR UPDATE OF creation_id
    ON public.likes FOR EACH ROW EXECUTE FUNCTION arcanea.likes_maintain_count();
CREATE FUNCTION arcanea.creations_release_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    likes boolean := TG_TABLE_NAME = 'likes';
BEGIN
    PERFORM arcanea.count_creation(g.creation_id, CASE WHEN likes THEN -g.n ELSE 0 END,
                                   CASE WHEN likes THEN 0 ELSE -g.n END, 0)
       FROM (SELECT creation_id, count(*)::integer AS n FROM gone GROUP BY creation_id) g;
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_release_count AFTER DELETE ON public.likes
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_counts();
DROP TRIGGER comments_maintain_count ON public.comments;
CREATE OR REPLACE FUNCTION arcanea.comments_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM arcanea.count_creation(OLD.creation_id, 0, -1, 0);
    END IF;
    PERFORM arcanea.count_creation(NEW.creation_id, 0, 1, 0);
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_maintain_count AFTER INSERT OR UPDATE OF creation_id
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_maintain_count();
CREATE TRIGGER comments_release_count AFTER DELETE ON public.comments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_counts();
DROP TRIGGER follows_maintain_counts ON public.follows;
CREATE OR REPLACE FUNCTION arcanea.follows_maintain_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM arcanea.follows_apply(OLD, -1);
    END IF;
    PERFORM arcanea.follows_apply(NEW, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_maintain_counts AFTER INSERT OR UPDATE OF follower_id, following_id
    ON public.follows FOR EACH ROW EXECUTE FUNCTION arcanea.follows_maintain_counts();
CREATE FUNCTION arcanea.follows_release_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.count_profile(e.id, -e.followers, -e.followings, 0)
       FROM (SELECT x.id, sum(x.follower)::integer AS followers, sum(x.following)::integer AS followings
               FROM (SELECT following_id AS id, 1 AS follower, 0 AS following FROM gone
                     UNION ALL
                     SELECT follower_id, 0, 1 FROM gone) x
              GROUP BY x.id) e;
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_release_counts AFTER DELETE ON public.follows
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.follows_release_counts();

-- Materialised feeds (27_feeds.sql), built from the follows and creations
-- already there: the readers who follow more than feed_materialise_above()
-- accounts (on the scale-1 benchmark data, 10 readers and 0.2 M entries,
-- docs/operations.md#what-an-upgrade-locks).
-- ============================================================================
-- 27  Materialised feeds                                    (requires: counters)
-- ============================================================================
-- get_user_feed reads a page one of two ways, chosen by who reads it, never
-- by an estimate:
--   * a reader who follows up to feed_materialise_above() accounts: each
--     followed author's newest creations, merged (one index probe per
--     author, src/queries/discovery/feed_by_author.sql);
--   * a reader who follows more: their own materialised feed,
--     arcanea.feed_entries, one index range per page
--     (src/queries/discovery/feed_entries.sql).
-- Both cost a bounded amount per page whatever the follow graph looks like:
-- at most feed_materialise_above() probes, or one range of limit + offset
-- rows.  The walk of everyone's newest creations that 0.1.0 used for large
-- follow lists read until it found a page of followed authors, which for a
-- reader of 2,000 dormant accounts is the whole table.
--
-- Fan-out on write, for materialised readers only: a creation that becomes
-- visible in feeds (published and public) gets one entry per materialised
-- follower of its author, and loses them when it stops being visible or is
-- deleted; a follow adds the author's visible creations, an unfollow takes
-- them away.  A publish so costs one row per materialised follower, not one
-- per follower: on the scale-1 benchmark data, ten readers follow more than
-- 64 accounts (docs/design.md#the-following-feed has the figures).
-- An author's deactivation is not fanned out: the read skips inactive
-- authors, as the by-author path does.
--
-- Concurrency.  A publish and a follow of the same author must not miss each
-- other (the publish would not see the new subscription, the follow would
-- not see the new creation), and a materialisation must not miss a follow
-- committed beside it.  Advisory transaction locks order them:
--   * the author lock: exclusive for a change to the author's visible
--     creations, shared for a (un)subscription to the author;
--   * the reader lock: exclusive for a follow, an unfollow or the
--     materialisation of the reader;
--   * the whole-feed lock: shared under every author or reader lock, taken
--     exclusive instead by a transaction that would need more than
--     feed_lock_many() of them (an account's erasure, a bulk insert of
--     follows or creations, whose per-row triggers each lock one key), so
--     that one transaction never fills the lock table.
-- Every statement below runs after its locks are held, and in READ
-- COMMITTED each sees what the lock's previous holder committed.
-- ============================================================================

-- A reader who follows more accounts than this is materialised.  A reader
-- of the 64 most prolific accounts reads page 1 by author in 2.3 ms on
-- average at 1 client, 5.4 ms at 4 (scale-0.1 benchmark data on the 2-core
-- dev machine, 2026-11-30); a materialised reader of 2,500 accounts in
-- 1.1 ms and 2.1 ms.  Lower means more readers whose follows fan out.
CREATE FUNCTION arcanea.feed_materialise_above() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 64 $$;

-- Above this many keys, a transaction takes the whole-feed lock instead.
CREATE FUNCTION arcanea.feed_lock_many() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 200 $$;

CREATE TABLE arcanea.feed_readers (
    reader_id        uuid        PRIMARY KEY,
    materialised_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE arcanea.feed_readers IS
    'Readers whose following feed is materialised in arcanea.feed_entries (see arcanea.feed_materialise_above()).';

-- The follows of materialised readers, by author: who a publish fans out to.
CREATE TABLE arcanea.feed_subscriptions (
    author_id  uuid NOT NULL,
    reader_id  uuid NOT NULL,
    PRIMARY KEY (author_id, reader_id)
);
COMMENT ON TABLE arcanea.feed_subscriptions IS
    'The follows of materialised readers, by author (the fan-out list of a publish).';

-- A materialised reader's feed: every published public creation of every
-- account they follow.  No foreign keys: a fan-out must not lock the
-- readers' profile rows; the triggers below remove what goes away.
CREATE TABLE arcanea.feed_entries (
    reader_id    uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    creation_id  uuid        NOT NULL,
    PRIMARY KEY (reader_id, created_at, creation_id)
);
COMMENT ON TABLE arcanea.feed_entries IS
    'Materialised following feeds: one row per (reader, visible creation by an account they follow).';

-- ---------------------------------------------------------------------------
-- Locks.  space: 1 author, 2 reader.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.feed_lock(space integer, ids uuid[], exclusive boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    -- 'feed' in ASCII; the space is added to it.
    feed_key constant integer := 1717921124;
    -- Keys this transaction asked for so far, or 'all' once it holds the
    -- whole feed.  Counted per transaction, not per call: 10,000 follows in
    -- one INSERT call this once per row, and held 10,017 locks until commit
    -- (out of shared memory when privacy_timing.sh built its heavy user,
    -- 2026-12-01, before this count).
    held text := coalesce(nullif(pg_catalog.current_setting('arcanea.feed_keys', true), ''), '0');
    asked integer := coalesce(cardinality(ids), 0);
    key integer;
BEGIN
    IF held = 'all' THEN
        RETURN;
    END IF;
    IF held::integer + asked > arcanea.feed_lock_many() THEN
        PERFORM pg_advisory_xact_lock(feed_key, 0);
        PERFORM pg_catalog.set_config('arcanea.feed_keys', 'all', true);
        RETURN;
    END IF;
    PERFORM pg_catalog.set_config('arcanea.feed_keys', (held::integer + asked)::text, true);
    PERFORM pg_advisory_xact_lock_shared(feed_key, 0);
    -- In key order: two lockers of the same keys queue, never deadlock.
    FOR key IN SELECT DISTINCT uuid_hash(i) FROM unnest(ids) i ORDER BY 1 LOOP
        IF exclusive THEN
            PERFORM pg_advisory_xact_lock(feed_key + space, key);
        ELSE
            PERFORM pg_advisory_xact_lock_shared(feed_key + space, key);
        END IF;
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- Subscribing a materialised reader to an author.  The caller holds the
-- author's lock.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.feed_subscribe(reader uuid, author uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO arcanea.feed_subscriptions (author_id, reader_id) VALUES (author, reader)
        ON CONFLICT DO NOTHING;
    INSERT INTO arcanea.feed_entries (reader_id, created_at, creation_id)
    SELECT reader, c.created_at, c.id FROM public.creations c
     WHERE c.user_id = author AND c.status = 'published' AND c.is_public
        ON CONFLICT DO NOTHING;
END
$$;

-- Materialise a reader's feed from their follows.  The caller holds the
-- reader's lock.
CREATE FUNCTION arcanea.feed_materialise(reader uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO arcanea.feed_readers (reader_id) VALUES (reader) ON CONFLICT DO NOTHING;
    PERFORM arcanea.feed_lock(1, array_agg(f.following_id), false)
       FROM public.follows f WHERE f.follower_id = reader;
    INSERT INTO arcanea.feed_subscriptions (author_id, reader_id)
    SELECT f.following_id, reader FROM public.follows f WHERE f.follower_id = reader
        ON CONFLICT DO NOTHING;
    INSERT INTO arcanea.feed_entries (reader_id, created_at, creation_id)
    SELECT reader, c.created_at, c.id
      FROM public.follows f
      JOIN public.creations c ON c.user_id = f.following_id AND c.status = 'published' AND c.is_public
     WHERE f.follower_id = reader
        ON CONFLICT DO NOTHING;
END
$$;

-- ---------------------------------------------------------------------------
-- Follows
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.follows_feed_follow(reader uuid, author uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.feed_lock(2, ARRAY[reader], true);
    IF EXISTS (SELECT 1 FROM arcanea.feed_readers r WHERE r.reader_id = reader) THEN
        PERFORM arcanea.feed_lock(1, ARRAY[author], false);
        PERFORM arcanea.feed_subscribe(reader, author);
    ELSIF (SELECT p.following_count + pc.followings
             FROM public.profiles p CROSS JOIN LATERAL arcanea.pending_profile_counts(p.id) pc
            WHERE p.id = reader) > arcanea.feed_materialise_above() THEN
        -- The count includes this follow: follows_maintain_counts runs
        -- before this trigger (AFTER triggers run in name order).
        PERFORM arcanea.feed_materialise(reader);
    END IF;
END
$$;

-- Unfollows, any number.  By the subscriptions, not by arcanea.feed_readers:
-- when an account is erased, its reader row may go before its follows do.
CREATE FUNCTION arcanea.follows_feed_unfollow(gone_readers uuid[], gone_authors uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.feed_lock(2, gone_readers, true);
    PERFORM arcanea.feed_lock(1, array_agg(s.author_id), false)
       FROM unnest(gone_readers, gone_authors) g(reader, author)
       JOIN arcanea.feed_subscriptions s ON s.author_id = g.author AND s.reader_id = g.reader;
    WITH unsubscribed AS (
        DELETE FROM arcanea.feed_subscriptions s
         USING unnest(gone_readers, gone_authors) g(reader, author)
         WHERE s.author_id = g.author AND s.reader_id = g.reader
        RETURNING s.reader_id, s.author_id)
    DELETE FROM arcanea.feed_entries e
     USING unsubscribed u JOIN public.creations c ON c.user_id = u.author_id
     WHERE e.reader_id = u.reader_id AND e.created_at = c.created_at AND e.creation_id = c.id;
END
$$;

CREATE FUNCTION arcanea.follows_maintain_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM arcanea.follows_feed_unfollow(ARRAY[OLD.follower_id], ARRAY[OLD.following_id]);
    END IF;
    PERFORM arcanea.follows_feed_follow(NEW.follower_id, NEW.following_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_maintain_feed AFTER INSERT OR UPDATE OF follower_id, following_id
    ON public.follows FOR EACH ROW EXECUTE FUNCTION arcanea.follows_maintain_feed();

CREATE FUNCTION arcanea.follows_release_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.follows_feed_unfollow(array_agg(g.follower_id), array_agg(g.following_id))
       FROM gone g
     HAVING count(*) > 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_release_feed AFTER DELETE ON public.follows
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.follows_release_feed();

-- ---------------------------------------------------------------------------
-- Creations: fan out when one becomes visible in feeds (published and
-- public), take back when it stops being, moves to another author or
-- another time (service role), or is deleted.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.creations_maintain_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    was_visible boolean := TG_OP = 'UPDATE' AND OLD.status = 'published' AND OLD.is_public;
    is_visible  boolean := NEW.status = 'published' AND NEW.is_public;
    moved       boolean := TG_OP = 'UPDATE'
                           AND (OLD.user_id <> NEW.user_id OR OLD.created_at <> NEW.created_at);
BEGIN
    IF was_visible = is_visible AND NOT moved THEN
        RETURN NULL;
    END IF;
    IF was_visible THEN
        PERFORM arcanea.feed_lock(1, ARRAY[OLD.user_id, NEW.user_id], true);
        DELETE FROM arcanea.feed_entries e
         USING arcanea.feed_subscriptions s
         WHERE s.author_id = OLD.user_id
           AND e.reader_id = s.reader_id AND e.created_at = OLD.created_at AND e.creation_id = OLD.id;
    END IF;
    IF is_visible THEN
        PERFORM arcanea.feed_lock(1, ARRAY[NEW.user_id], true);
        INSERT INTO arcanea.feed_entries (reader_id, created_at, creation_id)
        SELECT s.reader_id, NEW.created_at, NEW.id
          FROM arcanea.feed_subscriptions s WHERE s.author_id = NEW.user_id
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER creations_maintain_feed AFTER INSERT OR UPDATE OF status, is_public, user_id, created_at
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.creations_maintain_feed();

CREATE FUNCTION arcanea.creations_release_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.feed_lock(1, array_agg(DISTINCT g.user_id), true)
       FROM gone g
      WHERE g.status = 'published' AND g.is_public
     HAVING count(*) > 0;
    DELETE FROM arcanea.feed_entries e
     USING gone g, arcanea.feed_subscriptions s
     WHERE g.status = 'published' AND g.is_public
       AND s.author_id = g.user_id
       AND e.reader_id = s.reader_id AND e.created_at = g.created_at AND e.creation_id = g.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER creations_release_feed AFTER DELETE ON public.creations
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_feed();

-- A deleted profile's own materialised feed.  (Its follows and creations
-- went by the triggers above, in the cascade.)
CREATE FUNCTION arcanea.profiles_release_feed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM arcanea.feed_readers r USING gone g WHERE r.reader_id = g.id;
    DELETE FROM arcanea.feed_entries e USING gone g WHERE e.reader_id = g.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER profiles_release_feed AFTER DELETE ON public.profiles
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.profiles_release_feed();

-- ---------------------------------------------------------------------------
-- Rebuild every materialised feed from follows and creations: after a load
-- with triggers off (session_replication_role = replica), and by the
-- upgrade from 0.1.0.  Service role only.  Returns the rows made.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.rebuild_feed_timelines() RETURNS TABLE (readers bigint, subscriptions bigint, entries bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Every feed lock at once: no fan-out, follow or unfollow runs beside.
    PERFORM pg_advisory_xact_lock(1717921124, 0);
    TRUNCATE arcanea.feed_entries, arcanea.feed_subscriptions, arcanea.feed_readers;
    INSERT INTO arcanea.feed_readers (reader_id)
    SELECT f.follower_id FROM public.follows f
     GROUP BY f.follower_id HAVING count(*) > arcanea.feed_materialise_above();
    INSERT INTO arcanea.feed_subscriptions (author_id, reader_id)
    SELECT f.following_id, f.follower_id
      FROM public.follows f JOIN arcanea.feed_readers r ON r.reader_id = f.follower_id;
    INSERT INTO arcanea.feed_entries (reader_id, created_at, creation_id)
    SELECT s.reader_id, c.created_at, c.id
      FROM arcanea.feed_subscriptions s
      JOIN public.creations c ON c.user_id = s.author_id AND c.status = 'published' AND c.is_public;
    RETURN QUERY SELECT (SELECT count(*) FROM arcanea.feed_readers),
                        (SELECT count(*) FROM arcanea.feed_subscriptions),
                        (SELECT count(*) FROM arcanea.feed_entries);
END
$$;
COMMENT ON FUNCTION arcanea.rebuild_feed_timelines() IS
    'Rebuilds the materialised feeds from follows and creations (after a load with triggers off). Service role only.';
-- Dumped with the data (90_finalize.sql).
SELECT pg_catalog.pg_extension_config_dump('arcanea.feed_readers', '');
SELECT pg_catalog.pg_extension_config_dump('arcanea.feed_subscriptions', '');
SELECT pg_catalog.pg_extension_config_dump('arcanea.feed_entries', '');
SELECT * FROM arcanea.rebuild_feed_timelines();

-- The GIN indexes of creations take each write at once (10_tables.sql), and
-- what their pending lists hold now goes into them.
ALTER INDEX public.idx_creations_tags SET (fastupdate = off);
ALTER INDEX public.idx_creations_search SET (fastupdate = off);
SELECT pg_catalog.gin_clean_pending_list('public.idx_creations_tags'),
       pg_catalog.gin_clean_pending_list('public.idx_creations_search');

-- Typo correction reads its candidates by first letter and length (25_search_terms.sql).
CREATE INDEX search_terms_by_initial_length ON arcanea.search_terms (left(term, 1), char_length(term), term);

-- Search leaders (26_search_leaders.sql), computed from the creations already
-- there (one ranked pass per common word; scale-1 figures in
-- docs/operations.md#what-an-upgrade-locks).
-- ============================================================================
-- 26  Search leaders: the best-ranked creations of each common word
--                                                   (requires: search_terms)
-- ============================================================================
-- Ranking reads every match (about 3 us each, a random heap read and
-- ts_rank_cd), so a query of a word that thousands of creations use cost
-- tens of milliseconds, and 0.1.0 ranked only the newest 500 matches of
-- common words, which left their best matches out (issue 15: precision@10
-- 0.22 on the common-word queries of pgrx-tests/bench/relevance/ at scale
-- 1).  Instead, for every word of at least search_leaders_min_matches()
-- published public creations, the creations it ranks best are kept in
-- order, as a search engine keeps impact-ordered postings:
-- search_creations ranks the leaders of the query's words
-- (src/queries/discovery/search_leaders.sql), a bounded candidate set,
-- and falls back to the other ways when they cannot fill the page.
--
-- A creation's score for a word is what search_ranked_all.sql ranks it for
-- a query of that word alone (without the exact-tag bonus).  A query that
-- names a tag puts every creation with that tag first (the bonus), so each
-- common tag has a list too, under the key '#' || tag (no lexeme starts
-- with '#'): the tagged creations by their score for the tag's word.  Each word's
-- list holds its search_leaders_kept() best as of the last refresh, and
-- every creation published since that scores at least as well as the last
-- of them (search_common_lexemes.floor): so the top of each list is exact.
-- A creation that is hidden, deleted or edited leaves the lists at once.
-- Which words are common, and the lists' length, are set again by
-- arcanea.refresh_search_leaders() (weekly job, after an upgrade or a bulk load).
-- ============================================================================

-- A word is common from this many matches: below it, ranking every match
-- costs under ~6 ms (2,000 matches at scale 1, cold cache included).
CREATE FUNCTION arcanea.search_leaders_min_matches() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 2000 $$;

-- How many leaders a refresh keeps per word: enough for page 50 of 20.
CREATE FUNCTION arcanea.search_leaders_kept() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1000 $$;

CREATE TABLE arcanea.search_common_lexemes (
    lexeme   text    PRIMARY KEY,
    matches  integer NOT NULL,
    floor    real    NOT NULL
);
COMMENT ON TABLE arcanea.search_common_lexemes IS
    'Words of at least arcanea.search_leaders_min_matches() public creations at the last refresh, and the lowest score kept.';

CREATE TABLE arcanea.search_leaders (
    lexeme       text        NOT NULL,
    score        real        NOT NULL,
    created_at   timestamptz NOT NULL,
    creation_id  uuid        NOT NULL,
    PRIMARY KEY (lexeme, score, created_at, creation_id)
);
COMMENT ON TABLE arcanea.search_leaders IS
    'The best-ranked public creations of each common word, in rank order (read backwards).';

-- A one-lexeme tsquery: the lexeme quoted, as tsquery input wants it.
CREATE FUNCTION arcanea.lexeme_query(lexeme text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pg_catalog.tsquery(
        '''' || pg_catalog.replace(pg_catalog.replace(lexeme, '\', '\\'), '''', '''''') || '''')
$$;

-- Search's relevance (src/ranking.rs): ts_rank_cd('{0.1, 0.2, 0.4, 1.0}',
-- vector, query, 32), computed without zeroing 32 KB per query item.
CREATE  FUNCTION arcanea."rank_cd"(
	"vector" tsvector, /* TsVector */
	"query" tsquery /* TsQuery */
) RETURNS real /* f32 */
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'rank_cd_wrapper';

-- A creation's score for one word: search_ranked_all.sql's rank of it for a
-- query of that word alone, without the exact-tag bonus (arcanea.rank_cd,
-- src/ranking.rs: ts_rank_cd's value, without zeroing 32 KB per call).
CREATE FUNCTION arcanea.lexeme_score(vector tsvector, lexeme text) RETURNS real
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT arcanea.rank_cd(vector, arcanea.lexeme_query(lexeme))
$$;

-- The lexemes a tsquery requires or offers (every quoted operand; one under
-- a ! too, which only widens the candidates, never narrows them).
CREATE FUNCTION arcanea.query_lexemes(query tsquery) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT pg_catalog.replace(m[1], '''''', '''')), '{}')
      FROM pg_catalog.regexp_matches(query::text, '''((?:[^'']|'''')*)''', 'g') AS m
$$;

-- ---------------------------------------------------------------------------
-- Keeping the lists: a creation leaves every list it is on when it stops
-- being public, is deleted, or its text or time changes; it joins the list
-- of each common word it uses where it scores at least the list's floor.
-- ---------------------------------------------------------------------------
-- The lists a creation belongs on, by key, with its score on each: its words,
-- and '#' || each of its tags.
CREATE FUNCTION arcanea.leader_keys(vector tsvector, tags text[])
RETURNS TABLE (key text, score real)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT w, arcanea.lexeme_score(vector, w) FROM unnest(tsvector_to_array(vector)) AS w
    UNION
    SELECT '#' || t, arcanea.lexeme_score(vector, t) FROM unnest(tags) AS t
$$;
-- The lists a creation joins: its keys on a common word's list where it
-- scores at least the list's floor (the trigger below, and a refresh's
-- re-apply of the creations written meanwhile).
CREATE FUNCTION arcanea.leader_keys_above_floor(vector tsvector, tags text[])
RETURNS TABLE (key text, score real)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT k.key, k.score
      FROM arcanea.leader_keys(vector, tags) k
      JOIN arcanea.search_common_lexemes l ON l.lexeme = k.key
     WHERE k.score >= l.floor
$$;

-- A refresh computes the new lists from one snapshot, for minutes on a large
-- database, without stopping publishes (see refresh_search_leaders()).
-- While it does, it holds this advisory lock, and each writer of a creation
-- notes the creation here.  Before the refresh puts in its lists, it applies
-- those creations again from their rows as they are then.  UNLOGGED: a
-- crash rolls back the refresh that needed the notes.
CREATE FUNCTION arcanea.search_leaders_refresh_lock() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1634886508::bigint $$;  -- 'arcl' in ASCII
CREATE UNLOGGED TABLE arcanea.search_leaders_pending (
    creation_id uuid PRIMARY KEY
);
COMMENT ON TABLE arcanea.search_leaders_pending IS
    'Creations written while a refresh of the search leaders computed its lists; it applies them again before it ends.';

CREATE FUNCTION arcanea.creations_maintain_leaders() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Held shared until this transaction ends, so a refresh that starts
    -- later waits for it and sees what it wrote.
    IF NOT pg_catalog.pg_try_advisory_xact_lock_shared(arcanea.search_leaders_refresh_lock()) THEN
        INSERT INTO arcanea.search_leaders_pending (creation_id)
        VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
            ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' AND OLD.is_public THEN
        DELETE FROM arcanea.search_leaders s
         USING arcanea.leader_keys(OLD.search_vector, OLD.tags) k
         WHERE s.lexeme = k.key AND s.score = k.score
           AND s.created_at = OLD.created_at AND s.creation_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' AND NEW.is_public THEN
        INSERT INTO arcanea.search_leaders (lexeme, score, created_at, creation_id)
        SELECT k.key, k.score, NEW.created_at, NEW.id
          FROM arcanea.leader_keys_above_floor(NEW.search_vector, NEW.tags) k
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER creations_maintain_leaders
    AFTER INSERT OR DELETE OR UPDATE OF title, tags, description, status, is_public, created_at
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.creations_maintain_leaders();

-- ---------------------------------------------------------------------------
-- Rebuild: which words are common now (ts_stat over the public creations),
-- and each one's best search_leaders_kept() creations (its matches ranked
-- with a bounded top-N sort).  Service role and the weekly job
-- (75_maintenance.sql); also after the upgrade from 0.1.0 and a load with
-- triggers off.  Returns the sizes.
--
-- The ranking takes minutes on a large database (70-115 s for 986 words at
-- the benchmark's scale 1, 2026-12-01), so it runs before the lists are
-- locked: searches and publishes go on meanwhile.  Writers of creations
-- note what they change (search_leaders_pending); once the new lists are
-- computed, they go in by difference (most of a week's lists are the same
-- rows), and the noted creations are applied again from their current rows,
-- all under a lock that holds writers back for that short while only (up
-- to 3.9 s at scale 1 when most lists were the same; 8.1 s to fill empty
-- ones; the refresh alone on the benchmark's data, release build).
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.refresh_search_leaders() RETURNS TABLE (lexemes bigint, leaders bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Writers note their creations from here on; this waits for the ones
    -- that began before and did not, so the snapshots below see their rows.
    PERFORM pg_catalog.pg_advisory_xact_lock(arcanea.search_leaders_refresh_lock());
    -- Left by an earlier call in this transaction (ON COMMIT DROP), if any.
    -- Not DROP ... IF EXISTS: it says so in a NOTICE on every weekly run.
    IF pg_catalog.to_regclass('pg_temp.refreshed_common') IS NOT NULL THEN
        DROP TABLE pg_temp.refreshed_common, pg_temp.refreshed_leaders, pg_temp.refreshed_pending;
    END IF;
    CREATE TEMP TABLE refreshed_common ON COMMIT DROP AS
    SELECT t.word AS lexeme, t.ndoc::integer AS matches
      FROM ts_stat('SELECT c.search_vector FROM public.creations c WHERE c.status = ''published'' AND c.is_public') t
     WHERE t.ndoc >= arcanea.search_leaders_min_matches()
    UNION ALL
    SELECT '#' || t, count(*)::integer
      FROM public.creations c, unnest(c.tags) AS t
     WHERE c.status = 'published' AND c.is_public
     GROUP BY t HAVING count(*) >= arcanea.search_leaders_min_matches();
    CREATE TEMP TABLE refreshed_leaders ON COMMIT DROP AS
    SELECT l.lexeme, b.score, b.created_at, b.id AS creation_id
      FROM refreshed_common l
     CROSS JOIN LATERAL (
           SELECT c.id, c.created_at, arcanea.lexeme_score(c.search_vector, l.lexeme) AS score
             FROM public.creations c
            WHERE c.search_vector @@ arcanea.lexeme_query(l.lexeme) AND c.status = 'published' AND c.is_public
            ORDER BY 3 DESC, c.created_at DESC, c.id DESC
            LIMIT arcanea.search_leaders_kept()) b
     WHERE l.lexeme NOT LIKE '#%'
    UNION ALL
    SELECT l.lexeme, b.score, b.created_at, b.id
      FROM refreshed_common l
     CROSS JOIN LATERAL (
           SELECT c.id, c.created_at, arcanea.lexeme_score(c.search_vector, substr(l.lexeme, 2)) AS score
             FROM public.creations c
            WHERE c.tags @> ARRAY[substr(l.lexeme, 2)] AND c.status = 'published' AND c.is_public
            ORDER BY 3 DESC, c.created_at DESC, c.id DESC
            LIMIT arcanea.search_leaders_kept()) b
     WHERE l.lexeme LIKE '#%';
    ANALYZE pg_temp.refreshed_leaders;

    -- Writers of creations wait from here (their trigger writes the lists);
    -- searches go on reading the old lists until this commits (DELETE, not
    -- TRUNCATE, whose lock would stop them).
    LOCK TABLE arcanea.search_common_lexemes, arcanea.search_leaders IN EXCLUSIVE MODE;
    DELETE FROM arcanea.search_leaders s
     WHERE NOT EXISTS (SELECT 1 FROM pg_temp.refreshed_leaders r
                        WHERE r.lexeme = s.lexeme AND r.score = s.score
                          AND r.created_at = s.created_at AND r.creation_id = s.creation_id);
    INSERT INTO arcanea.search_leaders (lexeme, score, created_at, creation_id)
    SELECT r.lexeme, r.score, r.created_at, r.creation_id
      FROM pg_temp.refreshed_leaders r
     WHERE NOT EXISTS (SELECT 1 FROM arcanea.search_leaders s
                        WHERE s.lexeme = r.lexeme AND s.score = r.score
                          AND s.created_at = r.created_at AND s.creation_id = r.creation_id);
    -- A full list's floor is its lowest score: every match scoring more is
    -- in it (a shorter list holds every match, and its floor stays 0).
    DELETE FROM arcanea.search_common_lexemes;
    INSERT INTO arcanea.search_common_lexemes (lexeme, matches, floor)
    SELECT r.lexeme, r.matches, coalesce(k.lowest, 0)
      FROM pg_temp.refreshed_common r
      LEFT JOIN (SELECT l.lexeme, min(l.score) AS lowest
                   FROM pg_temp.refreshed_leaders l GROUP BY l.lexeme
                 HAVING count(*) >= arcanea.search_leaders_kept()) k ON k.lexeme = r.lexeme;
    -- The creations written since the snapshots: out of every list, then
    -- back in as the trigger puts them, above the floors.
    CREATE TEMP TABLE refreshed_pending ON COMMIT DROP AS
    WITH noted AS (DELETE FROM arcanea.search_leaders_pending RETURNING creation_id)
    SELECT DISTINCT creation_id FROM noted;
    DELETE FROM arcanea.search_leaders s USING pg_temp.refreshed_pending p WHERE s.creation_id = p.creation_id;
    INSERT INTO arcanea.search_leaders (lexeme, score, created_at, creation_id)
    SELECT k.key, k.score, c.created_at, c.id
      FROM pg_temp.refreshed_pending p
      JOIN public.creations c ON c.id = p.creation_id AND c.status = 'published' AND c.is_public
     CROSS JOIN LATERAL arcanea.leader_keys_above_floor(c.search_vector, c.tags) k
        ON CONFLICT DO NOTHING;
    RETURN QUERY SELECT (SELECT count(*) FROM arcanea.search_common_lexemes),
                        (SELECT count(*) FROM arcanea.search_leaders);
END
$$;
COMMENT ON FUNCTION arcanea.refresh_search_leaders() IS
    'Recomputes which words are common and their best-ranked creations (weekly job; after bulk loads). Service role only.';
-- Dumped with the data (90_finalize.sql).
SELECT pg_catalog.pg_extension_config_dump('arcanea.search_common_lexemes', '');
SELECT pg_catalog.pg_extension_config_dump('arcanea.search_leaders', '');
-- The lists are not filled here: refresh_search_leaders() ranks every match
-- of every common word, 115 s on the benchmark's scale-1 data, and inside
-- this transaction every table stays locked for all of it (the update took
-- 111-142 s with it, pgrx-tests/bench/UPGRADE_RESULTS.md).  Empty lists
-- are a state search handles (a new install's until its first refresh):
-- a common word then ranks its newest matches, as 0.1.0 did.  The operator
-- fills them after the update (docs/operations.md), or the weekly job does;
-- the warning at the end of this script says so when there are creations.

-- Payload limits (15_limits.sql): the new ones.  Each is added NOT VALID
-- (no scan: the lock is momentary), then validated, which scans the table
-- under the same ACCESS EXCLUSIVE lock (readers wait: bench figures in
-- docs/operations.md#what-an-upgrade-locks).  A row written before the
-- limit existed and over it is kept: that constraint then stays NOT VALID
-- (new writes are still held to it) and a WARNING names it.
CREATE FUNCTION arcanea.texts_within(elements text[], max_chars integer) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e text;
BEGIN
    FOREACH e IN ARRAY coalesce(elements, '{}') LOOP
        IF e IS NULL OR e !~ '\S' OR char_length(e) > max_chars THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END
$$;

ALTER TABLE public.profiles
    ADD CONSTRAINT profiles_stripe_customer_id_length CHECK (char_length(stripe_customer_id) <= 255) NOT VALID,
    ADD CONSTRAINT profiles_stripe_subscription_id_length CHECK (char_length(stripe_subscription_id) <= 255) NOT VALID;
ALTER TABLE public.luminors
    ADD CONSTRAINT luminors_avatar_url_length CHECK (char_length(avatar_url) <= 2048) NOT VALID,
    ADD CONSTRAINT luminors_icon_length CHECK (char_length(icon) <= 100) NOT VALID,
    ADD CONSTRAINT luminors_personality_size CHECK (octet_length(personality::text) <= 8192) NOT VALID,
    ADD CONSTRAINT luminors_expertise_limit CHECK (cardinality(expertise) <= 30 AND arcanea.texts_within(expertise, 100)) NOT VALID,
    ADD CONSTRAINT luminors_ai_tools_limit CHECK (cardinality(ai_tools) <= 30 AND arcanea.texts_within(ai_tools, 100)) NOT VALID;
ALTER TABLE public.luminor_conversations
    ADD CONSTRAINT luminor_conversations_context_size CHECK (octet_length(context::text) <= 16384) NOT VALID;
ALTER TABLE public.luminor_relationships
    ADD CONSTRAINT luminor_relationships_user_preferences_size CHECK (octet_length(user_preferences::text) <= 8192) NOT VALID,
    ADD CONSTRAINT luminor_relationships_personality_match_size CHECK (octet_length(personality_match::text) <= 8192) NOT VALID;
ALTER TABLE public.creations
    ADD CONSTRAINT creations_generation_params_size CHECK (octet_length(generation_params::text) <= 16384) NOT VALID,
    ADD CONSTRAINT creations_metadata_size CHECK (octet_length(metadata::text) <= 16384) NOT VALID,
    ADD CONSTRAINT creations_tags_element_length CHECK (arcanea.texts_within(tags, 50)) NOT VALID,
    ADD CONSTRAINT creations_categories_element_length CHECK (arcanea.texts_within(categories, 50)) NOT VALID;

-- Ratings: only the Luminor's messages take one.  A rating a user gave to
-- their own or a system message in 0.1.0 is taken back (the Luminor's
-- average moves with it, through messages_maintain_counts).
-- The partitioned luminor_messages (below) has the constraint from the start.
UPDATE public.luminor_messages SET user_rating = NULL, was_helpful = NULL
 WHERE role <> 'assistant' AND (user_rating IS NOT NULL OR was_helpful IS NOT NULL);

DO $validate$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT con.conrelid::regclass AS tbl, con.conname
          FROM pg_catalog.pg_constraint con
         WHERE NOT con.convalidated AND con.contype = 'c'
           AND con.conrelid IN ('public.profiles'::regclass, 'public.profile_private'::regclass,
                                'public.luminors'::regclass,
                                'public.luminor_conversations'::regclass, 'public.luminor_relationships'::regclass,
                                'public.luminor_messages'::regclass, 'public.creations'::regclass,
                                'public.notifications'::regclass)
         ORDER BY 1, 2
    LOOP
        BEGIN
            EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', c.tbl, c.conname);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'arcanea 0.2.0: rows of % written before the limit % are over it; they are kept, and the limit holds for new writes only',
                c.tbl, c.conname
                USING HINT = format('Find them with: SELECT * FROM %s WHERE NOT (%s); fix them, then: ALTER TABLE %s VALIDATE CONSTRAINT %I;',
                                    c.tbl, pg_catalog.pg_get_constraintdef((SELECT oid FROM pg_catalog.pg_constraint
                                                                             WHERE conrelid = c.tbl AND conname = c.conname)),
                                    c.tbl, c.conname);
        END;
    END LOOP;
END
$validate$;

-- The Rust entry point the username rule calls.
CREATE  FUNCTION arcanea."is_reserved_username"(
	"name" TEXT, /* & str */
	"luminor_names" TEXT[] /* Vec < Option < String > > */
) RETURNS bool /* bool */
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'is_reserved_username_wrapper';

-- The schema of the monthly partitions (10_tables.sql, 77_partitions.sql).
CREATE SCHEMA arcanea_partitions;
COMMENT ON SCHEMA arcanea_partitions IS
    'Arcanea: the monthly partitions of public.luminor_messages and public.notifications. Read them through those tables.';

-- The catalog's list of the extension's relations, which the lists of
-- tables below read (10_tables.sql).
CREATE FUNCTION arcanea.own_relations()
RETURNS TABLE (rel regclass, relkind "char", relpersistence "char", relnamespace regnamespace)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT c.oid::regclass, c.relkind, c.relpersistence, c.relnamespace::regnamespace
      FROM pg_class c
      JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
     WHERE c.relnamespace IN ('public'::regnamespace, 'arcanea'::regnamespace, 'arcanea_partitions'::regnamespace)
$$;

-- Search's query expression, one function instead of a copy per statement
-- (25_search_terms.sql), and the drop guard's catalog-driven table list
-- (80_drop_guard.sql).
CREATE FUNCTION arcanea.search_query(input text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.websearch_to_tsquery('pg_catalog.english', input)
                     OPERATOR(pg_catalog.=) pg_catalog.websearch_to_tsquery('pg_catalog.simple', input)
                THEN pg_catalog.websearch_to_tsquery('pg_catalog.english', input)
                ELSE pg_catalog.websearch_to_tsquery('pg_catalog.english', input)
                     OPERATOR(pg_catalog.||) pg_catalog.websearch_to_tsquery('pg_catalog.simple', input)
           END
$$;
CREATE FUNCTION arcanea.user_tables_with_rows() RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    has_rows boolean;
    found text[] := '{}';
BEGIN
    FOR t IN
        SELECT o.rel FROM arcanea.own_relations() o
         WHERE o.relkind IN ('r', 'p') AND o.relnamespace = 'public'::regnamespace
           AND EXISTS (SELECT 1 FROM pg_constraint k
                        WHERE k.conrelid = o.rel AND k.contype = 'f'
                          AND k.confrelid IN ('auth.users'::regclass, 'public.profiles'::regclass))
         ORDER BY o.rel::text
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', t) INTO has_rows;
        IF has_rows THEN
            found := found || t::text;
        END IF;
    END LOOP;
    RETURN found;
END
$$;

-- Rules the table API keeps (35_rules.sql).
CREATE FUNCTION arcanea.caller_is_trusted() RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT r.rolsuper OR r.rolbypassrls
                       FROM pg_catalog.pg_roles r
                      WHERE r.rolname = coalesce(nullif(pg_catalog.current_setting('role'), 'none'),
                                                 pg_catalog.session_user())), false);
END
$$;
CREATE FUNCTION arcanea.require_available_luminor() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    available boolean;
BEGIN
    IF TG_TABLE_NAME = 'luminor_conversations' THEN
        SELECT l.is_active AND l.is_public INTO available
          FROM public.luminors l WHERE l.id = NEW.luminor_id;
    ELSE
        SELECT l.is_active AND l.is_public INTO available
          FROM public.luminor_conversations c JOIN public.luminors l ON l.id = c.luminor_id
         WHERE c.id = NEW.conversation_id;
    END IF;
    -- No conversation at all is the foreign key's error to report.
    IF available IS FALSE OR (available IS NULL AND TG_TABLE_NAME = 'luminor_conversations') THEN
        RAISE EXCEPTION 'luminor not found' USING ERRCODE = 'PT404';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER luminor_conversations_require_available_luminor
    BEFORE INSERT OR UPDATE OF luminor_id ON public.luminor_conversations
    FOR EACH ROW EXECUTE FUNCTION arcanea.require_available_luminor();
CREATE FUNCTION arcanea.profiles_refuse_reserved_username() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.username IS DISTINCT FROM OLD.username
       AND arcanea.is_reserved_username(NEW.username,
                                        ARRAY(SELECT l.name FROM public.luminors l
                                              UNION ALL SELECT l.slug FROM public.luminors l))
       AND NOT arcanea.caller_is_trusted() THEN
        RAISE EXCEPTION 'username "%" is reserved', NEW.username
            USING ERRCODE = 'check_violation', HINT = 'Choose another username.',
                  TABLE = 'profiles', COLUMN = 'username';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER profiles_refuse_reserved_username BEFORE UPDATE OF username ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION arcanea.profiles_refuse_reserved_username();

-- Mentions: none to deactivated accounts; a deleted comment withdraws its
-- notifications (the index it uses comes with the partitioned
-- notifications, below).
CREATE OR REPLACE FUNCTION arcanea.comments_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c             record;
    actor         jsonb := arcanea.actor_metadata(NEW.user_id);
    actor_name    text  := coalesce(actor ->> 'actor_username', 'someone');
    meta          jsonb;
    parent_author uuid;
    notified      uuid[] := ARRAY[NEW.user_id];
    mentioned     record;
BEGIN
    SELECT id, user_id, title INTO c FROM public.creations WHERE id = NEW.creation_id;
    meta := actor || jsonb_build_object('creation_id', c.id, 'creation_title', c.title,
                                        'comment_id', NEW.id);

    IF NEW.parent_comment_id IS NOT NULL THEN
        SELECT user_id INTO parent_author FROM public.comments WHERE id = NEW.parent_comment_id;
        IF parent_author <> ALL (notified) THEN
            PERFORM arcanea.notify(parent_author, 'comment_reply',
                actor_name || ' replied to your comment', left(NEW.content, 280),
                '/creations/' || c.id || '#comment-' || NEW.id,
                meta || jsonb_build_object('parent_comment_id', NEW.parent_comment_id));
            notified := notified || parent_author;
        END IF;
    END IF;

    IF c.user_id <> ALL (notified) THEN
        PERFORM arcanea.notify(c.user_id, 'creation_commented',
            actor_name || ' commented on your creation', left(NEW.content, 280),
            '/creations/' || c.id || '#comment-' || NEW.id, meta);
        notified := notified || c.user_id;
    END IF;

    FOR mentioned IN
        SELECT p.id FROM public.profiles p
         WHERE p.username = ANY (arcanea.parse_mentions(NEW.content))
           AND p.is_active
           AND p.id <> ALL (notified)
    LOOP
        PERFORM arcanea.notify(mentioned.id, 'mention',
            actor_name || ' mentioned you in a comment', left(NEW.content, 280),
            '/creations/' || c.id || '#comment-' || NEW.id, meta);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE FUNCTION arcanea.comments_withdraw_notifications() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM public.notifications n
     WHERE n.metadata ->> 'comment_id' = OLD.id::text
       AND n.type IN ('mention', 'comment_reply', 'creation_commented');
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_withdraw_notifications AFTER DELETE
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_withdraw_notifications();

-- Storage: the extension governs only the buckets it created.  In 0.1.0
-- that was every bucket of its names on a bare PostgreSQL (storage.buckets
-- is the extension's own table there); inside Supabase, those whose
-- visibility and file types are the ones 0.1.0 created them with.  Any
-- other bucket of one of these names is the project's, and is left closed.
CREATE TABLE arcanea.buckets (
    id text PRIMARY KEY CONSTRAINT buckets_known CHECK (id IN ('avatars', 'creations', 'thumbnails'))
);
COMMENT ON TABLE arcanea.buckets IS
    'The storage buckets this extension created and governs with its policies. A bucket of the same name that existed before stays the project''s own.';
CREATE TRIGGER buckets_replace_seeded_row_on_restore BEFORE INSERT
    ON arcanea.buckets FOR EACH ROW EXECUTE FUNCTION arcanea.replace_seeded_row_on_restore();
ALTER TABLE arcanea.buckets ENABLE ALWAYS TRIGGER buckets_replace_seeded_row_on_restore;
SELECT pg_catalog.pg_extension_config_dump('arcanea.buckets', '');
INSERT INTO arcanea.buckets (id)
SELECT b.id
  FROM storage.buckets b
  JOIN (VALUES
        ('avatars', true, ARRAY['image/jpeg', 'image/png', 'image/webp', 'image/gif']),
        ('creations', false,
         ARRAY['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/svg+xml',
               'video/mp4', 'video/webm', 'video/quicktime',
               'audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/ogg', 'audio/flac', 'audio/aac', 'audio/mp4',
               'application/pdf']),
        ('thumbnails', true, ARRAY['image/jpeg', 'image/png', 'image/webp'])) AS seeded(id, public, mime_types)
    ON seeded.id = b.id
 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = 'storage.buckets'::regclass
                  AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
                  AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'arcanea'))
    OR (b.public IS NOT DISTINCT FROM seeded.public AND b.allowed_mime_types IS NOT DISTINCT FROM seeded.mime_types);
DO $left_closed$
DECLARE
    bucket text;
BEGIN
    FOR bucket IN SELECT b FROM unnest(ARRAY['avatars', 'creations', 'thumbnails']) b
                   WHERE b NOT IN (SELECT id FROM arcanea.buckets) ORDER BY 1 LOOP
        RAISE WARNING 'storage bucket "%" already exists: Arcanea leaves it as it is and opens nothing in it', bucket
            USING HINT = format('To let Arcanea govern it (its policies, its paths), after checking its settings: '
                                'INSERT INTO arcanea.buckets VALUES (%L);', bucket);
    END LOOP;
END
$left_closed$;
CREATE FUNCTION arcanea.uuid_or_null(value text) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN value::uuid END
$$;
CREATE FUNCTION arcanea.storage_read_allowed(bucket text, object_name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT arcanea.in_own_storage_folder(object_name)
        OR CASE bucket
           WHEN 'avatars' THEN
               EXISTS (SELECT 1 FROM public.profiles p
                        WHERE p.id = arcanea.uuid_or_null((storage.foldername(object_name))[1])
                          AND p.is_active)
           WHEN 'creations' THEN
               EXISTS (SELECT 1 FROM public.creations c
                        WHERE c.id = arcanea.uuid_or_null(split_part(storage.filename(object_name), '.', 1))
                          AND c.user_id = arcanea.uuid_or_null((storage.foldername(object_name))[1])
                          AND c.status = 'published' AND c.is_public)
           WHEN 'thumbnails' THEN
               EXISTS (SELECT 1 FROM public.creations c
                        WHERE c.id = arcanea.uuid_or_null(
                                         left(split_part(storage.filename(object_name), '.', 1), -length('-thumb')))
                          AND c.user_id = arcanea.uuid_or_null((storage.foldername(object_name))[1])
                          AND c.status = 'published' AND c.is_public)
           ELSE false
       END
$$;
CREATE OR REPLACE FUNCTION arcanea.storage_write_allowed(bucket text, object_name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT arcanea.in_own_storage_folder(object_name)
       AND CASE bucket
           WHEN 'avatars' THEN
               cardinality(storage.foldername(object_name)) = 1
               AND storage.filename(object_name) ~ '^avatar\.(jpe?g|png|webp|gif)$'
           WHEN 'creations' THEN
               cardinality(storage.foldername(object_name)) = 2
               AND (storage.foldername(object_name))[2] IN ('image', 'music', 'video', 'text', 'multimodal')
               AND EXISTS (SELECT 1 FROM public.creations c
                            WHERE c.user_id = (SELECT auth.uid())
                              AND c.id = arcanea.uuid_or_null(split_part(storage.filename(object_name), '.', 1)))
           WHEN 'thumbnails' THEN
               cardinality(storage.foldername(object_name)) = 1
               AND storage.filename(object_name) ~ '-thumb\.(jpe?g|png|webp)$'
               AND EXISTS (SELECT 1 FROM public.creations c
                            WHERE c.user_id = (SELECT auth.uid())
                              AND c.id = arcanea.uuid_or_null(
                                             left(split_part(storage.filename(object_name), '.', 1), -length('-thumb'))))
           ELSE false
       END
$$;
DROP POLICY arcanea_storage_select ON storage.objects;
DROP POLICY arcanea_storage_insert ON storage.objects;
DROP POLICY arcanea_storage_update ON storage.objects;
DROP POLICY arcanea_storage_delete ON storage.objects;
CREATE POLICY arcanea_storage_select ON storage.objects FOR SELECT TO anon, authenticated
    USING (bucket_id IN (SELECT b.id FROM arcanea.buckets b)
           AND arcanea.storage_read_allowed(bucket_id, name));
CREATE POLICY arcanea_storage_insert ON storage.objects FOR INSERT TO authenticated
    WITH CHECK (bucket_id IN (SELECT b.id FROM arcanea.buckets b)
                AND arcanea.storage_write_allowed(bucket_id, name)
                AND (owner_id IS NULL OR owner_id = (SELECT auth.uid())::text));
CREATE POLICY arcanea_storage_update ON storage.objects FOR UPDATE TO authenticated
    USING (bucket_id IN (SELECT b.id FROM arcanea.buckets b) AND arcanea.in_own_storage_folder(name))
    WITH CHECK (bucket_id IN (SELECT b.id FROM arcanea.buckets b)
                AND arcanea.storage_write_allowed(bucket_id, name)
                AND (owner_id IS NULL OR owner_id = (SELECT auth.uid())::text));
CREATE POLICY arcanea_storage_delete ON storage.objects FOR DELETE TO authenticated
    USING (bucket_id IN (SELECT b.id FROM arcanea.buckets b) AND arcanea.in_own_storage_folder(name));

-- ---------------------------------------------------------------------------
-- Monthly partitions for luminor_messages and notifications (10_tables.sql,
-- 77_partitions.sql).  A table cannot become partitioned in place, and
-- copying its rows into a new one would rewrite them all while every
-- request waits.  So each 0.1.0 table becomes the first partition of its
-- new partitioned table, <table>_legacy, covering everything before next
-- month: it leaves public and the extension (like any month, 77 says why),
-- sheds what made it a table of its own (triggers, policies, grants; the
-- partitioned table's apply to it once attached), takes the keys and
-- limits ATTACH PARTITION requires, and is attached.  Its rows stay where
-- they are: the work is a new primary key (id, created_at), a scan for each
-- new limit, and the two new indexes of notifications (the time at scale 1
-- is in pgrx-tests/bench/UPGRADE_RESULTS.md).  Both tables are ACCESS
-- EXCLUSIVE-locked from here until the script commits.  Months after the
-- legacy partition get partitions of their own (arcanea.ensure_partitions).
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.partition_bounds(p_partition regclass, OUT lower_bound timestamptz, OUT upper_bound timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT substring(b FROM 'FROM \(''([^'']+)''\)')::timestamptz,
           substring(b FROM 'TO \(''([^'']+)''\)')::timestamptz
      FROM (SELECT pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_class c WHERE c.oid = p_partition) x
$$;
CREATE FUNCTION arcanea.create_month_partition(p_parent regclass, p_instant timestamptz)
RETURNS regclass
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    -- Months in UTC, whatever the session's time zone, so every caller
    -- draws the same boundaries.
    month timestamp := date_trunc('month', p_instant AT TIME ZONE 'UTC');
    part_name text := format('%s_p%s', (SELECT relname FROM pg_class WHERE oid = p_parent), to_char(month, 'YYYY_MM'));
BEGIN
    EXECUTE format('CREATE TABLE arcanea_partitions.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                   part_name, p_parent, month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
    -- The parent's owner owns its partitions, whoever ran this, so
    -- cleanup_notifications (running as that owner) may drop them.
    EXECUTE format('ALTER TABLE arcanea_partitions.%I OWNER TO %I', part_name,
                   (SELECT relowner::regrole::text FROM pg_class WHERE oid = p_parent));
    RETURN format('arcanea_partitions.%I', part_name)::regclass;
END
$$;
CREATE FUNCTION arcanea.ensure_partitions(p_months_ahead integer DEFAULT 3)
RETURNS SETOF regclass
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parent regclass;
    dflt regclass;
    month timestamptz;
    next_month timestamptz;
    has_rows boolean;
BEGIN
    IF p_months_ahead IS NULL OR p_months_ahead NOT BETWEEN 0 AND 120 THEN
        RAISE EXCEPTION 'p_months_ahead must be between 0 and 120'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR parent IN
        SELECT o.rel FROM arcanea.own_relations() o WHERE o.relkind = 'p' ORDER BY o.rel::text
    LOOP
        SELECT i.inhrelid::regclass INTO dflt
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
        FOR m IN 0 .. p_months_ahead LOOP
            month := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m)) AT TIME ZONE 'UTC';
            next_month := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m + 1)) AT TIME ZONE 'UTC';
            -- A partition (ours or an operator's) covers some of it.
            CONTINUE WHEN EXISTS (
                SELECT 1 FROM pg_inherits i
                 WHERE i.inhparent = parent
                   AND (arcanea.partition_bounds(i.inhrelid::regclass)).lower_bound < next_month
                   AND (arcanea.partition_bounds(i.inhrelid::regclass)).upper_bound > month);
            IF dflt IS NOT NULL THEN
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE created_at >= $1 AND created_at < $2)', dflt)
                   INTO has_rows USING month, next_month;
                IF has_rows THEN
                    RAISE NOTICE '% has rows of % in %: that month stays there', parent,
                        to_char(month AT TIME ZONE 'UTC', 'YYYY-MM'), dflt;
                    CONTINUE;
                END IF;
            END IF;
            RETURN NEXT arcanea.create_month_partition(parent, month);
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION arcanea.ensure_partitions(integer) IS
    'Creates the monthly partitions of public.luminor_messages and public.notifications from this month to p_months_ahead months ahead, where missing. Run daily (arcanea.schedule_maintenance() does).';
CREATE FUNCTION arcanea.drop_read_notification_partitions(p_cutoff timestamptz)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    part regclass;
    n bigint;
    all_read boolean;
    dropped bigint := 0;
BEGIN
    FOR part IN
        SELECT i.inhrelid::regclass FROM pg_inherits i
         WHERE i.inhparent = 'public.notifications'::regclass
           AND (arcanea.partition_bounds(i.inhrelid::regclass)).upper_bound <= p_cutoff
         ORDER BY 1
    LOOP
        -- IS TRUE: a row read without a read_at (inserted as read: the
        -- read_at trigger fires on UPDATE) is one the DELETE keeps, and
        -- bool_and would skip its NULL.
        EXECUTE format('SELECT count(*), coalesce(bool_and((is_read AND read_at < $1) IS TRUE), true) FROM %s', part)
           INTO n, all_read USING p_cutoff;
        IF all_read THEN
            -- ACCESS EXCLUSIVE on notifications until commit: catalog work only.
            EXECUTE format('DROP TABLE %s', part);
            dropped := dropped + n;
        END IF;
    END LOOP;
    RETURN dropped;
END
$$;

-- Out of public and out of the extension, which also takes them off
-- pg_dump's list of the extension's data: as partitions they are ordinary
-- tables that pg_dump writes out with their rows.
ALTER TABLE public.luminor_messages SET SCHEMA arcanea_partitions;
ALTER TABLE arcanea_partitions.luminor_messages RENAME TO luminor_messages_legacy;
ALTER EXTENSION arcanea DROP TABLE arcanea_partitions.luminor_messages_legacy;
ALTER TABLE public.notifications SET SCHEMA arcanea_partitions;
ALTER TABLE arcanea_partitions.notifications RENAME TO notifications_legacy;
ALTER EXTENSION arcanea DROP TABLE arcanea_partitions.notifications_legacy;

-- What made them tables of their own: 0.1.0's triggers (the partitioned
-- table's are cloned onto them when they are attached), policies, row
-- security, the API roles' grants (nobody may use arcanea_partitions) and
-- a publication membership an operator may have given them.
DROP TRIGGER messages_maintain_counts ON arcanea_partitions.luminor_messages_legacy;
DROP TRIGGER luminor_messages_rate_limit ON arcanea_partitions.luminor_messages_legacy;
DROP TRIGGER notifications_track_read_at ON arcanea_partitions.notifications_legacy;
DROP POLICY luminor_messages_select ON arcanea_partitions.luminor_messages_legacy;
DROP POLICY luminor_messages_insert ON arcanea_partitions.luminor_messages_legacy;
DROP POLICY luminor_messages_update ON arcanea_partitions.luminor_messages_legacy;
DROP POLICY notifications_recipient ON arcanea_partitions.notifications_legacy;
ALTER TABLE arcanea_partitions.luminor_messages_legacy DISABLE ROW LEVEL SECURITY;
ALTER TABLE arcanea_partitions.notifications_legacy DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON arcanea_partitions.luminor_messages_legacy, arcanea_partitions.notifications_legacy
    FROM PUBLIC, anon, authenticated, service_role;
DO $unpublish$
DECLARE
    t regclass;
BEGIN
    FOREACH t IN ARRAY ARRAY['arcanea_partitions.luminor_messages_legacy',
                             'arcanea_partitions.notifications_legacy']::regclass[] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr
                     JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
                    WHERE p.pubname = 'supabase_realtime' AND pr.prrelid = t) THEN
            EXECUTE format('ALTER PUBLICATION supabase_realtime DROP TABLE %s', t);
        END IF;
    END LOOP;
END
$unpublish$;

-- Keys and limits as ATTACH PARTITION requires them: the primary key
-- becomes (id, created_at) (built by the attachment), and the partition
-- must already hold the partitioned table's CHECK constraints.  0.1.0's
-- content limit goes: 15_limits.sql writes it without BETWEEN now, and
-- adds it back below, scanning the rows once.
ALTER TABLE arcanea_partitions.luminor_messages_legacy
    DROP CONSTRAINT luminor_messages_pkey,
    DROP CONSTRAINT luminor_messages_content_length,
    ADD CONSTRAINT luminor_messages_rating_on_assistant
        CHECK ((user_rating IS NULL AND was_helpful IS NULL) OR role = 'assistant');
ALTER TABLE arcanea_partitions.notifications_legacy DROP CONSTRAINT notifications_pkey;

CREATE TABLE public.luminor_messages (
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL,
    -- Always the conversation's owner, whoever wrote the message (the
    -- composite key below enforces it), so ownership checks need no join.
    user_id         uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    role            text NOT NULL
        CONSTRAINT luminor_messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
    content         text NOT NULL,
    model           text,
    tokens          integer
        CONSTRAINT luminor_messages_tokens_nonnegative CHECK (tokens >= 0),
    cost            numeric(12, 6)
        CONSTRAINT luminor_messages_cost_nonnegative CHECK (cost >= 0),
    user_rating     integer
        CONSTRAINT luminor_messages_user_rating_range CHECK (user_rating BETWEEN 1 AND 5),
    was_helpful     boolean,
    -- clock_timestamp(), not now(): a user turn and the assistant's reply
    -- written in one transaction must still sort in the order written.
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT luminor_messages_conversation_owner
        FOREIGN KEY (conversation_id, user_id)
        REFERENCES public.luminor_conversations (id, user_id) ON DELETE CASCADE,
    -- Ratings say how good the Luminor's answers are: only its messages
    -- take one (one value per message: changing it moves the Luminor's
    -- average, see 20_counters.sql).
    CONSTRAINT luminor_messages_rating_on_assistant
        CHECK ((user_rating IS NULL AND was_helpful IS NULL) OR role = 'assistant'),
    -- Partitioned by month of created_at (77_partitions.sql), and a
    -- partitioned table's unique keys must hold its partition key: the
    -- primary key is (id, created_at).  id alone stays unique in practice
    -- (random uuids); the table API filters on it as before.
    CONSTRAINT luminor_messages_pkey PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE arcanea_partitions.luminor_messages_default PARTITION OF public.luminor_messages DEFAULT;
CREATE TABLE public.notifications (
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    type        text NOT NULL
        CONSTRAINT notifications_type_check CHECK (type IN (
            'creation_liked', 'creation_commented', 'new_follower', 'comment_reply',
            'mention', 'system_announcement', 'bond_level_up')),
    title       text NOT NULL,
    message     text,
    action_url  text,
    metadata    jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT notifications_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    is_read     boolean NOT NULL DEFAULT false,
    is_archived boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    -- Identifies "the same event" (type, actor, target) so that like, unlike,
    -- like again within a day does not notify twice.
    group_key   text,
    -- Partitioned by month of created_at, as luminor_messages is.
    CONSTRAINT notifications_pkey PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE arcanea_partitions.notifications_default PARTITION OF public.notifications DEFAULT;

-- The legacy partitions cover everything before the month after the
-- newest row (this month's at least).  ATTACH scans each once to prove it.
DO $attach$
DECLARE
    t text;
    upper_bound timestamptz;
BEGIN
    FOREACH t IN ARRAY ARRAY['luminor_messages', 'notifications'] LOOP
        EXECUTE format('SELECT (date_trunc(''month'', greatest(max(created_at), now()) AT TIME ZONE ''UTC'')
                                + interval ''1 month'') AT TIME ZONE ''UTC'' FROM arcanea_partitions.%I',
                       t || '_legacy')
           INTO upper_bound;
        EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION arcanea_partitions.%I FOR VALUES FROM (%L) TO (%L)',
                       t, t || '_legacy', '-infinity', upper_bound);
    END LOOP;
END
$attach$;

-- Indexes: the legacy partitions' own (0.1.0's, same definitions) are
-- attached as they are; the default partitions' and the two new ones of
-- notifications are built (under the lock above).
CREATE INDEX idx_messages_conversation_id ON public.luminor_messages (conversation_id, created_at DESC, id DESC);
CREATE INDEX idx_messages_created_at      ON public.luminor_messages (created_at DESC);
CREATE INDEX idx_messages_user_id         ON public.luminor_messages (user_id);
CREATE INDEX idx_notifications_user_id    ON public.notifications (user_id, created_at DESC, id DESC);
CREATE INDEX idx_notifications_unread     ON public.notifications (user_id, is_read) WHERE is_read = false;
CREATE INDEX idx_notifications_created_at ON public.notifications (created_at DESC);
CREATE INDEX idx_notifications_actor      ON public.notifications ((metadata ->> 'actor_id'))
    WHERE metadata ? 'actor_id';
CREATE INDEX idx_notifications_comment    ON public.notifications ((metadata ->> 'comment_id'))
    WHERE type IN ('mention', 'comment_reply', 'creation_commented');

-- The groups notified in the last day move out of the notifications
-- (30_notifications.sql): notify() claims a group in a table of its own
-- instead of probing every monthly partition.  The groups of the last day
-- are carried over; then 0.1.0's index of them, which nothing reads any
-- more, goes.
CREATE FUNCTION arcanea.notification_group_window() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '24 hours' $$;
CREATE UNLOGGED TABLE arcanea.notification_groups (
    user_id     uuid        NOT NULL,   -- the recipient
    group_key   text        NOT NULL,   -- notifications.group_key: 'type:actor[:target]'
    notified_at timestamptz NOT NULL,
    CONSTRAINT notification_groups_pkey PRIMARY KEY (user_id, group_key)
);
COMMENT ON TABLE arcanea.notification_groups IS
    'When each (recipient, group_key) was last notified (unlogged, pruned by arcanea.prune_notification_groups()).';
INSERT INTO arcanea.notification_groups (user_id, group_key, notified_at)
SELECT n.user_id, n.group_key, max(n.created_at)
  FROM public.notifications n
 WHERE n.group_key IS NOT NULL AND n.created_at > now() - arcanea.notification_group_window()
 GROUP BY n.user_id, n.group_key;
DROP INDEX arcanea_partitions.idx_notifications_group;
CREATE OR REPLACE FUNCTION arcanea.notify(
    recipient   uuid,
    kind        text,
    title       text,
    message     text,
    action_url  text,
    metadata    jsonb,
    group_key   text DEFAULT NULL
) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    new_id uuid;
BEGIN
    IF recipient IS NULL OR recipient = (metadata ->> 'actor_id')::uuid THEN
        RETURN NULL;
    END IF;
    IF group_key IS NOT NULL THEN
        -- Claim the group: new, or last notified before the window.  Two
        -- claims of one group wait for each other on its key, and the
        -- second finds it claimed.
        INSERT INTO arcanea.notification_groups AS g (user_id, group_key, notified_at)
        VALUES (recipient, notify.group_key, now())
        ON CONFLICT ON CONSTRAINT notification_groups_pkey DO UPDATE SET notified_at = excluded.notified_at
         WHERE g.notified_at <= now() - arcanea.notification_group_window();
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO public.notifications (user_id, type, title, message, action_url, metadata, group_key)
    VALUES (recipient, kind, left(title, 200), left(message, 2000), action_url, metadata, group_key)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
CREATE FUNCTION arcanea.prune_notification_groups() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH gone AS (
        DELETE FROM arcanea.notification_groups g
         WHERE g.notified_at <= now() - arcanea.notification_group_window()
        RETURNING 1)
    SELECT count(*) FROM gone
$$;
COMMENT ON FUNCTION arcanea.prune_notification_groups() IS
    'Deletes the notification groups whose window has closed; returns how many. Service role only.';

-- The limits (15_limits.sql).  0.1.0 had the same ones but the metadata's
-- size, which rows written before it may exceed (kept, with a warning, as
-- above); the others merge with the legacy partitions' own.
ALTER TABLE public.luminor_messages
    ADD CONSTRAINT luminor_messages_content_length
        CHECK (char_length(content) >= 1 AND char_length(content) <= 32000 AND content ~ '\S'),
    ADD CONSTRAINT luminor_messages_model_length CHECK (char_length(model) <= 200);
ALTER TABLE public.notifications
    ADD CONSTRAINT notifications_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    ADD CONSTRAINT notifications_message_length CHECK (char_length(message) <= 2000),
    ADD CONSTRAINT notifications_action_url_length CHECK (char_length(action_url) <= 2048),
    ADD CONSTRAINT notifications_metadata_size CHECK (octet_length(metadata::text) <= 8192) NOT VALID;
DO $validate_metadata$
BEGIN
    ALTER TABLE public.notifications VALIDATE CONSTRAINT notifications_metadata_size;
EXCEPTION WHEN check_violation THEN
    RAISE WARNING 'arcanea 0.2.0: rows of public.notifications written before the limit notifications_metadata_size are over it; they are kept, and the limit holds for new writes only';
END
$validate_metadata$;

-- Triggers, row-level security and policies, as 0.2.0 defines them.
CREATE TRIGGER messages_maintain_counts
    AFTER INSERT OR DELETE OR UPDATE OF user_rating, conversation_id, role
    ON public.luminor_messages FOR EACH ROW EXECUTE FUNCTION arcanea.messages_maintain_counts();
CREATE TRIGGER notifications_track_read_at BEFORE UPDATE OF is_read
    ON public.notifications FOR EACH ROW EXECUTE FUNCTION arcanea.notifications_track_read_at();
CREATE TRIGGER luminor_messages_require_available_luminor
    BEFORE INSERT ON public.luminor_messages
    FOR EACH ROW EXECUTE FUNCTION arcanea.require_available_luminor();
CREATE TRIGGER luminor_messages_rate_limit BEFORE INSERT ON public.luminor_messages
    FOR EACH ROW EXECUTE FUNCTION arcanea.enforce_rate_limit('message');
ALTER TABLE public.luminor_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY luminor_messages_select ON public.luminor_messages FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()));
CREATE POLICY luminor_messages_insert ON public.luminor_messages FOR INSERT TO authenticated
    WITH CHECK (user_id = (SELECT auth.uid()) AND role = 'user');
CREATE POLICY luminor_messages_update ON public.luminor_messages FOR UPDATE TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY notifications_recipient ON public.notifications FOR ALL TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));

-- Backups: the partitioned tables and their DEFAULT partitions hold users'
-- data (90_finalize.sql).  One call per statement.
DO $config_dump$
DECLARE
    t regclass;
BEGIN
    FOREACH t IN ARRAY ARRAY['public.luminor_messages', 'arcanea_partitions.luminor_messages_default',
                             'public.notifications', 'arcanea_partitions.notifications_default']::regclass[] LOOP
        PERFORM pg_catalog.pg_extension_config_dump(t, '');
    END LOOP;
END
$config_dump$;

-- The months after the legacy partitions, as ordinary tables (not members
-- of the extension, as ensure_partitions makes them outside this script).
DO $months$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT * FROM arcanea.ensure_partitions() LOOP
        EXECUTE format('ALTER EXTENSION arcanea DROP TABLE %s', part);
    END LOOP;
END
$months$;

-- The two functions whose types name a message row follow it to the
-- partitioned table.
DROP FUNCTION public.add_message_to_conversation(uuid, uuid, text, text, text, integer, numeric);
DROP FUNCTION arcanea.message_apply(arcanea_partitions.luminor_messages_legacy, integer);
CREATE FUNCTION arcanea.message_apply(msg public.luminor_messages, delta integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    luminor uuid;
BEGIN
    IF delta > 0 THEN
        UPDATE public.luminor_conversations
           SET message_count   = message_count + 1,
               last_message_at = greatest(last_message_at, msg.created_at)
         WHERE id = msg.conversation_id
        RETURNING luminor_id INTO luminor;
    ELSE
        -- Recompute the latest only when the leaving message may have been
        -- it.  The comparison reads the conversation row as it is after
        -- waiting for its lock, so a message added meanwhile by another
        -- transaction (which moved last_message_at) is not missed, as a
        -- max() over this statement's snapshot would miss it.
        UPDATE public.luminor_conversations c
           SET message_count   = c.message_count - 1,
               last_message_at = CASE WHEN c.last_message_at <= msg.created_at
                                      THEN (SELECT max(m.created_at) FROM public.luminor_messages m
                                             WHERE m.conversation_id = c.id)
                                      ELSE c.last_message_at END
         WHERE c.id = msg.conversation_id
        RETURNING c.luminor_id INTO luminor;
    END IF;
    -- No conversation row: it is being deleted, and its BEFORE DELETE
    -- trigger already took its messages off the Luminor's counters.
    IF luminor IS NOT NULL THEN
        PERFORM arcanea.luminor_apply(luminor,
                                      delta * (msg.role = 'user')::int,
                                      delta * (msg.user_rating IS NOT NULL)::int,
                                      delta * coalesce(msg.user_rating, 0));
    END IF;
END
$$;
CREATE  FUNCTION "add_message_to_conversation"(
	"p_conversation_id" uuid DEFAULT NULL, /* Option < Uuid > */
	"p_user_id" uuid DEFAULT NULL, /* Option < Uuid > */
	"p_role" TEXT DEFAULT 'user', /* Option < String > */
	"p_content" TEXT DEFAULT NULL, /* Option < String > */
	"p_model" TEXT DEFAULT NULL, /* Option < String > */
	"p_tokens" INT DEFAULT NULL, /* Option < i32 > */
	"p_cost" NUMERIC DEFAULT NULL /* Option < pgrx :: AnyNumeric > */
) RETURNS luminor_messages /* Result < :: pgrx :: heap_tuple :: PgHeapTuple < '_, :: pgrx :: pgbox ::
AllocatedByRust > , ErrorReport > */
SECURITY DEFINER 
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'add_message_to_conversation_wrapper';
ANALYZE public.luminor_messages, public.notifications;

-- Realtime: notifications and messages join the supabase_realtime
-- publication (70_realtime.sql).  No table lock: membership is catalog only.
DO $realtime$
DECLARE
    t regclass;
    messages text := pg_catalog.current_setting('client_min_messages');
BEGIN
    -- A publication cannot be a member of an extension, so pg_dump writes
    -- this one into a dump, and restoring it after CREATE EXTENSION reports
    -- that it exists already (docs/operations.md#backup-and-restore).
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
        -- Quiet: on a server without wal_level = logical (a bare PostgreSQL
        -- that runs no Realtime) PostgreSQL warns that nothing can stream.
        PERFORM pg_catalog.set_config('client_min_messages', 'error', true);
        CREATE PUBLICATION supabase_realtime;
        PERFORM pg_catalog.set_config('client_min_messages', messages, true);
    END IF;
    -- Both tables are partitioned (77_partitions.sql): without this a
    -- change streams under its partition's name (arcanea_partitions.
    -- notifications_p2026_11), and a client subscribed to
    -- public.notifications would see none.  The option is the
    -- publication's, for all its tables; it changes nothing for tables that
    -- are not partitioned.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime' AND NOT pubviaroot) THEN
        ALTER PUBLICATION supabase_realtime SET (publish_via_partition_root = true);
    END IF;
    FOREACH t IN ARRAY ARRAY['public.notifications', 'public.luminor_messages']::regclass[] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime')
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr
                         JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
                        WHERE p.pubname = 'supabase_realtime' AND pr.prrelid = t)
           AND NOT (SELECT puballtables FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
            EXECUTE format('ALTER PUBLICATION supabase_realtime ADD TABLE %s', t);
        END IF;
    END LOOP;
END
$realtime$;

-- Broadcast to each user's private channel, inside Supabase (70_realtime.sql).
CREATE FUNCTION arcanea.broadcast_to_owner() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM realtime.send(to_jsonb(NEW), TG_ARGV[0], 'arcanea:user:' || NEW.user_id::text, true);
    RETURN NULL;
END
$$;
DO $broadcast$
BEGIN
    IF pg_catalog.to_regprocedure('realtime.send(jsonb, text, text, boolean)') IS NOT NULL
       AND pg_catalog.to_regclass('realtime.messages') IS NOT NULL THEN
        CREATE TRIGGER notifications_broadcast AFTER INSERT ON public.notifications
            FOR EACH ROW EXECUTE FUNCTION arcanea.broadcast_to_owner('notification');
        CREATE TRIGGER luminor_messages_broadcast AFTER INSERT ON public.luminor_messages
            FOR EACH ROW EXECUTE FUNCTION arcanea.broadcast_to_owner('message');
        CREATE POLICY arcanea_user_channel ON realtime.messages FOR SELECT TO authenticated
            USING (extension = 'broadcast'
                   AND (SELECT realtime.topic()) = 'arcanea:user:' || (SELECT auth.uid())::text);
    END IF;
END
$broadcast$;

-- Scheduled maintenance with pg_cron (75_maintenance.sql).
CREATE FUNCTION arcanea.maintenance_jobs(OUT job_name text, OUT schedule text, OUT command text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    VALUES
        ('arcanea-archive-conversations', '0 3 1 * *', 'SELECT public.archive_old_conversations(''90 days'')'),
        ('arcanea-cleanup-notifications', '0 4 * * 0', 'SELECT public.cleanup_notifications(''30 days'')'),
        ('arcanea-ensure-partitions',     '45 2 * * *', 'SELECT count(*) FROM arcanea.ensure_partitions()'),
        ('arcanea-prune-notification-groups', '20 * * * *', 'SELECT arcanea.prune_notification_groups()'),
        ('arcanea-prune-rate-limits',     '15 * * * *', 'SELECT arcanea.prune_rate_limit_usage()'),
        ('arcanea-recount-counters',      '30 4 * * 0', 'SELECT count(*) FROM arcanea.recount_counters()'),
        ('arcanea-refresh-search-leaders', '45 4 * * 0', 'SELECT * FROM arcanea.refresh_search_leaders()'),
        ('arcanea-vacuum-analyze',        '0 5 * * *',
         'VACUUM (ANALYZE) public.likes, public.follows, public.comments, public.notifications, '
         'public.luminor_messages, public.creations, public.profiles')
$$;
CREATE FUNCTION arcanea.schedule_maintenance()
RETURNS TABLE (job_name text, schedule text, command text, jobid bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF to_regprocedure('cron.schedule(text, text, text)') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Install pg_cron (shared_preload_libraries = ''pg_cron'', cron.database_name = '
                         'this database), run CREATE EXTENSION pg_cron, then call arcanea.schedule_maintenance() '
                         'again; or run the jobs of arcanea.maintenance_jobs() with a scheduler of your own.';
    END IF;
    RETURN QUERY
    SELECT j.job_name, j.schedule, j.command,
           cron.schedule(j.job_name, j.schedule, j.command)::bigint
      FROM arcanea.maintenance_jobs() j;
END
$$;
CREATE FUNCTION arcanea.unschedule_maintenance() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    removed integer := 0;
    name text;
BEGIN
    IF to_regprocedure('cron.unschedule(name)') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Nothing was scheduled with it: arcanea.schedule_maintenance() needs pg_cron.';
    END IF;
    FOR name IN SELECT j.job_name FROM arcanea.maintenance_jobs() j LOOP
        IF EXISTS (SELECT 1 FROM cron.job WHERE jobname = name) THEN
            PERFORM cron.unschedule(name::name);
            removed := removed + 1;
        END IF;
    END LOOP;
    RETURN removed;
END
$$;

-- ---------------------------------------------------------------------------
-- Last: every privilege as 55_privileges.sql states it, whatever 0.1.0 and
-- the database's default privileges left (inside Supabase, ALL to the API
-- roles on every table and function), and for the objects made above.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.apply_privileges() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    obj record;
    -- The RPCs a visitor may call; the maintenance RPCs only the service
    -- role may call; every other RPC is for signed-in users (and the
    -- service role acting for one).
    for_anon CONSTANT text[] := ARRAY['search_creations', 'increment_creation_views', 'get_user_stats'];
    for_service_only CONSTANT text[] := ARRAY['archive_old_conversations', 'cleanup_notifications',
                                              'pending_storage_erasures'];
BEGIN
    -- -----------------------------------------------------------------------
    -- 1. Nothing inherited
    -- -----------------------------------------------------------------------
    FOR obj IN
        SELECT d.classid, d.objid, c.relkind
          FROM pg_catalog.pg_depend d
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
          LEFT JOIN pg_catalog.pg_class c ON d.classid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objid
          LEFT JOIN pg_catalog.pg_proc p ON d.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.objid
         WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::regclass
           AND coalesce(c.relnamespace, p.pronamespace) IN ('public'::regnamespace, 'arcanea'::regnamespace)
    LOOP
        IF obj.relkind = 'S' THEN
            EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, anon, authenticated, service_role',
                           obj.objid::regclass);
        ELSIF obj.relkind IN ('r', 'p', 'v', 'm', 'f') THEN
            -- Revoking a table privilege revokes it from every column too.
            EXECUTE format('REVOKE ALL ON TABLE %s FROM PUBLIC, anon, authenticated, service_role',
                           obj.objid::regclass);
        ELSIF obj.classid = 'pg_catalog.pg_proc'::regclass THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, anon, authenticated, service_role',
                           obj.objid::regprocedure);
        END IF;
    END LOOP;
    REVOKE ALL ON SCHEMA arcanea FROM PUBLIC, anon, authenticated, service_role;

    -- -----------------------------------------------------------------------
    -- 2. Schemas
    -- -----------------------------------------------------------------------
    GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
    -- Policies and triggers reach arcanea's helpers; the schema is not
    -- exposed through PostgREST.
    GRANT USAGE ON SCHEMA arcanea TO anon, authenticated, service_role;

    -- -----------------------------------------------------------------------
    -- 3. Tables and columns.  service_role has BYPASSRLS (as in Supabase)
    --    and every privilege on every table in public; anon reads;
    --    authenticated reads and writes the columns a person edits.
    --    Counters, XP, tier, verification, billing, moderation flags and
    --    timestamps are written only by the database and the service role.
    -- -----------------------------------------------------------------------
    FOR obj IN
        SELECT o.rel AS tbl FROM arcanea.own_relations() o
         WHERE o.relkind IN ('r', 'p') AND o.relnamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('GRANT ALL ON TABLE %s TO service_role', obj.tbl);
    END LOOP;
    GRANT USAGE, SELECT ON SEQUENCE arcanea.arcanean_id_seq TO service_role;

    -- profiles: billing (Stripe ids, subscription status) is not readable
    -- through the API at all; the owner reads it through get_user_stats().
    -- A user may deactivate and reactivate their own account (is_active).
    GRANT SELECT (id, username, display_name, avatar_url, bio, arcanean_id, tier, creation_count,
                  follower_count, following_count, is_active, is_verified, created_at, updated_at)
        ON public.profiles TO anon, authenticated;
    GRANT UPDATE (username, display_name, avatar_url, bio, is_active) ON public.profiles TO authenticated;

    -- profile_private: the owner's settings (its policy keeps it to them);
    -- last_active_at moves through update_last_active().
    GRANT SELECT ON public.profile_private TO authenticated;
    GRANT UPDATE (preferences, onboarding_completed, onboarding_step, share_presence)
        ON public.profile_private TO authenticated;

    -- luminors: written by operators; the system prompt stays server-side.
    GRANT SELECT (id, name, slug, title, specialty, color, avatar_url, icon, personality,
                  greeting_message, expertise, ai_tools, is_active, is_public, interaction_count,
                  user_count, average_rating, rating_count, rating_sum, created_at, updated_at)
        ON public.luminors TO anon, authenticated;

    GRANT SELECT, DELETE ON public.luminor_conversations TO authenticated;
    GRANT INSERT (user_id, luminor_id, title, session_id, context) ON public.luminor_conversations TO authenticated;
    GRANT UPDATE (title, context, is_active, is_archived) ON public.luminor_conversations TO authenticated;

    -- luminor_messages: a user writes their own turns (no model, tokens or
    -- cost) and rates the Luminor's.
    GRANT SELECT ON public.luminor_messages TO authenticated;
    GRANT INSERT (conversation_id, user_id, role, content) ON public.luminor_messages TO authenticated;
    GRANT UPDATE (user_rating, was_helpful) ON public.luminor_messages TO authenticated;

    GRANT SELECT ON public.luminor_relationships TO authenticated;
    GRANT UPDATE (user_preferences) ON public.luminor_relationships TO authenticated;

    -- creations: status moves through publish_creation / archive_creation;
    -- counters, is_featured and published_at are the database's.
    GRANT SELECT ON public.creations TO anon, authenticated;
    GRANT INSERT (id, user_id, title, description, type, file_url, thumbnail_url, file_size, file_format,
                  ai_tool, prompt, model, generation_params, seed, metadata, status, is_public, is_nsfw,
                  license, allow_remix, allow_commercial, tags, categories)
        ON public.creations TO authenticated;
    GRANT UPDATE (title, description, type, file_url, thumbnail_url, file_size, file_format, ai_tool,
                  prompt, model, generation_params, seed, metadata, is_public, is_nsfw, license,
                  allow_remix, allow_commercial, tags, categories)
        ON public.creations TO authenticated;
    GRANT DELETE ON public.creations TO authenticated;

    GRANT SELECT ON public.likes TO anon, authenticated;
    GRANT INSERT (user_id, creation_id) ON public.likes TO authenticated;
    GRANT DELETE ON public.likes TO authenticated;

    GRANT SELECT ON public.comments TO anon, authenticated;
    GRANT INSERT (id, user_id, creation_id, content, parent_comment_id) ON public.comments TO authenticated;
    GRANT UPDATE (content) ON public.comments TO authenticated;
    GRANT DELETE ON public.comments TO authenticated;

    GRANT SELECT ON public.follows TO anon, authenticated;
    GRANT INSERT (follower_id, following_id, notify_creations) ON public.follows TO authenticated;
    GRANT UPDATE (notify_creations) ON public.follows TO authenticated;
    GRANT DELETE ON public.follows TO authenticated;

    -- notifications: the recipient marks read or archived, and deletes.
    GRANT SELECT, DELETE ON public.notifications TO authenticated;
    GRANT UPDATE (is_read, is_archived) ON public.notifications TO authenticated;

    -- arcanea's tables: the storage policies read which buckets are the
    -- extension's (a list of three names).
    GRANT SELECT ON arcanea.buckets TO anon, authenticated;

    -- -----------------------------------------------------------------------
    -- 4. Functions.  Internal ones run for their owner only: triggers and
    --    SECURITY DEFINER functions reach them with the owner's rights.
    -- -----------------------------------------------------------------------
    -- The storage policies call these with the reading or uploading user's
    -- rights.
    GRANT EXECUTE ON FUNCTION arcanea.storage_read_allowed(text, text), arcanea.in_own_storage_folder(text),
                              arcanea.uuid_or_null(text)
        TO anon, authenticated;
    GRANT EXECUTE ON FUNCTION arcanea.storage_write_allowed(text, text) TO authenticated;
    -- The limits' CHECK constraints call this with the writer's rights.
    GRANT EXECUTE ON FUNCTION arcanea.texts_within(text[], integer) TO authenticated, service_role;
    GRANT EXECUTE ON FUNCTION arcanea.recount_counters(), arcanea.fold_counters(), arcanea.rebuild_feed_timelines(), arcanea.refresh_search_leaders(),
                              arcanea.prune_rate_limit_usage(), arcanea.prune_notification_groups()
        TO service_role;

    -- The RPC API: each to exactly the roles that may call it.
    FOR obj IN
        SELECT p.oid::regprocedure AS fn, p.proname::text AS name
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                                     AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
         WHERE p.pronamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO service_role', obj.fn);
        IF NOT obj.name = ANY (for_service_only) THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO authenticated', obj.fn);
        END IF;
        IF obj.name = ANY (for_anon) THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO anon', obj.fn);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION arcanea.apply_privileges() IS
    'Sets the privileges of every object of the extension to exactly what its design intends, whatever the database granted before. Safe to run again.';
SELECT arcanea.apply_privileges();

-- get_user_feed plans its statements once per session (sql/90_finalize.sql
-- says why).
ALTER FUNCTION public.get_user_feed(uuid, integer, integer, text) SET plan_cache_mode = force_generic_plan;

DO $notice$
BEGIN
    IF EXISTS (SELECT 1 FROM public.creations) THEN
        -- A WARNING: ALTER EXTENSION runs its script with client_min_messages
        -- at warning at least, so a NOTICE would never reach the operator.
        RAISE WARNING 'arcanea 0.2.0: the search leaders are empty; run SELECT * FROM arcanea.refresh_search_leaders(); now (see "Upgrading a database" in docs/operations.md)';
    END IF;
END
$notice$;

NOTIFY pgrst, 'reload schema';
