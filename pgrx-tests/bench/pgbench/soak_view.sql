-- soak-weight: 70
-- Write: count a view (POST /rpc/increment_creation_views), seven times in
-- ten as a visitor; one view in four is of the hot creation.
\set r random(1, 100)
\set u random(1, :nu)
\set c CASE WHEN :r % 4 = 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
\set ipa random(0, 249)
\set ipb random(1, 250)
\if :r <= 70
BEGIN;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', '{"role":"anon","iss":"supabase-demo"}', true),
       set_config('request.headers', json_build_object('x-forwarded-for', '10.0.' || :ipa || '.' || :ipb)::text, true),
       set_config('request.method', 'POST', true), set_config('request.path', '/rpc/increment_creation_views', true);
\else
BEGIN;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :u)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'POST', true), set_config('request.path', '/rpc/increment_creation_views', true);
\endif
SELECT public.increment_creation_views(p_creation_id => md5('c' || :c)::uuid);
END;
