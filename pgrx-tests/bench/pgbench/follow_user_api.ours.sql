-- follow_user as PostgREST calls it (POST /rpc/follow_user, signed in as
-- user f, one transaction): ours.  A random pair, never oneself.
\set f random(1, :nu)
\set t 1 + (:f + random(0, :nu - 2)) % :nu
BEGIN;
SELECT bench.request_as_user(md5('u' || :f)::uuid, 'POST', '/rpc/follow_user');
SELECT public.follow_user(p_following_id => md5('u' || :t)::uuid);
COMMIT;
