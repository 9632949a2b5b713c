-- search_creations, few matches (up to FULL_RANK_MAX): rank every match,
-- found through the GIN index (a bitmap scan).
--   $1 text  the query (typos corrected)
--   $2 text  creation type, or NULL for every type
--   $3 int8  limit
--   $4 int8  offset
-- Relevance: title (A) over tags (B) over description (C), stemmed and
-- verbatim, scaled into [0, 1) (normalisation 32: rank / (rank + 1)), plus
-- 1 for a query that names a tag exactly, which so outranks any text match.
-- arcanea.rank_cd is ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, query, 32)
-- without that function's cost of 32 KB zeroed per query item and match
-- (src/domain/rank.rs).
-- Returns (id, rank) in page order; search_rows.sql turns them into rows.
WITH q AS (SELECT arcanea.search_query($1) AS query, lower(btrim($1)) AS tag)
SELECT c.id,
       (arcanea.rank_cd(c.search_vector, q.query)
        + CASE WHEN q.tag = ANY (c.tags) THEN 1 ELSE 0 END)::real AS rank
  FROM q, public.creations c
 WHERE c.status = 'published' AND c.is_public AND ($2::text IS NULL OR c.type = $2)
   AND (c.search_vector @@ q.query OR c.tags @> ARRAY[q.tag])
 ORDER BY rank DESC, c.created_at DESC, c.id DESC
 LIMIT $3 OFFSET $4
