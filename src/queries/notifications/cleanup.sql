-- cleanup_notifications: delete notifications read longer ago than $1.
--   $1 interval  the age
-- Returns how many were deleted.
WITH gone AS (
    DELETE FROM public.notifications
     WHERE is_read AND read_at < now() - $1
    RETURNING 1)
SELECT count(*)::int4 FROM gone
