-- The hot-creation mix's view: POST /rpc/increment_creation_views as a
-- visitor with the anon key, one transaction; visitor u comes from the
-- address 10.x.y.z that u spells.  :hot > 0 views that creation, else a
-- random published public one.
\set u random(1, :nu)
\set c CASE WHEN :hot > 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
BEGIN;
SELECT bench.request_as_visitor(:u, 'POST', '/rpc/increment_creation_views');
SELECT public.increment_creation_views(p_creation_id => md5('c' || :c)::uuid);
COMMIT;
