-- soak-weight: 5
-- Write: "mark all as read" (POST /rpc/mark_all_notifications_read).
\set u random(1, :nu)
BEGIN;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :u)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'POST', true), set_config('request.path', '/rpc/mark_all_notifications_read', true);
SELECT public.mark_all_notifications_read();
END;
