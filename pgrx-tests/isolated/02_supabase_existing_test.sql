-- Installing into a Supabase database: auth and storage already exist and
-- belong to Supabase (supabase_auth_admin, supabase_storage_admin).  The
-- extension must use them as they are: not recreate, replace, re-own or
-- adopt any of them, leave existing buckets alone, give profiles to the
-- users who signed up before it was installed, and hook its own trigger on
-- auth.users.  DROP EXTENSION ... CASCADE must then leave Supabase's objects standing.
--
-- The fixture mimics Supabase's schema (supabase/postgres init scripts,
-- GoTrue's and storage's migrations; see the notes in shared/notes), with
-- a marker in every function body so a replaced function is noticed.
BEGIN;
SELECT plan(55);

-- ===========================================================================
-- Supabase, before Arcanea
-- ===========================================================================
\ir ../fixtures/supabase.sql

-- The project's own data and policy, from before Arcanea.
INSERT INTO auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
VALUES ('99999999-0000-4000-8000-000000000001', 'authenticated', 'authenticated', 'early@supa.test',
        '{"username":"early_bird","full_name":"Early Bird"}', '{"provider":"email"}', now() - interval '1 year', now());
INSERT INTO storage.buckets (id, name, public, file_size_limit, allowed_mime_types) VALUES
    ('avatars', 'avatars', false, 1048576, ARRAY['image/png']),
    ('documents', 'documents', false, NULL, NULL);
INSERT INTO storage.objects (bucket_id, name, owner_id) VALUES
    ('documents', '99999999-0000-4000-8000-000000000001/cv.pdf', '99999999-0000-4000-8000-000000000001'),
    ('avatars', '99999999-0000-4000-8000-000000000001/avatar.png', '99999999-0000-4000-8000-000000000001');
-- The operator's own time limit for anon (Supabase's is 3 s).
ALTER ROLE anon SET statement_timeout = '4s';
CREATE POLICY "project: own documents" ON storage.objects FOR SELECT TO authenticated
    USING (bucket_id = 'documents' AND owner_id = (SELECT auth.uid())::text);

-- ---------------------------------------------------------------------------
-- Snapshot of everything Supabase owns
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE supa (kind text, ident text, classid regclass, objid oid, owner oid, def text);
INSERT INTO supa
SELECT 'schema', nspname, 'pg_namespace', oid, nspowner, NULL FROM pg_namespace WHERE nspname IN ('auth', 'storage');
INSERT INTO supa
SELECT 'table', oid::regclass::text, 'pg_class', oid, relowner, relrowsecurity::text FROM pg_class
 WHERE oid IN ('auth.users'::regclass, 'storage.buckets'::regclass, 'storage.objects'::regclass);
INSERT INTO supa
SELECT 'type', 'storage.buckettype', 'pg_type', 'storage.buckettype'::regtype, typowner, NULL FROM pg_type
 WHERE oid = 'storage.buckettype'::regtype;
INSERT INTO supa
SELECT 'function', p.oid::regprocedure::text, 'pg_proc', p.oid, p.proowner, pg_get_functiondef(p.oid) FROM pg_proc p
 WHERE p.pronamespace IN ('auth'::regnamespace, 'storage'::regnamespace);
CREATE TEMP TABLE supa_buckets AS SELECT id, to_jsonb(b) AS row FROM storage.buckets b;

SELECT is((SELECT count(*)::int FROM supa), 13,
          'fixture: 2 schemas, 3 tables, 1 type and 7 functions recorded');

-- ===========================================================================
-- Install
-- ===========================================================================
SELECT lives_ok('CREATE EXTENSION arcanea', 'CREATE EXTENSION arcanea succeeds inside a Supabase database');

SELECT is(to_regnamespace(ident)::oid, objid, format('schema %s: same OID', ident))
  FROM supa WHERE kind = 'schema' ORDER BY ident;
SELECT is(to_regclass(ident)::oid, objid, format('table %s: same OID', ident))
  FROM supa WHERE kind = 'table' ORDER BY ident;
SELECT is(to_regtype(ident)::oid, objid, format('type %s: same OID', ident))
  FROM supa WHERE kind = 'type';
