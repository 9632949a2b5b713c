-- search_creations, a query of many plain words: the tsqueries that find its
-- candidates (search_ranked_narrow.sql), one for each of its $2 rarest words,
-- those whose posting lists the GIN index reads fastest.
--
-- Each word is its own stemmed-or-verbatim choice: ('candl' | 'candle').
-- Every match of the whole query has each of these words in one form or the
-- other (the whole query ORs the all-stemmed and the all-verbatim readings,
-- search_query()), so nothing is lost.  The two readings ORed whole
-- ('candl' & 'flame' | 'candle' & 'flame') find the same candidates, but
-- counting them took 19.1 ms p50 against 13.6 ms with each word its own
-- choice (the four rarest of the benchmark's 28-word query, scale-1 data,
-- 2026-11-30: one pgbench run interleaving the two tsqueries as constants,
-- 30 s, 1 client).  The words are returned apart, not ANDed into one
-- tsquery: search_ranked_narrow.sql gives each its own index condition (see
-- there why).
--
-- An English stop word ('over') is left out while the query has other words:
-- the stemmed reading drops it, so a match need not contain it.  A query of
-- stop words only has no stemmed reading, and each word's verbatim form is
-- required.  A word with no lexeme at all ('²²²²': a letter or digit to Rust,
-- a separator to the parser) requires nothing and is left out too (its
-- empty tsquery would print as '()', which does not parse).  When no word is
-- left, the result is NULL, and only the exact-tag match can find a row, as
-- for the whole query.
--
-- A word's frequency is that of its most frequent form (stemmed or
-- verbatim) among the common words (sql/26_search_leaders.sql); a word that
-- is not common counts as rarest.  Ties keep the query's order.  Its forms
-- are its lexemes under both configurations, as search_query() makes them
-- (the same parser and dictionaries), read with builtins only: a call of a
-- SQL function with a FROM clause per word was planned per word.
--   $1 text[]  the query's required words (plain words: letters and digits)
--   $2 int8    how many to keep
-- Returns one row: the words' tsqueries as text, in the query's order (NULL:
-- no word left).
SELECT array_agg(arcanea.search_query(r.w)::text ORDER BY r.n)
  FROM (SELECT u.w, u.n
          FROM unnest($1::text[]) WITH ORDINALITY AS u(w, n)
         WHERE pg_catalog.to_tsvector('pg_catalog.english', u.w) <> ''
            OR (pg_catalog.to_tsvector('pg_catalog.english', pg_catalog.array_to_string($1::text[], ' ')) = ''
                AND pg_catalog.to_tsvector('pg_catalog.simple', u.w) <> '')
         ORDER BY (SELECT coalesce(max(l.matches), 0) FROM arcanea.search_common_lexemes l
                    WHERE l.lexeme = ANY (pg_catalog.tsvector_to_array(
                              pg_catalog.to_tsvector('pg_catalog.english', u.w)
                              || pg_catalog.to_tsvector('pg_catalog.simple', u.w)))),
                  u.n
         LIMIT $2) r
