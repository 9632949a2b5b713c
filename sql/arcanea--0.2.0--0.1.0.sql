-- ============================================================================
-- arcanea 0.2.0 -> 0.1.0                (ALTER EXTENSION arcanea UPDATE TO '0.1.0')
-- ============================================================================
-- The way back: takes a 0.2.0 database to exactly 0.1.0's catalog
-- (pgrx-tests/shell/upgrade.sh compares it with a fresh 0.1.0 install) and
-- keeps every row that 0.1.0's schema can hold.  What a downgrade loses is
-- listed in docs/operations.md#downgrading; each loss is commented where it
-- happens below.  The definitions restored here are 0.1.0's, as
-- sql/released/arcanea--0.1.0.sql has them.
--
-- The 0.2.0 arcanea.so serves every function of 0.1.0's SQL, so the
-- downgrade needs no package change; installing the 0.1.0 package
-- afterwards is optional.
--
-- Privileges stay as 0.2.0 set them, but for the one function 0.2.0 opened
-- wider: inside Supabase a downgrade does not hand the default privileges
-- (ALL to the API roles) back.
-- ============================================================================

DROP FUNCTION arcanea.apply_privileges();

-- Privacy: the private fields go back to profiles, with their values; the
-- columns come back last in the table (a downgrade cannot put a column
-- back where it was: SELECT * lists them last).  Lost: share_presence,
-- and the list of files still to erase (arcanea.storage_erasures).
DROP FUNCTION public.export_my_data(uuid);
DROP FUNCTION public.get_presence(uuid[]);
DROP FUNCTION public.pending_storage_erasures();
DROP TRIGGER creations_release_terms ON public.creations;
DROP FUNCTION arcanea.creations_release_terms();
DROP TRIGGER profiles_erase_traces ON public.profiles;
DROP FUNCTION arcanea.profiles_erase_traces();
DROP FUNCTION arcanea.comments_unmention(uuid, text, text);
ALTER EXTENSION arcanea DROP TABLE arcanea.storage_erasures;
DROP TABLE arcanea.storage_erasures;
DROP INDEX public.idx_notifications_actor;
DROP POLICY creations_select ON public.creations;
CREATE POLICY creations_select ON public.creations FOR SELECT TO anon, authenticated
    USING ((status = 'published' AND is_public) OR user_id = (SELECT auth.uid()));
DROP POLICY follows_select ON public.follows;
CREATE POLICY follows_select ON public.follows FOR SELECT TO anon, authenticated
    USING (true);
DROP POLICY likes_select ON public.likes;
CREATE POLICY likes_select ON public.likes FOR SELECT TO anon, authenticated
    USING (user_id = (SELECT auth.uid())
           OR EXISTS (SELECT 1 FROM public.creations c WHERE c.id = likes.creation_id));
DROP POLICY comments_select ON public.comments;
CREATE POLICY comments_select ON public.comments FOR SELECT TO anon, authenticated
    USING (EXISTS (SELECT 1 FROM public.creations c WHERE c.id = comments.creation_id));
ALTER TABLE public.profiles
    ADD COLUMN preferences jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT profiles_preferences_object CHECK (jsonb_typeof(preferences) = 'object'),
    ADD COLUMN onboarding_completed boolean NOT NULL DEFAULT false,
    ADD COLUMN onboarding_step integer NOT NULL DEFAULT 0
        CONSTRAINT profiles_onboarding_step_range CHECK (onboarding_step BETWEEN 0 AND 100),
    ADD COLUMN last_active_at timestamptz;
UPDATE public.profiles p
   SET preferences = pp.preferences, onboarding_completed = pp.onboarding_completed,
       onboarding_step = pp.onboarding_step, last_active_at = pp.last_active_at
  FROM public.profile_private pp WHERE pp.id = p.id;
