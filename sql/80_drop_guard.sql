-- ============================================================================
-- 80  The drop guard                              (requires: tables)
-- ============================================================================
-- DROP EXTENSION arcanea, or DROP SCHEMA public/arcanea CASCADE, which would
-- take it along, refuses while the tables hold users' data (src/guard.rs:
-- a C event trigger, because PL/pgSQL cannot see which extension a DROP
-- EXTENSION names at ddl_command_start).
-- ============================================================================

-- The extension's tables that hold users' data, and have rows: the tables
-- that reference a user (auth.users or public.profiles), read from the
-- catalog so a new one is covered.  The Luminors and storage buckets the
-- extension seeds are not users' data.
CREATE FUNCTION arcanea.user_tables_with_rows() RETURNS text[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    has_rows boolean;
    found text[] := '{}';
BEGIN
    FOR t IN
        SELECT o.rel FROM arcanea.own_relations() o
         WHERE o.relkind IN ('r', 'p') AND o.relnamespace = 'public'::regnamespace
           AND EXISTS (SELECT 1 FROM pg_constraint k
                        WHERE k.conrelid = o.rel AND k.contype = 'f'
                          AND k.confrelid IN ('auth.users'::regclass, 'public.profiles'::regclass))
         ORDER BY o.rel::text
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', t) INTO has_rows;
        IF has_rows THEN
            found := found || t::text;
        END IF;
    END LOOP;
    RETURN found;
END
$$;

CREATE FUNCTION arcanea.guard_drop() RETURNS event_trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'arcanea_guard_drop';
CREATE EVENT TRIGGER arcanea_guard_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
    EXECUTE FUNCTION arcanea.guard_drop();
