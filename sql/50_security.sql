-- ============================================================================
-- 50  Row-level security, privileges, storage buckets and policies
--                                                    (requires: notifications)
-- ============================================================================
-- The anon key and every user's JWT are public knowledge: apps call this
-- database straight from the browser, so it is the only line of defence.
-- Two layers, each closing what the other cannot:
--
--   * column privileges decide WHICH COLUMNS a role may write (a user may
--     edit their bio but never their tier, a creation's title but never its
--     like_count);
--   * RLS policies decide WHICH ROWS (their own profile, their own likes,
--     creations they can see).
--
-- Policies follow Supabase's performance guidance: `(select auth.uid())` so
-- the uid is computed once per statement, `TO anon` / `TO authenticated` on
-- every policy, one permissive policy per table and action, and every
-- policy column indexed (see 10_tables.sql).  Visibility of a creation is
-- defined once, by the creations SELECT policy; the likes and comments
-- policies ask "can I see that creation?" with an EXISTS that the creations
-- policy itself filters.
--
-- The column privileges are stated in 55_privileges.sql (applied by
-- 90_finalize.sql), which first takes back whatever the database's default
-- privileges handed out.
-- ============================================================================

-- Every table of the extension in public, which PostgREST exposes, has RLS
-- (the list comes from the catalog, so a new table cannot be missed; the
-- policies below decide what each role sees of it).
DO $enable_rls$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT o.rel FROM arcanea.own_relations() o
         WHERE o.relkind IN ('r', 'p') AND o.relnamespace = 'public'::regnamespace
         ORDER BY 1
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
    END LOOP;
END
$enable_rls$;

-- ---------------------------------------------------------------------------
-- profiles: everyone reads the public fields of active profiles (a
-- deactivated one reads as not found, but to its owner); the owner edits
-- their presentation and may deactivate or reactivate the account
-- (is_active).  Billing (Stripe ids, subscription status) is not readable
-- by the API roles at all: the owner reads it through get_user_stats();
-- tier, verification, counters and arcanean_id are written only by the
-- service role and the database.  Private fields are in profile_private.
-- ---------------------------------------------------------------------------

CREATE POLICY profiles_select ON public.profiles FOR SELECT TO anon, authenticated
    USING (is_active OR id = (SELECT auth.uid()));
