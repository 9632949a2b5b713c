-- Signup: every INSERT into auth.users (as Supabase's auth server writes it:
-- id, email, raw_user_meta_data) yields exactly one valid profile, whatever
-- the metadata and e-mail look like, and 10,000 signups sharing one e-mail
-- local part all get distinct valid usernames.
BEGIN;
SELECT plan(71);

-- CALL signup(n, email, metadata): insert user number n as the auth server does.
CREATE FUNCTION pg_temp.uid(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT ('5a000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid
$$;
CREATE PROCEDURE pg_temp.signup(n int, email text, meta jsonb DEFAULT NULL) LANGUAGE sql AS $$
    INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES (pg_temp.uid(n), email, meta)
$$;
-- Exactly one profile for the user, and every generated value valid.
CREATE FUNCTION pg_temp.valid_profile(n int) RETURNS boolean LANGUAGE sql AS $$
    SELECT count(*) = 1
       AND bool_and(p.username ~ '^[a-z0-9_]{3,30}$')
       AND bool_and(p.arcanean_id ~ '^ARC-\d{6,}$')
       AND bool_and(coalesce(char_length(btrim(p.display_name)), 0) BETWEEN 1 AND 100)
      FROM public.profiles p WHERE p.id = pg_temp.uid(n)
$$;
CREATE FUNCTION pg_temp.username(n int) RETURNS text LANGUAGE sql AS $$
    SELECT username FROM public.profiles WHERE id = pg_temp.uid(n)
$$;
CREATE FUNCTION pg_temp.display_name(n int) RETURNS text LANGUAGE sql AS $$
    SELECT display_name FROM public.profiles WHERE id = pg_temp.uid(n)
$$;

-- ---------------------------------------------------------------------------
-- The username asked for at signup
-- ---------------------------------------------------------------------------
CALL pg_temp.signup(1, 'thomas.anderson@matrix.io', '{"username": "neo"}');
SELECT ok(pg_temp.valid_profile(1), 'requested username: one valid profile');
SELECT is(pg_temp.username(1), 'neo', 'requested username, valid and free: used as is');
SELECT is(pg_temp.display_name(1), 'neo', 'no display name given: display_name is the username');

CALL pg_temp.signup(2, 'morpheus@matrix.io', '{"username": "  morpheus_01  "}');
SELECT is(pg_temp.username(2), 'morpheus_01', 'requested username with surrounding spaces: trimmed and used');

-- Invalid requests fall back to the e-mail.
CALL pg_temp.signup(3, 'trinity.x@matrix.io', '{"username": "no spaces!"}');
SELECT ok(pg_temp.valid_profile(3), 'invalid requested username (space, !): one valid profile');
SELECT is(pg_temp.username(3), 'trinity_x', 'invalid requested username: derived from the e-mail instead');
CALL pg_temp.signup(4, 'tank@matrix.io', '{"username": "ab"}');
SELECT is(pg_temp.username(4), 'tank', 'requested username too short: derived from the e-mail instead');
CALL pg_temp.signup(5, 'dozer@matrix.io', jsonb_build_object('username', repeat('d', 31)));
SELECT is(pg_temp.username(5), 'dozer', 'requested username too long: derived from the e-mail instead');
CALL pg_temp.signup(6, 'switch@matrix.io', '{"username": 12345}');
SELECT is(pg_temp.username(6), 'switch', 'requested username not a string: derived from the e-mail instead');
CALL pg_temp.signup(7, 'apoc@matrix.io', $${"username": "x'); DROP TABLE public.profiles; --"}$$);
SELECT is(pg_temp.username(7), 'apoc', 'requested username with SQL in it: derived from the e-mail, nothing else happens');
CALL pg_temp.signup(8, 'mouse@matrix.io', '{"username": "Mouse"}');
SELECT ok(pg_temp.valid_profile(8) AND pg_temp.username(8) ~ 'mouse',
          'requested username with uppercase: a valid lowercase username');

-- Taken names.
CALL pg_temp.signup(9, 'neo.two@matrix.io', '{"username": "neo"}');
SELECT ok(pg_temp.valid_profile(9), 'requested username taken: one valid profile');
SELECT is(pg_temp.username(9), 'neo_two', 'requested username taken: derived from the e-mail instead');
CALL pg_temp.signup(10, 'neo@zion.io', '{"username": "neo"}');
SELECT ok(pg_temp.valid_profile(10), 'requested username and e-mail name both taken: one valid profile');
SELECT matches(pg_temp.username(10), '^neo_\d{4,}$', 'requested username and e-mail name both taken: neo_ and digits');
CALL pg_temp.signup(11, 'tank@zion.io');
SELECT ok(pg_temp.username(11) ~ '^tank_\d{4,}$' AND pg_temp.valid_profile(11),
          'e-mail name taken, no metadata: tank_ and digits');

-- ---------------------------------------------------------------------------
-- No e-mail, no metadata; metadata that is not an object
-- ---------------------------------------------------------------------------
INSERT INTO auth.users (id) VALUES (pg_temp.uid(12));
SELECT ok(pg_temp.valid_profile(12), 'no e-mail and no metadata: one valid profile');
INSERT INTO auth.users (id) VALUES (pg_temp.uid(13));
SELECT ok(pg_temp.valid_profile(13), 'no e-mail and no metadata, twice: one valid profile');
SELECT isnt(pg_temp.username(12), pg_temp.username(13), 'no e-mail and no metadata, twice: different usernames');
INSERT INTO auth.users (id, phone, raw_user_meta_data) VALUES (pg_temp.uid(14), '15550001234', '{}');
SELECT ok(pg_temp.valid_profile(14), 'phone signup with empty metadata: one valid profile');
CALL pg_temp.signup(15, 'cypher@matrix.io', '"just a string"');
SELECT is(pg_temp.username(15), 'cypher', 'metadata a JSON string: derived from the e-mail');
CALL pg_temp.signup(16, 'niobe@matrix.io', '[{"username": "captain"}]');
SELECT is(pg_temp.username(16), 'niobe', 'metadata a JSON array: derived from the e-mail');
CALL pg_temp.signup(17, 'ghost@matrix.io', 'null');
SELECT is(pg_temp.username(17), 'ghost', 'metadata JSON null: derived from the e-mail');

-- ---------------------------------------------------------------------------
-- Odd e-mails: separators, case, unicode, symbols, length
-- ---------------------------------------------------------------------------
CALL pg_temp.signup(20, 'john.doe+newsletter@example.com');
SELECT is(pg_temp.username(20), 'john_doe_newsletter', '+ and . in the local part become _');
CALL pg_temp.signup(21, 'John.Doe@Example.com');
SELECT ok(pg_temp.valid_profile(21) AND pg_temp.username(21) ~ '^john_doe', 'mixed case: lowercased (john_doe...)');
CALL pg_temp.signup(22, 'j..o__h--n@x.io');
SELECT is(pg_temp.username(22), 'j_o_h_n', 'runs of separators fold into one _');
CALL pg_temp.signup(23, '.leading.and.trailing.@x.io');
SELECT is(pg_temp.username(23), 'leading_and_trailing', 'separators at both ends are dropped');
CALL pg_temp.signup(24, 'Ünïcödé@x.io');
SELECT ok(pg_temp.valid_profile(24), 'unicode letters: one valid profile');
CALL pg_temp.signup(25, '李小龙@example.cn');
SELECT ok(pg_temp.valid_profile(25), 'CJK local part (nothing ASCII survives): one valid profile');
CALL pg_temp.signup(26, '🦄🌈✨@example.io');
SELECT ok(pg_temp.valid_profile(26), 'emoji local part: one valid profile');
CALL pg_temp.signup(27, 'o''brien!#$%&*=?^`{|}~@example.ie');
SELECT ok(pg_temp.valid_profile(27) AND pg_temp.username(27) ~ '^obrien', 'RFC 5322 symbols: dropped (obrien...)');
CALL pg_temp.signup(28, '---@x.io');
SELECT ok(pg_temp.valid_profile(28), 'local part of separators only: one valid profile');
CALL pg_temp.signup(29, 'a@x.io');
SELECT ok(pg_temp.valid_profile(29), 'one-letter local part: one valid profile');
CALL pg_temp.signup(30, repeat('x', 64) || '@example.com');
SELECT ok(pg_temp.valid_profile(30) AND pg_temp.username(30) = repeat('x', 30), '64-character local part: cut to 30');
CALL pg_temp.signup(31, repeat('ab.', 60) || 'z@example.com');
SELECT ok(pg_temp.valid_profile(31) AND pg_temp.username(31) !~ '_$', '181-character dotted local part: valid, no trailing _');
CALL pg_temp.signup(32, repeat('é', 200) || 'q@example.com');
SELECT ok(pg_temp.valid_profile(32), '201-character unicode local part: one valid profile');
CALL pg_temp.signup(33, repeat('x', 64) || '@other.com');
SELECT ok(pg_temp.valid_profile(33) AND pg_temp.username(33) ~ '^x{25}_\d{4}$',
          '64-character local part whose 30-character cut is taken: stem cut further for a suffix');
CALL pg_temp.signup(34, 'not-an-email');
SELECT is(pg_temp.username(34), 'not_an_email', 'an e-mail without @: the whole string is the local part');
CALL pg_temp.signup(35, '"quoted local"@example.com');
SELECT ok(pg_temp.valid_profile(35), 'quoted local part: one valid profile');
CALL pg_temp.signup(36, '@example.com');
SELECT ok(pg_temp.valid_profile(36), 'empty local part: one valid profile');
CALL pg_temp.signup(37, '');
SELECT ok(pg_temp.valid_profile(37), 'empty e-mail: one valid profile');
CALL pg_temp.signup(38, E'tab\there@x.io');
SELECT ok(pg_temp.valid_profile(38), 'control character in the e-mail: one valid profile');

-- Several signups for the same local part in one statement.
INSERT INTO auth.users (id, email)
SELECT pg_temp.uid(40 + g), 'sam@host' || g || '.io' FROM generate_series(1, 5) g;
SELECT is((SELECT count(DISTINCT username)::int FROM public.profiles
            WHERE id IN (SELECT pg_temp.uid(40 + g) FROM generate_series(1, 5) g)
              AND username ~ '^sam(_\d{4,})?$'), 5,
          'five signups as sam@ in one statement: five distinct sam usernames');

-- ---------------------------------------------------------------------------
-- display_name: metadata display_name, else full_name, else the username
-- ---------------------------------------------------------------------------
CALL pg_temp.signup(50, 'ada@x.io', '{"display_name": "Ada Lovelace"}');
SELECT is(pg_temp.display_name(50), 'Ada Lovelace', 'display_name from metadata display_name');
CALL pg_temp.signup(51, 'grace@x.io', '{"full_name": "Grace Hopper"}');
SELECT is(pg_temp.display_name(51), 'Grace Hopper', 'display_name from metadata full_name');
CALL pg_temp.signup(52, 'edsger@x.io', '{"full_name": "E. W. Dijkstra", "display_name": "Edsger"}');
SELECT is(pg_temp.display_name(52), 'Edsger', 'display_name preferred over full_name');
CALL pg_temp.signup(53, 'barbara@x.io', '{"display_name": "   "}');
SELECT is(pg_temp.display_name(53), 'barbara', 'blank display_name: the username');
CALL pg_temp.signup(54, 'alan@x.io', '{"username": "turing"}');
SELECT is(pg_temp.display_name(54), 'turing', 'no name in metadata: the username');
CALL pg_temp.signup(55, 'long@x.io', jsonb_build_object('full_name', repeat('Ω', 300)));
SELECT ok(pg_temp.valid_profile(55) AND char_length(pg_temp.display_name(55)) <= 100,
          '300-character full_name: signup works, display_name fits its 100-character limit');
CALL pg_temp.signup(56, 'kathy@x.io', '{"display_name": "  Katherine Johnson  "}');
SELECT is(pg_temp.display_name(56), 'Katherine Johnson', 'display_name is trimmed');
CALL pg_temp.signup(57, 'ken@x.io', '{"display_name": "Ken 🚀 Thompson", "username": "ken"}');
SELECT is(pg_temp.display_name(57), 'Ken 🚀 Thompson', 'display_name keeps unicode as given');

-- avatar_url from metadata, only when it is an http(s) URL.
CALL pg_temp.signup(58, 'pic@x.io', '{"avatar_url": "https://cdn.example.com/a.png"}');
SELECT is((SELECT avatar_url FROM public.profiles WHERE id = pg_temp.uid(58)), 'https://cdn.example.com/a.png',
          'avatar_url from metadata');
CALL pg_temp.signup(59, 'evil@x.io', '{"avatar_url": "javascript:alert(1)"}');
SELECT ok(pg_temp.valid_profile(59) AND (SELECT avatar_url FROM public.profiles WHERE id = pg_temp.uid(59)) IS NULL,
          'a non-http avatar_url is dropped, the signup still works');

-- ---------------------------------------------------------------------------
-- Every signup so far: exactly one profile, valid and unique ids
-- ---------------------------------------------------------------------------
SELECT is((SELECT count(*)::int FROM auth.users u WHERE NOT EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = u.id)), 0,
          'every auth.users row has a profile');
SELECT is((SELECT count(*)::int FROM public.profiles WHERE id::text LIKE '5a000000-%'),
          (SELECT count(*)::int FROM auth.users WHERE id::text LIKE '5a000000-%'),
          'one profile per signup');
SELECT is_empty($$SELECT username FROM public.profiles WHERE username !~ '^[a-z0-9_]{3,30}$'$$,
                'every username is 3..30 of [a-z0-9_]');
SELECT is_empty($$SELECT arcanean_id FROM public.profiles WHERE arcanean_id !~ '^ARC-\d{6,}$'$$,
                'every arcanean_id is ARC- and six or more digits');
SELECT is((SELECT count(DISTINCT arcanean_id) FROM public.profiles), (SELECT count(*) FROM public.profiles),
          'arcanean_ids are unique');
SELECT is((SELECT count(DISTINCT username) FROM public.profiles), (SELECT count(*) FROM public.profiles),
          'usernames are unique');
SELECT cmp_ok((SELECT max(substr(arcanean_id, 5)::bigint) FROM public.profiles WHERE id::text LIKE '5a000000-%'), '<=',
              (SELECT last_value FROM arcanea.arcanean_id_seq),
              'arcanean_ids come from arcanea.arcanean_id_seq');

-- A signup whose profile already exists (a retried trigger, a restore) does
-- not fail and does not create a second one.
SELECT is(arcanea.backfill_profiles(), 0::bigint, 'backfill_profiles: nothing to do when every user has a profile');
DELETE FROM public.profiles WHERE id = pg_temp.uid(20);
SELECT is(arcanea.backfill_profiles(), 1::bigint, 'backfill_profiles: creates the one missing profile');
SELECT ok(pg_temp.valid_profile(20) AND pg_temp.username(20) = 'john_doe_newsletter',
          'backfill_profiles: the recreated profile is valid and named from the e-mail');

-- ---------------------------------------------------------------------------
-- 10,000 signups with the same e-mail local part
-- ---------------------------------------------------------------------------
-- Ids as GoTrue makes them (random v4).
CREATE TEMP TABLE timing (started timestamptz, finished timestamptz);
INSERT INTO timing (started) VALUES (clock_timestamp());
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT gen_random_uuid(), 'alex@x' || g || '.io', '{}'
  FROM generate_series(1, 10000) g;
UPDATE timing SET finished = clock_timestamp();
SELECT diag(format('10,000 signups as alex@...: %s ms (%s signups/s)',
                   round(extract(epoch FROM finished - started) * 1000),
                   round(10000 / greatest(extract(epoch FROM finished - started), 0.001))))
  FROM timing;
CREATE TEMP VIEW alexes AS
    SELECT p.* FROM public.profiles p JOIN auth.users u ON u.id = p.id WHERE u.email ~ '^alex@x\d+\.io$';
SELECT is((SELECT count(*)::int FROM alexes), 10000, '10,000 signups as alex@: 10,000 profiles');
SELECT is((SELECT count(DISTINCT username)::int FROM alexes), 10000, '10,000 signups as alex@: 10,000 distinct usernames');
SELECT is((SELECT count(*)::int FROM alexes WHERE username ~ '^[a-z0-9_]{3,30}$'), 10000,
          '10,000 signups as alex@: every username is valid');
SELECT is((SELECT count(*)::int FROM alexes WHERE username ~ '^alex'), 10000,
          '10,000 signups as alex@: every username is derived from alex');
SELECT is((SELECT count(DISTINCT arcanean_id)::int FROM alexes WHERE arcanean_id ~ '^ARC-\d{6,}$'), 10000,
          '10,000 signups as alex@: 10,000 distinct valid arcanean_ids');
SELECT is((SELECT count(*)::int FROM alexes WHERE display_name = username), 10000,
          '10,000 signups as alex@: display_name is the username');

-- Ids that are not random everywhere (an import from another system, a
-- sequence, test fixtures) must not make a signup fail either.  Eight users
-- named zed@ whose ids differ only in their last three bytes, chosen so that
-- the 4-digit suffixes collide (multiples of 10,000).
SELECT lives_ok($$INSERT INTO auth.users (id, email)
                  SELECT ('b0000000-0000-4000-8000-0000' || lpad(to_hex(k * 10000), 8, '0'))::uuid, 'zed@k' || k || '.io'
                    FROM generate_series(0, 7) k$$,
                'eight signups as zed@ with ids differing only in their last bytes: all succeed');
SELECT is((SELECT count(DISTINCT p.username)::int FROM public.profiles p WHERE p.id::text LIKE 'b0000000-%'), 8,
          'eight signups as zed@ with ids differing only in their last bytes: eight distinct usernames');

SELECT * FROM finish();
ROLLBACK;
