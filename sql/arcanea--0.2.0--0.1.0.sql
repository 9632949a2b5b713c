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

DROP INDEX arcanea.search_terms_by_initial_length;
ALTER INDEX public.idx_creations_tags RESET (fastupdate);
ALTER INDEX public.idx_creations_search RESET (fastupdate);

-- Search leaders (derived from creations: nothing is lost).
DROP TRIGGER creations_maintain_leaders ON public.creations;
DROP FUNCTION arcanea.creations_maintain_leaders(), arcanea.refresh_search_leaders(),
              arcanea.query_lexemes(tsquery), arcanea.leader_keys_above_floor(tsvector, text[]), arcanea.leader_keys(tsvector, text[]), arcanea.lexeme_score(tsvector, text), arcanea.lexeme_query(text),
              arcanea.search_leaders_kept(), arcanea.search_leaders_min_matches(),
              arcanea.search_leaders_refresh_lock(), arcanea.rank_cd(tsvector, tsquery);
ALTER EXTENSION arcanea DROP TABLE arcanea.search_leaders;
ALTER EXTENSION arcanea DROP TABLE arcanea.search_common_lexemes;
DROP TABLE arcanea.search_leaders, arcanea.search_common_lexemes, arcanea.search_leaders_pending;

-- Materialised feeds (derived from follows and creations: nothing is lost).
DROP TRIGGER follows_maintain_feed ON public.follows;
DROP TRIGGER follows_release_feed ON public.follows;
DROP TRIGGER creations_maintain_feed ON public.creations;
DROP TRIGGER creations_release_feed ON public.creations;
DROP TRIGGER profiles_release_feed ON public.profiles;
DROP FUNCTION arcanea.follows_maintain_feed(), arcanea.follows_release_feed(),
              arcanea.creations_maintain_feed(), arcanea.creations_release_feed(),
              arcanea.profiles_release_feed(), arcanea.follows_feed_follow(uuid, uuid),
              arcanea.follows_feed_unfollow(uuid[], uuid[]), arcanea.feed_materialise(uuid),
              arcanea.feed_subscribe(uuid, uuid), arcanea.feed_lock(integer, uuid[], boolean),
              arcanea.rebuild_feed_timelines(), arcanea.feed_lock_many(), arcanea.feed_materialise_above();
-- Leaving the extension first takes them off its list of dumped tables.
ALTER EXTENSION arcanea DROP TABLE arcanea.feed_entries;
ALTER EXTENSION arcanea DROP TABLE arcanea.feed_subscriptions;
ALTER EXTENSION arcanea DROP TABLE arcanea.feed_readers;
DROP TABLE arcanea.feed_entries, arcanea.feed_subscriptions, arcanea.feed_readers;

-- Notification groups: notify() looks for a group among the notifications
-- again, through the index that comes back with the plain table below.
-- Nothing is lost: the notifications keep their group keys.
CREATE OR REPLACE FUNCTION arcanea.notify(
    recipient   uuid,
    kind        text,
    title       text,
    message     text,
    action_url  text,
    metadata    jsonb,
    group_key   text DEFAULT NULL
) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    new_id uuid;
BEGIN
    IF recipient IS NULL OR recipient = (metadata ->> 'actor_id')::uuid THEN
        RETURN NULL;
    END IF;
    IF group_key IS NOT NULL AND EXISTS (
        SELECT 1 FROM public.notifications n
         WHERE n.user_id = recipient AND n.group_key = notify.group_key
           AND n.created_at > now() - interval '24 hours')
    THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.notifications (user_id, type, title, message, action_url, metadata, group_key)
    VALUES (recipient, kind, left(title, 200), left(message, 2000), action_url, metadata, group_key)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
DROP FUNCTION arcanea.prune_notification_groups();
DROP TABLE arcanea.notification_groups;
DROP FUNCTION arcanea.notification_group_window();

