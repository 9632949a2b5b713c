-- Who is calling: the JWT's sub, whether the request runs as a trusted role,
-- and whether the sub has a profile.  The trust test is
-- arcanea.caller_is_trusted()'s expression (sql/35_rules.sql) written out:
-- a kept plan runs it inline, where a call to the PL/pgSQL function costs
-- 7-14 us more per RPC (pgbench -M prepared on the scale-1 benchmark data,
-- 0.083-0.090 vs 0.097 ms for this statement).  identity::trust_rule
-- holds the copies to the function.
SELECT me.uid,
       coalesce((SELECT r.rolsuper OR r.rolbypassrls
                   FROM pg_catalog.pg_roles r
                  WHERE r.rolname = coalesce(nullif(pg_catalog.current_setting('role'), 'none'),
                                             pg_catalog.session_user())), false),
       EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = me.uid)
  FROM (SELECT auth.uid() AS uid) me
