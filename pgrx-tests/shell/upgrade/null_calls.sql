-- Prints a psql script that calls every function of the installed catalog
-- written in C (the Rust entry points: `AS 'arcanea', 'symbol'`) with only
-- NULL arguments, once as a signed-in user and once as the service role,
-- and reports each call's outcome as a NOTICE "call <function> as <role>:
-- ok" or ": <SQLSTATE>".  Run right after a new arcanea.so replaced the old
-- one and before ALTER EXTENSION UPDATE, it shows that the old catalog's
-- functions, whose argument lists the new library may read differently,
-- answer or fail with a clear error, and never crash the server (a crash
-- ends the script early: the caller counts the NOTICEs).
--
-- Trigger and event-trigger functions cannot be called like this; the
-- smoke script exercises them (a signup, an insert, and the caller's DROP).

SELECT format(
$call$BEGIN;
SELECT pg_temp.act_as(%L, %L);
DO $c$
BEGIN
    PERFORM %s(%s);
    RAISE NOTICE 'call %s as %s: ok';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'call %s as %s: %%', SQLSTATE;
END
$c$;
ROLLBACK;$call$,
       who.role, who.sub,
       p.oid::regproc::text,
       (SELECT string_agg('NULL::' || pg_catalog.format_type(t, NULL), ', ' ORDER BY n)
          FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, n)),
       p.oid::regprocedure::text, who.role, p.oid::regprocedure::text, who.role)
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
  CROSS JOIN (VALUES ('authenticated', 'e0000000-0000-4000-8000-000000000001'),
                     ('service_role', NULL)) AS who(role, sub)
 WHERE p.prolang = (SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'c')
   AND p.prorettype NOT IN ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
 ORDER BY p.oid::regprocedure::text, who.role;
