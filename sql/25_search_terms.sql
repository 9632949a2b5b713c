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
