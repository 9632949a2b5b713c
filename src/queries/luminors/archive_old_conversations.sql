-- archive_old_conversations: archive conversations idle for longer than $1.
--   $1 interval  the idle time
-- Returns how many were archived.
WITH archived AS (
    UPDATE public.luminor_conversations SET is_archived = true, is_active = false
     WHERE NOT is_archived AND coalesce(last_message_at, created_at) < now() - $1
    RETURNING 1)
SELECT count(*)::int4 FROM archived
