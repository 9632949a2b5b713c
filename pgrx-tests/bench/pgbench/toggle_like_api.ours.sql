-- toggle_like as PostgREST calls it (POST /rpc/toggle_like, signed in as
-- user u, one transaction): ours.  :hot > 0 toggles that creation, else a
-- random published public one (creation n is published and public iff
-- n % 10 is 1..8).  Also the like of the hot-creation mix.
\set u random(1, :nu)
\set c CASE WHEN :hot > 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/toggle_like');
SELECT public.toggle_like(p_creation_id => md5('c' || :c)::uuid);
COMMIT;
