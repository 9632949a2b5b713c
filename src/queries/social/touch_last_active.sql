-- update_last_active: writes at most once a minute per user: apps call it
-- on every page view, and a row rewrite per call would bloat the table for
-- nothing.  (A narrow row of profile_private, not the profile.)
--   $1 uuid  the user
-- Returns (the user has a profile, last_active_at).
WITH touched AS (
    UPDATE public.profile_private SET last_active_at = now()
     WHERE id = $1 AND (last_active_at IS NULL OR last_active_at < now() - interval '1 minute')
    RETURNING last_active_at)
SELECT EXISTS (SELECT 1 FROM public.profiles WHERE id = $1),
       coalesce((SELECT last_active_at FROM touched),
                (SELECT last_active_at FROM public.profile_private WHERE id = $1))
