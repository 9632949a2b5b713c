-- Data shapes (scripts/bench.sh, issue 15): search as read_search.ours.sql,
-- for a word of the Zipf mix of pgrx-tests/bench/generate_shapes.sql drawn
-- by its Zipf weight: word k of :mixwords (the :mixn words, most frequent
-- first, space-separated) with probability ~ 1/k: ours.
\set u random(1, :nu)
\set mixk random_zipfian(1, :mixn, 1.01)
BEGIN READ ONLY;
SELECT bench.request_as_visitor(:u, 'GET', '/rpc/search_creations');
SELECT * FROM public.search_creations(p_query => split_part(:mixwords, ' ', :mixk));
COMMIT;
