-- A bare PostgreSQL database (only pgtap): CREATE EXTENSION arcanea brings
-- its own Supabase-compatible auth and storage, owned by the extension, and
-- DROP EXTENSION / CREATE EXTENSION works again in the same session.
-- The API roles are cluster-wide: they may already exist (other databases of
-- this cluster installed arcanea before) or not; either must work.
BEGIN;
SELECT plan(41);

-- member(class, oid): is this object a member of extension arcanea?
CREATE FUNCTION pg_temp.member(cls regclass, obj oid) RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                    WHERE d.classid = cls AND d.objid = obj AND d.deptype = 'e' AND e.extname = 'arcanea');
$$;

SELECT ok(to_regnamespace('auth') IS NULL AND to_regnamespace('storage') IS NULL,
          'fixture: the database has no auth or storage schema');

-- ---------------------------------------------------------------------------
-- First install
-- ---------------------------------------------------------------------------
SELECT lives_ok('CREATE EXTENSION arcanea', 'CREATE EXTENSION arcanea succeeds on a bare database');

SELECT ok(pg_temp.member('pg_namespace', 'auth'::regnamespace), 'schema auth is a member of the extension');
SELECT ok(pg_temp.member('pg_namespace', 'storage'::regnamespace), 'schema storage is a member of the extension');
SELECT ok(pg_temp.member('pg_class', 'auth.users'::regclass), 'auth.users is a member of the extension');
SELECT ok(pg_temp.member('pg_class', 'storage.buckets'::regclass), 'storage.buckets is a member of the extension');
SELECT ok(pg_temp.member('pg_class', 'storage.objects'::regclass), 'storage.objects is a member of the extension');
SELECT ok(pg_temp.member('pg_proc', 'auth.uid()'::regprocedure), 'auth.uid() is a member of the extension');
SELECT is_empty($$SELECT f FROM unnest(ARRAY['auth.role()', 'auth.email()', 'auth.jwt()', 'storage.foldername(text)',
                                             'storage.filename(text)', 'storage.extension(text)']) f
                   WHERE NOT pg_temp.member('pg_proc', f::regprocedure)$$,
                'auth.role/email/jwt and storage.foldername/filename/extension are members of the extension');
SELECT is_empty($$SELECT r FROM unnest(ARRAY['anon', 'authenticated', 'service_role', 'authenticator']) r
                   WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)$$,
                'the roles anon, authenticated, service_role and authenticator exist');
SELECT ok((SELECT rolbypassrls AND NOT rolcanlogin FROM pg_roles WHERE rolname = 'service_role'),
          'service_role bypasses RLS and cannot log in');
SELECT ok((SELECT rolcanlogin AND NOT rolinherit FROM pg_roles WHERE rolname = 'authenticator'),
          'authenticator logs in and does not inherit');
SELECT is_empty($$SELECT r FROM unnest(ARRAY['anon', 'authenticated', 'service_role']) r
                   WHERE NOT pg_has_role('authenticator', r, 'MEMBER')$$,
                'authenticator may switch to anon, authenticated and service_role');
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'auth.users'::regclass), 'auth.users has RLS enabled');
SELECT set_eq($$SELECT id FROM storage.buckets$$, ARRAY['avatars', 'creations', 'thumbnails'],
              'the three buckets are created');
SELECT is((SELECT count(*)::int FROM public.luminors), 3, 'the three Luminors are seeded');

