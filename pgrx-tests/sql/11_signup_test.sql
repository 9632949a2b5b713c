-- Signup: every INSERT into auth.users (as Supabase's auth server writes it:
-- id, email, raw_user_meta_data) yields exactly one valid profile, whatever
-- the metadata and e-mail look like.  The username is the one asked for in
-- the metadata (username, user_name, preferred_username: the first string),
-- normalised (lowercase; . - + space become _; other characters dropped; _
-- folded and trimmed; cut to 30; fewer than 3 characters left is no
-- request), then that name with id-derived numeric suffixes; without a
-- usable request it is creator_ and digits.  The e-mail address is never
-- used (a name taken from it would publish part of it).  Reserved names (the
-- service's words, the Luminors' names and slugs, with or without trailing
-- digits, and anything starting with arcanea) are never given.  10,000
-- signups asking for one name all get distinct valid names derived from it.
-- Runs as the superuser, as the auth server's trigger does.
BEGIN;
SELECT plan(132);

-- The users that exist before this file runs (none in the test database);
-- the checks over "this file's users" leave them out.
CREATE TEMP TABLE users_before AS SELECT id FROM auth.users;
-- The names no user may take: the Luminors' names and slugs.
CREATE FUNCTION pg_temp.luminor_names() RETURNS text[] LANGUAGE sql AS $$
    SELECT ARRAY(SELECT name FROM public.luminors UNION ALL SELECT slug FROM public.luminors)
$$;

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
-- A valid profile whose username is generated (creator_ and digits).
CREATE FUNCTION pg_temp.generated(n int) RETURNS boolean LANGUAGE sql AS $$
    SELECT pg_temp.valid_profile(n) AND pg_temp.username(n) ~ '^creator_\d{4,}$'
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

-- Requests are normalised; too little left, or not a string, is no request.
CALL pg_temp.signup(3, 'trinity.x@matrix.io', '{"username": "no spaces!"}');
SELECT ok(pg_temp.valid_profile(3), 'requested username with a space and !: one valid profile');
SELECT is(pg_temp.username(3), 'no_spaces', 'requested username with a space and !: space to _, ! dropped');
CALL pg_temp.signup(4, 'tank@matrix.io', '{"username": "ab"}');
SELECT ok(pg_temp.generated(4), 'requested username too short: creator_ and digits (not the e-mail)');
CALL pg_temp.signup(5, 'dozer@matrix.io', jsonb_build_object('username', repeat('d', 31)));
SELECT is(pg_temp.username(5), repeat('d', 30), 'requested username of 31 characters: cut to 30');
CALL pg_temp.signup(6, 'switch@matrix.io', '{"username": 12345}');
SELECT ok(pg_temp.generated(6), 'requested username not a string: creator_ and digits (not the e-mail)');
CALL pg_temp.signup(7, 'apoc@matrix.io', $${"username": "x'); DROP TABLE public.profiles; --"}$$);
SELECT is(pg_temp.username(7), 'x_drop_table_public_profiles', 'requested username with SQL in it: normalised harmlessly');
SELECT is((SELECT count(*)::int FROM public.profiles WHERE id::text LIKE '5a000000-%'), 7,
          'requested username with SQL in it: nothing else happens (the seven profiles so far are there)');
CALL pg_temp.signup(8, 'mouse@matrix.io', '{"username": "Mouse"}');
SELECT is(pg_temp.username(8), 'mouse', 'requested username with uppercase: lowercased');

-- The other metadata keys, and the first string among them.
CALL pg_temp.signup(60, 'oracle@matrix.io', '{"user_name": "Oracle"}');
SELECT is(pg_temp.username(60), 'oracle', 'metadata user_name: the requested username');
CALL pg_temp.signup(61, 'seraph@matrix.io', '{"preferred_username": "seraph.wings"}');
SELECT is(pg_temp.username(61), 'seraph_wings', 'metadata preferred_username: the requested username');
CALL pg_temp.signup(62, 'bane@matrix.io', '{"username": 5, "user_name": "bane_smith"}');
SELECT is(pg_temp.username(62), 'bane_smith', 'username not a string, user_name a string: user_name is used');
CALL pg_temp.signup(63, 'keymaker@matrix.io', '{"username": "keymaker", "preferred_username": "locksmith"}');
SELECT is(pg_temp.username(63), 'keymaker', 'username and preferred_username: username wins');

