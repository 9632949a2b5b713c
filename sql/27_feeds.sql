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
