-- The limits of sql/15_limits.sql as the catalog has them, as the markdown
-- that docs/api.md#limits holds between its "generated: limits" markers:
-- every CHECK constraint of the extension's public tables whose name ends in
-- _length, _limit or _size.
SET search_path = pg_catalog;
SELECT line FROM (
    SELECT 0 AS k, '' AS t, '' AS c, '| table | limit | rule |' AS line
    UNION ALL SELECT 1, '', '', '| --- | --- | --- |'
    UNION ALL
    SELECT 2, con.conrelid::regclass::text, con.conname::text,
           format('| `%s` | `%s` | `%s` |', con.conrelid::regclass, con.conname,
                  regexp_replace(pg_get_constraintdef(con.oid, true), '^CHECK \((.*)\)$', '\1'))
      FROM pg_constraint con
      JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = con.conrelid AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
     WHERE con.contype = 'c' AND con.conname ~ '_(length|limit|size)$'
       AND con.connamespace = 'public'::regnamespace
) x ORDER BY k, t, c;