DROP TRIGGER profiles_make_private_row ON public.profiles;
DROP FUNCTION arcanea.profiles_make_private_row();
ALTER EXTENSION arcanea DROP TABLE public.profile_private;
DROP TABLE public.profile_private;
DROP TRIGGER profiles_touch_updated_at ON public.profiles;
CREATE TRIGGER profiles_touch_updated_at BEFORE UPDATE OF
    username, display_name, avatar_url, bio, tier, subscription_status, stripe_customer_id,
    stripe_subscription_id, preferences, onboarding_completed, onboarding_step, is_active, is_verified
    ON public.profiles FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
GRANT SELECT (preferences, onboarding_completed, onboarding_step, last_active_at) ON public.profiles TO anon, authenticated;
GRANT UPDATE (preferences, onboarding_completed, onboarding_step) ON public.profiles TO authenticated;
REVOKE UPDATE (is_active) ON public.profiles FROM authenticated;
DROP FUNCTION arcanea.unschedule_maintenance();
DROP FUNCTION arcanea.schedule_maintenance();
DROP FUNCTION arcanea.maintenance_jobs();

-- Realtime: the two tables leave the publication.  The publication itself
-- goes only where the extension must have made it (a bare PostgreSQL, where
-- it also made auth.users) and nothing else is in it; inside Supabase it
-- is Supabase's.  Jobs already scheduled with pg_cron stay in cron.job
-- (they call functions 0.1.0 has, but the two functions above are gone).
DO $realtime$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr
                 JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
                WHERE p.pubname = 'supabase_realtime' AND pr.prrelid = 'public.notifications'::regclass) THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.notifications;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr
                 JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
                WHERE p.pubname = 'supabase_realtime' AND pr.prrelid = 'public.luminor_messages'::regclass) THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.luminor_messages;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = 'auth.users'::regclass
                  AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
                  AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'arcanea'))
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_publication p
                    WHERE p.pubname = 'supabase_realtime' AND NOT p.puballtables
                      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr WHERE pr.prpubid = p.oid)
                      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_namespace pn WHERE pn.pnpubid = p.oid)) THEN
        DROP PUBLICATION supabase_realtime;
    END IF;
END
$realtime$;

-- Storage: 0.1.0's policies, which govern every bucket of the three names.
-- Lost: which of them the extension created (arcanea.buckets).
DROP POLICY arcanea_storage_select ON storage.objects;
DROP POLICY arcanea_storage_insert ON storage.objects;
DROP POLICY arcanea_storage_update ON storage.objects;
DROP POLICY arcanea_storage_delete ON storage.objects;
CREATE POLICY arcanea_storage_select ON storage.objects FOR SELECT TO anon, authenticated
    USING (
        bucket_id IN ('avatars', 'thumbnails')
        OR (bucket_id = 'creations'
            AND ((storage.foldername(name))[1] = (SELECT auth.uid())::text
                 OR EXISTS (
                    SELECT 1 FROM public.creations c
                     WHERE c.status = 'published' AND c.is_public
                       AND c.user_id::text = (storage.foldername(name))[1]
                       AND c.id::text = split_part(storage.filename(name), '.', 1))))
    );