-- Free text as a request: separators, case, unicode, symbols, length.
CALL pg_temp.signup(70, 'r70@req.io', '{"username": "john.doe+newsletter"}');
SELECT is(pg_temp.username(70), 'john_doe_newsletter', 'requested: + and . become _');
CALL pg_temp.signup(71, 'r71@req.io', '{"username": "j..o__h--n"}');
SELECT is(pg_temp.username(71), 'j_o_h_n', 'requested: runs of separators fold into one _');
CALL pg_temp.signup(72, 'r72@req.io', '{"username": ".leading.and.trailing."}');
SELECT is(pg_temp.username(72), 'leading_and_trailing', 'requested: separators at both ends are dropped');
CALL pg_temp.signup(73, 'r73@req.io', '{"username": "Ünïcödé"}');
SELECT is(pg_temp.username(73), 'ncd', 'requested: non-ASCII letters are dropped');
CALL pg_temp.signup(74, 'r74@req.io', '{"username": "李小龙"}');
SELECT ok(pg_temp.generated(74), 'requested: CJK only (nothing survives): creator_ and digits');
CALL pg_temp.signup(75, 'r75@req.io', '{"username": "🦄🌈✨"}');
SELECT ok(pg_temp.generated(75), 'requested: emoji only: creator_ and digits');
CALL pg_temp.signup(76, 'r76@req.io', jsonb_build_object('username', 'O''Brien!#$%&*=?^`{|}~'));
SELECT is(pg_temp.username(76), 'obrien', 'requested: symbols dropped');
CALL pg_temp.signup(77, 'r77@req.io', '{"username": "---"}');
SELECT ok(pg_temp.generated(77), 'requested: separators only: creator_ and digits');
CALL pg_temp.signup(78, 'r78@req.io', jsonb_build_object('username', repeat('ab.', 60) || 'z'));
SELECT is(pg_temp.username(78), 'ab_ab_ab_ab_ab_ab_ab_ab_ab_ab', 'requested: 181 dotted characters: cut to 30, no trailing _');
CALL pg_temp.signup(79, 'r79@req.io', jsonb_build_object('username', repeat('x', 64)));
SELECT is(pg_temp.username(79), repeat('x', 30), 'requested: 64 characters: cut to 30');
CALL pg_temp.signup(80, 'r80@req.io', jsonb_build_object('username', repeat('x', 64)));
SELECT ok(pg_temp.valid_profile(80) AND pg_temp.username(80) ~ '^x{25}_\d{4}$',
          'requested: 64 characters whose 30-character cut is taken: stem cut further for a suffix');
CALL pg_temp.signup(81, 'r81@req.io', jsonb_build_object('username', repeat('é', 200) || 'q'));
SELECT ok(pg_temp.generated(81), 'requested: 201 characters of which one is ASCII: creator_ and digits');
CALL pg_temp.signup(82, 'r82@req.io', jsonb_build_object('username', E'tab\there'));
SELECT is(pg_temp.username(82), 'tabhere', 'requested: a control character is dropped');

-- Taken names.
CALL pg_temp.signup(9, 'neo.two@matrix.io', '{"username": "neo"}');
SELECT ok(pg_temp.valid_profile(9), 'requested username taken: one valid profile');
SELECT matches(pg_temp.username(9), '^neo_\d{4,}$', 'requested username taken: neo_ and digits');
CALL pg_temp.signup(10, 'neo@zion.io', '{"username": "neo"}');
SELECT ok(pg_temp.valid_profile(10), 'requested username taken twice: one valid profile');
SELECT matches(pg_temp.username(10), '^neo_\d{4,}$', 'requested username taken twice: neo_ and digits');
SELECT isnt(pg_temp.username(10), pg_temp.username(9), 'requested username taken twice: not the second user''s name');
CALL pg_temp.signup(11, 'tank@zion.io', jsonb_build_object('username', pg_temp.username(4)));
SELECT ok(pg_temp.valid_profile(11) AND pg_temp.username(11) ~ ('^' || pg_temp.username(4) || '_\d{4,}$'),
          'requested username another user was generated: that name with a suffix');

