-- ============================================================================
-- 20  Derived columns: updated_at, search vectors, counters  (requires: tables)
-- ============================================================================
-- Every counter the spec lists is kept by the database.  Two kinds:
--
-- * Counters on rows that many users write to at once (a creation's likes,
--   comments and views; a profile's followers, followings and published
--   creations; a Luminor's interactions, ratings and users) are never
--   updated once per event.  The event's trigger appends a delta row to a
--   narrow side table (arcanea.*_count_deltas, no foreign key points at it
--   and it points at nothing), and the writers fold the pending deltas into
--   the parent rows when they commit.  See "Pending counts and the fold"
--   below; docs/design.md#counters-on-shared-rows has the whole argument.
-- * A conversation's message_count and last_message_at belong to one user's
--   row; they are updated in place, in the writer's transaction.
--
-- Deletions of likes, comments and follows are counted per statement:
-- deleting an account cascades over all of them at once, and a statement
-- trigger with a transition table appends one delta per parent instead of
-- one per row.
--
-- The trigger functions are SECURITY DEFINER: a user may insert a like, but
-- may not write creations.like_count.  Each pins search_path and qualifies
-- every name.
-- ============================================================================

-- ---------------------------------------------------------------------------
-- updated_at: bumped only when a column a person edits changes (the trigger
-- lists them), so a like or a new message does not make a row look edited.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER profiles_touch_updated_at BEFORE UPDATE OF
    username, display_name, avatar_url, bio, tier, subscription_status, stripe_customer_id,
    stripe_subscription_id, is_active, is_verified
    ON public.profiles FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
-- (Not last_active_at: being seen is not an edit.)
CREATE TRIGGER profile_private_touch_updated_at BEFORE UPDATE OF
    preferences, onboarding_completed, onboarding_step, share_presence
    ON public.profile_private FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();

-- Every profile has its private row, however the profile was made (the
-- sign-up trigger, the service role); during a restore (replica mode)
-- triggers are quiet and the dump brings the rows.
CREATE FUNCTION arcanea.profiles_make_private_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO public.profile_private (id) VALUES (NEW.id) ON CONFLICT (id) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER profiles_make_private_row AFTER INSERT ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION arcanea.profiles_make_private_row();
CREATE TRIGGER luminors_touch_updated_at BEFORE UPDATE OF
    name, slug, title, specialty, color, avatar_url, icon, personality, system_prompt,
    greeting_message, expertise, ai_tools, is_active, is_public
    ON public.luminors FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE TRIGGER luminor_conversations_touch_updated_at BEFORE UPDATE OF
    title, session_id, context, is_active, is_archived
    ON public.luminor_conversations FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE TRIGGER luminor_relationships_touch_updated_at BEFORE UPDATE OF
    bond_level, bond_xp, total_interactions, personality_match, user_preferences, key_memories
    ON public.luminor_relationships FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE TRIGGER creations_touch_updated_at BEFORE UPDATE OF
    title, description, type, file_url, thumbnail_url, file_size, file_format, ai_tool, prompt,
    model, generation_params, seed, metadata, status, is_public, is_featured, is_nsfw, license,
    allow_remix, allow_commercial, tags, categories
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();

-- An edited comment says so.
CREATE FUNCTION arcanea.comments_mark_edited() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.content IS DISTINCT FROM OLD.content THEN
        NEW.is_edited := true;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER comments_mark_edited BEFORE UPDATE OF content
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_mark_edited();

-- ---------------------------------------------------------------------------
-- Search document: title (A) over tags (B) over description (C).  'simple'
-- keeps tags and names verbatim; 'english' stems the prose so "dragons"
-- finds "dragon".  Both are folded into one vector.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.creations_search_vector() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.search_vector :=
           setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.simple',  coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.simple',  coalesce(array_to_string(NEW.tags, ' '), '')), 'B')
        || setweight(to_tsvector('pg_catalog.english', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$;
CREATE TRIGGER creations_search_vector BEFORE INSERT OR UPDATE OF title, tags, description
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.creations_search_vector();

-- ---------------------------------------------------------------------------
-- Pending counts and the fold
-- ---------------------------------------------------------------------------
-- Why: a viral creation takes most of the likes, comments and views at
-- once.  Updating its row once per event made every one of them wait for
-- the previous one's commit, and the foreign-key KEY SHARE locks that likes
-- and comments take on the same row piled up multixacts
-- (pgrx-tests/bench/analysis.md).  Mastodon keeps such counters in a side
-- table (status_stats), GitLab buffers them as deltas; this is the second.
--
-- How:
-- 1. An event updates the parent row in place (unless the setting
--    arcanea.count_in_place is 'off') when nobody else is at it:
--    the transaction is READ COMMITTED, the parent has no pending delta,
--    no other transaction holds the parent's slot (arcanea.hold_slot_rows(),
--    an advisory try-lock until commit), and its row can be locked without
--    waiting (SKIP LOCKED).  Otherwise
--    it appends a delta row (creation, +1 like).  Either way it marks the
--    fold slot (a hash of the parent's id, one of 1024 per kind) as to be
--    looked at when this transaction commits (arcanea.queue_fold()).
--    Neither takes a lock another writer waits on.  On rows nobody else is
--    writing this is one UPDATE, as in 0.1.0; on a hot row the first writer
--    holds the row and the others append deltas.
-- 2. At commit, a deferred trigger on the delta tables (and, for the
--    in-place updates, on the counter columns) folds every slot the
--    transaction appended to, in slot order (arcanea.fold_slot()).  The writer that takes the
--    slot's row in arcanea.count_fold_slots (FOR UPDATE SKIP LOCKED) folds:
--    it deletes the slot's visible deltas and adds their sums to the parent
--    rows.  A writer that finds the slot taken leaves its delta to the
--    folder, which, before it commits, waits for every such writer to
--    commit (an advisory lock per slot: theirs shared, the folder's
--    exclusive) and folds once more.  So the last writer's delta is folded
--    before anyone is left to fold it: the columns converge when the writes
--    stop, with no background process, on hosted Supabase too.
--    A slot folded less than 250 ms ago is folded when that time is up
--    (the folder waits, holding the slot): a hot row gets a few versions
--    a second, not one per commit (fold_slot() says why that matters).
--    A writer that updated a parent in place holds its slot until commit,
--    and a folder meanwhile leaves the slot alone; so at its commit it
--    takes the slot's advisory lock shared (a folder still to finish waits
--    for it, and it for that folder) and, if the slot has deltas, folds it
--    as above.  A bulk statement (an erasure: thousands of slots) puts its
--    own deltas straight into their rows instead, holding no slot for them
--    (fold_own_deltas()), so that its long commit makes nobody wait.
-- 3. Readers that must be exact (toggle_like's answer, follow_user's,
--    get_user_stats, feed and search rows) add the pending deltas they see
--    to the column (arcanea.pending_*_counts()): exact at their snapshot.
--
-- A parent row that another transaction holds (its owner editing it, an
-- erasure) is skipped, not waited for: its deltas stay pending until the
-- next fold of its slot, or arcanea.fold_counters().  Neither a folder nor
-- an in-place writer waits for the other's rows (they never hold the same
-- slot), and every wait of the fold goes from a slot to a higher one, so
-- the fold cannot deadlock on its own locks.  Writers in REPEATABLE READ or
-- SERIALIZABLE fold what their snapshot sees; the rest waits for the next
-- fold of the slot likewise.
--
-- Deltas are ordinary logged rows: a crash loses none (recovery keeps the
-- committed ones, arcanea.fold_counters() folds them), and pg_dump dumps
-- them with the counters they belong to.
-- ---------------------------------------------------------------------------

