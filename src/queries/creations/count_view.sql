-- increment_creation_views: count one view of a creation the viewer can see
-- (published and public, or their own) by appending a delta; no row lock,
-- so views of one creation never wait for each other.  Returns a row when
-- the view counted.
--   $1 uuid  the creation
--   $2 uuid  the viewer, or NULL
SELECT arcanea.count_creation(c.id, 0, 0, 1)
  FROM public.creations c
 WHERE c.id = $1 AND ((c.status = 'published' AND c.is_public) OR c.user_id = $2)