CREATE POLICY profiles_update ON public.profiles FOR UPDATE TO authenticated
    USING (id = (SELECT auth.uid()))
    WITH CHECK (id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- profile_private: the owner's alone (the service role bypasses RLS).  The
-- row is made with the profile; the owner reads and edits it.
-- ---------------------------------------------------------------------------
CREATE POLICY profile_private_owner ON public.profile_private FOR ALL TO authenticated
    USING (id = (SELECT auth.uid()))
    WITH CHECK (id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- luminors: read the active, public ones; operators write with service_role.
-- The system prompt is the product's own know-how and stays server-side
-- (the service role reads it to call the model), so `select=*` on luminors
-- is refused for the API roles: list the columns.
-- ---------------------------------------------------------------------------

CREATE POLICY luminors_select ON public.luminors FOR SELECT TO anon, authenticated
    USING (is_active AND is_public);

-- ---------------------------------------------------------------------------
-- luminor_conversations: the owner's alone.
-- ---------------------------------------------------------------------------

CREATE POLICY luminor_conversations_owner ON public.luminor_conversations FOR ALL TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- luminor_messages: the owner reads their conversations and writes their
-- own turns (role 'user', and no model, tokens or cost: those columns are
-- not even insertable); they may rate a message.  Assistant and system
-- messages come from the service role.  The composite key on
-- (conversation_id, user_id) ties a message to its conversation's owner.
-- ---------------------------------------------------------------------------

CREATE POLICY luminor_messages_select ON public.luminor_messages FOR SELECT TO authenticated
    USING (user_id = (SELECT auth.uid()));
CREATE POLICY luminor_messages_insert ON public.luminor_messages FOR INSERT TO authenticated
    WITH CHECK (user_id = (SELECT auth.uid()) AND role = 'user');
CREATE POLICY luminor_messages_update ON public.luminor_messages FOR UPDATE TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- luminor_relationships: the owner reads the bond and edits their
-- preferences; level, XP, interactions and memories move only through
-- functions.
-- ---------------------------------------------------------------------------

CREATE POLICY luminor_relationships_owner ON public.luminor_relationships FOR ALL TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- creations: the owner reads all of theirs, everyone reads published public
-- ones.  Owners create drafts and edit content; status moves through
-- publish_creation / archive_creation (or the service role's pipeline), and
-- counters, is_featured and published_at are the database's.
-- ---------------------------------------------------------------------------

-- A deactivated account's creations go with it: the author must be a
-- profile the reader can see (the profiles policy says which).
--
-- OFFSET 0 in this and the other policies' profile checks (likes,
-- comments, follows), and in their creation checks: it keeps each check a
-- probe of the primary key per row.
-- Without it, when the planner expects many rows it turns the EXISTS into
-- a hashed subplan that reads every profile first, even for a page of 20:
-- GET /creations?order=created_at.desc&limit=20 took 87 ms (100,004
-- profiles; the scale-1 benchmark data, EXPLAIN ANALYZE as a signed-in
-- user) and 0.8 ms with the probe; 20 of a celebrity's followers 166 ms
-- and 0.6 ms.  The price is paid by reads of tens of thousands of rows at
-- once: counting all 54,694 followers of that account took 625 ms against
-- 208 ms hashed.  PostgREST pages its reads; the RPCs count their own way.
CREATE POLICY creations_select ON public.creations FOR SELECT TO anon, authenticated
    USING ((status = 'published' AND is_public
            AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = creations.user_id OFFSET 0))
           OR user_id = (SELECT auth.uid()));
CREATE POLICY creations_insert ON public.creations FOR INSERT TO authenticated
    WITH CHECK (user_id = (SELECT auth.uid()) AND status IN ('draft', 'processing'));
CREATE POLICY creations_update ON public.creations FOR UPDATE TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY creations_delete ON public.creations FOR DELETE TO authenticated
    USING (user_id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- likes: visible when the creation is (or the like is your own); you like
-- and unlike as yourself, only what you can see.
-- ---------------------------------------------------------------------------

-- A deactivated account's likes leave the lists of who liked what.
CREATE POLICY likes_select ON public.likes FOR SELECT TO anon, authenticated
    USING (user_id = (SELECT auth.uid())
           OR (EXISTS (SELECT 1 FROM public.creations c WHERE c.id = likes.creation_id OFFSET 0)
               AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = likes.user_id OFFSET 0)));
CREATE POLICY likes_insert ON public.likes FOR INSERT TO authenticated
    WITH CHECK (user_id = (SELECT auth.uid())
                AND EXISTS (SELECT 1 FROM public.creations c WHERE c.id = likes.creation_id));
CREATE POLICY likes_delete ON public.likes FOR DELETE TO authenticated
    USING (user_id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- comments: read where the creation and the author are visible; write as
-- yourself on published public creations; edit the content of (is_edited
-- follows) and delete your own.  Moderation flags and like counts are not
-- user-writable.
-- ---------------------------------------------------------------------------

-- A deactivated account's comments are hidden with it (its own profile
-- stays visible to its owner, and so do its comments).
CREATE POLICY comments_select ON public.comments FOR SELECT TO anon, authenticated
    USING (EXISTS (SELECT 1 FROM public.creations c WHERE c.id = comments.creation_id OFFSET 0)
           AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = comments.user_id OFFSET 0));
CREATE POLICY comments_insert ON public.comments FOR INSERT TO authenticated
    WITH CHECK (user_id = (SELECT auth.uid())
                AND EXISTS (SELECT 1 FROM public.creations c
                             WHERE c.id = comments.creation_id AND c.status = 'published' AND c.is_public));
CREATE POLICY comments_update ON public.comments FOR UPDATE TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));
CREATE POLICY comments_delete ON public.comments FOR DELETE TO authenticated
    USING (user_id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- follows: the social graph is public (between active accounts); you
-- follow and unfollow as yourself.
-- ---------------------------------------------------------------------------

-- Follower lists leave deactivated accounts out: both ends must be
-- profiles the reader can see (the profiles policy says which: active
-- ones, and one's own).  One's own follows always show, so that a user
-- can still unfollow an account that went away.
CREATE POLICY follows_select ON public.follows FOR SELECT TO anon, authenticated
    USING (follower_id = (SELECT auth.uid())
           OR (EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = follows.follower_id OFFSET 0)
               AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = follows.following_id OFFSET 0)));
