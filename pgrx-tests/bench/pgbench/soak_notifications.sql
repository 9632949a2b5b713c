-- soak-weight: 60
-- Read (table API): a signed-in user's newest 20 notifications
-- (GET /notifications?select=id,type,title,metadata,is_read&order=created_at.desc&limit=20);
-- half the time they then open the newest unread one
-- (POST /rpc/mark_notification_read).  Between the two requests the
-- notification may be withdrawn (its reply deleted by soak_comment), where
-- the app would get a 404 and go on: the POST marks it only if it is still
-- there, holding it so that a withdrawal waits (pgbench stops a client at
-- its first error).
\set r random(1, 100)
\set u random(1, :nu)
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/notifications');
SELECT count(*) FILTER (WHERE NOT n.is_read) AS unread,
       coalesce(((array_agg(n.id) FILTER (WHERE NOT n.is_read))[1])::text, '') AS unread_id,
       coalesce(json_agg(n), '[]')::text <> '' AS notifications_body
  FROM (SELECT id, type, title, metadata, is_read, created_at FROM public.notifications
         ORDER BY created_at DESC LIMIT 20) n \gset
END;
\if :unread > 0 AND :r <= 50
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/mark_notification_read');
SELECT public.mark_notification_read(p_notification_id => n.id)
  FROM (SELECT id FROM public.notifications WHERE id = :unread_id::uuid FOR NO KEY UPDATE) n;
END;
\endif
