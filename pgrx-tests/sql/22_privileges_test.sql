-- Privileges and policy hygiene, read from the catalog: who may EXECUTE the
-- extension's functions, which tables carry explicit grants, and whether
-- every policy follows Supabase's rules (TO anon/authenticated, never
-- PUBLIC; auth.uid() wrapped in a sub-select so it runs once per statement).
BEGIN;
SELECT plan(44);

-- The extension's functions, with their schema and name, and whether each
-- pins its search_path (a SET search_path clause).
CREATE TEMP VIEW ext_functions AS
SELECT p.oid, n.nspname AS schema, p.proname AS name, p.oid::regprocedure AS signature,
       p.prosecdef, p.proacl, p.proowner,
       EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%') AS pins_search_path
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea';

CREATE TEMP VIEW arcanea_tables(t) AS
SELECT ('public.' || x)::regclass
  FROM unnest(ARRAY['profiles', 'profile_private', 'luminors', 'luminor_conversations', 'luminor_messages',
                    'luminor_relationships', 'creations', 'likes', 'comments', 'follows',
                    'notifications']) x;

-- ===========================================================================
-- Functions in public (the RPC API)
-- ===========================================================================
SELECT set_has($$SELECT name::text FROM ext_functions WHERE schema = 'public'$$,
               $$SELECT unnest(ARRAY['search_creations', 'increment_creation_views', 'get_user_stats',
                                     'archive_old_conversations', 'cleanup_notifications', 'toggle_like',
                                     'get_user_feed'])$$,
               'public: the extension''s RPC functions are there to check');
-- A NULL proacl means the default ACL, which grants EXECUTE to PUBLIC.
SELECT is_empty($$SELECT signature::text FROM ext_functions f,
                         aclexplode(coalesce(f.proacl, acldefault('f', f.proowner))) a
                   WHERE f.schema = 'public' AND a.grantee = 0 AND a.privilege_type = 'EXECUTE'$$,
                'public: no extension function is executable by PUBLIC');
SELECT set_eq($$SELECT name::text FROM ext_functions
                 WHERE schema = 'public' AND has_function_privilege('anon', oid, 'EXECUTE')$$,
              ARRAY['search_creations', 'increment_creation_views', 'get_user_stats'],
              'public: anon may execute exactly search_creations, increment_creation_views, get_user_stats');
SELECT set_eq($$SELECT name::text FROM ext_functions
                 WHERE schema = 'public' AND NOT has_function_privilege('authenticated', oid, 'EXECUTE')$$,
              ARRAY['archive_old_conversations', 'cleanup_notifications', 'pending_storage_erasures'],
              'public: authenticated may execute all but archive_old_conversations, cleanup_notifications and pending_storage_erasures');
SELECT is_empty($$SELECT signature::text FROM ext_functions
                   WHERE schema = 'public' AND NOT has_function_privilege('service_role', oid, 'EXECUTE')$$,
                'public: service_role may execute every extension function');
SELECT is_empty($$SELECT signature::text FROM ext_functions
                   WHERE prosecdef AND NOT pins_search_path$$,
                'every SECURITY DEFINER function of the extension pins its search_path');
-- The functions that leave search_path unpinned (splinter's
-- function_search_path_mutable; why each does: docs/operations.md, "Supabase's
-- database linter") are safe only because no API role may call one: they run
-- under the pinned search_path of the function of ours that calls them.
-- Only public and arcanea: on bare PostgreSQL the extension also owns the
-- stand-ins for Supabase's auth and storage helpers (sql/00_supabase_compat.sql),
-- which every role calls and which are unpinned, as Supabase's own are; the
-- lint skips those schemas.
SELECT is_empty($$SELECT signature::text || ' by ' || r FROM ext_functions,
                         unnest(ARRAY['anon', 'authenticated', 'service_role']) r
                   WHERE schema IN ('public', 'arcanea')
                     AND NOT pins_search_path
                     AND has_function_privilege(r, oid, 'EXECUTE')$$,
                'no API role may execute a function of public or arcanea that leaves its search_path unpinned');

-- ===========================================================================
-- Functions in arcanea (internal: triggers, helpers)
-- ===========================================================================
SELECT isnt_empty($$SELECT 1 FROM pg_proc WHERE pronamespace = 'arcanea'::regnamespace$$,
                  'arcanea: there are internal functions to check');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p,
                         aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                   WHERE p.pronamespace = 'arcanea'::regnamespace AND a.grantee = 0$$,
                'arcanea: no function is executable by PUBLIC');
