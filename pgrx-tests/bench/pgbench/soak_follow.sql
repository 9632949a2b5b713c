-- soak-weight: 30
-- Write: follow or unfollow (POST /rpc/follow_user, /rpc/unfollow_user),
-- half each; one time in four the target is a celebrity (users 1-5), so
-- their profile row is hot.  Never yourself.
\set r random(1, 100)
\set u random(1, :nu)
\set t CASE WHEN :r % 4 = 0 THEN random(1, least(5, :nu)) ELSE random(1, :nu) END
\set t CASE WHEN :t = :u THEN :t % :nu + 1 ELSE :t END
BEGIN;
\if :r <= 50
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :u)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'POST', true), set_config('request.path', '/rpc/follow_user', true);
SELECT public.follow_user(p_following_id => md5('u' || :t)::uuid);
\else
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :u)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'POST', true), set_config('request.path', '/rpc/unfollow_user', true);
SELECT public.unfollow_user(p_following_id => md5('u' || :t)::uuid);
\endif
END;