-- ---------------------------------------------------------------------------
-- No e-mail, no metadata; metadata that is not an object
-- ---------------------------------------------------------------------------
INSERT INTO auth.users (id) VALUES (pg_temp.uid(12));
SELECT ok(pg_temp.generated(12), 'no e-mail and no metadata: one valid profile, creator_ and digits');
INSERT INTO auth.users (id) VALUES (pg_temp.uid(13));
SELECT ok(pg_temp.generated(13), 'no e-mail and no metadata, twice: one valid profile, creator_ and digits');
SELECT isnt(pg_temp.username(12), pg_temp.username(13), 'no e-mail and no metadata, twice: different usernames');
INSERT INTO auth.users (id, phone, raw_user_meta_data) VALUES (pg_temp.uid(14), '15550001234', '{}');
SELECT ok(pg_temp.generated(14), 'phone signup with empty metadata: one valid profile, creator_ and digits');
INSERT INTO auth.users (id, phone, raw_user_meta_data) VALUES (pg_temp.uid(18), '15550001235', '{"username": "Operator"}');
SELECT is(pg_temp.username(18), 'operator', 'phone signup with a requested username: the requested username');
CALL pg_temp.signup(15, 'cypher@matrix.io', '"just a string"');
SELECT ok(pg_temp.generated(15), 'metadata a JSON string: creator_ and digits');
CALL pg_temp.signup(16, 'niobe@matrix.io', '[{"username": "captain"}]');
SELECT ok(pg_temp.generated(16), 'metadata a JSON array (holding a username): creator_ and digits');
CALL pg_temp.signup(17, 'ghost@matrix.io', 'null');
SELECT ok(pg_temp.generated(17), 'metadata JSON null: creator_ and digits');

-- ---------------------------------------------------------------------------
-- Odd e-mails, no username asked for: the e-mail is ignored, the name is
-- creator_ and digits
-- ---------------------------------------------------------------------------
CALL pg_temp.signup(20, 'john.doe+newsletter@example.com');
SELECT ok(pg_temp.generated(20), 'e-mail with + and . in the local part: creator_ and digits');
CALL pg_temp.signup(21, 'John.Doe@Example.com');
SELECT ok(pg_temp.generated(21), 'mixed-case e-mail: creator_ and digits');
CALL pg_temp.signup(22, 'j..o__h--n@x.io');
SELECT ok(pg_temp.generated(22), 'e-mail with runs of separators: creator_ and digits');
CALL pg_temp.signup(23, '.leading.and.trailing.@x.io');
SELECT ok(pg_temp.generated(23), 'e-mail with separators at both ends: creator_ and digits');
CALL pg_temp.signup(24, 'Ünïcödé@x.io');
SELECT ok(pg_temp.generated(24), 'unicode letters: creator_ and digits');
CALL pg_temp.signup(25, '李小龙@example.cn');
SELECT ok(pg_temp.generated(25), 'CJK local part: creator_ and digits');
CALL pg_temp.signup(26, '🦄🌈✨@example.io');
SELECT ok(pg_temp.generated(26), 'emoji local part: creator_ and digits');
CALL pg_temp.signup(27, 'o''brien!#$%&*=?^`{|}~@example.ie');
SELECT ok(pg_temp.generated(27), 'RFC 5322 symbols: creator_ and digits');
CALL pg_temp.signup(28, '---@x.io');
SELECT ok(pg_temp.generated(28), 'local part of separators only: creator_ and digits');
CALL pg_temp.signup(29, 'a@x.io');
SELECT ok(pg_temp.generated(29), 'one-letter local part: creator_ and digits');
CALL pg_temp.signup(30, repeat('x', 64) || '@example.com');
SELECT ok(pg_temp.generated(30), '64-character local part: creator_ and digits');
CALL pg_temp.signup(31, repeat('ab.', 60) || 'z@example.com');
SELECT ok(pg_temp.generated(31), '181-character dotted local part: creator_ and digits');
CALL pg_temp.signup(32, repeat('é', 200) || 'q@example.com');
SELECT ok(pg_temp.generated(32), '201-character unicode local part: creator_ and digits');
CALL pg_temp.signup(33, repeat('x', 64) || '@other.com');
SELECT ok(pg_temp.generated(33), 'the same 64-character local part again: creator_ and digits');
CALL pg_temp.signup(34, 'not-an-email');
SELECT ok(pg_temp.generated(34), 'an e-mail without @: creator_ and digits');
CALL pg_temp.signup(35, '"quoted local"@example.com');
SELECT ok(pg_temp.generated(35), 'quoted local part: creator_ and digits');
CALL pg_temp.signup(36, '@example.com');
SELECT ok(pg_temp.generated(36), 'empty local part: creator_ and digits');
CALL pg_temp.signup(37, '');
SELECT ok(pg_temp.generated(37), 'empty e-mail: creator_ and digits');
CALL pg_temp.signup(38, E'tab\there@x.io');
SELECT ok(pg_temp.generated(38), 'control character in the e-mail: creator_ and digits');
CALL pg_temp.signup(39, 'admin@arcanea.io');
SELECT ok(pg_temp.generated(39), 'an e-mail whose local part is reserved: creator_ and digits');

