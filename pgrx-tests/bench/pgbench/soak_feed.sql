-- soak-weight: 160
-- Soak mix (scripts/bench.sh soak stage, pgrx-tests/shell/soak.sh): every
-- soak_*.sql is one user action, run as PostgREST runs a request: its own
-- transaction (READ ONLY for GET), the role and the JWT claims set with
-- set_config(..., true), then the call.  The weight above is the share of
-- the mix in per mille.  Variables (-D): nu, nc, nv (data-set sizes of
-- pgrx-tests/bench/generate.sql) and hot (the hot creation's number).
--
-- Read: a signed-in user's following feed, page 1 (GET /rpc/get_user_feed);
-- three times in ten, when page 1 is full, page 2 by its last cursor.  One
-- time in ten the user is one of the ten who follow thousands.
\set r random(1, 100)
\set u CASE WHEN :r <= 10 THEN random(greatest(1, :nu - 9), :nu) ELSE random(1, :nu) END
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/rpc/get_user_feed');
SELECT count(*) AS feed_rows, coalesce((array_agg(f.cursor))[count(*)::int], '') AS feed_cursor,
       coalesce(json_agg(f), '[]')::text <> '' AS feed_body
  FROM public.get_user_feed(p_limit => 20) f \gset
END;
\if :feed_rows = 20 AND :r > 70
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/rpc/get_user_feed');
SELECT coalesce(json_agg(f), '[]') FROM public.get_user_feed(p_limit => 20, p_cursor => :feed_cursor) f;
END;
\endif
