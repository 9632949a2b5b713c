-- ============================================================================
-- 30  Notifications written by the database        (requires: counters, parse_mentions)
-- ============================================================================
-- Rules, everywhere:
--   * nobody is notified of their own action;
--   * a repeated event (like, unlike, like again; follow, unfollow, follow)
--     within 24 hours does not notify twice: each notification carries a
--     group_key naming (type, actor, target), and arcanea.notify() skips a
--     key already sent to that user in the last day (arcanea.notification_groups);
--   * the triggers are named to fire before the counter triggers of the same
--     table (AFTER triggers fire in name order): a counter update locks the
--     liked creation or the followed profile until commit, a hot row for a
--     popular one, so it is taken last ("hot rows last");
--   * metadata carries the ids a client needs to render the notification
--     without another query (actor id and username, creation id, comment id)
--     and action_url the in-app path to open.
-- ============================================================================

-- How long a group (type, actor, target) notifies its recipient once.
CREATE FUNCTION arcanea.notification_group_window() RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT interval '24 hours' $$;

-- The groups notified within the window: one row per (recipient,
-- group_key), with the time its notification went out.  notify() claims a
-- group here, with one upsert, rather than looking for the key among the
-- recipient's notifications: those are partitioned by month
-- (77_partitions.sql), and the kept plan of that look-up locked and set up
-- every monthly partition at every like and follow (on the scale-1
-- benchmark data, 2026-12-02: a like's transaction held about 40 relation
-- locks, over 20 of them past the 16 fast-path slots, 17 of those monthly
-- partitions), one more each month, as unread notifications keep their
-- months forever.
-- UNLOGGED, as arcanea.rate_limit_usage is: it is written at every like and
-- follow, so it costs no WAL, and a crash only forgets which groups were
-- notified (a repeated like within a day of the crash notifies once more).
-- Not dumped, for the same reason.  No foreign key: its check would
-- share-lock the recipient's profile, a celebrity's hot row, once more per
-- event; an erased account's rows go with it (57_erasure.sql).  Rows past
-- the window are dead weight, pruned hourly by
-- arcanea.prune_notification_groups() (75_maintenance.sql).
CREATE UNLOGGED TABLE arcanea.notification_groups (
    user_id     uuid        NOT NULL,   -- the recipient
    group_key   text        NOT NULL,   -- notifications.group_key: 'type:actor[:target]'
    notified_at timestamptz NOT NULL,
    CONSTRAINT notification_groups_pkey PRIMARY KEY (user_id, group_key)
);
COMMENT ON TABLE arcanea.notification_groups IS
    'When each (recipient, group_key) was last notified (unlogged, pruned by arcanea.prune_notification_groups()).';