-- Several signups asking for the same name in one statement.
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT pg_temp.uid(40 + g), 'sam@host' || g || '.io', '{"username": "sam"}' FROM generate_series(1, 5) g;
SELECT is((SELECT count(DISTINCT username)::int FROM public.profiles
            WHERE id IN (SELECT pg_temp.uid(40 + g) FROM generate_series(1, 5) g)
              AND username ~ '^sam(_\d{4,})?$'), 5,
          'five signups asking for sam in one statement: five distinct sam usernames');
-- And asking for nothing, with one local part.
INSERT INTO auth.users (id, email)
SELECT pg_temp.uid(90 + g), 'pat@host' || g || '.io' FROM generate_series(1, 5) g;
SELECT is((SELECT count(DISTINCT username)::int FROM public.profiles
            WHERE id IN (SELECT pg_temp.uid(90 + g) FROM generate_series(1, 5) g)
              AND username ~ '^creator_\d{4,}$'), 5,
          'five signups as pat@ in one statement: five distinct creator_ usernames');

-- ---------------------------------------------------------------------------
-- Reserved names: the service's words, the Luminors, arcanea...
-- ---------------------------------------------------------------------------
-- The rule itself, as the SQL function states it (the trigger uses the same).
SELECT is_empty($$SELECT w FROM unnest(ARRAY['admin', 'support', 'root', 'arcanea_team', 'lumina', 'harmonix',
                                             'kinetix', 'admin_2', 'admin_1234', 'support99', 'lumina_7', 'mod',
                                             'help', 'team', 'arcanea', 'arcaneafan']) w
                   WHERE NOT arcanea.is_reserved_username(w, pg_temp.luminor_names())$$,
                'is_reserved_username: the service''s words, the Luminors, arcanea..., with trailing digits: reserved');
SELECT is_empty($$SELECT w FROM unnest(ARRAY['helper', 'lumina_art', 'rootbeer', 'my_support', 'admiral',
                                             'neo', 'creator_1234', 'team_rocket']) w
                   WHERE arcanea.is_reserved_username(w, pg_temp.luminor_names())$$,
                'is_reserved_username: names that only contain a reserved word: free');

CREATE TEMP TABLE reserved_requests (n int, requested text, normalised text);
INSERT INTO reserved_requests VALUES
    (100, 'admin', 'admin'), (101, 'Support', 'support'), (102, 'root', 'root'),
    (103, 'arcanea_team', 'arcanea_team'), (104, 'lumina', 'lumina'), (105, 'Harmonix', 'harmonix'),
    (106, 'admin_2', 'admin_2');
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT pg_temp.uid(n), 'reserved' || n || '@x.io', jsonb_build_object('username', requested) FROM reserved_requests;
SELECT ok(pg_temp.valid_profile(n)
          AND NOT arcanea.is_reserved_username(pg_temp.username(n), pg_temp.luminor_names()),
          format('requested %s (reserved): a valid username that is not reserved', requested))
  FROM reserved_requests ORDER BY n;
SELECT ok(pg_temp.username(n) NOT LIKE normalised || '%',
          format('requested %s (reserved): not %s nor %s with a suffix', requested, normalised, normalised))
  FROM reserved_requests ORDER BY n;
SELECT matches(pg_temp.username(n), '^creator_\d{4,}$',
               format('requested %s (reserved): treated as no request, a generated creator_ name', requested))
  FROM reserved_requests ORDER BY n;
SELECT is(pg_temp.display_name(100), pg_temp.username(100),
          'requested admin, no display name: display_name is the username given, not admin');

-- Names that only contain a reserved word are given as asked.
CREATE TEMP TABLE free_requests (n int, requested text);
INSERT INTO free_requests VALUES (110, 'helper'), (111, 'lumina_art'), (112, 'rootbeer'), (113, 'my_support');
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT pg_temp.uid(n), 'free' || n || '@x.io', jsonb_build_object('username', requested) FROM free_requests;
SELECT is(pg_temp.username(n), requested, format('requested %s (not reserved): given as asked', requested))
  FROM free_requests ORDER BY n;

