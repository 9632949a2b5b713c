-- pg_temp.erasure_scan(ids, texts, skip): where an erased user is still
-- mentioned, for shell/erasure.sh and bench/privacy_timing.sh.
--
-- Reads every column of type text, varchar, json, jsonb, text[] or uuid of
-- every table of the extension in schemas public and arcanea (pg_depend
-- deptype 'e'), and of storage.objects, but the tables in `skip`: a uuid
-- column holding one of `ids`, any other holding one of `texts` anywhere in
-- its text form (json values, array elements, inside free text), whatever
-- the letter case.
-- Returns one row per column read (`val` = '') and one per value found
-- (its first 160 characters).
CREATE FUNCTION pg_temp.erasure_scan(ids uuid[], texts text[], skip regclass[] DEFAULT '{}')
RETURNS TABLE (tbl text, col text, val text) LANGUAGE plpgsql AS $f$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS rel, a.attname::text AS att, a.atttypid AS typ
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE (c.oid IN (SELECT d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                           WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND e.extname = 'arcanea')
                AND c.relnamespace IN ('public'::regnamespace, 'arcanea'::regnamespace)
                OR c.oid = 'storage.objects'::regclass)
           AND c.relkind IN ('r', 'p')
           AND c.oid <> ALL (skip)
           AND a.atttypid IN ('text'::regtype, 'character varying'::regtype, 'json'::regtype, 'jsonb'::regtype,
                              'text[]'::regtype, 'uuid'::regtype)
         ORDER BY c.oid::regclass::text, a.attnum
    LOOP
        tbl := r.rel::text;
        col := r.att;
        val := '';
        RETURN NEXT;
        IF r.typ = 'uuid'::regtype THEN
            RETURN QUERY EXECUTE format('SELECT %L, %L, t.%I::text FROM %s t WHERE t.%I = ANY ($1)',
                                        r.rel::text, r.att, r.att, r.rel, r.att) USING ids;
        ELSE
            RETURN QUERY EXECUTE format(
                'SELECT %L, %L, regexp_replace(left(t.%I::text, 160), ''\s+'', '' '', ''g'') FROM %s t
                  WHERE EXISTS (SELECT 1 FROM unnest($1) n WHERE strpos(lower(t.%I::text), lower(n)) > 0)',
                r.rel::text, r.att, r.att, r.rel, r.att)
            USING texts;
        END IF;
    END LOOP;
END
$f$;