-- Slots: 1024 per kind, numbered creations 0-1023, luminors 1024-2047,
-- profiles 2048-3071, so one order covers all (a transaction folds its
-- slots in that order, and every transaction in the same one).
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

-- The fold lock of each slot: its row, locked FOR UPDATE by the folder.  A
-- row lock, not an advisory lock, because it is free the moment its holder
-- commits, before the holder's other locks are released (see fold_slot).
CREATE TABLE arcanea.count_fold_slots (
    slot      integer PRIMARY KEY,
    folded_at timestamptz  -- the slot's last fold at commit (fold_slot())
);
COMMENT ON TABLE arcanea.count_fold_slots IS
    'One row per fold slot of the pending counts; a folder locks its row and notes when it folded.';
INSERT INTO arcanea.count_fold_slots (slot) SELECT generate_series(0, 3071);
-- A dump restores the rows over the ones the install made: the trigger is
-- made beside its function, in 40_luminors_seed.sql.

-- The deltas.  Vacuumed eagerly: every row is deleted within moments of
-- its insert.  No primary key (a delta is appended and deleted, never
-- looked up alone, and a key would be one more index write per event), so
-- REPLICA IDENTITY FULL: in a publication FOR ALL TABLES (an ETL's change
-- capture, a logical replica) PostgreSQL refuses to delete from a table
-- without a replica identity, and every fold, so every like, would fail.
-- With wal_level = logical a deleted delta then logs its old row too.
CREATE TABLE arcanea.creation_count_deltas (
    slot        integer NOT NULL,
    creation_id uuid    NOT NULL,
    likes       integer NOT NULL DEFAULT 0,
    comments    integer NOT NULL DEFAULT 0,
    views       integer NOT NULL DEFAULT 0
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
CREATE INDEX creation_count_deltas_slot ON arcanea.creation_count_deltas (slot, creation_id);
ALTER TABLE arcanea.creation_count_deltas REPLICA IDENTITY FULL;
-- The planner's idea of how many deltas one slot has comes from the last
-- ANALYZE, and the delta tables swing from empty to thousands of rows in
-- one slot (a hot creation) or in all of them (an erasure).  Statistics
-- taken while one hot slot held every delta said that any slot holds all
-- the rows; the kept plans of slot_has_deltas() and fold_counts() then read
-- the whole table for each slot, and the commit of the heavy user's erasure
-- (privacy_timing.sh, 102,000 deltas in 2,051 slots) took 26 s.  Each kind
-- has 1,024 slots (count_slot()), and ANALYZE records that many.
ALTER TABLE arcanea.creation_count_deltas ALTER COLUMN slot SET (n_distinct = 1024);
COMMENT ON TABLE arcanea.creation_count_deltas IS
    'Changes to creations'' like/comment/view counts not yet folded into the row (see arcanea.fold_counters()).';

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

-- Mark a slot to be looked at when this transaction commits: 'd' when a
-- delta was appended to it (fold it), 'p' when a parent was updated in
-- place (fold it only if it has deltas; see fold_marked_slots).  A short
-- list in a transaction-local setting (',17p,2050d,'): a transaction marks
-- a slot or two, and the 3,072-character bitmap this replaced spent
-- 0.22 ms of a two-count transaction in string functions (pgbench on the
-- scale-1 benchmark data; pgrx-tests/bench/analysis.md).  Once the list is
-- longer than 256 characters (43 to 85 slots: a bulk statement) it gets a
-- '*' in front and no more 'd' entries: at commit the transaction's own
-- deltas go straight into their rows (fold_own_deltas), besides the
-- listed slots' fold.  Searching a list of a thousand slots or more cost 40-60
-- us an event: 11 s of the 17 s that the erasure of privacy_timing.sh's
-- heavy user spent in its DELETE (112,772 counted events, scale-1 data).
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

-- Whether this transaction may update a parent of slot s in place: unless
-- `arcanea.count_in_place` is 'off' (on by default); never in REPEATABLE
-- READ or SERIALIZABLE (locking a row another transaction updated since the
-- snapshot fails there); only for the transaction's first event in the
-- slot (the next ones append deltas: 20,100 creations inserted by one
-- author in one statement took 21 s with every one updating the profile
-- row in place, each walking the versions the ones before it left, and
-- 6.5 s with deltas; pgrx-tests/sql/32_rpc_discovery_test.sql); and in at
-- most 16 slots (each holds an advisory lock until commit, see
-- hold_slot_rows(); a bulk statement appends deltas rather than fill the
-- lock table; the list's length is checked first, so that a bulk
-- statement's events do not search a long one).  PL/pgSQL, not SQL: the
-- SQL version read the marks in a FROM clause, so it was not inlined and
-- planned its body afresh on every call, 75-89 us each (track_functions on
-- the scale-1 benchmark data).
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

-- Take slot s's parent rows for this transaction, without waiting: an
-- advisory lock until commit, that an in-place writer takes before it
-- updates a parent and a folder before it folds (fold_slot()).  So no
-- in-place writer shares its slot with another one or with a folder, and
-- none of them waits for another's row lock.  SKIP LOCKED alone was not
-- enough: PostgreSQL still waits when it locks a row's newer version
-- ("while locking updated version"), and two such waits deadlocked
-- (concurrency_rpc.sh: a folder and an in-place writer waiting at its
-- commit for the folder's lock; concurrency_counters.sh: two in-place
-- writers of one creation).  A folder that finds the slot held skips it:
-- the in-place writer holding it folds the slot at its commit.
CREATE FUNCTION arcanea.hold_slot_rows(s integer) RETURNS boolean
LANGUAGE sql AS $$
    SELECT pg_catalog.pg_try_advisory_xact_lock(1634886512, s)  -- 'arcp' in ASCII
$$;

-- The same, waiting up to about 100 ms for the holder to let go.  A folder
-- uses it: the in-place writer holding a slot is normally at its commit,
-- where it folds the slot itself, but one that rolls back never does, and
-- the deltas left to it would wait for the next write to the slot.  It
-- polls rather than waits in the lock queue, so that it can be in no
-- deadlock: the holder may be waiting for a lock this folder holds.
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

-- A Luminor's average rating from its rating total and count (the fold,
-- the in-place update and recount_counters() all compute it).
CREATE FUNCTION arcanea.rating_average(total bigint, n bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN n > 0 THEN pg_catalog.round(total::numeric / n, 2) END
$$;

-- Counting an event: in place when the parent row is free (see "How"
-- above), else a delta.  Zero changes are not written.  The slot is marked
-- first: the marks are what the commit-time trigger reads, and under SET
-- CONSTRAINTS ALL IMMEDIATE it fires at the end of the statement itself.
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

-- Whether a slot has deltas (one index probe).
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

-- Fold one slot's visible deltas into the parent rows this transaction can
-- lock without waiting (its own in-place updates included); returns how
-- many deltas it folded.  A slot without deltas costs one index probe.  Deltas of a
-- parent that no longer exists are dropped.  Only fold_slot() calls it,
-- holding the slot's row and its rows (hold_slot_rows()), and
-- fold_marked_slots() again for a slot this noted in arcanea.fold_skipped:
-- one whose parents, or some of them, others held.
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

-- Fold one slot for this transaction's deltas (wait = false, at commit) or
-- for maintenance (wait = true: wait for the current folder instead of
-- leaving the work to it).  Returns how many deltas it folded.
--
-- At commit, a slot folded less than 250 ms ago is folded when that much
-- time has passed: the folder holds the slot and waits out the rest, the
-- writers meanwhile leave their deltas to it (see "How" above), and then
-- it folds them all at once.  So a hot parent row gets a new version about
-- four times a second rather than at nearly every commit.  Each version a
-- fold leaves under the foreign-key KEY SHARE locks of likes and comments
-- has a multixact for its xmax, which PostgreSQL 15 resolves through its
-- small SLRU caches at every later visit of the row, and an index entry
-- that only VACUUM removes once the row no longer fits its page
-- (HeapTupleIsSurelyDead() does not look into multixacts, so index scans
-- never mark those entries dead).  With a fold at nearly every commit the
-- hot creation of the scale-1 benchmark data took 400-500 new versions a
-- second, 160 dead index entries piled up in a minute, and 32 clients
-- fell from 820 to 210 transactions a second within that minute, most of
-- the time waiting in MultiXactMemberSLRU; with this wait, 7 versions a
-- second, 24 entries, 1,130 a second throughout (pgbench, the hot mix of
-- scripts/bench.sh for 60 s after a VACUUM; pgrx-tests/bench/analysis.md).
-- The columns still converge within the wait plus a fold after the last
-- write.  One wait per transaction at most: a statement that counts in
-- many slots (an account's erasure) folds the rest without waiting.  Only
-- creations' and profiles' slots wait: likes, comments and follows lock
-- those rows KEY SHARE, nothing locks a Luminor's row per event.
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

-- A bulk statement's own deltas, straight into their rows: the commit of a
-- list marked '*' (fold_marked_slots()).  Folded slot by slot, every slot
-- such a statement counted in was held from its fold to the commit, with
-- two advisory locks, and a writer in any of them waited that long at its
-- own commit: privacy_timing.sh's heavy user's erasure folded 2,051 slots
-- for 17.7 s holding 4,102 locks, and 4 clients of toggle_like on other
-- creations committed nothing for 15 s (scale-1 benchmark data,
-- 2026-12-01).  Nobody else sees these deltas, so no other writer or folder
-- waits for them and no slot needs holding: each parent row that can be
-- locked without waiting takes its sum, locked from here to the commit
-- (fold_held_parents() then folds what others append for it meanwhile).
-- Returns the slots of the deltas left, whose parents others hold: those
-- are folded slot by slot.  Per kind, one UPDATE of the rows it can lock,
-- then one DELETE of the deltas whose row is gone or now its own version
-- (every row it locked, it updated).  Neither joins two lists of the rows
-- at hand: the delta tables' statistics say they hold a handful, and a
-- first version, which matched the updated rows against the list of locked
-- ones, had the planner search that list once per row (44 s for 10,000
-- profiles; minutes for 100,000 creations).  A loop, one row at a time,
-- was safe from that but took 29.2 s where this takes 6.6 s (that
-- erasure's commit, alone, on the same data).
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

-- The end of a bulk fold (fold_marked_slots()): the deltas that others
-- appended for the parent rows this transaction updated.  Those rows'
-- newest versions are this transaction's, so it holds them until its
-- commit and no other folder can fold their deltas.  It runs holding the
-- bulk lock exclusively, and a writer whose fold skipped parent rows takes
-- that lock shared before it commits: such a writer either committed
-- before, and its deltas are folded here, or waits for this commit and
-- folds its slots again.  The sums are of the deltas this deletes, so a
-- delta is never added twice.
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

-- The commit-time fold: a deferred trigger on each delta table, and on the
-- counter columns of the parent tables for the in-place updates.  The first
-- one to fire takes care of every slot the transaction marked, in slot
-- order; the others find nothing marked.  A list marked '*' (queue_fold, a
-- bulk statement) first puts the transaction's own deltas straight into
-- their rows (fold_own_deltas), adds the slots of those left as 'd', and
-- after the listed slots folds what others appended meanwhile for the rows
-- it updated (fold_held_parents), holding the bulk lock.  It treats every
-- listed slot as 'p' (its own deltas are in their rows already): it holds
-- only those in which others' deltas wait, not every one counted in.  A
-- slot marked 'p' only (parents
-- updated in place, no delta appended) is folded only if it has deltas,
-- after taking its advisory lock shared: a folder that skipped our row
-- while we held it then waits for our commit before its last fold.
-- A REPEATABLE READ or SERIALIZABLE writer does not fold: its snapshot
-- cannot see the deltas committed after it began, and locking parent rows
-- that others updated since fails there (one commit in twelve of a hot
-- row's writers did, in concurrency_counters.sh) or, when the row's
-- in-place writer waits for this fold's lock, deadlocks.  It takes the
-- slot's lock shared, so that a folder at work folds its deltas after its
-- commit; otherwise the next READ COMMITTED write to the slot or
-- arcanea.fold_counters() does.
-- A READ COMMITTED fold whose fold_counts() skipped parent rows that others
-- held takes the bulk lock shared before it commits; if a bulk fold holds
-- it (at its fold_held_parents()), it waits for that commit and folds
-- those slots again.
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
-- Only while slots are marked: the folds' and recount_counters()' own
-- updates of these columns, and the service role's, queue nothing.
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

-- Fold everything pending now (after a crash, or to speed convergence from
-- a pg_cron job; never needed otherwise).  Returns how many deltas it
-- folded.  Waits for the folders at work; skips parent rows others hold.
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

-- The exact counts, for readers: what the columns will hold once the
-- deltas this snapshot sees are folded.  SQL and STABLE, so that a query
-- inlines them as a subquery.
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

-- ---------------------------------------------------------------------------
-- creations.like_count
-- ---------------------------------------------------------------------------
-- An UPDATE that moves a row to another target (service role only: users
-- cannot write these columns) counts as leaving the old and joining the new.
CREATE FUNCTION arcanea.likes_maintain_count() RETURNS trigger
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

-- Deleted likes or comments, per statement: one delta per creation.
-- One function for both tables (TG_TABLE_NAME says which counter moves).
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

-- ---------------------------------------------------------------------------
-- creations.comment_count (a reply counts like any other comment)
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.comments_maintain_count() RETURNS trigger
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

-- Deleted comments (and the replies under them), per statement.
CREATE TRIGGER comments_release_count AFTER DELETE ON public.comments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_counts();

-- ---------------------------------------------------------------------------
-- profiles.follower_count / following_count
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.follows_apply(edge public.follows, delta integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.count_profile(edge.following_id, delta, 0, 0);
    PERFORM arcanea.count_profile(edge.follower_id, 0, delta, 0);
END
$$;
CREATE FUNCTION arcanea.follows_maintain_counts() RETURNS trigger
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

-- Deleted follows, per statement: one delta per profile, with the followers
-- and followings it lost among them.
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

-- ---------------------------------------------------------------------------
-- profiles.creation_count: published creations only, so it moves on
-- publish, archive, unpublish and delete.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.creations_maintain_count() RETURNS trigger
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
CREATE TRIGGER creations_maintain_count AFTER INSERT OR DELETE OR UPDATE OF status, user_id
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.creations_maintain_count();

-- ---------------------------------------------------------------------------
-- luminor_conversations.message_count / last_message_at,
-- luminors.interaction_count (messages users sent to that Luminor) and
-- luminors.average_rating (over rated messages, kept exactly from
-- rating_count and rating_sum).
-- ---------------------------------------------------------------------------

-- A Luminor's counters move by the messages' deltas.
CREATE FUNCTION arcanea.luminor_apply(
    luminor uuid, interactions integer, ratings integer, rating_total integer
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.count_luminor(luminor, interactions, ratings, rating_total, 0);
END
$$;

-- One message joining (+1) or leaving (-1) its conversation.
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

CREATE FUNCTION arcanea.messages_maintain_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.conversation_id = OLD.conversation_id AND NEW.role = OLD.role THEN
        -- Only the rating changed: move the Luminor's average.
        PERFORM arcanea.luminor_apply(
            (SELECT luminor_id FROM public.luminor_conversations WHERE id = NEW.conversation_id), 0,
            (NEW.user_rating IS NOT NULL)::int - (OLD.user_rating IS NOT NULL)::int,
            coalesce(NEW.user_rating, 0) - coalesce(OLD.user_rating, 0));
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM arcanea.message_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM arcanea.message_apply(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_maintain_counts
    AFTER INSERT OR DELETE OR UPDATE OF user_rating, conversation_id, role
    ON public.luminor_messages FOR EACH ROW EXECUTE FUNCTION arcanea.messages_maintain_counts();

-- A conversation's messages leave with it (ON DELETE CASCADE), but by the
-- time their triggers run the conversation row, the way to their Luminor, is
-- gone: take them off the Luminor's counters here, before it goes.
CREATE FUNCTION arcanea.conversations_release_messages() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.luminor_apply(OLD.luminor_id,
                                  -count(*) FILTER (WHERE m.role = 'user')::int,
                                  -count(m.user_rating)::int,
                                  -coalesce(sum(m.user_rating), 0)::int)
       FROM public.luminor_messages m WHERE m.conversation_id = OLD.id;
    RETURN OLD;
END
$$;
CREATE TRIGGER conversations_release_messages BEFORE DELETE
    ON public.luminor_conversations FOR EACH ROW EXECUTE FUNCTION arcanea.conversations_release_messages();

-- ---------------------------------------------------------------------------
-- luminors.user_count: users with a relationship to that Luminor
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.relationships_maintain_count() RETURNS trigger
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
CREATE TRIGGER relationships_maintain_count AFTER INSERT OR DELETE OR UPDATE OF luminor_id
    ON public.luminor_relationships FOR EACH ROW EXECUTE FUNCTION arcanea.relationships_maintain_count();

-- ---------------------------------------------------------------------------
-- arcanea.recount_counters(): recompute every counter from the rows it
-- counts, fix the ones that drifted (a bulk load with triggers off, a restore
-- without session_replication_role, a manual edit) and report what moved.
-- A counter is right when its column plus its pending deltas equals the
-- count.  It holds every fold slot meanwhile, so that no fold moves deltas
-- into a column between its reading them and its writing the column;
-- writers go on (their deltas wait for the next fold of their slot).
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.recount_counters()
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
COMMENT ON FUNCTION arcanea.recount_counters() IS
    'Recomputes every denormalised counter from its rows, fixes drift, and reports how many rows each counter fixed. Service role only.';
