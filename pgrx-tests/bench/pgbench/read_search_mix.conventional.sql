-- Data shapes: the Zipf mix of read_search_mix.ours.sql from the
-- conventional read reference (pgrx-tests/bench/conventional_reads.sql).
\set u random(1, :nu)
\set mixk random_zipfian(1, :mixn, 1.01)
BEGIN READ ONLY;
SELECT bench.request_as_visitor(:u, 'GET', '/rpc/search_creations');
SELECT * FROM conventional_reads.search_creations(q => split_part(:mixwords, ' ', :mixk));
COMMIT;