-- Policies and constraints run with the caller's rights, so a helper a
-- policy calls (or one of those helpers calls, or a CHECK constraint calls)
-- must be executable by the roles the policy is for; nothing else in
-- arcanea may be, and such a helper must not be SECURITY DEFINER (it would
-- lend the owner's rights).
CREATE TEMP VIEW policy_helpers AS
WITH RECURSIVE called(oid) AS (
    SELECT d.refobjid
      FROM pg_depend d
     WHERE d.classid IN ('pg_policy'::regclass, 'pg_constraint'::regclass) AND d.refclassid = 'pg_proc'::regclass
    UNION
    -- SQL functions' bodies name the functions they call; prosrc is text.
    SELECT p2.oid
      FROM called c
      JOIN pg_proc p1 ON p1.oid = c.oid AND p1.prolang = (SELECT oid FROM pg_language WHERE lanname = 'sql')
      JOIN pg_proc p2 ON p2.pronamespace = 'arcanea'::regnamespace
                     AND p1.prosrc ~ ('arcanea\.' || p2.proname || '\(')
)
SELECT DISTINCT p.oid, p.oid::regprocedure::text AS signature, p.prosecdef
  FROM called c JOIN pg_proc p ON p.oid = c.oid
 WHERE p.pronamespace = 'arcanea'::regnamespace;
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'arcanea'::regnamespace AND has_function_privilege('anon', p.oid, 'EXECUTE')$$,
              $$SELECT h.signature FROM policy_helpers h
                  JOIN pg_depend d ON d.refobjid = h.oid AND d.classid = 'pg_policy'::regclass
                  JOIN pg_policy pol ON pol.oid = d.objid
                 WHERE 'anon'::regrole = ANY (pol.polroles)
                UNION SELECT 'arcanea.in_own_storage_folder(text)' UNION SELECT 'arcanea.uuid_or_null(text)'$$,
              'arcanea: anon may execute exactly what the anon storage read policy calls');
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'arcanea'::regnamespace AND has_function_privilege('authenticated', p.oid, 'EXECUTE')$$,
              $$SELECT signature FROM policy_helpers$$,
              'arcanea: authenticated may execute exactly the helpers that policies and constraints call');
SELECT is_empty($$SELECT signature FROM policy_helpers WHERE prosecdef$$,
                'arcanea: no helper called by a policy or a constraint is SECURITY DEFINER');
SELECT set_eq($$SELECT p.proname::text FROM pg_proc p
                 WHERE p.pronamespace = 'arcanea'::regnamespace AND has_function_privilege('service_role', p.oid, 'EXECUTE')$$,
              ARRAY['recount_counters', 'fold_counters', 'rebuild_feed_timelines', 'refresh_search_leaders', 'prune_rate_limit_usage',
                    'prune_notification_groups', 'texts_within'],
              'arcanea: service_role may execute the six maintenance functions and what its writes'' constraints call');
-- arcanea.buckets: the storage policies read which buckets are Arcanea's.
SELECT is_empty($$SELECT r || ' on ' || c.oid::regclass FROM pg_class c, unnest(ARRAY['anon', 'authenticated']) r
                   WHERE c.relnamespace = 'arcanea'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                     AND c.oid <> 'arcanea.buckets'::regclass
                     AND (has_table_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                          OR has_any_column_privilege(r, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
                          OR (c.relkind = 'S' AND has_sequence_privilege(r, c.oid, 'USAGE, SELECT, UPDATE')))$$,
                'arcanea: anon and authenticated hold no privilege on its tables and sequences (but reading arcanea.buckets)');
SELECT is_empty($$SELECT r || ' ' || pr FROM unnest(ARRAY['anon', 'authenticated']) r,
                         unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) pr
                   WHERE has_table_privilege(r, 'arcanea.buckets', pr)$$,
                'arcanea.buckets: anon and authenticated only read it');

-- The helpers every policy calls must be callable by the API roles.
SELECT is_empty($$SELECT r || ': ' || f FROM unnest(ARRAY['anon', 'authenticated']) r,
                         unnest(ARRAY['auth.uid()', 'auth.role()', 'auth.email()', 'auth.jwt()',
                                      'storage.foldername(text)', 'storage.filename(text)',
                                      'storage.extension(text)']) f
                   WHERE NOT has_function_privilege(r, f::regprocedure, 'EXECUTE')$$,
                'auth and storage helpers are executable by anon and authenticated');

-- ===========================================================================
-- Tables
-- ===========================================================================
SELECT ok(EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a
                   WHERE c.oid = t AND a.grantee = 'service_role'::regrole
                   GROUP BY a.grantee
                  HAVING array_agg(a.privilege_type::text) @> ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']),
          format('%s: explicit SELECT, INSERT, UPDATE, DELETE grants for service_role', t))
  FROM arcanea_tables ORDER BY t::text;
SELECT is_empty($$SELECT t::text FROM arcanea_tables
                   WHERE has_table_privilege('anon', t, 'INSERT, UPDATE, DELETE, TRUNCATE')
                      OR has_any_column_privilege('anon', t, 'INSERT, UPDATE')$$,
                'anon holds no write privilege (table or column) on any table');
SELECT is_empty($$SELECT r || ' on ' || t FROM arcanea_tables, unnest(ARRAY['anon', 'authenticated']) r
                   WHERE has_table_privilege(r, t, 'TRUNCATE, REFERENCES, TRIGGER')
                      OR has_any_column_privilege(r, t, 'REFERENCES')$$,
                'anon and authenticated hold no TRUNCATE, REFERENCES or TRIGGER privilege');
