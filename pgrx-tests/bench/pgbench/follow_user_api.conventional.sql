-- follow_user as PostgREST calls it: the conventional reference
-- (pgrx-tests/bench/conventional.sql), on its copy of the same rows.
\set f random(1, :nu)
\set t 1 + (:f + random(0, :nu - 2)) % :nu
BEGIN;
SELECT bench.request_as_user(md5('u' || :f)::uuid, 'POST', '/rpc/follow_user');
SELECT conventional.follow_user(target => md5('u' || :t)::uuid);
COMMIT;