-- Partitions: luminor_messages and notifications become plain tables again,
-- with 0.1.0's definitions and every row.  The partitioned tables step
-- aside into arcanea_partitions, leave the extension (and pg_dump's list),
-- the rows are copied into the plain tables, and the partitioned tables go
-- with all their partitions.  Both tables are ACCESS EXCLUSIVE-locked until
-- the script commits.  Two messages (or notifications) of different months
-- with the same id, which 0.2.0's key (id, created_at) allows and nothing
-- of the extension writes, would stop the downgrade here.
-- The partitioned indexes go first: the copy needs none of them, and an
-- upgraded database's legacy partitions keep 0.1.0's index names, which
-- the indexes would meet in arcanea_partitions.
DROP INDEX public.idx_messages_conversation_id, public.idx_messages_created_at, public.idx_messages_user_id,
           public.idx_notifications_user_id, public.idx_notifications_unread, public.idx_notifications_created_at,
           public.idx_notifications_actor, public.idx_notifications_comment;
ALTER TABLE public.luminor_messages SET SCHEMA arcanea_partitions;
ALTER TABLE arcanea_partitions.luminor_messages RENAME TO luminor_messages_0_2_0;
ALTER EXTENSION arcanea DROP TABLE arcanea_partitions.luminor_messages_0_2_0;
ALTER EXTENSION arcanea DROP TABLE arcanea_partitions.luminor_messages_default;
ALTER TABLE public.notifications SET SCHEMA arcanea_partitions;
ALTER TABLE arcanea_partitions.notifications RENAME TO notifications_0_2_0;
ALTER EXTENSION arcanea DROP TABLE arcanea_partitions.notifications_0_2_0;
ALTER EXTENSION arcanea DROP TABLE arcanea_partitions.notifications_default;
CREATE TABLE public.luminor_messages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid NOT NULL,
    -- Always the conversation's owner, whoever wrote the message (the
    -- composite key below enforces it), so ownership checks need no join.
    user_id         uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    role            text NOT NULL
        CONSTRAINT luminor_messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
    content         text NOT NULL
        CONSTRAINT luminor_messages_content_length CHECK (char_length(content) BETWEEN 1 AND 32000 AND content ~ '\S'),
    model           text
        CONSTRAINT luminor_messages_model_length CHECK (char_length(model) <= 200),
    tokens          integer
        CONSTRAINT luminor_messages_tokens_nonnegative CHECK (tokens >= 0),
    cost            numeric(12, 6)
        CONSTRAINT luminor_messages_cost_nonnegative CHECK (cost >= 0),
    user_rating     integer
        CONSTRAINT luminor_messages_user_rating_range CHECK (user_rating BETWEEN 1 AND 5),
    was_helpful     boolean,
    -- clock_timestamp(), not now(): a user turn and the assistant's reply
    -- written in one transaction must still sort in the order written.
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT luminor_messages_conversation_owner
        FOREIGN KEY (conversation_id, user_id)
        REFERENCES public.luminor_conversations (id, user_id) ON DELETE CASCADE
);
CREATE TABLE public.notifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    type        text NOT NULL
        CONSTRAINT notifications_type_check CHECK (type IN (
            'creation_liked', 'creation_commented', 'new_follower', 'comment_reply',
            'mention', 'system_announcement', 'bond_level_up')),
    title       text NOT NULL
        CONSTRAINT notifications_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    message     text
        CONSTRAINT notifications_message_length CHECK (char_length(message) <= 2000),
    action_url  text
        CONSTRAINT notifications_action_url_length CHECK (char_length(action_url) <= 2048),
    metadata    jsonb NOT NULL DEFAULT '{}'
        CONSTRAINT notifications_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    is_read     boolean NOT NULL DEFAULT false,
    is_archived boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    -- Identifies "the same event" (type, actor, target) so that like, unlike,
    -- like again within a day does not notify twice.
    group_key   text
);
INSERT INTO public.luminor_messages (id, conversation_id, user_id, role, content, model, tokens, cost,
                                     user_rating, was_helpful, created_at)
SELECT id, conversation_id, user_id, role, content, model, tokens, cost, user_rating, was_helpful, created_at
  FROM arcanea_partitions.luminor_messages_0_2_0;
INSERT INTO public.notifications (id, user_id, type, title, message, action_url, metadata, is_read, is_archived,
                                  created_at, read_at, group_key)
SELECT id, user_id, type, title, message, action_url, metadata, is_read, is_archived, created_at, read_at, group_key
  FROM arcanea_partitions.notifications_0_2_0;
