-- Row snapshots around an upgrade or a downgrade.
--
--   \set phase record   copies every row of every table the extension
--                       owns (its member tables and config-dump tables, and
--                       auth.users and the storage tables) as jsonb into
--                       upgrade_check.rows_before (a schema of its own,
--                       which no version of the extension touches);
--   \set phase check    prints one line per table whose rows did not all
--                       survive: "table: N rows missing, M rows extra".
--
-- A row survives when the table still holds a row that contains it
-- (`to_jsonb(row) @> before`): columns a version adds do not count as a
-- change, and every value the row had must still be there (where a version
-- moved columns to another table, row_after() joins them back).  The list of
-- tables comes from the catalog, so a new table cannot be missed.

\if :{?phase}
\else
    \echo 'rows.sql: set phase to record or check'
    \quit
\endif

SELECT :'phase' = 'record' AS recording \gset
\if :recording
DROP SCHEMA IF EXISTS upgrade_check CASCADE;
CREATE SCHEMA upgrade_check;
CREATE TABLE upgrade_check.rows_before (tbl text, row jsonb);
DO $record$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT DISTINCT c.oid::regclass
          FROM pg_catalog.pg_class c
         WHERE c.relkind IN ('r', 'p')
           AND (c.oid IN (SELECT d.objid FROM pg_catalog.pg_depend d
                            JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
                           WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'e')
                OR c.oid IN ('auth.users'::regclass, 'storage.buckets'::regclass, 'storage.objects'::regclass))
           AND c.relpersistence = 'p'
    LOOP
        EXECUTE format('INSERT INTO upgrade_check.rows_before SELECT %L, to_jsonb(t) FROM %s t', t, t);
    END LOOP;
END
$record$;
SELECT count(DISTINCT tbl) || ' tables, ' || count(*) || ' rows recorded' FROM upgrade_check.rows_before;
\else
CREATE TEMP TABLE row_check (tbl text, missing bigint, extra bigint);
-- A table's row as a version after the recording has it, for the tables
-- whose columns moved: since 0.2.0 a profile's private fields are in
-- profile_private (its own columns win where both have one).
CREATE FUNCTION pg_temp.row_after(t text) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN to_regclass(t) = 'public.profiles'::regclass AND to_regclass('public.profile_private') IS NOT NULL
                THEN $e$(coalesce((SELECT to_jsonb(pp) - 'id' - 'updated_at' FROM public.profile_private pp
                                   WHERE pp.id = a.id), '{}') || to_jsonb(a))$e$
                ELSE 'to_jsonb(a)' END
$$;
DO $check$
DECLARE
    t text;
    missing bigint;
    extra bigint;
BEGIN
    FOR t IN SELECT DISTINCT tbl FROM upgrade_check.rows_before ORDER BY 1 LOOP
        IF to_regclass(t) IS NULL THEN
            INSERT INTO row_check VALUES (t, (SELECT count(*) FROM upgrade_check.rows_before WHERE tbl = t), 0);
            CONTINUE;
        END IF;
        EXECUTE format('SELECT count(*) FROM upgrade_check.rows_before b
                         WHERE b.tbl = %L AND NOT EXISTS (SELECT 1 FROM %s a WHERE %s @> b.row)',
                       t, t, pg_temp.row_after(t))
           INTO missing;
        EXECUTE format('SELECT (SELECT count(*) FROM %s) - (SELECT count(*) FROM upgrade_check.rows_before
                                                              WHERE tbl = %L)', t, t)
           INTO extra;
        IF missing <> 0 OR extra <> 0 THEN
            INSERT INTO row_check VALUES (t, missing, extra);
        END IF;
    END LOOP;
END
$check$;
SELECT format('%s: %s rows missing, %s rows extra', tbl, missing, extra) FROM row_check ORDER BY tbl;
\endif
