-- The auth helpers the extension creates on a bare PostgreSQL, against the
-- two ways the claims reach the database:
--   PostgREST 12:  set_config('request.jwt.claims', '<json>', true)
--   legacy:        set_config('request.jwt.claim.sub', '<uuid>', true) (one GUC per claim;
--                  Supabase's own tests still use it), and request.jwt.claim for auth.jwt()
-- Semantics are GoTrue's: the legacy GUC first, then the JSON claims; an
-- empty string counts as unset.
BEGIN;
SELECT plan(33);

SELECT lives_ok('CREATE EXTENSION arcanea', 'CREATE EXTENSION arcanea on a bare database');
SELECT ok(EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                   WHERE e.extname = 'arcanea' AND d.deptype = 'e' AND d.objid = 'auth.uid()'::regprocedure),
          'the helpers under test are the extension''s own');

-- ---------------------------------------------------------------------------
-- Nothing set (a fresh session: the GUCs do not exist yet)
-- ---------------------------------------------------------------------------
SELECT ok(current_setting('request.jwt.claims', true) IS NULL AND current_setting('request.jwt.claim.sub', true) IS NULL,
          'fixture: no claims GUC is set in this session yet');
SELECT is(auth.uid(), NULL, 'auth.uid() is NULL when no claims are set');
SELECT is(auth.role(), NULL, 'auth.role() is NULL when no claims are set');
SELECT is(auth.email(), NULL, 'auth.email() is NULL when no claims are set');
SELECT is(auth.jwt(), NULL, 'auth.jwt() is NULL when no claims are set');

-- ---------------------------------------------------------------------------
-- Set to '' (what PostgREST leaves behind after a transaction)
-- ---------------------------------------------------------------------------
SELECT set_config('request.jwt.claims', '', true), set_config('request.jwt.claim.sub', '', true),
       set_config('request.jwt.claim.role', '', true), set_config('request.jwt.claim.email', '', true),
       set_config('request.jwt.claim', '', true);
SELECT is(auth.uid(), NULL, 'auth.uid() is NULL when the claims are empty strings');
SELECT is(auth.role(), NULL, 'auth.role() is NULL when the claims are empty strings');
SELECT is(auth.email(), NULL, 'auth.email() is NULL when the claims are empty strings');
SELECT is(auth.jwt(), NULL, 'auth.jwt() is NULL when the claims are empty strings');

-- ---------------------------------------------------------------------------
-- PostgREST 12: one JSON GUC
-- ---------------------------------------------------------------------------
SELECT set_config('request.jwt.claims',
                  '{"sub":"aaaaaaaa-0000-4000-8000-0000000000a1","role":"authenticated","aud":"authenticated",'
                  '"email":"alice@claims.test","app_metadata":{"provider":"email"}}', true);
SELECT is(auth.uid(), 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'auth.uid() is the sub of request.jwt.claims');
SELECT is(auth.role(), 'authenticated', 'auth.role() is the role of request.jwt.claims');
SELECT is(auth.email(), 'alice@claims.test', 'auth.email() is the email of request.jwt.claims');
SELECT is(auth.jwt() -> 'app_metadata' ->> 'provider', 'email', 'auth.jwt() is the whole claims object');
SELECT is(auth.jwt() ->> 'aud', 'authenticated', 'auth.jwt() carries aud');

-- As the API role itself (the helpers must be callable by it).
SET LOCAL ROLE authenticated;
SELECT is(auth.uid(), 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'auth.uid() works when called as authenticated');
SELECT is(auth.jwt() ->> 'email', 'alice@claims.test', 'auth.jwt() works when called as authenticated');
RESET ROLE;

-- An anonymous request: PostgREST sends {"role":"anon"}.
SELECT set_config('request.jwt.claims', '{"role":"anon"}', true);
SET LOCAL ROLE anon;
SELECT is(auth.uid(), NULL, 'auth.uid() is NULL for anon claims without sub');
SELECT is(auth.role(), 'anon', 'auth.role() is anon for anon claims');
SELECT is(auth.email(), NULL, 'auth.email() is NULL for anon claims');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- Legacy per-claim GUCs
-- ---------------------------------------------------------------------------
SELECT set_config('request.jwt.claims', '', true);
SELECT set_config('request.jwt.claim.sub', 'bbbbbbbb-0000-4000-8000-0000000000b2', true),
       set_config('request.jwt.claim.role', 'authenticated', true),
       set_config('request.jwt.claim.email', 'bob@legacy.test', true),
       set_config('request.jwt.claim', '{"sub":"bbbbbbbb-0000-4000-8000-0000000000b2","role":"authenticated"}', true);
SELECT is(auth.uid(), 'bbbbbbbb-0000-4000-8000-0000000000b2'::uuid, 'auth.uid() is request.jwt.claim.sub (legacy)');
SELECT is(auth.role(), 'authenticated', 'auth.role() is request.jwt.claim.role (legacy)');
SELECT is(auth.email(), 'bob@legacy.test', 'auth.email() is request.jwt.claim.email (legacy)');
SELECT is(auth.jwt() ->> 'sub', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'auth.jwt() is request.jwt.claim (legacy)');

-- Both set: the legacy GUC wins, as in GoTrue's definitions.
SELECT set_config('request.jwt.claims',
                  '{"sub":"aaaaaaaa-0000-4000-8000-0000000000a1","role":"service_role","email":"alice@claims.test"}', true);
SELECT is(auth.uid(), 'bbbbbbbb-0000-4000-8000-0000000000b2'::uuid, 'both set: auth.uid() takes the legacy sub first');
SELECT is(auth.role(), 'authenticated', 'both set: auth.role() takes the legacy role first');
SELECT is(auth.jwt() ->> 'sub', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'both set: auth.jwt() takes request.jwt.claim first');
-- Legacy cleared: the JSON claims take over.
SELECT set_config('request.jwt.claim.sub', '', true), set_config('request.jwt.claim.role', '', true),
       set_config('request.jwt.claim', '', true);
SELECT is(auth.uid(), 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'legacy cleared: auth.uid() falls back to request.jwt.claims');
SELECT is(auth.role(), 'service_role', 'legacy cleared: auth.role() falls back to request.jwt.claims');

-- ---------------------------------------------------------------------------
-- Shape: what the planner and the policies rely on
-- ---------------------------------------------------------------------------
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p
                   WHERE p.oid IN ('auth.uid()'::regprocedure, 'auth.role()'::regprocedure,
                                   'auth.email()'::regprocedure, 'auth.jwt()'::regprocedure)
                     AND (p.provolatile <> 's' OR p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'sql'))$$,
                'auth.uid/role/email/jwt are STABLE SQL functions, like GoTrue''s');
SELECT is(ARRAY[pg_get_function_result('auth.uid()'::regprocedure), pg_get_function_result('auth.role()'::regprocedure),
                pg_get_function_result('auth.email()'::regprocedure), pg_get_function_result('auth.jwt()'::regprocedure)],
          ARRAY['uuid', 'text', 'text', 'jsonb'], 'the helpers return uuid, text, text, jsonb');
SELECT set_config('request.jwt.claims', '{"sub":"not-a-uuid"}', true);
SELECT throws_ok($$SELECT auth.uid()$$, '22P02', NULL,
                 'a sub that is not a uuid is an error, not a silent NULL');

SELECT * FROM finish();
ROLLBACK;
