-- Data shapes: the same search from the conventional read reference (the
-- full-text search guide's, pgrx-tests/bench/conventional_reads.sql).
\set u random(1, :nu)
BEGIN READ ONLY;
SELECT bench.request_as_visitor(:u, 'GET', '/rpc/search_creations');
SELECT * FROM conventional_reads.search_creations(q => :q);
COMMIT;
