-- soak-weight: 30
-- Read: the app shows who of a list of 20 people is online
-- (GET /rpc/get_presence): some followed, most not, some sharing.
\set u random(1, :nu)
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/rpc/get_presence');
SELECT count(*) FROM public.get_presence(
    ARRAY(SELECT md5('u' || (1 + (:u * 7919 + g * 104729) % :nu))::uuid FROM generate_series(1, 20) g));
END;
