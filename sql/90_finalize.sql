-- ============================================================================
-- 90  Finalize                                                      (finalize)
-- ============================================================================
-- Runs after every table, function and policy exists.
-- ============================================================================

-- Trigger functions written in Rust cannot carry SECURITY DEFINER in their
-- pgrx declaration.  handle_new_user runs as whoever inserts into auth.users
-- (GoTrue's supabase_auth_admin), who may not write public.profiles.
ALTER FUNCTION arcanea.handle_new_user() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
-- Likewise enforce_rate_limit, which fires on a user's own INSERT through
-- the table API and writes arcanea.rate_limit_usage, which users may not.
ALTER FUNCTION arcanea.enforce_rate_limit() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

-- get_user_feed's statements are planned once per session, not at every
-- call.  With PostgreSQL's default (plan_cache_mode = auto) each of them
-- was planned again for its parameters at every call, which cost more than
-- running them: a materialised reader's page took 1.56-2.08 ms p50 that way
-- and 0.85-1.15 ms with generic plans; a reader of 30-64 accounts, whose
-- by-author statement runs a little slower generic, 1.69-2.54 ms either
-- way (pgbench, 1 client, 10 s runs alternated twice, scale-1 data,
-- 2026-12-01).  Their plans do not depend on the values: an index range of
-- the reader's feed, or a probe per followed author, then the page's rows
-- by id.  SPI plans are never parallel, so the unknown LIMIT cannot turn
-- one into a parallel plan.
ALTER FUNCTION public.get_user_feed(uuid, integer, integer, text) SET plan_cache_mode = force_generic_plan;

-- ---------------------------------------------------------------------------
-- Backups: without registration, pg_dump leaves out the rows of every table
-- an extension created.  All rows of all our tables are user data (the
-- luminors too: the seeded three may have been edited, and their counters
-- move; restoring them replaces the seeded rows, see 40_luminors_seed.sql).
-- ---------------------------------------------------------------------------
-- Every table and sequence the extension made in public and arcanea, read
-- from the catalog (so a new one cannot be left out of backups), but the
-- UNLOGGED ones: their rows are transient (the rate-limit usage windows).
-- That includes the operator's rate limits, the search vocabulary and the
-- list of storage buckets the extension governs.
-- One call per statement: each rewrites the extension's catalog row.
DO $config_dump$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT o.rel FROM arcanea.own_relations() o
         WHERE o.relkind IN ('r', 'p', 'S') AND o.relpersistence = 'p'
         ORDER BY 1
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(t, '');
    END LOOP;
END
$config_dump$;

-- The compatibility tables, when this extension created them (bare
-- PostgreSQL): their rows are users' data too.  Inside Supabase they are
-- Supabase's, dumped as ordinary tables.
-- storage.buckets holds Arcanea's three seeded buckets: on restore their
-- dumped copies (with any edit an operator made) replace the seeded ones,
-- as the Luminors do (40_luminors_seed.sql).
DO $register_compat$
DECLARE
    compat regclass;
BEGIN
    FOREACH compat IN ARRAY ARRAY['auth.users', 'storage.buckets', 'storage.objects']::regclass[] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = compat
                      AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
                      AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'arcanea'))
        THEN
            PERFORM pg_catalog.pg_extension_config_dump(compat, '');
            IF compat = 'storage.buckets'::regclass THEN
                CREATE TRIGGER buckets_replace_seeded_row_on_restore BEFORE INSERT
                    ON storage.buckets FOR EACH ROW EXECUTE FUNCTION arcanea.replace_seeded_row_on_restore();
                ALTER TABLE storage.buckets ENABLE ALWAYS TRIGGER buckets_replace_seeded_row_on_restore;
            END IF;
        END IF;
    END LOOP;
END
$register_compat$;

-- ---------------------------------------------------------------------------
-- Privileges: exactly what 55_privileges.sql states, whatever the
-- database's default privileges granted while the objects above were made.
-- ---------------------------------------------------------------------------
SELECT arcanea.apply_privileges();

-- search_creations: every statement in it has an index path, and a
-- sequential scan that stops at a LIMIT looks cheap to the planner when it
-- believes a word common, yet reads tens of thousands of rows before the
-- matches it wants.  The GIN bitmap of up to 20,000 matches stays exact
-- (not lossy, which costs a recheck of every row on a page) in 32MB.
ALTER FUNCTION public.search_creations(text, text, integer, integer)
    SET enable_seqscan = off
    SET work_mem = '32MB';

-- Users who signed up before the extension was installed get their profile now.
SELECT arcanea.backfill_profiles();

-- PostgREST caches the schema; tell it to look again (delivered at commit).
NOTIFY pgrst, 'reload schema';