-- A Luminor added later is reserved from then on, by its name and its slug.
INSERT INTO public.luminors (name, slug) VALUES ('Nova Prime', 'astra');
CALL pg_temp.signup(120, 'nova@x.io', '{"username": "nova.prime"}');
SELECT ok(pg_temp.valid_profile(120) AND pg_temp.username(120) NOT LIKE 'nova_prime%',
          'requested a new Luminor''s name (normalised): not given');
CALL pg_temp.signup(121, 'astra@x.io', '{"username": "Astra"}');
SELECT ok(pg_temp.valid_profile(121) AND pg_temp.username(121) NOT LIKE 'astra%',
          'requested a new Luminor''s slug: not given');

-- ---------------------------------------------------------------------------
-- display_name: metadata display_name, else full_name, else name, else the
-- username
-- ---------------------------------------------------------------------------
CALL pg_temp.signup(50, 'ada@x.io', '{"display_name": "Ada Lovelace"}');
SELECT is(pg_temp.display_name(50), 'Ada Lovelace', 'display_name from metadata display_name');
CALL pg_temp.signup(51, 'grace@x.io', '{"full_name": "Grace Hopper"}');
SELECT is(pg_temp.display_name(51), 'Grace Hopper', 'display_name from metadata full_name');
CALL pg_temp.signup(52, 'edsger@x.io', '{"full_name": "E. W. Dijkstra", "display_name": "Edsger"}');
SELECT is(pg_temp.display_name(52), 'Edsger', 'display_name preferred over full_name');
CALL pg_temp.signup(64, 'linus@x.io', '{"name": "Linus Torvalds"}');
SELECT is(pg_temp.display_name(64), 'Linus Torvalds', 'display_name from metadata name');
CALL pg_temp.signup(65, 'dennis@x.io', '{"name": "dmr", "full_name": "Dennis Ritchie"}');
SELECT is(pg_temp.display_name(65), 'Dennis Ritchie', 'full_name preferred over name');
CALL pg_temp.signup(53, 'barbara@x.io', '{"display_name": "   "}');
SELECT ok(pg_temp.generated(53) AND pg_temp.display_name(53) = pg_temp.username(53),
          'blank display_name, no username asked for: display_name is the generated username');
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
-- Every signup so far: exactly one profile, valid and unique ids, nothing of
-- the e-mail in the username
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
-- The local part as given (lowercased) and as a username would be made of
-- it; either, when 3 or more characters long, must not be in the username
-- of a user who asked for no username.
CREATE TEMP VIEW email_local_parts AS
    SELECT p.id, p.username, l.part
      FROM auth.users u
      JOIN public.profiles p ON p.id = u.id
      CROSS JOIN LATERAL (SELECT lower(split_part(u.email, '@', 1)) AS raw) r
      CROSS JOIN LATERAL (VALUES (r.raw),
                                 (btrim(regexp_replace(regexp_replace(regexp_replace(r.raw, '[.+ -]', '_', 'g'),
                                                                      '[^a-z0-9_]', '', 'g'),
                                                       '_+', '_', 'g'), '_'))) l(part)
     WHERE u.id NOT IN (SELECT id FROM users_before)
       AND NOT coalesce(jsonb_typeof(u.raw_user_meta_data) = 'object'
                        AND u.raw_user_meta_data ?| ARRAY['username', 'user_name', 'preferred_username'], false)
       AND char_length(l.part) >= 3;
SELECT is((SELECT count(DISTINCT id)::int FROM email_local_parts), 35,
          'users of this file who asked for no username and have a local part of 3+ characters: the 35 above');
SELECT is_empty($$SELECT username, part FROM email_local_parts WHERE strpos(username, part) > 0$$,
                'no user who asked for no username has any of the e-mail''s local part in the username');

-- A signup whose profile already exists (a retried trigger, a restore) does
-- not fail and does not create a second one.
SELECT is(arcanea.backfill_profiles(), 0::bigint, 'backfill_profiles: nothing to do when every user has a profile');
DELETE FROM public.profiles WHERE id IN (pg_temp.uid(2), pg_temp.uid(20), pg_temp.uid(100));
SELECT is(arcanea.backfill_profiles(), 3::bigint, 'backfill_profiles: creates the three missing profiles');
SELECT ok(pg_temp.valid_profile(2) AND pg_temp.username(2) = 'morpheus_01',
          'backfill_profiles: a recreated profile gets the username asked for at signup');
