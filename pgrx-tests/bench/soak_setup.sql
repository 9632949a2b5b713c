-- The soak's request preamble, as PostgREST sends it before every call: one
-- statement setting the search path, the role, the JWT claims, the request
-- headers, method and path for the transaction (set_config(..., true)).
-- Loaded by pgrx-tests/shell/soak.sh and the soak stage of scripts/bench.sh
-- into the soak's database; the soak_*.sql scripts call these instead of
-- spelling the preamble out.
CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.request(role text, claims json, method text, path text, headers json DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
    SELECT set_config('search_path', '"public", "public"', true), set_config('role', role, true),
           set_config('request.jwt.claims', claims::text, true), set_config('request.headers', headers::text, true),
           set_config('request.method', method, true), set_config('request.path', path, true);
$$;

-- A signed-in user (as auth.users id `sub`).
CREATE OR REPLACE FUNCTION bench.request_as_user(sub uuid, method text, path text) RETURNS void
LANGUAGE sql AS $$
    SELECT bench.request('authenticated', json_build_object('sub', sub, 'role', 'authenticated', 'aud', 'authenticated'),
                         method, path);
$$;

-- A visitor with the anon key, seen by the gateway at `address`.
CREATE OR REPLACE FUNCTION bench.request_as_anon(address text, method text, path text) RETURNS void
LANGUAGE sql AS $$
    SELECT bench.request('anon', '{"role":"anon","iss":"supabase-demo"}', method, path,
                         json_build_object('x-forwarded-for', address));
$$;

-- Visitor n (1 to 16,777,215) with the anon key, from the address 10.x.y.z
-- that n spells: one address, so one rate-limit subject, per visitor.
CREATE OR REPLACE FUNCTION bench.request_as_visitor(n bigint, method text, path text) RETURNS void
LANGUAGE sql AS $$
    SELECT bench.request_as_anon(format('10.%s.%s.%s', n / 65536 % 256, n / 256 % 256, n % 256), method, path);
$$;

-- The service key (a trusted server, e.g. the AI backend writing replies).
CREATE OR REPLACE FUNCTION bench.request_as_service(method text, path text) RETURNS void
LANGUAGE sql AS $$
    SELECT bench.request('service_role', '{"role":"service_role","iss":"supabase-demo"}', method, path);
$$;
