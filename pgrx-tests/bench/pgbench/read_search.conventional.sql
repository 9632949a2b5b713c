-- Data shapes: the same search from the conventional read reference (the
-- full-text search guide's, pgrx-tests/bench/conventional_reads.sql).
\set u random(1, :nu)
BEGIN READ ONLY;
SELECT bench.request_as_anon('10.' || :u / 65536 % 256 || '.' || :u / 256 % 256 || '.' || :u % 256, 'GET', '/rpc/search_creations');
SELECT * FROM conventional_reads.search_creations(q => :q);
COMMIT;
