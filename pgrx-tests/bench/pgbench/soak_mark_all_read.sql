-- soak-weight: 5
-- Write: "mark all as read" (POST /rpc/mark_all_notifications_read).
\set u random(1, :nu)
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/mark_all_notifications_read');
SELECT public.mark_all_notifications_read();
END;
