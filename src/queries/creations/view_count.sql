-- increment_creation_views' answer: the view count of a creation the viewer
-- can see, exact at this statement's snapshot (the column plus the views
-- not yet folded into it, this transaction's own among them).
--   $1 uuid  the creation
--   $2 uuid  the viewer, or NULL
SELECT c.view_count + pc.views
  FROM public.creations c CROSS JOIN LATERAL arcanea.pending_creation_counts(c.id) pc
 WHERE c.id = $1 AND ((c.status = 'published' AND c.is_public) OR c.user_id = $2)