CREATE OR REPLACE FUNCTION arcanea.storage_write_allowed(bucket text, object_name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT arcanea.in_own_storage_folder(object_name)
       AND CASE bucket
           WHEN 'avatars' THEN
               cardinality(storage.foldername(object_name)) = 1
               AND storage.filename(object_name) ~ '^avatar\.(jpe?g|png|webp|gif)$'
           WHEN 'creations' THEN
               cardinality(storage.foldername(object_name)) = 2
               AND (storage.foldername(object_name))[2] IN ('image', 'music', 'video', 'text', 'multimodal')
               AND EXISTS (SELECT 1 FROM public.creations c
                            WHERE c.user_id = (SELECT auth.uid())
                              AND c.id::text = split_part(storage.filename(object_name), '.', 1))
           WHEN 'thumbnails' THEN
               cardinality(storage.foldername(object_name)) = 1
               AND storage.filename(object_name) ~ '-thumb\.(jpe?g|png|webp)$'
               AND EXISTS (SELECT 1 FROM public.creations c
                            WHERE c.user_id = (SELECT auth.uid())
                              AND c.id::text || '-thumb' = split_part(storage.filename(object_name), '.', 1))
           ELSE false
       END
$$;
CREATE POLICY arcanea_storage_insert ON storage.objects FOR INSERT TO authenticated
    WITH CHECK (arcanea.storage_write_allowed(bucket_id, name)
                AND (owner_id IS NULL OR owner_id = (SELECT auth.uid())::text));
CREATE POLICY arcanea_storage_update ON storage.objects FOR UPDATE TO authenticated
    USING (bucket_id IN ('avatars', 'creations', 'thumbnails') AND arcanea.in_own_storage_folder(name))
    WITH CHECK (arcanea.storage_write_allowed(bucket_id, name)
                AND (owner_id IS NULL OR owner_id = (SELECT auth.uid())::text));
CREATE POLICY arcanea_storage_delete ON storage.objects FOR DELETE TO authenticated
    USING (bucket_id IN ('avatars', 'creations', 'thumbnails') AND arcanea.in_own_storage_folder(name));
REVOKE EXECUTE ON FUNCTION arcanea.in_own_storage_folder(text) FROM anon;
DROP FUNCTION arcanea.storage_read_allowed(text, text);
DROP FUNCTION arcanea.uuid_or_null(text);
-- Out of the extension first: that also takes it off pg_dump's list.
ALTER EXTENSION arcanea DROP TABLE arcanea.buckets;
DROP TABLE arcanea.buckets;

-- Mentions: 0.1.0's notifications trigger.  Notifications already
-- withdrawn stay withdrawn.
DROP INDEX public.idx_notifications_comment;
DROP TRIGGER comments_withdraw_notifications ON public.comments;
DROP FUNCTION arcanea.comments_withdraw_notifications();
CREATE OR REPLACE FUNCTION arcanea.comments_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c             record;
    actor         jsonb := arcanea.actor_metadata(NEW.user_id);
    actor_name    text  := coalesce(actor ->> 'actor_username', 'someone');
    meta          jsonb;
    parent_author uuid;
    notified      uuid[] := ARRAY[NEW.user_id];
    mentioned     record;
BEGIN
    SELECT id, user_id, title INTO c FROM public.creations WHERE id = NEW.creation_id;
    meta := actor || jsonb_build_object('creation_id', c.id, 'creation_title', c.title,
                                        'comment_id', NEW.id);

    IF NEW.parent_comment_id IS NOT NULL THEN
        SELECT user_id INTO parent_author FROM public.comments WHERE id = NEW.parent_comment_id;
        IF parent_author <> ALL (notified) THEN
            PERFORM arcanea.notify(parent_author, 'comment_reply',
                actor_name || ' replied to your comment', left(NEW.content, 280),
                '/creations/' || c.id || '#comment-' || NEW.id,
                meta || jsonb_build_object('parent_comment_id', NEW.parent_comment_id));
            notified := notified || parent_author;
        END IF;
    END IF;

    IF c.user_id <> ALL (notified) THEN
        PERFORM arcanea.notify(c.user_id, 'creation_commented',
            actor_name || ' commented on your creation', left(NEW.content, 280),
            '/creations/' || c.id || '#comment-' || NEW.id, meta);
        notified := notified || c.user_id;
    END IF;

    FOR mentioned IN
        SELECT p.id FROM public.profiles p
         WHERE p.username = ANY (arcanea.parse_mentions(NEW.content))
           AND p.id <> ALL (notified)
    LOOP
        PERFORM arcanea.notify(mentioned.id, 'mention',
            actor_name || ' mentioned you in a comment', left(NEW.content, 280),
            '/creations/' || c.id || '#comment-' || NEW.id, meta);
    END LOOP;
    RETURN NULL;
END
$$;

-- Rules the table API kept.
DROP TRIGGER profiles_refuse_reserved_username ON public.profiles;
DROP FUNCTION arcanea.profiles_refuse_reserved_username();
DROP TRIGGER luminor_messages_require_available_luminor ON public.luminor_messages;
DROP TRIGGER luminor_conversations_require_available_luminor ON public.luminor_conversations;
DROP FUNCTION arcanea.require_available_luminor();
DROP FUNCTION arcanea.caller_is_trusted();
DROP FUNCTION arcanea.search_query(text);
DROP FUNCTION arcanea.user_tables_with_rows();
DROP FUNCTION arcanea.own_relations();
DROP FUNCTION arcanea.is_reserved_username(text, text[]);

-- Counters: back to a row trigger for every change.
DROP TRIGGER follows_release_counts ON public.follows;
DROP FUNCTION arcanea.follows_release_counts();
DROP TRIGGER follows_maintain_counts ON public.follows;
CREATE OR REPLACE FUNCTION arcanea.follows_maintain_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM arcanea.follows_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM arcanea.follows_apply(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_maintain_counts AFTER INSERT OR DELETE OR UPDATE OF follower_id, following_id
    ON public.follows FOR EACH ROW EXECUTE FUNCTION arcanea.follows_maintain_counts();
DROP TRIGGER comments_release_count ON public.comments;
DROP TRIGGER comments_maintain_count ON public.comments;
CREATE OR REPLACE FUNCTION arcanea.comments_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE public.creations SET comment_count = comment_count - 1 WHERE id = OLD.creation_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE public.creations SET comment_count = comment_count + 1 WHERE id = NEW.creation_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_maintain_count AFTER INSERT OR DELETE OR UPDATE OF creation_id
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_maintain_count();
DROP TRIGGER likes_release_count ON public.likes;
DROP FUNCTION arcanea.creations_release_counts();
DROP TRIGGER likes_maintain_count ON public.likes;
CREATE OR REPLACE FUNCTION arcanea.likes_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE public.creations SET like_count = like_count - 1 WHERE id = OLD.creation_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE public.creations SET like_count = like_count + 1 WHERE id = NEW.creation_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_maintain_count AFTER INSERT OR DELETE OR UPDATE OF creation_id
    ON public.likes FOR EACH ROW EXECUTE FUNCTION arcanea.likes_maintain_count();

-- Limits and the rating rule.  Ratings cleared by the upgrade (on users'
-- own messages) are not restored.
ALTER TABLE public.luminor_messages DROP CONSTRAINT luminor_messages_rating_on_assistant;
ALTER TABLE public.notifications DROP CONSTRAINT notifications_metadata_size;
ALTER TABLE public.creations
    DROP CONSTRAINT creations_generation_params_size,
    DROP CONSTRAINT creations_metadata_size,
    DROP CONSTRAINT creations_tags_element_length,
    DROP CONSTRAINT creations_categories_element_length;
ALTER TABLE public.luminor_relationships
    DROP CONSTRAINT luminor_relationships_user_preferences_size,
    DROP CONSTRAINT luminor_relationships_personality_match_size;
ALTER TABLE public.luminor_conversations DROP CONSTRAINT luminor_conversations_context_size;
ALTER TABLE public.luminors
    DROP CONSTRAINT luminors_avatar_url_length,
    DROP CONSTRAINT luminors_icon_length,
    DROP CONSTRAINT luminors_personality_size,
    DROP CONSTRAINT luminors_expertise_limit,
    DROP CONSTRAINT luminors_ai_tools_limit;
ALTER TABLE public.profiles
    DROP CONSTRAINT profiles_stripe_customer_id_length,
    DROP CONSTRAINT profiles_stripe_subscription_id_length;
DROP FUNCTION arcanea.texts_within(text[], integer);

-- The API roles' statement timeouts are roles' settings, not the
-- extension's objects: they stay.

NOTIFY pgrst, 'reload schema';
