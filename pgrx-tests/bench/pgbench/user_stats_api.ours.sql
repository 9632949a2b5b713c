-- get_user_stats as PostgREST calls it for a visitor (GET
-- /rpc/get_user_stats with the anon key, one read-only transaction): ours,
-- the public part.  :who > 0 reads that user, else a random one; visitor v
-- comes from the address 10.x.y.z that v spells.
\set u CASE WHEN :who > 0 THEN :who ELSE random(1, :nu) END
\set v random(1, :nu)
BEGIN READ ONLY;
SELECT bench.request_as_visitor(:v, 'GET', '/rpc/get_user_stats');
SELECT public.get_user_stats(p_user_id => md5('u' || :u)::uuid);
COMMIT;