-- The one place notifications are inserted from, by triggers and by the
-- Rust functions alike.  Returns the new id, or NULL when deduplicated.
--
-- It and actor_metadata() below are neither SECURITY DEFINER nor pinned to
-- a search_path: only the extension owner may execute them (90_finalize
-- revokes PUBLIC's EXECUTE), and every caller is a SECURITY DEFINER trigger
-- or function of the owner with the search_path pinned already.  A pinned
-- function's entry costs a GUC save and restore, once per like, follow and
-- comment; and a plain SQL function can be inlined into its caller.
CREATE FUNCTION arcanea.notify(
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
    IF group_key IS NOT NULL THEN
        -- Claim the group: new, or last notified before the window.  Two
        -- claims of one group wait for each other on its key, and the
        -- second finds it claimed.
        INSERT INTO arcanea.notification_groups AS g (user_id, group_key, notified_at)
        VALUES (recipient, notify.group_key, now())
        ON CONFLICT ON CONSTRAINT notification_groups_pkey DO UPDATE SET notified_at = excluded.notified_at
         WHERE g.notified_at <= now() - arcanea.notification_group_window();
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO public.notifications (user_id, type, title, message, action_url, metadata, group_key)
    VALUES (recipient, kind, left(title, 200), left(message, 2000), action_url, metadata, group_key)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

-- Groups past the window: a job (pg_cron, hourly) keeps the table small.
CREATE FUNCTION arcanea.prune_notification_groups() RETURNS bigint
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH gone AS (
        DELETE FROM arcanea.notification_groups g
         WHERE g.notified_at <= now() - arcanea.notification_group_window()
        RETURNING 1)
    SELECT count(*) FROM gone
$$;
COMMENT ON FUNCTION arcanea.prune_notification_groups() IS
    'Deletes the notification groups whose window has closed; returns how many. Service role only.';

-- Who did it, as metadata: the id and the username at the time.
-- PL/pgSQL, not SQL: a SQL function whose body reads a table is not inlined,
-- and a trigger calling one plans its body afresh every time (70 us of a
-- like's 430); PL/pgSQL keeps the plan for the session.
CREATE FUNCTION arcanea.actor_metadata(actor uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('actor_id', p.id, 'actor_username', p.username,
                                      'actor_display_name', p.display_name, 'actor_avatar_url', p.avatar_url)
              FROM public.profiles p WHERE p.id = actor);
END
$$;

-- ---------------------------------------------------------------------------
-- creation_liked
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.likes_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c     record;
    actor jsonb;
BEGIN
    SELECT id, user_id, title INTO c FROM public.creations WHERE id = NEW.creation_id;
    IF c.user_id = NEW.user_id THEN
        RETURN NULL;   -- one's own like: nobody to notify
    END IF;
    actor := arcanea.actor_metadata(NEW.user_id);
    PERFORM arcanea.notify(
        c.user_id, 'creation_liked',
        coalesce(actor ->> 'actor_username', 'someone') || ' liked your creation',
        c.title,
        '/creations/' || c.id,
        actor || jsonb_build_object('creation_id', c.id, 'creation_title', c.title),
        'creation_liked:' || NEW.user_id || ':' || c.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_create_notification AFTER INSERT
    ON public.likes FOR EACH ROW EXECUTE FUNCTION arcanea.likes_notify();

-- ---------------------------------------------------------------------------
-- new_follower
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.follows_notify() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    actor jsonb := arcanea.actor_metadata(NEW.follower_id);
BEGIN
    PERFORM arcanea.notify(
        NEW.following_id, 'new_follower',
        coalesce(actor ->> 'actor_username', 'someone') || ' started following you',
        NULL,
        '/u/' || (actor ->> 'actor_username'),
        actor,
        'new_follower:' || NEW.follower_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_create_notification AFTER INSERT
    ON public.follows FOR EACH ROW EXECUTE FUNCTION arcanea.follows_notify();

-- ---------------------------------------------------------------------------
-- comment_reply, creation_commented, mention: one comment notifies each
-- person once, choosing the most specific reason (a reply to your comment
-- over a comment on your creation over a mention).
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.comments_notify() RETURNS trigger
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
           AND p.is_active
           AND p.id <> ALL (notified)
    LOOP
        PERFORM arcanea.notify(mentioned.id, 'mention',
            actor_name || ' mentioned you in a comment', left(NEW.content, 280),
            '/creations/' || c.id || '#comment-' || NEW.id, meta);
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_create_notifications AFTER INSERT
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_notify();

-- A deleted comment takes its notifications along (the mention, the reply,
-- the comment on your creation): they would point at nothing, and a
-- comment posted and deleted again must not leave a message behind.
-- Deleting a creation deletes its comments, and so these too.
CREATE FUNCTION arcanea.comments_withdraw_notifications() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM public.notifications n
     WHERE n.metadata ->> 'comment_id' = OLD.id::text
       AND n.type IN ('mention', 'comment_reply', 'creation_commented');
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_withdraw_notifications AFTER DELETE
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_withdraw_notifications();

-- ---------------------------------------------------------------------------
-- read_at follows is_read, whoever flips it (the recipient through the
-- table API may write is_read and is_archived only).
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.notifications_track_read_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.is_read AND NOT OLD.is_read THEN
        NEW.read_at := now();
    ELSIF NOT NEW.is_read THEN
        NEW.read_at := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER notifications_track_read_at BEFORE UPDATE OF is_read
    ON public.notifications FOR EACH ROW EXECUTE FUNCTION arcanea.notifications_track_read_at();
