-- search_creations without a query: the newest published public creations.
--   $1 text  creation type, or NULL for every type
--   $2 int8  limit
--   $3 int8  offset
-- Returns (id, rank) in page order; search_rows.sql turns them into rows.
SELECT c.id, 0::real AS rank
  FROM public.creations c
 WHERE c.status = 'published' AND c.is_public AND ($1::text IS NULL OR c.type = $1)
 ORDER BY c.created_at DESC, c.id DESC
 LIMIT $2 OFFSET $3
