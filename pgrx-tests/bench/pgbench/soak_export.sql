-- soak-weight: 1
-- Read: a user downloads their data (GET /rpc/export_my_data): rare, and
-- one time in ten a celebrity (users 1-5, with the most followers).
\set r random(1, 10)
\set u CASE WHEN :r = 1 THEN random(1, least(5, :nu)) ELSE random(1, :nu) END
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/rpc/export_my_data');
SELECT octet_length(public.export_my_data()::text);
END;
