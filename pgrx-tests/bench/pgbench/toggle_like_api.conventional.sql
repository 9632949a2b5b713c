-- toggle_like as PostgREST calls it: the conventional reference
-- (pgrx-tests/bench/conventional.sql), on its copy of the same rows.
\set u random(1, :nu)
\set c CASE WHEN :hot > 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/toggle_like');
SELECT conventional.toggle_like(creation => md5('c' || :c)::uuid);
COMMIT;