CREATE POLICY follows_insert ON public.follows FOR INSERT TO authenticated
    WITH CHECK (follower_id = (SELECT auth.uid()));
CREATE POLICY follows_update ON public.follows FOR UPDATE TO authenticated
    USING (follower_id = (SELECT auth.uid()))
    WITH CHECK (follower_id = (SELECT auth.uid()));
CREATE POLICY follows_delete ON public.follows FOR DELETE TO authenticated
    USING (follower_id = (SELECT auth.uid()));

-- ---------------------------------------------------------------------------
-- notifications: the recipient's alone; they mark read or archived and
-- delete.  Only the database and the service role create them.
-- ---------------------------------------------------------------------------

CREATE POLICY notifications_recipient ON public.notifications FOR ALL TO authenticated
    USING (user_id = (SELECT auth.uid()))
    WITH CHECK (user_id = (SELECT auth.uid()));

-- ============================================================================
-- Storage: three buckets and the policies for the spec's paths
--   avatars     {user_id}/avatar.{ext}                 public files; listed while the profile is active
--   creations   {user_id}/{type}/{creation_id}.{ext}   the owner, and everyone once published and public
--   thumbnails  {user_id}/{creation_id}-thumb.{ext}    public files; listed as their creation is
-- owner_id in storage.objects is text; folders are compared to
-- (select auth.uid())::text.  Nothing here deletes storage rows (Supabase
-- forbids direct deletes).
--
-- The policies govern only the buckets this extension created, listed in
-- arcanea.buckets.  A bucket that already existed under one of these names
-- belongs to the project: the extension leaves its settings and its objects
-- alone and opens nothing in it (the install says so in a WARNING).
--
-- A public bucket serves every file by URL to whoever knows its path;
-- these policies decide what can be listed and read through the API, so a
-- draft's thumbnail never shows up in a listing.
-- ============================================================================
CREATE TABLE arcanea.buckets (
    id text PRIMARY KEY CONSTRAINT buckets_known CHECK (id IN ('avatars', 'creations', 'thumbnails'))
);
COMMENT ON TABLE arcanea.buckets IS
    'The storage buckets this extension created and governs with its policies. A bucket of the same name that existed before stays the project''s own.';
-- On restore the dumped rows replace the seeded ones (40_luminors_seed.sql).
CREATE TRIGGER buckets_replace_seeded_row_on_restore BEFORE INSERT
    ON arcanea.buckets FOR EACH ROW EXECUTE FUNCTION arcanea.replace_seeded_row_on_restore();
ALTER TABLE arcanea.buckets ENABLE ALWAYS TRIGGER buckets_replace_seeded_row_on_restore;

WITH created AS (
    INSERT INTO storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
    VALUES
        ('avatars', 'avatars', true, 5 * 1024 * 1024,
         ARRAY['image/jpeg', 'image/png', 'image/webp', 'image/gif']),
        ('creations', 'creations', false, 100 * 1024 * 1024,
         ARRAY['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/svg+xml',
               'video/mp4', 'video/webm', 'video/quicktime',
               'audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/ogg', 'audio/flac', 'audio/aac', 'audio/mp4',
               'application/pdf']),
        ('thumbnails', 'thumbnails', true, 2 * 1024 * 1024,
         ARRAY['image/jpeg', 'image/png', 'image/webp'])
    ON CONFLICT (id) DO NOTHING
    RETURNING id
)
INSERT INTO arcanea.buckets (id) SELECT id FROM created;

DO $left_closed$
DECLARE
    bucket text;
BEGIN
    FOR bucket IN SELECT b FROM unnest(ARRAY['avatars', 'creations', 'thumbnails']) b
                   WHERE b NOT IN (SELECT id FROM arcanea.buckets) ORDER BY 1 LOOP
        RAISE WARNING 'storage bucket "%" already exists: Arcanea leaves it as it is and opens nothing in it', bucket
            USING HINT = format('To let Arcanea govern it (its policies, its paths), after checking its settings: '
                                'INSERT INTO arcanea.buckets VALUES (%L);', bucket);
    END LOOP;
END
$left_closed$;

