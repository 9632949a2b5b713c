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
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/follow_user');
SELECT public.follow_user(p_following_id => md5('u' || :t)::uuid);
\else
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/unfollow_user');
SELECT public.unfollow_user(p_following_id => md5('u' || :t)::uuid);
\endif
END;