SELECT is_empty($$SELECT r || ': ' || col FROM unnest(ARRAY['anon', 'authenticated']) r,
                         unnest(ARRAY['stripe_customer_id', 'stripe_subscription_id', 'subscription_status']) col
                   WHERE has_column_privilege(r, 'public.profiles', col, 'SELECT')$$,
                'profiles: the billing columns are not readable by anon or authenticated');
SELECT is_empty($$SELECT r FROM unnest(ARRAY['anon', 'authenticated']) r
                   WHERE has_column_privilege(r, 'public.luminors', 'system_prompt', 'SELECT')$$,
                'luminors: system_prompt is not readable by anon or authenticated');

-- ===========================================================================
-- Policies
-- ===========================================================================
CREATE TEMP VIEW arcanea_policies AS
SELECT schemaname, tablename, policyname, permissive, roles, cmd, qual, with_check
  FROM pg_policies
 WHERE schemaname = 'public' AND tablename IN (SELECT relname FROM pg_class WHERE oid IN (SELECT t FROM arcanea_tables))
    OR schemaname = 'storage' AND policyname LIKE 'arcanea\_%';

SELECT is((SELECT count(DISTINCT tablename)::int FROM arcanea_policies WHERE schemaname = 'public'), 11,
          'policies: every one of the eleven tables has policies');
SELECT is((SELECT count(*)::int FROM arcanea_policies WHERE schemaname = 'storage'), 4,
          'policies: storage.objects has Arcanea''s SELECT, INSERT, UPDATE and DELETE policies');
SELECT is_empty($$SELECT tablename || '.' || policyname FROM arcanea_policies WHERE 'public' = ANY (roles)$$,
                'policies: none applies TO public');
SELECT is_empty($$SELECT tablename || '.' || policyname || ' ' || roles::text FROM arcanea_policies
                   WHERE NOT roles <@ ARRAY['anon', 'authenticated']::name[]$$,
                'policies: every policy is TO anon and/or authenticated');
SELECT is_empty($$SELECT tablename || '.' || policyname FROM arcanea_policies WHERE permissive <> 'PERMISSIVE'$$,
                'policies: all are permissive (no hidden restrictive layer to reason about)');
-- Splinter lint 0003 (auth_rls_initplan): an auth.*() or current_setting()
-- call that is not the whole of a sub-select is evaluated once per row.
SELECT is_empty($$SELECT tablename || '.' || policyname || ': ' || expr
                   FROM arcanea_policies, LATERAL (VALUES (qual), (with_check)) e(expr)
                  WHERE regexp_replace(expr, '\(\s*SELECT\s+auth\.(uid|jwt|role|email)\(\)(\s+AS\s+\w+)?\s*\)', '', 'gi')
                        ~* '(auth\.(uid|jwt|role|email)\s*\(|current_setting\s*\()'$$,
                'policies: auth.uid() appears only as (SELECT auth.uid()), never bare');
SELECT cmp_ok((SELECT count(*)::int FROM arcanea_policies
                WHERE concat(qual, with_check) ~* '\(\s*SELECT\s+auth\.uid\(\)'), '>=', 20,
              'policies: the owner checks do use (SELECT auth.uid())');
-- Splinter lint 0006: one permissive policy per table, role and action.
SELECT is_empty($$SELECT tablename || ' ' || r || ' ' || c || ': ' || string_agg(policyname, ', ')
                   FROM arcanea_policies, unnest(roles) r,
                        unnest(CASE WHEN cmd = 'ALL' THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] ELSE ARRAY[cmd] END) c
                  GROUP BY schemaname, tablename, r, c HAVING count(*) > 1$$,
                'policies: at most one permissive policy per table, role and action');
-- Every policy column of the form user_id / follower_id / id = (SELECT
-- auth.uid()) is the leading column of an index.
SELECT is_empty($$SELECT tablename || '.' || col
                   FROM (SELECT DISTINCT schemaname, tablename,
                                (regexp_matches(concat(qual, ' ', with_check),
                                                '\m(\w+) = \( SELECT auth\.uid\(\)', 'g'))[1] AS col
                           FROM arcanea_policies WHERE schemaname = 'public') p
                  WHERE NOT EXISTS (
                        SELECT 1 FROM pg_index i
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                         WHERE i.indrelid = format('%I.%I', p.schemaname, p.tablename)::regclass
                           AND a.attname = p.col)$$,
                'policies: every column compared to (SELECT auth.uid()) leads an index');

-- The roles themselves, as Supabase defines them.
SELECT ok((SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'), 'service_role has BYPASSRLS');
SELECT ok((SELECT NOT rolbypassrls AND NOT rolsuper FROM pg_roles WHERE rolname = 'anon'),
          'anon neither bypasses RLS nor is a superuser');
SELECT ok((SELECT NOT rolbypassrls AND NOT rolsuper FROM pg_roles WHERE rolname = 'authenticated'),
          'authenticated neither bypasses RLS nor is a superuser');
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_class c JOIN arcanea_tables a ON a.t = c.oid
                       WHERE c.relowner IN ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)),
          'no table is owned by an API role (owners bypass RLS)');

SELECT * FROM finish();
ROLLBACK;
