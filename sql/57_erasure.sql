-- ============================================================================
-- 57  Erasure: a deleted account leaves nothing behind  (requires: security)
-- ============================================================================
-- Deleting the auth.users row (GoTrue's "delete user") cascades to the
-- profile and every row hanging off it; the counters follow their rows.
-- What a cascade cannot reach is removed here:
--   * other users' notifications that name the account as their actor (its
--     likes, follows, comments: metadata keeps a copy of the actor's id,
--     username and avatar);
--   * its name in other users' comments (and in the excerpts of them that
--     notifications carry): an "@name" mention becomes "@[deleted]" (a
--     freed username can be taken again, and the old mentions must not
--     start pointing at the newcomer); the rest of their text is theirs and
--     stays;
--   * its rate-limit windows (arcanea.rate_limit_usage, keyed by its id);
--   * the notification groups it was told of or caused
--     (arcanea.notification_groups);
--   * words of the typo-correction vocabulary that only its creations used;
--   * its files: rows of storage.objects in the extension's buckets under
--     its folder.  Supabase Storage must delete a file through its API (a
--     deleted row would leave the file behind), so their paths are listed
--     in arcanea.storage_erasures for the service to delete
--     (public.pending_storage_erasures()); entries leave the list once the
--     file is gone.
-- docs/operations.md#privacy says what the app still has to do.
-- ============================================================================

CREATE TABLE arcanea.storage_erasures (
    bucket_id    text NOT NULL,
    name         text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket_id, name)
);
COMMENT ON TABLE arcanea.storage_erasures IS
    'Files of erased accounts still to delete through the Storage API; see public.pending_storage_erasures().';

-- Replaces every mention of `username` in other users' comments by `token`,
-- and in the excerpts of those comments that notifications carry.
CREATE FUNCTION arcanea.comments_unmention(author uuid, username text, token text) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    WITH rewritten AS (
        UPDATE public.comments c
           SET content = regexp_replace(c.content, '(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])',
                                        '\1' || token, 'gi')
         WHERE c.user_id <> author
           AND c.content ILIKE '%@' || username || '%'
           AND c.content ~* ('(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])')
        RETURNING c.id)
    UPDATE public.notifications n
       SET message = regexp_replace(n.message, '(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])',
                                    '\1' || token, 'gi')
     WHERE n.type IN ('mention', 'comment_reply', 'creation_commented')   -- idx_notifications_comment
       AND n.metadata ->> 'comment_id' IN (SELECT r.id::text FROM rewritten r)
       AND n.message ~* ('(^|[^[:alnum:]_])@' || username || '(?![[:alnum:]_])')
$$;

-- Before the profile goes (its own rows are still there to read).
CREATE FUNCTION arcanea.profiles_erase_traces() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM public.notifications n
     WHERE n.metadata ? 'actor_id' AND n.metadata ->> 'actor_id' = OLD.id::text;
    -- Mentions are matched as arcanea.parse_mentions() finds them: not
    -- after a letter, digit or underscore, case-insensitive, the whole name.
    -- A sequential read of comments (ILIKE first: the regular expression
    -- runs only where the name occurs); erasures are rare.  Should the
    -- longer token push a comment over its length limit (23514), all of
    -- them get '@[-]', which is never longer than a mention ('@' and 3
    -- characters at least).
    BEGIN
        PERFORM arcanea.comments_unmention(OLD.id, OLD.username, '@[deleted]');
    EXCEPTION WHEN check_violation THEN
        PERFORM arcanea.comments_unmention(OLD.id, OLD.username, '@[-]');
    END;
    DELETE FROM arcanea.rate_limit_usage u
     WHERE u.subject = OLD.id::text OR u.subject LIKE OLD.id::text || '/%';
    -- The actor is the key's second field ('type:actor[:target]', written by
    -- the triggers of 30_notifications.sql): a sequential read of the groups
    -- of the last day or so, as for comments above.
    DELETE FROM arcanea.notification_groups g
     WHERE g.user_id = OLD.id OR split_part(g.group_key, ':', 2) = OLD.id::text;
    INSERT INTO arcanea.storage_erasures (bucket_id, name)
    SELECT o.bucket_id, o.name
      FROM storage.objects o
     WHERE o.bucket_id IN (SELECT b.id FROM arcanea.buckets b)
       AND o.name LIKE OLD.id::text || '/%'
    ON CONFLICT (bucket_id, name) DO NOTHING;
    RETURN OLD;
END
$$;
CREATE TRIGGER profiles_erase_traces BEFORE DELETE ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION arcanea.profiles_erase_traces();

-- The vocabulary keeps a word while some published public creation uses
-- it: when creations go (deleted, or with their account), their words that
-- no remaining one has leave too.  A statement trigger, so a cascade that
-- deletes all of an account's creations checks each word once.  A word is
-- used when a creation's search document has it verbatim (title, tags) or
-- stemmed (description): the GIN index answers both.
CREATE FUNCTION arcanea.creations_release_terms() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM arcanea.search_terms t
     WHERE t.term IN (
               SELECT DISTINCT w
                 FROM gone g,
                      regexp_split_to_table(
                          lower(coalesce(g.title, '') || ' ' || array_to_string(g.tags, ' ') || ' '
                                || coalesce(g.description, '')),
                          '[^[:alnum:]]+') AS w
                WHERE g.status = 'published' AND g.is_public AND char_length(w) BETWEEN 3 AND 30)
       AND NOT EXISTS (
               SELECT 1 FROM public.creations c
                WHERE c.status = 'published' AND c.is_public
                  AND c.search_vector @@ (plainto_tsquery('pg_catalog.simple', t.term)
                                          || plainto_tsquery('pg_catalog.english', t.term)));
    RETURN NULL;
END
$$;
CREATE TRIGGER creations_release_terms AFTER DELETE ON public.creations
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION arcanea.creations_release_terms();
