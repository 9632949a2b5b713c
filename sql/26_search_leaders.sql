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