CREATE INDEX idx_messages_conversation_id ON public.luminor_messages (conversation_id, created_at DESC, id DESC);
CREATE INDEX idx_messages_created_at      ON public.luminor_messages (created_at DESC);
CREATE INDEX idx_messages_user_id         ON public.luminor_messages (user_id);
CREATE INDEX idx_notifications_user_id    ON public.notifications (user_id, created_at DESC, id DESC);
CREATE INDEX idx_notifications_unread     ON public.notifications (user_id, is_read) WHERE is_read = false;
CREATE INDEX idx_notifications_created_at ON public.notifications (created_at DESC);
CREATE INDEX idx_notifications_group      ON public.notifications (user_id, group_key, created_at DESC)
    WHERE group_key IS NOT NULL;
CREATE TRIGGER messages_maintain_counts
    AFTER INSERT OR DELETE OR UPDATE OF user_rating, conversation_id, role
    ON public.luminor_messages FOR EACH ROW EXECUTE FUNCTION arcanea.messages_maintain_counts();
CREATE TRIGGER notifications_track_read_at BEFORE UPDATE OF is_read
    ON public.notifications FOR EACH ROW EXECUTE FUNCTION arcanea.notifications_track_read_at();
CREATE TRIGGER luminor_messages_rate_limit BEFORE INSERT ON public.luminor_messages
    FOR EACH ROW EXECUTE FUNCTION arcanea.enforce_rate_limit('message');
ALTER TABLE public.luminor_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;
GRANT ALL ON public.luminor_messages, public.notifications TO service_role;
GRANT SELECT ON public.luminor_messages TO authenticated;
GRANT INSERT (conversation_id, user_id, role, content) ON public.luminor_messages TO authenticated;
GRANT UPDATE (user_rating, was_helpful) ON public.luminor_messages TO authenticated;
GRANT SELECT, DELETE ON public.notifications TO authenticated;
GRANT UPDATE (is_read, is_archived) ON public.notifications TO authenticated;
CREATE POLICY luminor_messages_select ON public.luminor_messages FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()));
CREATE POLICY luminor_messages_insert ON public.luminor_messages FOR INSERT TO authenticated
    WITH CHECK (user_id = (SELECT auth.uid()) AND role = 'user');
