-- mark_notification_read: mark one of the user's notifications read.
--   $1 uuid  the notification
--   $2 uuid  the user (its recipient)
-- Returns (it was unread and is read now, it exists and is the user's).
WITH marked AS (
    UPDATE public.notifications SET is_read = true
     WHERE id = $1 AND user_id = $2 AND NOT is_read
    RETURNING id)
SELECT EXISTS (SELECT 1 FROM marked),
       EXISTS (SELECT 1 FROM public.notifications WHERE id = $1 AND user_id = $2)
