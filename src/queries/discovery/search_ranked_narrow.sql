-- search_creations, a query of many plain words with few matches: as
-- search_ranked_all.sql, but the GIN index is asked only for the creations
-- with the query's rarest words ($5, search_narrow_query.sql), and the whole
-- query is checked on those (ts_match_vq, which the index cannot take: the
-- planner then reads no posting list of the common words).  Every match of
-- the query has its rarest words, so the rows are search_ranked_all.sql's.
--
-- Each word is its own condition, so its own key of one GIN index scan.
-- Within a key the scan steps through every item of the one word it
-- requires, advances the others' lists to it and calls the tsquery's
-- consistent function on each (45,000 times here); across keys it
-- leapfrogs, each list jumping to the furthest item another has reached,
-- so only items in every list get that far (ginget.c, keyGetItem and
-- scanGetItem).  For the four rarest words of the benchmark's 28-word
-- query (45,000 creations each) one key took 8.2 ms p50 and 12.3 ms p95,
-- four keys 5.1 and 7.4 (scale-1 data, 2026-12-01: one pgbench run
-- interleaving the two as constants, 30 s, 1 client).  The statement has
-- NARROW_WORDS (src/api/discovery.rs) conditions.  A query with fewer words
-- left (stop words are left out) repeats its first, whose list the scan then
-- reads again: two words of 45,000 creations padded to four cost 8.0 ms
-- p50 against 7.0 (same run).
--   $1 text    the query (typos corrected)
--   $2 text    creation type, or NULL for every type
--   $3 int8    limit
--   $4 int8    offset
--   $5 text[]  the tsqueries of the query's rarest words (search_narrow_query.sql)
-- Relevance as in search_ranked_all.sql.  Returns (id, rank) in page order.
WITH q AS (SELECT arcanea.search_query($1) AS query, lower(btrim($1)) AS tag,
                  $5::text[] AS narrow)
SELECT c.id,
       (arcanea.rank_cd(c.search_vector, q.query)
        + CASE WHEN q.tag = ANY (c.tags) THEN 1 ELSE 0 END)::real AS rank
  FROM q, public.creations c
 WHERE c.status = 'published' AND c.is_public AND ($2::text IS NULL OR c.type = $2)
   AND ((c.search_vector @@ q.narrow[1]::tsquery
         AND c.search_vector @@ coalesce(q.narrow[2], q.narrow[1])::tsquery
         AND c.search_vector @@ coalesce(q.narrow[3], q.narrow[1])::tsquery
         AND c.search_vector @@ coalesce(q.narrow[4], q.narrow[1])::tsquery
         AND ts_match_vq(c.search_vector, q.query))
        OR c.tags @> ARRAY[q.tag])
 ORDER BY rank DESC, c.created_at DESC, c.id DESC
 LIMIT $3 OFFSET $4
