-- search_creations: how many public creations match, as the planner
-- estimates it from the lexeme frequencies ANALYZE keeps for search_vector
-- (most_common_elems).  EXPLAIN plans the match with the words as constants
-- (SPI hands its parameters to the planner as constants; arcanea.search_query
-- is an inlined immutable expression of them) and runs nothing.  Counting
-- the matches instead read a GIN bitmap of every match, 7-31 ms for a
-- common word at scale 1.
--   $1 text  the query (typos corrected)
EXPLAIN (FORMAT JSON)
SELECT 1 FROM public.creations c
 WHERE c.status = 'published' AND c.is_public
   AND c.search_vector @@ arcanea.search_query($1)
