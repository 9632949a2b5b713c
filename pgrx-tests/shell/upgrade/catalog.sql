-- The catalog facts of the arcanea extension, one per line, in a stable
-- order and free of OIDs, so that two databases can be compared with diff:
-- a fresh install against an old version plus its upgrade script.
--
-- pg_dump cannot make this comparison: for the members of an extension it
-- writes only `CREATE EXTENSION`.  So this reads the catalogs directly.
--
-- Covered: the extension (version, config-dump tables and conditions), its
-- member objects; every schema, relation, column (type, default, nullability,
-- identity, generation, order, column grants), constraint, index, trigger
-- (definition, enabled state: triggers fire in name order, so names matter),
-- policy, function (full definition: language, volatility, strictness,
-- security, config, body), type, sequence, publication membership, grant
-- and comment in the schemas the extension writes to (public, arcanea,
-- arcanea_partitions, auth, storage), leaving out objects of other
-- extensions (pgtap in a test database); event triggers; and the default
-- privileges of those schemas.
--
-- Grants are compared as sets (the order of an ACL is the order of the
-- GRANTs that built it) and a NULL ACL as the owner's default ACL it stands
-- for.  Columns are compared by their order among live columns (a dropped
-- column leaves a gap in attnum that nobody can see).
--
-- Run with psql -At; each line is "section | object | fact".  With
-- -v columns=by_name, columns are keyed by name instead of position: for a
-- downgrade, which can add a column back only at the end of its table.
\if :{?columns}
\else
    \set columns by_position
\endif

-- Names print schema-qualified whatever the caller's search_path.
SET search_path = pg_catalog;

