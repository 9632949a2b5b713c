-- ============================================================================
-- 55  Privileges: stated, never inherited                (requires: security)
-- ============================================================================
-- The one statement of who may do what with the extension's tables,
-- columns, sequences and functions.  RLS (50_security.sql) then decides
-- which rows.
--
-- A database may hand privileges to the API roles before the extension
-- states its own.  Supabase's init runs
--   ALTER DEFAULT PRIVILEGES [FOR ROLE supabase_admin | postgres] IN SCHEMA public
--       GRANT ALL ON TABLES, FUNCTIONS, SEQUENCES TO anon, authenticated, service_role
-- so every table CREATE EXTENSION makes would let any signed-in user write
-- any column (their tier, a creation's like_count) and let anon execute
-- every function, whatever GRANTs follow.  Hence apply_privileges() first
-- takes every privilege of PUBLIC and the API roles off everything the
-- extension owns in public and arcanea, and only then grants what is meant.
-- Other roles (the project's owner, postgres on Supabase) keep what their
-- database gave them.
--
-- It runs at install (90_finalize.sql) and in every upgrade, and an
-- operator may run it again to repair privileges someone widened by hand:
--     SELECT arcanea.apply_privileges();
-- docs/api.md#privileges lists the result; pgrx-tests/shell/docs_api.sh
-- checks that list against the catalog in a bare and in a Supabase
-- database.
-- ============================================================================

CREATE FUNCTION arcanea.apply_privileges() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    obj record;
    -- The RPCs a visitor may call; the maintenance RPCs only the service
    -- role may call; every other RPC is for signed-in users (and the
    -- service role acting for one).
    for_anon CONSTANT text[] := ARRAY['search_creations', 'increment_creation_views', 'get_user_stats'];
    for_service_only CONSTANT text[] := ARRAY['archive_old_conversations', 'cleanup_notifications',
                                              'pending_storage_erasures'];
BEGIN
    -- -----------------------------------------------------------------------
    -- 1. Nothing inherited
    -- -----------------------------------------------------------------------
    FOR obj IN
        SELECT d.classid, d.objid, c.relkind
          FROM pg_catalog.pg_depend d
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
          LEFT JOIN pg_catalog.pg_class c ON d.classid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objid
          LEFT JOIN pg_catalog.pg_proc p ON d.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.objid
         WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::regclass
           AND coalesce(c.relnamespace, p.pronamespace) IN ('public'::regnamespace, 'arcanea'::regnamespace)
    LOOP
        IF obj.relkind = 'S' THEN
            EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, anon, authenticated, service_role',
                           obj.objid::regclass);
        ELSIF obj.relkind IN ('r', 'p', 'v', 'm', 'f') THEN
            -- Revoking a table privilege revokes it from every column too.
            EXECUTE format('REVOKE ALL ON TABLE %s FROM PUBLIC, anon, authenticated, service_role',
                           obj.objid::regclass);
        ELSIF obj.classid = 'pg_catalog.pg_proc'::regclass THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, anon, authenticated, service_role',
                           obj.objid::regprocedure);
        END IF;
    END LOOP;
    REVOKE ALL ON SCHEMA arcanea FROM PUBLIC, anon, authenticated, service_role;

    -- -----------------------------------------------------------------------
    -- 2. Schemas
    -- -----------------------------------------------------------------------
    GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
    -- Policies and triggers reach arcanea's helpers; the schema is not
    -- exposed through PostgREST.
    GRANT USAGE ON SCHEMA arcanea TO anon, authenticated, service_role;

    -- -----------------------------------------------------------------------
    -- 3. Tables and columns.  service_role has BYPASSRLS (as in Supabase)
    --    and every privilege on every table in public; anon reads;
    --    authenticated reads and writes the columns a person edits.
    --    Counters, XP, tier, verification, billing, moderation flags and
    --    timestamps are written only by the database and the service role.
    -- -----------------------------------------------------------------------
    FOR obj IN
        SELECT o.rel AS tbl FROM arcanea.own_relations() o
         WHERE o.relkind IN ('r', 'p') AND o.relnamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('GRANT ALL ON TABLE %s TO service_role', obj.tbl);
    END LOOP;
    GRANT USAGE, SELECT ON SEQUENCE arcanea.arcanean_id_seq TO service_role;

    -- profiles: billing (Stripe ids, subscription status) is not readable
    -- through the API at all; the owner reads it through get_user_stats().
    -- A user may deactivate and reactivate their own account (is_active).
    GRANT SELECT (id, username, display_name, avatar_url, bio, arcanean_id, tier, creation_count,
                  follower_count, following_count, is_active, is_verified, created_at, updated_at)
        ON public.profiles TO anon, authenticated;
    GRANT UPDATE (username, display_name, avatar_url, bio, is_active) ON public.profiles TO authenticated;

    -- profile_private: the owner's settings (its policy keeps it to them);
    -- last_active_at moves through update_last_active().
    GRANT SELECT ON public.profile_private TO authenticated;
    GRANT UPDATE (preferences, onboarding_completed, onboarding_step, share_presence)
        ON public.profile_private TO authenticated;

    -- luminors: written by operators; the system prompt stays server-side.
    GRANT SELECT (id, name, slug, title, specialty, color, avatar_url, icon, personality,
                  greeting_message, expertise, ai_tools, is_active, is_public, interaction_count,
                  user_count, average_rating, rating_count, rating_sum, created_at, updated_at)
        ON public.luminors TO anon, authenticated;

    GRANT SELECT, DELETE ON public.luminor_conversations TO authenticated;
    GRANT INSERT (user_id, luminor_id, title, session_id, context) ON public.luminor_conversations TO authenticated;
    GRANT UPDATE (title, context, is_active, is_archived) ON public.luminor_conversations TO authenticated;

    -- luminor_messages: a user writes their own turns (no model, tokens or
    -- cost) and rates the Luminor's.
    GRANT SELECT ON public.luminor_messages TO authenticated;
    GRANT INSERT (conversation_id, user_id, role, content) ON public.luminor_messages TO authenticated;
    GRANT UPDATE (user_rating, was_helpful) ON public.luminor_messages TO authenticated;

    GRANT SELECT ON public.luminor_relationships TO authenticated;
    GRANT UPDATE (user_preferences) ON public.luminor_relationships TO authenticated;

    -- creations: status moves through publish_creation / archive_creation;
    -- counters, is_featured and published_at are the database's.
    GRANT SELECT ON public.creations TO anon, authenticated;
    GRANT INSERT (id, user_id, title, description, type, file_url, thumbnail_url, file_size, file_format,
                  ai_tool, prompt, model, generation_params, seed, metadata, status, is_public, is_nsfw,
                  license, allow_remix, allow_commercial, tags, categories)
        ON public.creations TO authenticated;
    GRANT UPDATE (title, description, type, file_url, thumbnail_url, file_size, file_format, ai_tool,
                  prompt, model, generation_params, seed, metadata, is_public, is_nsfw, license,
                  allow_remix, allow_commercial, tags, categories)
        ON public.creations TO authenticated;
    GRANT DELETE ON public.creations TO authenticated;

    GRANT SELECT ON public.likes TO anon, authenticated;
    GRANT INSERT (user_id, creation_id) ON public.likes TO authenticated;
    GRANT DELETE ON public.likes TO authenticated;

    GRANT SELECT ON public.comments TO anon, authenticated;
    GRANT INSERT (id, user_id, creation_id, content, parent_comment_id) ON public.comments TO authenticated;
    GRANT UPDATE (content) ON public.comments TO authenticated;
    GRANT DELETE ON public.comments TO authenticated;

    GRANT SELECT ON public.follows TO anon, authenticated;
    GRANT INSERT (follower_id, following_id, notify_creations) ON public.follows TO authenticated;
    GRANT UPDATE (notify_creations) ON public.follows TO authenticated;
    GRANT DELETE ON public.follows TO authenticated;

    -- notifications: the recipient marks read or archived, and deletes.
    GRANT SELECT, DELETE ON public.notifications TO authenticated;
    GRANT UPDATE (is_read, is_archived) ON public.notifications TO authenticated;

    -- arcanea's tables: the storage policies read which buckets are the
    -- extension's (a list of three names).
    GRANT SELECT ON arcanea.buckets TO anon, authenticated;

    -- -----------------------------------------------------------------------
    -- 4. Functions.  Internal ones run for their owner only: triggers and
    --    SECURITY DEFINER functions reach them with the owner's rights.
    -- -----------------------------------------------------------------------
    -- The storage policies call these with the reading or uploading user's
    -- rights.
    GRANT EXECUTE ON FUNCTION arcanea.storage_read_allowed(text, text), arcanea.in_own_storage_folder(text),
                              arcanea.uuid_or_null(text)
        TO anon, authenticated;
    GRANT EXECUTE ON FUNCTION arcanea.storage_write_allowed(text, text) TO authenticated;
    -- The limits' CHECK constraints call this with the writer's rights.
    GRANT EXECUTE ON FUNCTION arcanea.texts_within(text[], integer) TO authenticated, service_role;
    GRANT EXECUTE ON FUNCTION arcanea.recount_counters(), arcanea.fold_counters(), arcanea.rebuild_feed_timelines(), arcanea.refresh_search_leaders(),
                              arcanea.prune_rate_limit_usage(), arcanea.prune_notification_groups()
        TO service_role;

    -- The RPC API: each to exactly the roles that may call it.
    FOR obj IN
        SELECT p.oid::regprocedure AS fn, p.proname::text AS name
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                                     AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
         WHERE p.pronamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO service_role', obj.fn);
        IF NOT obj.name = ANY (for_service_only) THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO authenticated', obj.fn);
        END IF;
        IF obj.name = ANY (for_anon) THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO anon', obj.fn);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION arcanea.apply_privileges() IS
    'Sets the privileges of every object of the extension to exactly what its design intends, whatever the database granted before. Safe to run again.';
