-- Data shapes (scripts/bench.sh, issue 15): search as PostgREST calls it
-- (GET /rpc/search_creations, one read-only transaction) as a visitor with
-- the anon key, from the address 10.x.y.z that a random u spells: the query
-- :q (a band word of pgrx-tests/bench/generate_shapes.sql, or an adversarial
-- query): ours.
\set u random(1, :nu)
BEGIN READ ONLY;
SELECT bench.request_as_visitor(:u, 'GET', '/rpc/search_creations');
SELECT * FROM public.search_creations(p_query => :q);
COMMIT;