CREATE POLICY luminor_messages_update ON public.luminor_messages FOR UPDATE TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY notifications_recipient ON public.notifications FOR ALL TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));
SELECT pg_catalog.pg_extension_config_dump('public.luminor_messages', '');
SELECT pg_catalog.pg_extension_config_dump('public.notifications', '');
DROP FUNCTION public.add_message_to_conversation(uuid, uuid, text, text, text, integer, numeric);
DROP FUNCTION arcanea.message_apply(arcanea_partitions.luminor_messages_0_2_0, integer);
DROP TABLE arcanea_partitions.luminor_messages_0_2_0;
DROP TABLE arcanea_partitions.notifications_0_2_0;
CREATE FUNCTION arcanea.message_apply(msg public.luminor_messages, delta integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    luminor uuid;
BEGIN
    IF delta > 0 THEN
        UPDATE public.luminor_conversations
           SET message_count   = message_count + 1,
               last_message_at = greatest(last_message_at, msg.created_at)
         WHERE id = msg.conversation_id
        RETURNING luminor_id INTO luminor;
    ELSE
        -- Recompute the latest only when the leaving message may have been
        -- it.  The comparison reads the conversation row as it is after
        -- waiting for its lock, so a message added meanwhile by another
        -- transaction (which moved last_message_at) is not missed, as a
        -- max() over this statement's snapshot would miss it.
        UPDATE public.luminor_conversations c
           SET message_count   = c.message_count - 1,
               last_message_at = CASE WHEN c.last_message_at <= msg.created_at
                                      THEN (SELECT max(m.created_at) FROM public.luminor_messages m
                                             WHERE m.conversation_id = c.id)
                                      ELSE c.last_message_at END
         WHERE c.id = msg.conversation_id
        RETURNING c.luminor_id INTO luminor;
    END IF;
    -- No conversation row: it is being deleted, and its BEFORE DELETE
    -- trigger already took its messages off the Luminor's counters.
    IF luminor IS NOT NULL THEN
        PERFORM arcanea.luminor_apply(luminor,
                                      delta * (msg.role = 'user')::int,
                                      delta * (msg.user_rating IS NOT NULL)::int,
                                      delta * coalesce(msg.user_rating, 0));
    END IF;
END
$$;
CREATE  FUNCTION "add_message_to_conversation"(
	"p_conversation_id" uuid DEFAULT NULL, /* Option < Uuid > */
	"p_user_id" uuid DEFAULT NULL, /* Option < Uuid > */
	"p_role" TEXT DEFAULT 'user', /* Option < String > */
	"p_content" TEXT DEFAULT NULL, /* Option < String > */
	"p_model" TEXT DEFAULT NULL, /* Option < String > */
	"p_tokens" INT DEFAULT NULL, /* Option < i32 > */
	"p_cost" NUMERIC DEFAULT NULL /* Option < pgrx :: AnyNumeric > */
) RETURNS luminor_messages /* Result < :: pgrx :: heap_tuple :: PgHeapTuple < '_, :: pgrx :: pgbox ::
AllocatedByRust > , ErrorReport > */
SECURITY DEFINER 
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'add_message_to_conversation_wrapper';
REVOKE EXECUTE ON FUNCTION arcanea.message_apply(public.luminor_messages, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.add_message_to_conversation(uuid, uuid, text, text, text, integer, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.add_message_to_conversation(uuid, uuid, text, text, text, integer, numeric)
    TO authenticated, service_role;
DROP FUNCTION arcanea.drop_read_notification_partitions(timestamptz);
DROP FUNCTION arcanea.ensure_partitions(integer);
DROP FUNCTION arcanea.create_month_partition(regclass, timestamptz);
DROP FUNCTION arcanea.partition_bounds(regclass);
DROP SCHEMA arcanea_partitions;
-- Broadcast inside Supabase (its triggers left with the partitioned tables).
DO $broadcast$
BEGIN
    IF pg_catalog.to_regclass('realtime.messages') IS NOT NULL THEN
        DROP POLICY IF EXISTS arcanea_user_channel ON realtime.messages;
    END IF;
END
$broadcast$;
DROP FUNCTION arcanea.broadcast_to_owner();


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
DROP INDEX public.idx_comments_creation_id;
CREATE INDEX idx_comments_creation_id ON public.comments (creation_id, created_at);
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
DROP TRIGGER luminor_conversations_require_available_luminor ON public.luminor_conversations;
DROP FUNCTION arcanea.require_available_luminor();
DROP FUNCTION arcanea.caller_is_trusted();
DROP FUNCTION arcanea.search_query(text);
DROP FUNCTION arcanea.user_tables_with_rows();
DROP FUNCTION arcanea.own_relations();
DROP FUNCTION arcanea.is_reserved_username(text, text[]);

-- Counters on shared rows: writers stopped (the lock waits for those
-- committing), every pending delta applied to its row for good, then the
-- per-event updates of 0.1.0 back.  The in-place triggers go first: their
-- drop waits for the writers that hold the parent tables.
DROP TRIGGER creations_counted_in_place ON public.creations;
DROP TRIGGER profiles_counted_in_place ON public.profiles;
DROP TRIGGER luminors_counted_in_place ON public.luminors;
LOCK TABLE arcanea.creation_count_deltas, arcanea.profile_count_deltas, arcanea.luminor_count_deltas
    IN EXCLUSIVE MODE;
UPDATE public.creations c
   SET like_count = c.like_count + d.likes, comment_count = c.comment_count + d.comments,
       view_count = c.view_count + d.views
  FROM (SELECT creation_id, sum(likes) AS likes, sum(comments) AS comments, sum(views) AS views
          FROM arcanea.creation_count_deltas GROUP BY creation_id) d
 WHERE c.id = d.creation_id;
UPDATE public.profiles p
   SET follower_count = p.follower_count + d.followers, following_count = p.following_count + d.followings,
       creation_count = p.creation_count + d.creations
  FROM (SELECT profile_id, sum(followers) AS followers, sum(followings) AS followings, sum(creations) AS creations
          FROM arcanea.profile_count_deltas GROUP BY profile_id) d
 WHERE p.id = d.profile_id;
UPDATE public.luminors l
   SET interaction_count = l.interaction_count + d.interactions, rating_count = l.rating_count + d.ratings,
       rating_sum = l.rating_sum + d.rating_sum, user_count = l.user_count + d.users,
       average_rating = CASE WHEN l.rating_count + d.ratings > 0
                             THEN round((l.rating_sum + d.rating_sum)::numeric / (l.rating_count + d.ratings), 2) END
  FROM (SELECT luminor_id, sum(interactions) AS interactions, sum(ratings) AS ratings,
               sum(rating_sum) AS rating_sum, sum(users) AS users
          FROM arcanea.luminor_count_deltas GROUP BY luminor_id) d
 WHERE l.id = d.luminor_id;
CREATE OR REPLACE FUNCTION arcanea.follows_apply(edge public.follows, delta integer) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    -- One statement for both rows: see the lock-order note at the top.
    UPDATE public.profiles
       SET follower_count  = follower_count  + CASE WHEN id = edge.following_id THEN delta ELSE 0 END,
           following_count = following_count + CASE WHEN id = edge.follower_id  THEN delta ELSE 0 END
     WHERE id = ANY (ARRAY[edge.follower_id, edge.following_id]);
$$;
CREATE OR REPLACE FUNCTION arcanea.creations_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    was_published boolean := TG_OP <> 'INSERT' AND OLD.status = 'published';
    is_published  boolean := TG_OP <> 'DELETE' AND NEW.status = 'published';
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id THEN
        -- Ownership moved (service role only): take the count along.
        IF was_published THEN
            UPDATE public.profiles SET creation_count = creation_count - 1 WHERE id = OLD.user_id;
        END IF;
        IF is_published THEN
            UPDATE public.profiles SET creation_count = creation_count + 1 WHERE id = NEW.user_id;
        END IF;
    ELSIF is_published AND NOT was_published THEN
        UPDATE public.profiles SET creation_count = creation_count + 1 WHERE id = NEW.user_id;
    ELSIF was_published AND NOT is_published THEN
        UPDATE public.profiles SET creation_count = creation_count - 1 WHERE id = OLD.user_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION arcanea.luminor_apply(
    luminor uuid, interactions integer, ratings integer, rating_total integer
) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE public.luminors l
       SET interaction_count = l.interaction_count + interactions,
           rating_count      = l.rating_count + ratings,
           rating_sum        = l.rating_sum + rating_total,
           average_rating    = CASE WHEN l.rating_count + ratings > 0
                                    THEN round((l.rating_sum + rating_total)::numeric
                                               / (l.rating_count + ratings), 2) END
     WHERE l.id = luminor AND (interactions, ratings, rating_total) <> (0, 0, 0);
$$;
CREATE OR REPLACE FUNCTION arcanea.relationships_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE public.luminors SET user_count = user_count - 1 WHERE id = OLD.luminor_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE public.luminors SET user_count = user_count + 1 WHERE id = NEW.luminor_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION arcanea.recount_counters()
RETURNS TABLE (counter text, rows_fixed bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    counter := 'creations.like_count';
    UPDATE public.creations c SET like_count = r.n
      FROM (SELECT c2.id, count(l.id) AS n FROM public.creations c2
              LEFT JOIN public.likes l ON l.creation_id = c2.id GROUP BY c2.id) r
     WHERE r.id = c.id AND c.like_count <> r.n;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'creations.comment_count';
    UPDATE public.creations c SET comment_count = r.n
      FROM (SELECT c2.id, count(m.id) AS n FROM public.creations c2
              LEFT JOIN public.comments m ON m.creation_id = c2.id GROUP BY c2.id) r
     WHERE r.id = c.id AND c.comment_count <> r.n;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'profiles.follower_count';
    UPDATE public.profiles p SET follower_count = r.n
      FROM (SELECT p2.id, count(f.id) AS n FROM public.profiles p2
              LEFT JOIN public.follows f ON f.following_id = p2.id GROUP BY p2.id) r
     WHERE r.id = p.id AND p.follower_count <> r.n;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'profiles.following_count';
    UPDATE public.profiles p SET following_count = r.n
      FROM (SELECT p2.id, count(f.id) AS n FROM public.profiles p2
              LEFT JOIN public.follows f ON f.follower_id = p2.id GROUP BY p2.id) r
     WHERE r.id = p.id AND p.following_count <> r.n;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'profiles.creation_count';
    UPDATE public.profiles p SET creation_count = r.n
      FROM (SELECT p2.id, count(c.id) AS n FROM public.profiles p2
              LEFT JOIN public.creations c ON c.user_id = p2.id AND c.status = 'published'
             GROUP BY p2.id) r
     WHERE r.id = p.id AND p.creation_count <> r.n;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'luminor_conversations.message_count';
    UPDATE public.luminor_conversations c SET message_count = r.n, last_message_at = r.last_at
      FROM (SELECT c2.id, count(m.id) AS n, max(m.created_at) AS last_at
              FROM public.luminor_conversations c2
              LEFT JOIN public.luminor_messages m ON m.conversation_id = c2.id GROUP BY c2.id) r
     WHERE r.id = c.id
       AND (c.message_count <> r.n OR c.last_message_at IS DISTINCT FROM r.last_at);
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'luminors.interaction_count';
    UPDATE public.luminors l SET interaction_count = r.n
      FROM (SELECT l2.id, count(m.id) AS n FROM public.luminors l2
              LEFT JOIN public.luminor_conversations c ON c.luminor_id = l2.id
              LEFT JOIN public.luminor_messages m ON m.conversation_id = c.id AND m.role = 'user'
             GROUP BY l2.id) r
     WHERE r.id = l.id AND l.interaction_count <> r.n;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'luminors.average_rating';
    UPDATE public.luminors l
       SET rating_count = r.n, rating_sum = r.total,
           average_rating = CASE WHEN r.n > 0 THEN round(r.total::numeric / r.n, 2) END
      FROM (SELECT l2.id, count(m.user_rating) AS n, coalesce(sum(m.user_rating), 0) AS total
              FROM public.luminors l2
              LEFT JOIN public.luminor_conversations c ON c.luminor_id = l2.id
              LEFT JOIN public.luminor_messages m ON m.conversation_id = c.id
             GROUP BY l2.id) r
     WHERE r.id = l.id
       AND (l.rating_count <> r.n OR l.rating_sum <> r.total
            OR l.average_rating IS DISTINCT FROM CASE WHEN r.n > 0 THEN round(r.total::numeric / r.n, 2) END);
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;

    counter := 'luminors.user_count';
    UPDATE public.luminors l SET user_count = r.n
      FROM (SELECT l2.id, count(lr.id) AS n FROM public.luminors l2
              LEFT JOIN public.luminor_relationships lr ON lr.luminor_id = l2.id GROUP BY l2.id) r
     WHERE r.id = l.id AND l.user_count <> r.n;
    GET DIAGNOSTICS n = ROW_COUNT; rows_fixed := n; RETURN NEXT;
END
$$;
DROP FUNCTION arcanea.pending_creation_counts(uuid), arcanea.pending_profile_counts(uuid),
    arcanea.pending_luminor_counts(uuid), arcanea.fold_counters();
-- Leaving the extension first takes them off its list of dumped tables.
ALTER EXTENSION arcanea DROP TABLE arcanea.creation_count_deltas;
ALTER EXTENSION arcanea DROP TABLE arcanea.profile_count_deltas;
ALTER EXTENSION arcanea DROP TABLE arcanea.luminor_count_deltas;
ALTER EXTENSION arcanea DROP TABLE arcanea.count_fold_slots;
DROP TABLE arcanea.creation_count_deltas, arcanea.profile_count_deltas, arcanea.luminor_count_deltas,
    arcanea.count_fold_slots;
DROP FUNCTION arcanea.fold_marked_slots(), arcanea.fold_slot(integer, boolean), arcanea.fold_counts(integer),
    arcanea.fold_own_deltas(), arcanea.fold_held_parents(), arcanea.written_by_this_transaction(xid),
    arcanea.count_creation(uuid, integer, integer, integer), arcanea.count_profile(uuid, integer, integer, integer),
    arcanea.count_luminor(uuid, integer, integer, integer, integer), arcanea.queue_fold(integer, boolean),
    arcanea.count_in_place(integer), arcanea.hold_slot_rows(integer), arcanea.await_slot_rows(integer), arcanea.rating_average(bigint, bigint), arcanea.slot_has_deltas(integer),
    arcanea.count_slot(text, uuid), arcanea.count_slot_kind(integer);

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

-- Limits and the rating rule (the two partitioned tables came back with
-- 0.1.0's above).  Ratings cleared by the upgrade (on users' own messages)
-- are not restored.
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

ALTER FUNCTION public.get_user_feed(uuid, integer, integer, text) RESET plan_cache_mode;

-- The API roles' statement timeouts are roles' settings, not the
-- extension's objects: they stay.

NOTIFY pgrst, 'reload schema';