SELECT is(to_regprocedure(ident)::oid, objid, format('function %s: same OID', ident))
  FROM supa WHERE kind = 'function' ORDER BY ident;
SELECT is(pg_get_functiondef(objid), def, format('function %s: same definition', ident))
  FROM supa WHERE kind = 'function' ORDER BY ident;
SELECT is_empty($$SELECT s.kind || ' ' || s.ident FROM supa s
                   JOIN pg_depend d ON d.classid = s.classid AND d.objid = s.objid AND d.deptype = 'e'$$,
                'none of Supabase''s objects became a member of the extension');
SELECT isnt_empty($$SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                     WHERE e.extname = 'arcanea' AND d.deptype = 'e' AND d.classid = 'pg_class'::regclass
                       AND d.objid = 'public.profiles'::regclass$$,
                  'the extension does own its own tables (the membership check above can see members)');
SELECT is_empty($$SELECT s.kind || ' ' || s.ident FROM supa s
                   WHERE s.owner IS DISTINCT FROM CASE s.kind
                         WHEN 'schema' THEN (SELECT nspowner FROM pg_namespace WHERE oid = s.objid)
                         WHEN 'table' THEN (SELECT relowner FROM pg_class WHERE oid = s.objid)
                         WHEN 'type' THEN (SELECT typowner FROM pg_type WHERE oid = s.objid)
                         WHEN 'function' THEN (SELECT proowner FROM pg_proc WHERE oid = s.objid) END$$,
                'every Supabase object keeps its owner');
SELECT is_empty($$SELECT ident FROM supa WHERE kind = 'table'
                   AND def <> (SELECT relrowsecurity::text FROM pg_class WHERE oid = objid)$$,
                'RLS on auth.users, storage.buckets and storage.objects is as Supabase left it');
SELECT is((SELECT to_jsonb(b) FROM storage.buckets b WHERE id = 'avatars'),
          (SELECT row FROM supa_buckets WHERE id = 'avatars'),
          'the project''s existing avatars bucket is untouched (not made public, limits kept)');
SELECT is((SELECT to_jsonb(b) FROM storage.buckets b WHERE id = 'documents'),
          (SELECT row FROM supa_buckets WHERE id = 'documents'),
          'the project''s documents bucket is untouched');
SELECT set_eq($$SELECT id FROM arcanea.buckets$$, ARRAY['creations', 'thumbnails'],
              'arcanea.buckets: the extension governs the two buckets it created, not the project''s avatars');
SELECT is((SELECT rolconfig FROM pg_roles WHERE rolname = 'anon'), ARRAY['statement_timeout=4s'],
          'an existing anon role keeps the operator''s own statement timeout');
SELECT set_eq($$SELECT id FROM storage.buckets$$, ARRAY['avatars', 'creations', 'thumbnails', 'documents'],
              'the missing Arcanea buckets were added next to the existing ones');
SELECT is((SELECT count(*)::int FROM pg_policies WHERE schemaname = 'storage' AND policyname = 'project: own documents'), 1,
          'the project''s own storage policy is kept');
SELECT is((SELECT count(*)::int FROM pg_policies WHERE schemaname = 'storage' AND policyname LIKE 'arcanea\_%'), 4,
          'Arcanea''s four policies are on Supabase''s storage.objects');
SELECT is((SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'auth' AND table_name = 'users'), 35,
          'auth.users has its columns, no more, no fewer');

-- Users from before the install got profiles (backfill).
SELECT row_eq($$SELECT username, display_name FROM public.profiles WHERE id = '99999999-0000-4000-8000-000000000001'$$,
              ROW('early_bird'::text, 'Early Bird'::text),
              'the user who signed up before the install has a profile');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'auth.users'::regclass AND tgname = 'arcanea_handle_new_user'), 1,
          'the extension''s signup trigger is on Supabase''s auth.users');

-- A signup after the install, as GoTrue performs it (as supabase_auth_admin).
SET LOCAL ROLE supabase_auth_admin;
SELECT lives_ok($$INSERT INTO auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
                  VALUES ('99999999-0000-4000-8000-000000000002', 'authenticated', 'authenticated',
                          'late@supa.test', '{"username":"late_comer"}', now(), now())$$,
                'a signup as supabase_auth_admin succeeds with the extension installed');
