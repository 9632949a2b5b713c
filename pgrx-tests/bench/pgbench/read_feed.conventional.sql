-- Data shapes: the same page of the same reader's feed from the conventional
-- read reference (pgrx-tests/bench/conventional_reads.sql), after the row
-- (:before_at, :before_id) ('-' for page 1).
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('su' || :reader)::uuid, 'GET', '/rpc/get_feed');
SELECT * FROM conventional_reads.get_feed(page_size => 20, before_created_at => NULLIF(:before_at, '-')::timestamptz, before_id => NULLIF(:before_id, '-')::uuid);
COMMIT;