SELECT ok(pg_temp.generated(20), 'backfill_profiles: a recreated profile with none asked for gets creator_ and digits');
SELECT ok(pg_temp.valid_profile(100) AND pg_temp.username(100) NOT LIKE 'admin%'
          AND NOT arcanea.is_reserved_username(pg_temp.username(100), pg_temp.luminor_names()),
          'backfill_profiles: a recreated profile that asked for admin gets a name that is not reserved');

-- ---------------------------------------------------------------------------
-- 10,000 signups asking for the same username
-- ---------------------------------------------------------------------------
-- Ids as GoTrue makes them (random v4); e-mails with nothing of alex in them.
CREATE TEMP TABLE timing (started timestamptz, finished timestamptz);
INSERT INTO timing (started) VALUES (clock_timestamp());
INSERT INTO auth.users (id, email, raw_user_meta_data)
SELECT gen_random_uuid(), 'fan' || g || '@x.io', '{"username": "alex"}'
  FROM generate_series(1, 10000) g;
UPDATE timing SET finished = clock_timestamp();
SELECT diag(format('10,000 signups asking for alex: %s ms (%s signups/s)',
                   round(extract(epoch FROM finished - started) * 1000),
                   round(10000 / greatest(extract(epoch FROM finished - started), 0.001))))
  FROM timing;
CREATE TEMP VIEW alexes AS
    SELECT p.* FROM public.profiles p JOIN auth.users u ON u.id = p.id WHERE u.email ~ '^fan\d+@x\.io$';
SELECT is((SELECT count(*)::int FROM alexes), 10000, '10,000 signups asking for alex: 10,000 profiles');
SELECT is((SELECT count(DISTINCT username)::int FROM alexes), 10000, '10,000 signups asking for alex: 10,000 distinct usernames');
SELECT is((SELECT count(*)::int FROM alexes WHERE username ~ '^[a-z0-9_]{3,30}$'), 10000,
          '10,000 signups asking for alex: every username is valid');
SELECT is((SELECT count(*)::int FROM alexes WHERE username ~ '^alex(_\d{4}|_\d{6}|_\d{8})?$'), 10000,
          '10,000 signups asking for alex: every username is alex, or alex_ and 4, 6 or 8 digits');
SELECT is((SELECT count(*)::int FROM alexes WHERE username = 'alex'), 1,
          '10,000 signups asking for alex: one of them is alex itself');
SELECT is((SELECT count(DISTINCT arcanean_id)::int FROM alexes WHERE arcanean_id ~ '^ARC-\d{6,}$'), 10000,
          '10,000 signups asking for alex: 10,000 distinct valid arcanean_ids');
SELECT is((SELECT count(*)::int FROM alexes WHERE display_name = username), 10000,
          '10,000 signups asking for alex: display_name is the username');

-- Ids that are not random everywhere (an import from another system, a
-- sequence, test fixtures) must not make a signup fail either: eight users
-- asking for zed, and eight asking for nothing, whose ids differ only in
-- their last bytes (multiples of 10,000).
SELECT lives_ok($$INSERT INTO auth.users (id, email, raw_user_meta_data)
                  SELECT ('b0000000-0000-4000-8000-0000' || lpad(to_hex(k * 10000), 8, '0'))::uuid, 'zed@k' || k || '.io',
                         '{"username": "zed"}'
                    FROM generate_series(0, 7) k$$,
                'eight signups asking for zed with ids differing only in their last bytes: all succeed');
SELECT is((SELECT count(DISTINCT p.username)::int FROM public.profiles p
            WHERE p.id::text LIKE 'b0000000-%' AND p.username ~ '^zed(_\d{4,})?$'), 8,
          'eight signups asking for zed with ids differing only in their last bytes: eight distinct zed usernames');
SELECT lives_ok($$INSERT INTO auth.users (id, email)
                  SELECT ('b1000000-0000-4000-8000-0000' || lpad(to_hex(k * 10000), 8, '0'))::uuid, 'kai@k' || k || '.io'
                    FROM generate_series(0, 7) k$$,
                'eight signups asking for nothing with ids differing only in their last bytes: all succeed');
SELECT is((SELECT count(DISTINCT p.username)::int FROM public.profiles p
            WHERE p.id::text LIKE 'b1000000-%' AND p.username ~ '^creator_\d{4,}$'), 8,
          'eight signups asking for nothing with ids differing only in their last bytes: eight distinct creator_ usernames');

SELECT * FROM finish();
ROLLBACK;
