-- search_creations, a query of many plain words with few matches: as
-- search_ranked_all.sql, but the GIN index is asked only for the creations
-- with the query's rarest words ($5, search_narrow_query.sql), and the whole
-- query is checked on those (ts_match_vq, which the index cannot take: the
-- planner then reads no posting list of the common words).  Every match of
-- the query has its rarest words, so the rows are search_ranked_all.sql's.
--   $1 text  the query (typos corrected)
--   $2 text  creation type, or NULL for every type
--   $3 int8  limit
--   $4 int8  offset
--   $5 text  the tsquery of the query's rarest words (search_narrow_query.sql)
-- Relevance as in search_ranked_all.sql.  Returns (id, rank) in page order.
WITH q AS (SELECT arcanea.search_query($1) AS query, lower(btrim($1)) AS tag,
                  $5::tsquery AS narrow)
SELECT c.id,
       (ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', c.search_vector, q.query, 32)
        + CASE WHEN q.tag = ANY (c.tags) THEN 1 ELSE 0 END)::real AS rank
  FROM q, public.creations c
 WHERE c.status = 'published' AND c.is_public AND ($2::text IS NULL OR c.type = $2)
   AND ((c.search_vector @@ q.narrow AND ts_match_vq(c.search_vector, q.query)) OR c.tags @> ARRAY[q.tag])
 ORDER BY rank DESC, c.created_at DESC, c.id DESC
 LIMIT $3 OFFSET $4
