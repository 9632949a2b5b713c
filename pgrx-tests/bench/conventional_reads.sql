-- pgrx-tests/bench/conventional_reads.sql: the conventional read references
-- (issue 15, item 5), beside pgrx-tests/bench/conventional.sql's write
-- reference and on its copy of the tables (schema `conventional`, its
-- row-level security and indexes).  The RPCs live in schema
-- `conventional_reads`:
--
--   get_feed(page_size, before_created_at, before_id): the following feed
--     as a competent Supabase team writes it: one query in a PL/pgSQL
--     function, as conventional.sql's (SECURITY INVOKER, search_path
--     pinned; PL/pgSQL plans the query with the caller's values), the reader
--     from auth.uid(), a join of follows and creations, keyset on
--     (created_at, id) DESC, LIMIT page_size.  The team has added the index
--     a keyset read asks for, creations (user_id, created_at DESC, id DESC);
--     nothing else (no partial index, no timeline).
--   search_creations(q): search as Supabase's full-text search guide does
--     it: a generated column fts = to_tsvector('english', title || ' ' ||
--     description) on the table with a GIN index, websearch_to_tsquery(
--     'english', q) once (in FROM, as the PostgreSQL manual's ranking example
--     does: inline, with q a parameter, it would be parsed again for every
--     row), ORDER BY ts_rank(fts, query) DESC LIMIT 20.  The column
--     is added to the copy conventional.creations (a table rewrite, once
--     per copy); no typo tolerance, no tag boost, no stemmed-or-verbatim OR.
--     SECURITY DEFINER (see the function) where the feed is INVOKER.
--
-- Both return the columns ours return, so that both sides read the same.
--
-- The copy is made when the data set is (scripts/bench.sh), before the
-- shape overlay (generate_shapes.sql); so this script first brings it up to
-- date: rows public has and the copy lacks (the shape readers, their
-- follows, the bursts, what earlier runs added) and descriptions that
-- changed (the planted words).  Triggers are off for that (the rows come
-- with their counters), as in the copy itself; then a VACUUM, as the
-- overlay does on public, so that neither side reads dead rows.
--
-- Run by scripts/bench.sh on every run, as a superuser, after
-- conventional.sql and generate_shapes.sql.  At scale 1: 1.5 minutes the
-- first time (the column's rewrite and index, 600,000 descriptions), about
-- 10 seconds after (the comparison with public).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT to_regclass('conventional.creations') IS NOT NULL AS has_copy \gset
\if :has_copy
\else
\echo conventional_reads.sql: schema conventional is missing; run conventional.sql first
SELECT 1 / 0 AS no_conventional_copy;
\endif

-- ---------------------------------------------------------------------------
-- The guide's search column and the feed's keyset index.  The column's
-- comment names its definition: a new one replaces it.
-- ---------------------------------------------------------------------------
DO $$
BEGIN
    IF coalesce(col_description('conventional.creations'::regclass,
                                (SELECT attnum FROM pg_attribute
                                  WHERE attrelid = 'conventional.creations'::regclass AND attname = 'fts'
                                    AND NOT attisdropped)), '') <> 'guide fts v1' THEN
        ALTER TABLE conventional.creations DROP COLUMN IF EXISTS fts;
        ALTER TABLE conventional.creations ADD COLUMN fts tsvector GENERATED ALWAYS AS
            (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, ''))) STORED;
        COMMENT ON COLUMN conventional.creations.fts IS 'guide fts v1';
        CREATE INDEX creations_fts_idx ON conventional.creations USING gin (fts);
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS creations_user_created_idx ON conventional.creations (user_id, created_at DESC, id DESC);

-- ---------------------------------------------------------------------------
-- The copy brought up to date with public (see above).
-- ---------------------------------------------------------------------------
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO conventional.profiles
SELECT * FROM public.profiles p WHERE NOT EXISTS (SELECT 1 FROM conventional.profiles c WHERE c.id = p.id)
ON CONFLICT DO NOTHING;
INSERT INTO conventional.follows
SELECT * FROM public.follows p WHERE NOT EXISTS (SELECT 1 FROM conventional.follows c WHERE c.id = p.id)
ON CONFLICT DO NOTHING;
-- Positional: the copy's columns are public's, then fts (generated).
INSERT INTO conventional.creations
SELECT * FROM public.creations p WHERE NOT EXISTS (SELECT 1 FROM conventional.creations c WHERE c.id = p.id)
ON CONFLICT DO NOTHING;
UPDATE conventional.creations c SET title = p.title, description = p.description
  FROM public.creations p
 WHERE p.id = c.id AND (c.description IS DISTINCT FROM p.description OR c.title IS DISTINCT FROM p.title);