RESET ROLE;
SELECT is((SELECT username FROM public.profiles WHERE id = '99999999-0000-4000-8000-000000000002'), 'late_comer',
          'the extension''s trigger gave the new user a profile');

-- Arcanea's policies run on Supabase's auth.uid().
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{"sub":"99999999-0000-4000-8000-000000000002","role":"authenticated"}', true);
SELECT lives_ok($$INSERT INTO public.creations (user_id, title, type)
                  VALUES ('99999999-0000-4000-8000-000000000002', 'Hello Supabase', 'image')$$,
                'RLS through Supabase''s auth.uid(): the user inserts their draft');
SELECT throws_ok($$INSERT INTO public.creations (user_id, title, type)
                   VALUES ('99999999-0000-4000-8000-000000000001', 'Not mine', 'image')$$,
                 '42501', NULL, 'RLS through Supabase''s auth.uid(): a draft for another user is refused');
-- The project's private avatars bucket existed before: Arcanea leaves it
-- closed (its policies govern the buckets it created).
SELECT throws_ok($$INSERT INTO storage.objects (bucket_id, name, owner_id)
                   VALUES ('avatars', '99999999-0000-4000-8000-000000000002/avatar.png', '99999999-0000-4000-8000-000000000002')$$,
                 '42501', NULL, 'storage: Arcanea''s upload rule does not open the project''s existing avatars bucket');
SELECT is((SELECT count(*)::int FROM storage.objects WHERE bucket_id = 'avatars'), 0,
          'storage: Arcanea''s read rule does not list the project''s private avatars');
SELECT is((SELECT count(*)::int FROM storage.objects WHERE bucket_id = 'documents'), 0,
          'storage: Arcanea''s policies do not open the project''s documents bucket to another user');
RESET ROLE;

-- ===========================================================================
-- Uninstall: Supabase's objects stay
-- ===========================================================================
-- Arcanea's trigger on auth.users and its policies on storage.objects live on
-- Supabase's tables, which the extension does not own: a plain DROP refuses
-- and names them; CASCADE removes them (and only them) with the extension.
-- First the drop guard: users' data is in the tables.
SELECT throws_ok('DROP EXTENSION arcanea', '55000', NULL,
                 'DROP EXTENSION refuses while the tables hold user data (the drop guard)');
SET LOCAL arcanea.allow_drop = on;
SELECT throws_ok('DROP EXTENSION arcanea', '2BP01', NULL,
                 'a plain DROP EXTENSION refuses inside Supabase: its trigger and policies on Supabase''s tables depend on it');
SELECT lives_ok('DROP EXTENSION arcanea CASCADE', 'DROP EXTENSION arcanea CASCADE succeeds inside a Supabase database');
SELECT ok(to_regclass('public.profiles') IS NULL, 'the extension''s tables are gone');
SELECT is(to_regclass(ident)::oid, objid, format('after DROP EXTENSION: table %s is still there', ident))
  FROM supa WHERE kind = 'table' ORDER BY ident;
SELECT is_empty($$SELECT ident FROM supa WHERE kind = 'function'
                   AND (to_regprocedure(ident) IS NULL OR pg_get_functiondef(objid) <> def)$$,
                'after DROP EXTENSION: Supabase''s seven functions are still there, unchanged');
SELECT set_eq($$SELECT email::text FROM auth.users$$, ARRAY['early@supa.test', 'late@supa.test'],
              'after DROP EXTENSION: the users are still there');
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'auth.users'::regclass AND NOT tgisinternal), 0,
          'after DROP EXTENSION: no Arcanea trigger is left on auth.users');
SELECT is((SELECT array_agg(policyname::text) FROM pg_policies WHERE schemaname = 'storage'),
          ARRAY['project: own documents'],
          'after DROP EXTENSION: only the project''s own storage policy is left');
SELECT is((SELECT to_jsonb(b) FROM storage.buckets b WHERE id = 'documents'),
          (SELECT row FROM supa_buckets WHERE id = 'documents'),
          'after DROP EXTENSION: the project''s bucket is untouched');

SELECT * FROM finish();
ROLLBACK;