WITH arcanea AS (
    SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'arcanea'
),
-- Objects that belong to some other extension: not ours to compare.
foreign_members AS (
    SELECT d.classid, d.objid
      FROM pg_catalog.pg_depend d
     WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::regclass
       AND d.refobjid NOT IN (SELECT oid FROM arcanea)
),
schemas AS (
    SELECT n.oid, n.nspname
      FROM pg_catalog.pg_namespace n
     WHERE n.nspname IN ('public', 'arcanea', 'arcanea_partitions', 'auth', 'storage')
),
rels AS (
    SELECT c.oid, c.oid::regclass::text AS name, c.relkind, c.relpersistence, c.reloptions, c.relrowsecurity,
           c.relforcerowsecurity, c.relreplident, c.relowner, c.relacl, c.relpartbound
      FROM pg_catalog.pg_class c
     WHERE c.relnamespace IN (SELECT oid FROM schemas)
       AND NOT EXISTS (SELECT 1 FROM foreign_members f
                        WHERE f.classid = 'pg_catalog.pg_class'::regclass AND f.objid = c.oid)
       -- The partitions that are not the extension's (the months made by
       -- arcanea.ensure_partitions(), an upgraded database's legacy
       -- partitions) and their indexes are data: which exist depends on
       -- when the rows came.  The DEFAULT partitions, members, are compared.
       AND NOT (c.relnamespace::regnamespace::text = 'arcanea_partitions'
                AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                 WHERE d.deptype = 'e' AND d.classid = 'pg_catalog.pg_class'::regclass
                                   AND d.refobjid IN (SELECT oid FROM arcanea)
                                   AND d.objid = coalesce((SELECT x.indrelid FROM pg_catalog.pg_index x
                                                            WHERE x.indexrelid = c.oid), c.oid)))
),
procs AS (
    SELECT p.oid, p.oid::regprocedure::text AS name, p.prokind, p.proowner, p.proacl
      FROM pg_catalog.pg_proc p
     WHERE p.pronamespace IN (SELECT oid FROM schemas)
       AND NOT EXISTS (SELECT 1 FROM foreign_members f
                        WHERE f.classid = 'pg_catalog.pg_proc'::regclass AND f.objid = p.oid)
),
types AS (
    SELECT t.oid, t.oid::regtype::text AS name, t.typtype, t.typbasetype, t.typtypmod, t.typnotnull,
           t.typdefault, t.typowner, t.typacl
      FROM pg_catalog.pg_type t
     WHERE t.typnamespace IN (SELECT oid FROM schemas)
       AND t.typtype IN ('e', 'd', 'r', 'm', 'c')
       AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_catalog.pg_class WHERE oid = t.typrelid) = 'c')
       AND NOT EXISTS (SELECT 1 FROM foreign_members f
                        WHERE f.classid = 'pg_catalog.pg_type'::regclass AND f.objid = t.oid)
),
facts(section, object, fact) AS (
    -- The extension itself.
    SELECT 'extension', e.extname::text,
           format('version=%s relocatable=%s schema=%s', e.extversion, e.extrelocatable,
                  e.extnamespace::regnamespace)
      FROM pg_catalog.pg_extension e WHERE e.oid IN (SELECT oid FROM arcanea)
    UNION ALL
    SELECT 'config_dump', cfg.tbl::regclass::text, coalesce(nullif(cfg.cond, ''), '(all rows)')
      FROM pg_catalog.pg_extension e,
           unnest(e.extconfig, e.extcondition) AS cfg(tbl, cond)
     WHERE e.oid IN (SELECT oid FROM arcanea)
    UNION ALL
    -- Member objects, by description.
    SELECT 'member', pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ''
      FROM pg_catalog.pg_depend d
     WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::regclass
       AND d.refobjid IN (SELECT oid FROM arcanea)
    UNION ALL
    -- Schemas.
    SELECT 'schema', s.nspname::text,
           format('owner=%s acl=%s comment=%s', n.nspowner::regrole,
                  (SELECT string_agg(a::text, ',' ORDER BY a::text)
                     FROM unnest(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a),
                  pg_catalog.obj_description(n.oid, 'pg_namespace'))
      FROM schemas s JOIN pg_catalog.pg_namespace n ON n.oid = s.oid
    UNION ALL
    -- Relations (tables, views, sequences, composite types, indexes).
    SELECT 'relation', r.name,
           format('kind=%s persistence=%s options=%s rls=%s force_rls=%s replica_identity=%s owner=%s '
                  'partition_key=%s partition_of=%s bound=%s comment=%s',
                  r.relkind, r.relpersistence, r.reloptions, r.relrowsecurity, r.relforcerowsecurity,
                  r.relreplident, r.relowner::regrole,
                  CASE WHEN r.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(r.oid) END,
                  (SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhparent::regclass::text)
                     FROM pg_catalog.pg_inherits i WHERE i.inhrelid = r.oid),
                  pg_catalog.pg_get_expr(r.relpartbound, r.oid),
                  pg_catalog.obj_description(r.oid, 'pg_class'))
      FROM rels r
    UNION ALL
    SELECT 'grant', r.name,
           (SELECT string_agg(a::text, ',' ORDER BY a::text)
              FROM unnest(coalesce(r.relacl, pg_catalog.acldefault(
                  (CASE WHEN r.relkind = 'S' THEN 's' ELSE 'r' END)::"char", r.relowner))) a)
      FROM rels r WHERE r.relkind NOT IN ('i', 'I', 'c')
    UNION ALL
    -- Views' definitions.
    SELECT 'view', r.name, pg_catalog.pg_get_viewdef(r.oid, true)
      FROM rels r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    -- Columns, by position among live columns.
    SELECT 'column', r.name || '.' || CASE WHEN :'columns' = 'by_name' THEN a.attname::text ELSE lpad(
               (row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum))::text, 3, '0') END,
           format('%s %s notnull=%s default=%s identity=%s generated=%s collation=%s acl=%s options=%s comment=%s',
                  a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), nullif(a.attidentity, ''),
                  nullif(a.attgenerated, ''),
                  CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
                  (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(a.attacl) x),
                  -- pg_attver: a version stamp this PostgreSQL build keeps among the
                  -- options of every column of a table once one has any (an LSN)
                  (SELECT string_agg(x, ',' ORDER BY x) FROM unnest(a.attoptions) x WHERE x !~ '^pg_attver='),
                  pg_catalog.col_description(a.attrelid, a.attnum))
      FROM rels r
      JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
    UNION ALL
    -- Constraints of tables and domains.
    SELECT 'constraint', coalesce(r.name, ty.name) || ' ' || c.conname,
           pg_catalog.pg_get_constraintdef(c.oid, true)
      FROM pg_catalog.pg_constraint c
      LEFT JOIN rels r ON r.oid = c.conrelid
      LEFT JOIN types ty ON ty.oid = c.contypid
     WHERE r.oid IS NOT NULL OR ty.oid IS NOT NULL
    UNION ALL
    -- Indexes (the definition names the index, its table and method).
    SELECT 'index', r.name,
           pg_catalog.pg_get_indexdef(i.indexrelid)
           || CASE WHEN i.indisreplident THEN ' [replica identity]' ELSE '' END
           || CASE WHEN i.indisclustered THEN ' [clustered]' ELSE '' END
      FROM pg_catalog.pg_index i JOIN rels r ON r.oid = i.indexrelid
    UNION ALL
    -- Triggers on any table of these schemas.
    SELECT 'trigger', t.tgrelid::regclass::text || ' ' || t.tgname,
           pg_catalog.pg_get_triggerdef(t.oid, true) || ' [enabled=' || t.tgenabled::text || ']'
      FROM pg_catalog.pg_trigger t
     WHERE NOT t.tgisinternal AND t.tgrelid IN (SELECT oid FROM rels)
    UNION ALL
    -- Row-level security policies.
    SELECT 'policy', pol.polrelid::regclass::text || ' ' || pol.polname,
           format('cmd=%s permissive=%s roles=%s using=%s check=%s', pol.polcmd, pol.polpermissive,
                  (SELECT string_agg(CASE WHEN rl = 0 THEN 'public' ELSE rl::regrole::text END, ','
                                     ORDER BY CASE WHEN rl = 0 THEN 'public' ELSE rl::regrole::text END)
                     FROM unnest(pol.polroles) rl),
                  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
                  pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid))
      FROM pg_catalog.pg_policy pol
     WHERE pol.polrelid IN (SELECT oid FROM rels)
    UNION ALL
    -- Functions: the whole definition, a line of it per fact so that a
    -- difference shows where it is.
    SELECT 'function', p.name, lpad(def.n::text, 4, '0') || ' ' || def.line
      FROM procs p,
           LATERAL (SELECT CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_catalog.pg_get_functiondef(p.oid)
                                ELSE 'aggregate ' || p.name END AS body) b,
           LATERAL unnest(string_to_array(b.body, E'\n')) WITH ORDINALITY AS def(line, n)
    UNION ALL
    SELECT 'function_grant', p.name,
           format('owner=%s acl=%s comment=%s', p.proowner::regrole,
                  (SELECT string_agg(a::text, ',' ORDER BY a::text)
                     FROM unnest(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a),
                  pg_catalog.obj_description(p.oid, 'pg_proc'))
      FROM procs p
    UNION ALL
    -- Enums, domains, ranges and composite types.
    SELECT 'type', ty.name,
           format('kind=%s base=%s notnull=%s default=%s labels=%s owner=%s acl=%s comment=%s',
                  ty.typtype, CASE WHEN ty.typtype = 'd' THEN pg_catalog.format_type(ty.typbasetype, ty.typtypmod) END,
                  ty.typnotnull, ty.typdefault,
                  (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                     FROM pg_catalog.pg_enum e WHERE e.enumtypid = ty.oid),
                  ty.typowner::regrole,
                  (SELECT string_agg(a::text, ',' ORDER BY a::text)
                     FROM unnest(coalesce(ty.typacl, pg_catalog.acldefault('T', ty.typowner))) a),
                  pg_catalog.obj_description(ty.oid, 'pg_type'))
      FROM types ty
    UNION ALL
    -- Sequences: parameters and the column that owns them.
    SELECT 'sequence', r.name,
           format('type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
                  s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                  (SELECT d.refobjid::regclass::text || '.' || a.attname
                     FROM pg_catalog.pg_depend d
                     JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = r.oid
                      AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')))
      FROM rels r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid
    UNION ALL
    -- Event triggers (database-wide).
    SELECT 'event_trigger', et.evtname::text,
           format('event=%s function=%s enabled=%s tags=%s owner=%s', et.evtevent,
                  et.evtfoid::regprocedure, et.evtenabled, et.evttags, et.evtowner::regrole)
      FROM pg_catalog.pg_event_trigger et
    UNION ALL
    -- Publications: which of these tables each one carries, and how.
    SELECT 'publication', pt.pubname || ' ' || pt.schemaname || '.' || pt.tablename,
           format('columns=%s filter=%s', pt.attnames, pt.rowfilter)
      FROM pg_catalog.pg_publication_tables pt
     WHERE pt.schemaname IN (SELECT nspname FROM schemas)
    UNION ALL
    SELECT 'publication_def', p.pubname::text,
           format('all_tables=%s insert=%s update=%s delete=%s truncate=%s via_root=%s owner=%s',
                  p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, p.pubviaroot,
                  p.pubowner::regrole)
      FROM pg_catalog.pg_publication p
    UNION ALL
    -- Default privileges set in these schemas (or globally).
    SELECT 'default_acl', format('%s in %s on %s', da.defaclrole::regrole,
                                 coalesce(da.defaclnamespace::regnamespace::text, '(all schemas)'), da.defaclobjtype),
           (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(da.defaclacl) a)
      FROM pg_catalog.pg_default_acl da
     WHERE da.defaclnamespace = 0 OR da.defaclnamespace IN (SELECT oid FROM schemas)
)
-- A fact that spans lines (a policy's expression) is one line here.
SELECT section || ' | ' || object || ' | ' || regexp_replace(coalesce(fact, ''), '\s*\n\s*', ' ', 'g')
  FROM facts
 ORDER BY section, object, fact;
