-- search_creations, many matches: walk the newest public creations
-- (idx_creations_public_newest) and rank the first matches found, at least
-- $5 of them (RECENT_WINDOW), more when the page reaches deeper.  The walk
-- stops after $6 creations (RECENT_WALK_MAX) whatever it found: a query the
-- planner believed common but that matches few (an exclusion of a common
-- word, words that rarely meet) would otherwise read the whole index.  The
-- second column says how many matches the walk found; fewer than it looked
-- for, and the caller ranks every match instead (search_ranked_all.sql),
-- which is then cheap: there are few.
-- The match is the function ts_match_vq() rather than the @@ operator: the
-- planner then neither uses the GIN index (which would fetch every match
-- only to sort them by date) nor believes the word rare (the operator's
-- estimate can be far too low, which tips it into a sequential scan and a
-- sort of the whole table).
--   $1 text  the query (typos corrected)
--   $2 text  creation type, or NULL for every type
--   $3 int8  limit
--   $4 int8  offset
--   $5 int8  how many of the newest matches to rank at least
--   $6 int8  how many creations to walk at most
-- Relevance as in search_ranked_all.sql.  Returns (id, rank, found) in page
-- order; search_rows.sql turns them into rows.
WITH q AS (SELECT arcanea.search_query($1) AS query, lower(btrim($1)) AS tag),
walked AS (
    SELECT c.id, c.created_at, c.search_vector, c.tags
      FROM public.creations c
     WHERE c.status = 'published' AND c.is_public AND ($2::text IS NULL OR c.type = $2)
     ORDER BY c.created_at DESC, c.id DESC
     LIMIT $6),
recent AS (
    SELECT w.*
      FROM q, walked w
     WHERE ts_match_vq(w.search_vector, q.query) OR w.tags @> ARRAY[q.tag]
     ORDER BY w.created_at DESC, w.id DESC
     LIMIT greatest($5, $3 + $4))
SELECT c.id,
       (arcanea.rank_cd(c.search_vector, q.query)
        + CASE WHEN q.tag = ANY (c.tags) THEN 1 ELSE 0 END)::real AS rank,
       (SELECT count(*) FROM recent) AS found
  FROM q, recent c
 ORDER BY rank DESC, c.created_at DESC, c.id DESC
 LIMIT $3 OFFSET $4
