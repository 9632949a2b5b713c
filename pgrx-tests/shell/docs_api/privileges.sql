-- The privilege model as the catalog has it, as the markdown that
-- docs/api.md#privileges holds between its "generated: privileges" markers.
-- One row per function and per table that at least one API role may use;
-- what is not listed, no API role may use.
SET search_path = pg_catalog;
WITH roles(r, n) AS (VALUES ('anon', 1), ('authenticated', 2), ('service_role', 3)),
members AS (
    SELECT d.classid, d.objid
      FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
     WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass
),
fns AS (
    SELECT p.oid, p.oid::regprocedure::text AS sig
      FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
     WHERE p.pronamespace IN ('public'::regnamespace, 'arcanea'::regnamespace)
       AND EXISTS (SELECT 1 FROM roles WHERE has_function_privilege(r, p.oid, 'EXECUTE'))
),
tbls AS (
    SELECT c.oid, c.oid::regclass::text AS name
      FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
     WHERE c.relkind IN ('r', 'p', 'v', 'm') AND c.relnamespace IN ('public'::regnamespace, 'arcanea'::regnamespace)
),
-- cols(t, role, privilege): "all", the columns, or "–".
cols AS (
    SELECT t.oid, t.name, ro.r, ro.n, pr.p,
           CASE WHEN has_table_privilege(ro.r, t.oid, pr.p) THEN 'all'
                ELSE coalesce((SELECT string_agg(a.attname, ', ' ORDER BY a.attnum)
                                 FROM pg_attribute a
                                WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                                  AND has_column_privilege(ro.r, t.oid, a.attnum, pr.p)), '–') END AS what
      FROM tbls t, roles ro, (VALUES ('SELECT'), ('INSERT'), ('UPDATE')) AS pr(p)
),
lines(section, sort1, sort2, line) AS (
    SELECT 1, '', 0, '| function | anon | authenticated | service_role |'
    UNION ALL SELECT 1, '', 1, '| --- | --- | --- | --- |'
    UNION ALL
    SELECT 1, f.sig, 2, format('| `%s` | %s | %s | %s |', f.sig,
           CASE WHEN has_function_privilege('anon', f.oid, 'EXECUTE') THEN 'yes' ELSE '–' END,
           CASE WHEN has_function_privilege('authenticated', f.oid, 'EXECUTE') THEN 'yes' ELSE '–' END,
           CASE WHEN has_function_privilege('service_role', f.oid, 'EXECUTE') THEN 'yes' ELSE '–' END)
      FROM fns f
    UNION ALL SELECT 2, '', 0, ''
    UNION ALL SELECT 2, '', 1, '| table | role | SELECT | INSERT | UPDATE | DELETE | other |'
    UNION ALL SELECT 2, '', 2, '| --- | --- | --- | --- | --- | --- | --- |'
    UNION ALL
    SELECT 2, t.name || ' ' || ro.n, 3,
           format('| `%s` | %s | %s | %s | %s | %s | %s |', t.name, ro.r,
                  (SELECT what FROM cols c WHERE c.oid = t.oid AND c.r = ro.r AND c.p = 'SELECT'),
                  (SELECT what FROM cols c WHERE c.oid = t.oid AND c.r = ro.r AND c.p = 'INSERT'),
                  (SELECT what FROM cols c WHERE c.oid = t.oid AND c.r = ro.r AND c.p = 'UPDATE'),
                  CASE WHEN has_table_privilege(ro.r, t.oid, 'DELETE') THEN 'yes' ELSE '–' END,
                  coalesce(nullif(concat_ws(', ',
                      CASE WHEN has_table_privilege(ro.r, t.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
                      CASE WHEN has_table_privilege(ro.r, t.oid, 'REFERENCES') THEN 'REFERENCES' END,
                      CASE WHEN has_table_privilege(ro.r, t.oid, 'TRIGGER') THEN 'TRIGGER' END), ''), '–'))
      FROM tbls t, roles ro
     WHERE EXISTS (SELECT 1 FROM cols c WHERE c.oid = t.oid AND c.r = ro.r AND c.what <> '–')
        OR has_table_privilege(ro.r, t.oid, 'DELETE, TRUNCATE, REFERENCES, TRIGGER')
)
SELECT line FROM lines ORDER BY section, sort2 < 2 DESC, sort1, sort2;
