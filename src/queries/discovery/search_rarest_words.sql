-- search_creations, a query of many words: its rarest words, those whose
-- posting lists the GIN index reads fastest.  A word's frequency is that of
-- its most frequent form (stemmed or verbatim) among the common words
-- (sql/26_search_leaders.sql); a word that is not common counts as rarest.
-- Ties keep the query's order.
--   $1 text[]  the query's required words
--   $2 int8    how many to keep
SELECT u.w
  FROM unnest($1::text[]) WITH ORDINALITY AS u(w, n)
 ORDER BY (SELECT coalesce(max(l.matches), 0) FROM arcanea.search_common_lexemes l
            WHERE l.lexeme = ANY (arcanea.query_lexemes(arcanea.search_query(u.w)))),
          u.n
 LIMIT $2