-- The install works: signup trigger, auth.uid() under PostgREST's claims,
-- an RPC (its plans are kept per backend: they must survive the reinstall).
INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'first@bare.test', '{"username":"first_user"}');
SELECT is((SELECT username FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 'first_user',
          'a new auth.users row gets a profile');
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{"sub":"aaaaaaaa-0000-4000-8000-0000000000a1","role":"authenticated"}', true);
SELECT is(auth.uid(), 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'auth.uid() reads the claims as authenticated');
SELECT is(get_user_stats() ->> 'username', 'first_user', 'an RPC works as the user');
RESET ROLE;
SELECT set_config('request.jwt.claims', '', true);

-- ---------------------------------------------------------------------------
-- Drop
-- ---------------------------------------------------------------------------
-- A user signed up, so the drop guard (src/guard.rs) stands in the way
-- until the session allows it; isolated/04 tests the guard itself.
SELECT throws_ok('DROP EXTENSION arcanea', '55000', NULL, 'DROP EXTENSION refuses while a profile exists');
SET LOCAL arcanea.allow_drop = on;
SELECT lives_ok('DROP EXTENSION arcanea', 'DROP EXTENSION arcanea succeeds (no CASCADE needed)');
RESET arcanea.allow_drop;
SELECT ok(to_regnamespace('auth') IS NULL, 'schema auth is gone');
SELECT ok(to_regnamespace('storage') IS NULL, 'schema storage is gone');
SELECT ok(to_regnamespace('arcanea') IS NULL, 'schema arcanea is gone');
SELECT is_empty($$SELECT c.oid::regclass::text FROM pg_class c
                   WHERE c.relnamespace = 'public'::regnamespace
                     AND c.relname IN ('profiles', 'profile_private', 'luminors', 'luminor_conversations',
                                       'luminor_messages', 'luminor_relationships', 'creations', 'likes',
                                       'comments', 'follows', 'notifications')$$,
                'the eleven tables are gone');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p
                   WHERE p.pronamespace = 'public'::regnamespace
                     AND p.proname IN ('search_creations', 'toggle_like', 'get_user_stats', 'get_user_feed')$$,
                'the RPC functions are gone');
SELECT is_empty($$SELECT t.typname::text FROM pg_type t
                   WHERE t.typnamespace = 'public'::regnamespace
                     AND t.typname IN ('creation_search_result', 'user_feed_item')$$,
                'the RPC row types are gone');
SELECT is((SELECT count(*)::int FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role', 'authenticator')), 4,
          'the cluster-wide roles stay');

-- ---------------------------------------------------------------------------
-- Reinstall, same session
-- ---------------------------------------------------------------------------
SELECT lives_ok('CREATE EXTENSION arcanea', 'CREATE EXTENSION arcanea succeeds again');
SELECT ok(pg_temp.member('pg_class', 'auth.users'::regclass), 'auth.users is again a member of the extension');
SELECT ok(pg_temp.member('pg_proc', 'auth.uid()'::regprocedure), 'auth.uid() is again a member of the extension');
SELECT ok(pg_temp.member('pg_class', 'storage.objects'::regclass), 'storage.objects is again a member of the extension');
SELECT set_eq($$SELECT id FROM storage.buckets$$, ARRAY['avatars', 'creations', 'thumbnails'],
              'the buckets are created again');
SELECT is((SELECT count(*)::int FROM auth.users), 0, 'auth.users starts empty (the old rows went with the old table)');
SELECT is((SELECT count(*)::int FROM pg_policies WHERE schemaname = 'storage' AND tablename = 'objects'), 4,
          'storage.objects has its four policies once, not twice');
INSERT INTO auth.users (id, email, raw_user_meta_data)
VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', 'second@bare.test', '{"username":"second_user"}');
SELECT is((SELECT username FROM public.profiles WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2'), 'second_user',
          'after the reinstall a new auth.users row gets a profile (in the same backend)');
SELECT is((SELECT arcanean_id FROM public.profiles WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2'), 'ARC-000001',
          'after the reinstall arcanean ids start again');
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{"sub":"bbbbbbbb-0000-4000-8000-0000000000b2","role":"authenticated"}', true);
SELECT is(get_user_stats() ->> 'username', 'second_user', 'after the reinstall an RPC works (its kept plans were replanned)');
SELECT lives_ok($$INSERT INTO public.creations (user_id, title, type)
                  VALUES ('bbbbbbbb-0000-4000-8000-0000000000b2', 'After reinstall', 'image')$$,
                'after the reinstall RLS lets the user insert their draft');
SELECT is((publish_creation((SELECT id FROM public.creations WHERE title = 'After reinstall'))).status, 'published',
          'after the reinstall publish_creation works');
RESET ROLE;
SELECT set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true);
SELECT is((SELECT count(*)::int FROM public.creations), 1, 'after the reinstall anon sees the published creation');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
