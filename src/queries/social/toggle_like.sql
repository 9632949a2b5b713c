-- toggle_like: one statement decides and does the toggle: delete the like
-- if it exists, otherwise insert it.  ON CONFLICT DO NOTHING absorbs a
-- double click racing itself (the second insert waits for the first and
-- then does nothing), so no unique-violation error ever reaches the client.
--   $1 uuid  the user
--   $2 uuid  the creation (liked only if the user can see it: published and
--            public, or their own)
-- Returns (the creation is visible, the user likes it now).
WITH visible AS (
    SELECT c.id FROM public.creations c
     WHERE c.id = $2 AND ((c.status = 'published' AND c.is_public) OR c.user_id = $1)),
unliked AS (
    DELETE FROM public.likes l USING visible v
     WHERE l.user_id = $1 AND l.creation_id = v.id
    RETURNING l.id),
liked AS (
    INSERT INTO public.likes (user_id, creation_id)
    SELECT $1, v.id FROM visible v WHERE NOT EXISTS (SELECT 1 FROM unliked)
    ON CONFLICT (user_id, creation_id) DO NOTHING
    RETURNING id)
SELECT EXISTS (SELECT 1 FROM visible), NOT EXISTS (SELECT 1 FROM unliked)
