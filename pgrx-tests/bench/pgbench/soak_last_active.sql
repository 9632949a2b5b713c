-- soak-weight: 20
-- Write: the app pings on open (POST /rpc/update_last_active; a no-op
-- within a minute of the last ping).
\set u random(1, :nu)
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/update_last_active');
SELECT public.update_last_active();
END;
