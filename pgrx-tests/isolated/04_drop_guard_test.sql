-- The drop guard (src/guard.rs): DROP EXTENSION arcanea, or a DROP SCHEMA
-- ... CASCADE that would take it along, refuses while the tables hold
-- users' data unless the session sets arcanea.allow_drop = on.  Other DDL
-- is left alone.
BEGIN;
SELECT plan(20);

CREATE EXTENSION arcanea;
SELECT has_function('arcanea', 'guard_drop', 'the guard function is installed');
SELECT is((SELECT evtevent || ' ' || array_to_string(evttags, ',') FROM pg_event_trigger
            WHERE evtname = 'arcanea_guard_drop' AND evtenabled = 'O'),
          'ddl_command_start DROP EXTENSION,DROP SCHEMA', 'an enabled event trigger watches DROP EXTENSION and DROP SCHEMA');
SELECT is(current_setting('arcanea.allow_drop'), 'off', 'arcanea.allow_drop is off by default');
SELECT throws_ok($$SET arcanea.allow_drop = 'sometimes'$$, '22023', NULL, 'arcanea.allow_drop takes a boolean');

-- Nothing but the seeded Luminors: nothing to lose.
SELECT lives_ok('DROP EXTENSION arcanea', 'an install with no user data drops without ceremony');
CREATE EXTENSION arcanea;

-- One user, one creation.
INSERT INTO auth.users (id, email) VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'a@t.io');
INSERT INTO public.creations (user_id, title, type) VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'Kept', 'image');

SELECT throws_ok('DROP EXTENSION arcanea', '55000',
                 'DROP EXTENSION arcanea would delete user data: public.creations, public.profile_private, public.profiles hold rows',
                 'DROP EXTENSION refuses and names the tables that hold rows');
SELECT throws_ok('DROP EXTENSION IF EXISTS arcanea CASCADE', '55000', NULL, 'so does DROP EXTENSION IF EXISTS ... CASCADE');
SELECT throws_ok('DROP EXTENSION pgtap, arcanea', '55000', NULL, 'so does a DROP naming it among others');
SELECT throws_ok('DROP SCHEMA public CASCADE', '55000',
                 'DROP SCHEMA public CASCADE would delete user data: public.creations, public.profile_private, public.profiles hold rows',
                 'DROP SCHEMA public CASCADE refuses (it would take the extension along)');
SELECT throws_ok('DROP SCHEMA arcanea CASCADE', '55000', NULL, 'so does DROP SCHEMA arcanea CASCADE');
SELECT is((SELECT count(*)::int FROM public.creations), 1, 'the data is still there');

-- The hint says what to do.
CREATE FUNCTION pg_temp.hint_of(cmd text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
    EXECUTE cmd;
    RETURN NULL;
EXCEPTION WHEN object_not_in_prerequisite_state THEN
    GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
    RETURN h;
END $$;
SELECT matches(pg_temp.hint_of('DROP EXTENSION arcanea'), 'pg_dump.*SET arcanea.allow_drop = on',
               'the hint says: back up, then SET arcanea.allow_drop = on');

-- Other DDL is not the guard's business.
CREATE SCHEMA scratch;
CREATE TABLE scratch.t (x int);
INSERT INTO scratch.t VALUES (1);
SELECT lives_ok('DROP SCHEMA scratch CASCADE', 'dropping an unrelated schema works');
SELECT lives_ok('DROP EXTENSION IF EXISTS no_such_extension', 'dropping another extension works');
SELECT throws_ok('DROP SCHEMA public', '2BP01', NULL, 'a DROP SCHEMA public without CASCADE fails as it always did');

-- Off in another form is still off.
SET LOCAL arcanea.allow_drop = false;
SELECT throws_ok('DROP EXTENSION arcanea', '55000', NULL, 'arcanea.allow_drop = false keeps the guard up');

-- The operator allows it, in this session only.
SET LOCAL arcanea.allow_drop = on;
SELECT lives_ok('DROP EXTENSION arcanea', 'with arcanea.allow_drop = on the extension drops');
SELECT ok(to_regclass('public.profiles') IS NULL AND to_regclass('public.creations') IS NULL,
          'and its tables with it');
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'arcanea_guard_drop'),
          'the event trigger went with the extension');
CREATE EXTENSION arcanea;
SELECT lives_ok('DROP EXTENSION arcanea', 'after a reinstall (empty again) a drop needs nothing');

SELECT * FROM finish();
ROLLBACK;
