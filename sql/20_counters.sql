-- ============================================================================
-- 20  Derived columns: updated_at, search vectors, counters  (requires: tables)
-- ============================================================================
-- Every counter the spec lists is kept by the database, in the same
-- transaction as the row that changes it, by an atomic `SET n = n + d`.
-- Row-level AFTER triggers for inserts and updates, because each RPC writes
-- one row at a time and a row trigger costs one indexed UPDATE, where a
-- statement trigger with transition tables costs a tuplestore and an
-- aggregate per statement; multi-row statements stay exact because every
-- row fires.  Deletions of likes, comments and follows are counted per
-- statement instead: deleting an account cascades over all of them at once
-- (one heavy user's 100,000 likes took 14 s of row triggers, each locking
-- a liked creation until the end; pgrx-tests/bench/PRIVACY_RESULTS.md has
-- the time now), and an unlike costs about the same either way.
--
-- Lock order (rows stay locked until commit): a trigger may lock a creation
-- and then its owner's profile (publishing), never the other way round; the
-- follow trigger updates both profiles in ONE statement over `id = ANY(...)`,
-- whose index scan visits keys in sorted order, so A-follows-B racing
-- B-follows-A lock the same two rows in the same order and cannot deadlock.
-- The statement triggers lock their rows in id order too, before updating
-- them, so that two statements deleting many rows at once (two erasures)
-- cannot lock the same counters in opposite orders.  FOR NO KEY UPDATE is
-- the lock the counter update takes: it leaves the KEY SHARE locks of
-- foreign-key checks (a like's check of its creation) alone, where FOR
-- UPDATE would wait for them and deadlock.  A statement that deleted
-- nothing (toggle_like's DELETE when it likes) returns at once.
--
-- The trigger functions are SECURITY DEFINER: a user may insert a like, but
-- may not write creations.like_count.  Each pins search_path and qualifies
-- every name.
-- ============================================================================

-- ---------------------------------------------------------------------------
-- updated_at: bumped only when a column a person edits changes (the trigger
-- lists them), so a like or a new message does not make a row look edited.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER profiles_touch_updated_at BEFORE UPDATE OF
    username, display_name, avatar_url, bio, tier, subscription_status, stripe_customer_id,
    stripe_subscription_id, is_active, is_verified
    ON public.profiles FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
-- (Not last_active_at: being seen is not an edit.)
CREATE TRIGGER profile_private_touch_updated_at BEFORE UPDATE OF
    preferences, onboarding_completed, onboarding_step, share_presence
    ON public.profile_private FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();

-- Every profile has its private row, however the profile was made (the
-- sign-up trigger, the service role); during a restore (replica mode)
-- triggers are quiet and the dump brings the rows.
CREATE FUNCTION arcanea.profiles_make_private_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO public.profile_private (id) VALUES (NEW.id) ON CONFLICT (id) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER profiles_make_private_row AFTER INSERT ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION arcanea.profiles_make_private_row();
CREATE TRIGGER luminors_touch_updated_at BEFORE UPDATE OF
    name, slug, title, specialty, color, avatar_url, icon, personality, system_prompt,
    greeting_message, expertise, ai_tools, is_active, is_public
    ON public.luminors FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE TRIGGER luminor_conversations_touch_updated_at BEFORE UPDATE OF
    title, session_id, context, is_active, is_archived
    ON public.luminor_conversations FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE TRIGGER luminor_relationships_touch_updated_at BEFORE UPDATE OF
    bond_level, bond_xp, total_interactions, personality_match, user_preferences, key_memories
    ON public.luminor_relationships FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();
CREATE TRIGGER creations_touch_updated_at BEFORE UPDATE OF
    title, description, type, file_url, thumbnail_url, file_size, file_format, ai_tool, prompt,
    model, generation_params, seed, metadata, status, is_public, is_featured, is_nsfw, license,
    allow_remix, allow_commercial, tags, categories
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.touch_updated_at();

-- An edited comment says so.
CREATE FUNCTION arcanea.comments_mark_edited() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.content IS DISTINCT FROM OLD.content THEN
        NEW.is_edited := true;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER comments_mark_edited BEFORE UPDATE OF content
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_mark_edited();

-- ---------------------------------------------------------------------------
-- Search document: title (A) over tags (B) over description (C).  'simple'
-- keeps tags and names verbatim; 'english' stems the prose so "dragons"
-- finds "dragon".  Both are folded into one vector.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.creations_search_vector() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.search_vector :=
           setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.simple',  coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.simple',  coalesce(array_to_string(NEW.tags, ' '), '')), 'B')
        || setweight(to_tsvector('pg_catalog.english', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$;
CREATE TRIGGER creations_search_vector BEFORE INSERT OR UPDATE OF title, tags, description
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.creations_search_vector();

-- ---------------------------------------------------------------------------
-- creations.like_count
-- ---------------------------------------------------------------------------
-- An UPDATE that moves a row to another target (service role only: users
-- cannot write these columns) counts as leaving the old and joining the new.
CREATE FUNCTION arcanea.likes_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE public.creations SET like_count = like_count - 1 WHERE id = OLD.creation_id;
    END IF;
    UPDATE public.creations SET like_count = like_count + 1 WHERE id = NEW.creation_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_maintain_count AFTER INSERT OR UPDATE OF creation_id
    ON public.likes FOR EACH ROW EXECUTE FUNCTION arcanea.likes_maintain_count();

-- Deleted likes or comments, per statement: each creation loses its own.
-- One function for both tables (TG_TABLE_NAME says which counter moves),
-- with static statements, whose plans the session keeps.
CREATE FUNCTION arcanea.creations_release_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ids uuid[];
    counts integer[];
    likes boolean := TG_TABLE_NAME = 'likes';
BEGIN
    SELECT array_agg(g.creation_id ORDER BY g.creation_id), array_agg(g.n ORDER BY g.creation_id)
      INTO ids, counts
      FROM (SELECT creation_id, count(*)::integer AS n FROM gone GROUP BY creation_id) g;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM FROM public.creations c WHERE c.id = ANY (ids) ORDER BY c.id FOR NO KEY UPDATE;
    UPDATE public.creations c
       SET like_count    = c.like_count    - CASE WHEN likes THEN d.n ELSE 0 END,
           comment_count = c.comment_count - CASE WHEN likes THEN 0 ELSE d.n END
      FROM unnest(ids, counts) AS d(id, n)
     WHERE c.id = d.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER likes_release_count AFTER DELETE ON public.likes
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_counts();

-- ---------------------------------------------------------------------------
-- creations.comment_count (a reply counts like any other comment)
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.comments_maintain_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE public.creations SET comment_count = comment_count - 1 WHERE id = OLD.creation_id;
    END IF;
    UPDATE public.creations SET comment_count = comment_count + 1 WHERE id = NEW.creation_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_maintain_count AFTER INSERT OR UPDATE OF creation_id
    ON public.comments FOR EACH ROW EXECUTE FUNCTION arcanea.comments_maintain_count();

-- Deleted comments (and the replies under them), per statement.
CREATE TRIGGER comments_release_count AFTER DELETE ON public.comments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_counts();

-- ---------------------------------------------------------------------------
-- profiles.follower_count / following_count
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.follows_apply(edge public.follows, delta integer) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    -- One statement for both rows: see the lock-order note at the top.
    UPDATE public.profiles
       SET follower_count  = follower_count  + CASE WHEN id = edge.following_id THEN delta ELSE 0 END,
           following_count = following_count + CASE WHEN id = edge.follower_id  THEN delta ELSE 0 END
     WHERE id = ANY (ARRAY[edge.follower_id, edge.following_id]);
$$;
CREATE FUNCTION arcanea.follows_maintain_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM arcanea.follows_apply(OLD, -1);
    END IF;
    PERFORM arcanea.follows_apply(NEW, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_maintain_counts AFTER INSERT OR UPDATE OF follower_id, following_id
    ON public.follows FOR EACH ROW EXECUTE FUNCTION arcanea.follows_maintain_counts();

-- Deleted follows, per statement: each profile loses the followers and
-- followings it had among them, in one update of each profile.
CREATE FUNCTION arcanea.follows_release_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ids uuid[];
    followers integer[];
    followings integer[];
BEGIN
    SELECT array_agg(e.id ORDER BY e.id), array_agg(e.followers ORDER BY e.id), array_agg(e.followings ORDER BY e.id)
      INTO ids, followers, followings
      FROM (SELECT x.id, sum(x.follower)::integer AS followers, sum(x.following)::integer AS followings
              FROM (SELECT following_id AS id, 1 AS follower, 0 AS following FROM gone
                    UNION ALL
                    SELECT follower_id, 0, 1 FROM gone) x
             GROUP BY x.id) e;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM FROM public.profiles p WHERE p.id = ANY (ids) ORDER BY p.id FOR NO KEY UPDATE;
    UPDATE public.profiles p
       SET follower_count = p.follower_count - d.followers,
           following_count = p.following_count - d.followings
      FROM unnest(ids, followers, followings) AS d(id, followers, followings)
     WHERE p.id = d.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER follows_release_counts AFTER DELETE ON public.follows
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION arcanea.follows_release_counts();

-- ---------------------------------------------------------------------------
-- profiles.creation_count: published creations only, so it moves on
-- publish, archive, unpublish and delete.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.creations_maintain_count() RETURNS trigger
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
CREATE TRIGGER creations_maintain_count AFTER INSERT OR DELETE OR UPDATE OF status, user_id
    ON public.creations FOR EACH ROW EXECUTE FUNCTION arcanea.creations_maintain_count();

-- ---------------------------------------------------------------------------
-- luminor_conversations.message_count / last_message_at,
-- luminors.interaction_count (messages users sent to that Luminor) and
-- luminors.average_rating (over rated messages, kept exactly from
-- rating_count and rating_sum).
-- ---------------------------------------------------------------------------

-- A Luminor's counters move by the messages' deltas.
CREATE FUNCTION arcanea.luminor_apply(
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

-- One message joining (+1) or leaving (-1) its conversation.
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

CREATE FUNCTION arcanea.messages_maintain_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.conversation_id = OLD.conversation_id AND NEW.role = OLD.role THEN
        -- Only the rating changed: move the Luminor's average.
        PERFORM arcanea.luminor_apply(
            (SELECT luminor_id FROM public.luminor_conversations WHERE id = NEW.conversation_id), 0,
            (NEW.user_rating IS NOT NULL)::int - (OLD.user_rating IS NOT NULL)::int,
            coalesce(NEW.user_rating, 0) - coalesce(OLD.user_rating, 0));
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM arcanea.message_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM arcanea.message_apply(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_maintain_counts
    AFTER INSERT OR DELETE OR UPDATE OF user_rating, conversation_id, role
    ON public.luminor_messages FOR EACH ROW EXECUTE FUNCTION arcanea.messages_maintain_counts();

-- A conversation's messages leave with it (ON DELETE CASCADE), but by the
-- time their triggers run the conversation row, the way to their Luminor, is
-- gone: take them off the Luminor's counters here, before it goes.
CREATE FUNCTION arcanea.conversations_release_messages() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM arcanea.luminor_apply(OLD.luminor_id,
                                  -count(*) FILTER (WHERE m.role = 'user')::int,
                                  -count(m.user_rating)::int,
                                  -coalesce(sum(m.user_rating), 0)::int)
       FROM public.luminor_messages m WHERE m.conversation_id = OLD.id;
    RETURN OLD;
END
$$;
CREATE TRIGGER conversations_release_messages BEFORE DELETE
    ON public.luminor_conversations FOR EACH ROW EXECUTE FUNCTION arcanea.conversations_release_messages();

-- ---------------------------------------------------------------------------
-- luminors.user_count: users with a relationship to that Luminor
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.relationships_maintain_count() RETURNS trigger
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
CREATE TRIGGER relationships_maintain_count AFTER INSERT OR DELETE OR UPDATE OF luminor_id
    ON public.luminor_relationships FOR EACH ROW EXECUTE FUNCTION arcanea.relationships_maintain_count();

-- ---------------------------------------------------------------------------
-- arcanea.recount_counters(): recompute every counter from the rows it
-- counts, fix the ones that drifted (a bulk load with triggers off, a restore
-- without session_replication_role, a manual edit) and report what moved.
-- ---------------------------------------------------------------------------
CREATE FUNCTION arcanea.recount_counters()
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
COMMENT ON FUNCTION arcanea.recount_counters() IS
    'Recomputes every denormalised counter from its rows, fixes drift, and reports how many rows each counter fixed. Service role only.';