COMMIT;
VACUUM ANALYZE conventional.profiles, conventional.follows, conventional.creations;

-- ---------------------------------------------------------------------------
-- The RPCs
-- ---------------------------------------------------------------------------
DROP SCHEMA IF EXISTS conventional_reads CASCADE;
CREATE SCHEMA conventional_reads;
GRANT USAGE ON SCHEMA conventional_reads TO anon, authenticated, service_role;

-- The caller's following feed, newest first; the next page starts after
-- the last row's (created_at, id).
CREATE FUNCTION conventional_reads.get_feed(page_size integer DEFAULT 20,
                                            before_created_at timestamptz DEFAULT NULL,
                                            before_id uuid DEFAULT NULL)
RETURNS TABLE (id uuid, user_id uuid, title text, description text, type text, file_url text,
               thumbnail_url text, file_size integer, file_format text, ai_tool text, prompt text,
               model text, generation_params jsonb, seed integer, metadata jsonb, status text,
               is_public boolean, is_featured boolean, is_nsfw boolean, license text,
               allow_remix boolean, allow_commercial boolean, tags text[], categories text[],
               view_count integer, like_count integer, comment_count integer, remix_count integer,
               created_at timestamptz, updated_at timestamptz, published_at timestamptz,
               username text, display_name text, avatar_url text, user_has_liked boolean)
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, c.user_id, c.title, c.description, c.type, c.file_url, c.thumbnail_url, c.file_size,
           c.file_format, c.ai_tool, c.prompt, c.model, c.generation_params, c.seed, c.metadata, c.status,
           c.is_public, c.is_featured, c.is_nsfw, c.license, c.allow_remix, c.allow_commercial, c.tags,
           c.categories, c.view_count, c.like_count, c.comment_count, c.remix_count, c.created_at,
           c.updated_at, c.published_at, p.username, p.display_name, p.avatar_url,
           EXISTS (SELECT 1 FROM conventional.likes l
                    WHERE l.creation_id = c.id AND l.user_id = (SELECT auth.uid())) AS user_has_liked
      FROM conventional.follows f
      JOIN conventional.creations c ON c.user_id = f.following_id
      JOIN conventional.profiles p ON p.id = c.user_id
     WHERE f.follower_id = (SELECT auth.uid())
       AND c.status = 'published' AND c.is_public
       AND (c.created_at, c.id) < (coalesce(before_created_at, 'infinity'),
                                   coalesce(before_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
     ORDER BY c.created_at DESC, c.id DESC
     LIMIT least(page_size, 100);
END
$$;

-- Published public creations matching q (websearch syntax), best first.
-- SECURITY DEFINER, filtering what anyone may see itself (as ours does):
-- under row-level security @@, which is not leakproof, is evaluated after
-- the policy and so never through the GIN index, a sequential scan for
-- every search.
CREATE FUNCTION conventional_reads.search_creations(q text)
RETURNS TABLE (id uuid, user_id uuid, title text, description text, type text, file_url text,
               thumbnail_url text, file_size integer, file_format text, ai_tool text, prompt text,
               model text, generation_params jsonb, seed integer, metadata jsonb, status text,
               is_public boolean, is_featured boolean, is_nsfw boolean, license text,
               allow_remix boolean, allow_commercial boolean, tags text[], categories text[],
               view_count integer, like_count integer, comment_count integer, remix_count integer,
               created_at timestamptz, updated_at timestamptz, published_at timestamptz,
               username text, display_name text, avatar_url text, rank real)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, c.user_id, c.title, c.description, c.type, c.file_url, c.thumbnail_url, c.file_size,
           c.file_format, c.ai_tool, c.prompt, c.model, c.generation_params, c.seed, c.metadata, c.status,
           c.is_public, c.is_featured, c.is_nsfw, c.license, c.allow_remix, c.allow_commercial, c.tags,
           c.categories, c.view_count, c.like_count, c.comment_count, c.remix_count, c.created_at,
           c.updated_at, c.published_at, p.username, p.display_name, p.avatar_url,
           ts_rank(c.fts, query) AS rank
      FROM websearch_to_tsquery('english', q) AS query,
           conventional.creations c
      JOIN conventional.profiles p ON p.id = c.user_id
     WHERE c.fts @@ query
       AND c.status = 'published' AND c.is_public
     ORDER BY 35 DESC
     LIMIT 20;
END
$$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA conventional_reads TO anon, authenticated, service_role;
