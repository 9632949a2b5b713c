-- Data shapes (scripts/bench.sh, issue 15): the following feed as PostgREST
-- calls it (GET /rpc/get_user_feed, one read-only transaction), signed in as
-- shape reader :reader (bench.shape_uid, pgrx-tests/bench/generate_shapes.sql),
-- the page of 20 after :cursor ('-' for page 1): ours.
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('su' || :reader)::uuid, 'GET', '/rpc/get_user_feed');
SELECT * FROM public.get_user_feed(p_limit => 20, p_cursor => NULLIF(:cursor, '-'));
COMMIT;
