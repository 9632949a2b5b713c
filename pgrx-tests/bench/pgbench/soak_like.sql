-- soak-weight: 80
-- Write: like or unlike (POST /rpc/toggle_like) a published public
-- creation (the generator's creation n is published and public iff n % 10
-- is 1..8; none of them is ever archived by the mix), or, one time in six,
-- the hot creation everyone piles onto.
\set u random(1, :nu)
\set c CASE WHEN random(1, 6) = 1 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/toggle_like');
SELECT public.toggle_like(p_creation_id => md5('c' || :c)::uuid);
END;