-- A uuid from text that may not be one (part of an object's path), for an
-- index lookup; NULL when it is not a uuid.
CREATE FUNCTION arcanea.uuid_or_null(value text) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN value::uuid END
$$;

-- Your own folder: everything in it is yours to read and write.
CREATE FUNCTION arcanea.in_own_storage_folder(object_name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (storage.foldername(object_name))[1] = (SELECT auth.uid())::text
$$;

-- Reading someone else's object follows what the reader may see of the row
-- it belongs to: the profile for an avatar, the creation for a file or a
-- thumbnail.  A draft, a private creation or a deactivated profile shows
-- nothing.
CREATE FUNCTION arcanea.storage_read_allowed(bucket text, object_name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT arcanea.in_own_storage_folder(object_name)
        OR CASE bucket
           WHEN 'avatars' THEN
               EXISTS (SELECT 1 FROM public.profiles p
                        WHERE p.id = arcanea.uuid_or_null((storage.foldername(object_name))[1])
                          AND p.is_active)
           WHEN 'creations' THEN
               EXISTS (SELECT 1 FROM public.creations c
                        WHERE c.id = arcanea.uuid_or_null(split_part(storage.filename(object_name), '.', 1))
                          AND c.user_id = arcanea.uuid_or_null((storage.foldername(object_name))[1])
                          AND c.status = 'published' AND c.is_public)
           WHEN 'thumbnails' THEN
               EXISTS (SELECT 1 FROM public.creations c
                        WHERE c.id = arcanea.uuid_or_null(
                                         left(split_part(storage.filename(object_name), '.', 1), -length('-thumb')))
                          AND c.user_id = arcanea.uuid_or_null((storage.foldername(object_name))[1])
                          AND c.status = 'published' AND c.is_public)
           ELSE false
       END
$$;

CREATE POLICY arcanea_storage_select ON storage.objects FOR SELECT TO anon, authenticated
    USING (bucket_id IN (SELECT b.id FROM arcanea.buckets b)
           AND arcanea.storage_read_allowed(bucket_id, name));

-- Writes: only under your own folder, in the shape the spec gives for each
-- bucket; a creation file or thumbnail must name a creation of yours.  One
-- function serves INSERT and the new row of UPDATE (a rename or a move
-- between buckets must land in a shape the bucket takes, too).  It runs as
-- the caller, so "a creation of yours" is read under the creations policy.
CREATE FUNCTION arcanea.storage_write_allowed(bucket text, object_name text) RETURNS boolean
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
                              AND c.id = arcanea.uuid_or_null(split_part(storage.filename(object_name), '.', 1)))
           WHEN 'thumbnails' THEN
               cardinality(storage.foldername(object_name)) = 1
               AND storage.filename(object_name) ~ '-thumb\.(jpe?g|png|webp)$'
               AND EXISTS (SELECT 1 FROM public.creations c
                            WHERE c.user_id = (SELECT auth.uid())
                              AND c.id = arcanea.uuid_or_null(
                                             left(split_part(storage.filename(object_name), '.', 1), -length('-thumb'))))
           ELSE false
       END
$$;
-- owner_id, when set, must be the uploader (the Storage API sets it from the
-- JWT; nobody may file an object under someone else's name).
CREATE POLICY arcanea_storage_insert ON storage.objects FOR INSERT TO authenticated
    WITH CHECK (bucket_id IN (SELECT b.id FROM arcanea.buckets b)
                AND arcanea.storage_write_allowed(bucket_id, name)
                AND (owner_id IS NULL OR owner_id = (SELECT auth.uid())::text));

CREATE POLICY arcanea_storage_update ON storage.objects FOR UPDATE TO authenticated
    USING (bucket_id IN (SELECT b.id FROM arcanea.buckets b) AND arcanea.in_own_storage_folder(name))
    WITH CHECK (bucket_id IN (SELECT b.id FROM arcanea.buckets b)
                AND arcanea.storage_write_allowed(bucket_id, name)
                AND (owner_id IS NULL OR owner_id = (SELECT auth.uid())::text));

-- The write policies call arcanea's functions, which also ties them to the
-- extension: inside Supabase, DROP EXTENSION arcanea CASCADE takes every one
-- of them along (and nothing of Supabase's).
CREATE POLICY arcanea_storage_delete ON storage.objects FOR DELETE TO authenticated
    USING (bucket_id IN (SELECT b.id FROM arcanea.buckets b) AND arcanea.in_own_storage_folder(name));
