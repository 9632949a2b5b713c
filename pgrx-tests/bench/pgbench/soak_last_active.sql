-- soak-weight: 20
-- Write: the app pings on open (POST /rpc/update_last_active; a no-op
-- within a minute of the last ping).
\set u random(1, :nu)
BEGIN;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :u)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'POST', true), set_config('request.path', '/rpc/update_last_active', true);
SELECT public.update_last_active();
END;
