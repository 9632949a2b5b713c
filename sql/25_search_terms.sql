-- ============================================================================
-- 25  Search vocabulary for typo tolerance                  (requires: counters)
-- ============================================================================
-- The distinct words of published public creations (title, tags,
-- description).  search_creations looks a query word up here; a word that
-- is not here is replaced by the closest one within its typo budget (see
-- src/domain/search.rs).  Words are only added: a word whose last creation
-- went away costs a row, never a wrong result, because the corrected query
-- is then matched against the creations themselves.
-- ============================================================================

CREATE TABLE arcanea.search_terms (
    term text PRIMARY KEY CONSTRAINT search_terms_length CHECK (char_length(term) BETWEEN 3 AND 30)
);
COMMENT ON TABLE arcanea.search_terms IS
    'Vocabulary of published public creations, for typo-tolerant search.';
-- The candidates of a correction: the words of one first letter and a
-- length window, read in that order (src/api/discovery.rs caps how many).
CREATE INDEX search_terms_by_initial_length ON arcanea.search_terms (left(term, 1), char_length(term), term);

CREATE FUNCTION arcanea.creations_collect_terms() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Sorted, so two publishes sharing new words insert them in the same
    -- order and cannot deadlock on each other's uncommitted terms.
    INSERT INTO arcanea.search_terms (term)
    SELECT DISTINCT w
      FROM regexp_split_to_table(
               lower(coalesce(NEW.title, '') || ' ' || array_to_string(NEW.tags, ' ') || ' '
                     || coalesce(NEW.description, '')),
               '[^[:alnum:]]+') AS w
     WHERE char_length(w) BETWEEN 3 AND 30
     ORDER BY w
    ON CONFLICT (term) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER creations_collect_terms
    AFTER INSERT OR UPDATE OF title, tags, description, status, is_public ON public.creations
    FOR EACH ROW WHEN (NEW.status = 'published' AND NEW.is_public)
    EXECUTE FUNCTION arcanea.creations_collect_terms();

-- ---------------------------------------------------------------------------
-- The tsquery of what a person typed, for search_creations
-- (src/queries/discovery/search_*.sql).  websearch_to_tsquery accepts
-- anything a person types ("quotes", -not, or) and never raises a syntax
-- error.  The stemmed (english) and verbatim (simple) forms are OR-ed,
-- except when stemming changes nothing (most words): OR-ing a query with
-- itself doubles the GIN lookups and the ranking work.
--
-- Immutable plain SQL with no SET clause, so the planner inlines it and,
-- for a constant argument, folds it to a constant: the search estimate
-- (an EXPLAIN with the words as constants) depends on that.  Every name is
-- qualified instead; only the extension owner may execute it.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.search_query(input text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN pg_catalog.websearch_to_tsquery('pg_catalog.english', input)
                     OPERATOR(pg_catalog.=) pg_catalog.websearch_to_tsquery('pg_catalog.simple', input)
                THEN pg_catalog.websearch_to_tsquery('pg_catalog.english', input)
                ELSE pg_catalog.websearch_to_tsquery('pg_catalog.english', input)
                     OPERATOR(pg_catalog.||) pg_catalog.websearch_to_tsquery('pg_catalog.simple', input)
           END
$$;
