-- search_creations, a query of one common word: rank the leaders of its
-- words (sql/26_search_leaders.sql: each common word's best-ranked
-- creations, in order; the word's stemmed and verbatim forms), the first $5
-- of each, and of the tag it names, together with every match of the words
-- and every creation of the tag that are not common (few, by definition),
-- instead of every match.  A bounded
-- candidate set; the rank is the full query's, as in search_ranked_all.sql,
-- so a creation that leads one word but misses another drops out.  The third
-- column says how many candidates match: fewer than the page needs, and the
-- caller reads the other ways.
--   $1 text  the query (typos corrected)
--   $2 text  creation type, or NULL for every type
--   $3 int8  limit
--   $4 int8  offset
--   $5 int8  how many leaders of each word to rank
-- Returns (id, rank, found) in page order; search_rows.sql turns them into
-- rows.
WITH q AS (SELECT arcanea.search_query($1) AS query, lower(btrim($1)) AS tag),
words AS (
    SELECT w.lexeme, l.lexeme IS NOT NULL AS common
      FROM q, unnest(arcanea.query_lexemes(q.query)) AS w(lexeme)
      LEFT JOIN arcanea.search_common_lexemes l ON l.lexeme = w.lexeme),
tag AS (
    SELECT q.tag, l.lexeme IS NOT NULL AS common
      FROM q LEFT JOIN arcanea.search_common_lexemes l ON l.lexeme = '#' || q.tag),
candidates AS (
    SELECT s.creation_id AS id
      FROM words w
     CROSS JOIN LATERAL (
           SELECT s.creation_id FROM arcanea.search_leaders s
            WHERE s.lexeme = w.lexeme
            ORDER BY s.score DESC, s.created_at DESC, s.creation_id DESC
            LIMIT $5) s
     WHERE w.common
    UNION
    SELECT c.id
      FROM words w, public.creations c
     WHERE NOT w.common
       AND c.search_vector @@ arcanea.lexeme_query(w.lexeme) AND c.status = 'published' AND c.is_public
    UNION
    SELECT s.creation_id
      FROM tag t
     CROSS JOIN LATERAL (
           SELECT s.creation_id FROM arcanea.search_leaders s
            WHERE s.lexeme = '#' || t.tag
            ORDER BY s.score DESC, s.created_at DESC, s.creation_id DESC
            LIMIT $5) s
     WHERE t.common
    UNION
    SELECT c.id
      FROM tag t, public.creations c
     WHERE NOT t.common
       AND c.tags @> ARRAY[t.tag] AND c.status = 'published' AND c.is_public),
ranked AS (
    SELECT c.id, c.created_at,
           (arcanea.rank_cd(c.search_vector, q.query)
            + CASE WHEN q.tag = ANY (c.tags) THEN 1 ELSE 0 END)::real AS rank
      FROM q, candidates k
      JOIN public.creations c ON c.id = k.id
     WHERE c.status = 'published' AND c.is_public AND ($2::text IS NULL OR c.type = $2)
       AND (c.search_vector @@ q.query OR q.tag = ANY (c.tags)))
SELECT r.id, r.rank, (SELECT count(*) FROM ranked) AS found
  FROM ranked r
 ORDER BY r.rank DESC, r.created_at DESC, r.id DESC
 LIMIT $3 OFFSET $4
