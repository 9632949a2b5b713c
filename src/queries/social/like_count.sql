-- toggle_like's answer: the creation's like count, exact at this statement's
-- snapshot (the column plus the likes not yet folded into it, this
-- transaction's own among them).
--   $1 uuid  the creation
SELECT c.like_count + pc.likes
  FROM public.creations c CROSS JOIN LATERAL arcanea.pending_creation_counts(c.id) pc
 WHERE c.id = $1
