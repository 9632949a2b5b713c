-- Storage: Arcanea's three buckets and its policies on storage.objects.
--   avatars     {uid}/avatar.{ext}                 public files; listed while the profile is active
--   creations   {uid}/{type}/{creation_id}.{ext}   owner; everyone once published and public
--   thumbnails  {uid}/{creation_id}-thumb.{ext}    public files; listed as their creation is
-- Objects are written as the Storage API writes them (bucket_id, name,
-- owner_id), with role and claims set as PostgREST sets them.
BEGIN;
SELECT plan(66);

\ir fixtures/act_as.sql

\ir fixtures/rows.sql

-- denied(sql): the SQLSTATE a statement fails with; a statement that
-- succeeds is undone (so one wrong outcome does not spill into the next
-- assertions) and reported with its row count.
CREATE FUNCTION pg_temp.denied(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    BEGIN
        EXECUTE q;
        GET DIAGNOSTICS n = ROW_COUNT;
        RAISE EXCEPTION USING ERRCODE = 'P0999', MESSAGE = n::text;
    EXCEPTION WHEN SQLSTATE 'P0999' THEN
        RETURN format('no error: %s row(s) changed (undone)', SQLERRM);
    END;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

-- put(bucket, name): an upload by the current user, owner_id from the JWT.
CREATE FUNCTION pg_temp.put(bucket text, path text) RETURNS text LANGUAGE sql AS $$
    SELECT format('INSERT INTO storage.objects (bucket_id, name, owner_id) VALUES (%L, %L, %L)',
                  bucket, path, auth.uid()::text);
$$;

-- alice a1: one draft (d1) and one published private creation (p3); bob b2:
-- one published public creation (b4).
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@storage.test', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@storage.test',   '{"username":"bob"}'),
    ('cccccccc-0000-4000-8000-0000000000c3', 'carol@storage.test', '{"username":"carol"}');
-- carol has left (deactivated).
UPDATE public.profiles SET is_active = false WHERE id = 'cccccccc-0000-4000-8000-0000000000c3';
INSERT INTO public.creations (id, user_id, title, type, status, is_public, published_at) VALUES
    ('d1000000-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Alice draft',   'image', 'draft',     true,  NULL),
    ('d1000000-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Alice private', 'image', 'published', false, now()),
    ('d1000000-0000-4000-8000-000000000004', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bob public',    'music', 'published', true,  now());
-- A bucket that is not Arcanea's: its policies must not open it.
INSERT INTO storage.buckets (id, name, public) VALUES ('other', 'other', false);
-- Files put there by the service (the Storage API with the service key).
INSERT INTO storage.objects (bucket_id, name) VALUES
    ('creations', 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000003.png'),
    ('creations', 'bbbbbbbb-0000-4000-8000-0000000000b2/music/d1000000-0000-4000-8000-000000000004.mp3'),
    ('creations', 'bbbbbbbb-0000-4000-8000-0000000000b2/image/d1000000-0000-4000-8000-000000000003.png'),
    ('other', 'aaaaaaaa-0000-4000-8000-0000000000a1/notes.txt'),
    ('thumbnails', 'bbbbbbbb-0000-4000-8000-0000000000b2/d1000000-0000-4000-8000-000000000004-thumb.png'),
    ('thumbnails', 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000003-thumb.png'),
    ('avatars', 'cccccccc-0000-4000-8000-0000000000c3/avatar.png');

-- ===========================================================================
-- Buckets
-- ===========================================================================
SELECT row_eq($$SELECT public, file_size_limit, allowed_mime_types FROM storage.buckets WHERE id = 'avatars'$$,
              ROW(true, 5242880::bigint, ARRAY['image/jpeg', 'image/png', 'image/webp', 'image/gif']),
              'bucket avatars: public, 5 MB, jpeg/png/webp/gif');
SELECT row_eq($$SELECT public, file_size_limit FROM storage.buckets WHERE id = 'creations'$$,
              ROW(false, 104857600::bigint), 'bucket creations: not public (RLS decides), 100 MB');
SELECT ok((SELECT allowed_mime_types @> ARRAY['image/png', 'image/jpeg', 'video/mp4', 'audio/mpeg', 'application/pdf']
             FROM storage.buckets WHERE id = 'creations'),
          'bucket creations: allows images, videos, audio and PDF');
SELECT is_empty($$SELECT m FROM storage.buckets, unnest(allowed_mime_types) m
                   WHERE id = 'creations' AND m !~ '^(image|video|audio)/' AND m <> 'application/pdf'$$,
                'bucket creations: allows nothing but images, videos, audio and PDF');
SELECT row_eq($$SELECT public, file_size_limit, allowed_mime_types FROM storage.buckets WHERE id = 'thumbnails'$$,
              ROW(true, 2097152::bigint, ARRAY['image/jpeg', 'image/png', 'image/webp']),
              'bucket thumbnails: public, 2 MB, jpeg/png/webp');
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'storage.objects'::regclass),
          'storage.objects has RLS enabled');
-- Users cannot create, reconfigure or remove buckets.
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$INSERT INTO storage.buckets (id, name, public) VALUES ('mine', 'mine', true)$$, '42501', NULL,
                 'buckets: a user cannot create a bucket');
SELECT is(pg_temp.rows($$UPDATE storage.buckets SET public = true, file_size_limit = NULL WHERE id = 'creations' RETURNING 1$$), '0',
          'buckets: a user cannot make the creations bucket public or lift its limit');
SELECT is(pg_temp.rows($$DELETE FROM storage.buckets WHERE id = 'avatars' RETURNING 1$$), '0',
          'buckets: a user cannot delete a bucket');
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.rows($$UPDATE storage.buckets SET allowed_mime_types = NULL WHERE id = 'avatars' RETURNING 1$$), '0',
          'buckets: anon cannot change a bucket');
RESET ROLE;

-- ===========================================================================
-- Uploads as alice: her folder, each bucket's shape
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT lives_ok(pg_temp.put('avatars', 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png'),
                'upload: {uid}/avatar.png into avatars works');
SELECT lives_ok(pg_temp.put('creations', 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'),
                'upload: {uid}/image/{own creation}.png into creations works');
SELECT lives_ok(pg_temp.put('thumbnails', 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000001-thumb.webp'),
                'upload: {uid}/{own creation}-thumb.webp into thumbnails works');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE owner_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$), '3',
          'upload: the three uploads are stored and readable by their owner');

-- An object filed under someone else's name, in one's own folder.
SELECT throws_ok($$INSERT INTO storage.objects (bucket_id, name, owner_id)
                   VALUES ('avatars', 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.gif', 'bbbbbbbb-0000-4000-8000-0000000000b2')$$,
                 '42501', NULL, 'upload denied: owner_id set to another user');
-- Another user's folder.
SELECT throws_ok(pg_temp.put('avatars', 'bbbbbbbb-0000-4000-8000-0000000000b2/avatar.png'), '42501', NULL,
                 'upload denied: avatar into another user''s folder');
SELECT throws_ok(pg_temp.put('creations', 'bbbbbbbb-0000-4000-8000-0000000000b2/music/d1000000-0000-4000-8000-000000000004.mp3'),
                 '42501', NULL, 'upload denied: creation file into another user''s folder');
SELECT throws_ok(pg_temp.put('thumbnails', 'bbbbbbbb-0000-4000-8000-0000000000b2/d1000000-0000-4000-8000-000000000004-thumb.webp'),
                 '42501', NULL, 'upload denied: thumbnail into another user''s folder');
-- Wrong shapes.
SELECT throws_ok(pg_temp.put('avatars', 'avatar.png'), '42501', NULL,
                 'upload denied: avatar outside any folder');
SELECT throws_ok(pg_temp.put('avatars', 'aaaaaaaa-0000-4000-8000-0000000000a1/selfie.png'), '42501', NULL,
                 'upload denied: avatar not named avatar.{ext}');
SELECT throws_ok(pg_temp.put('avatars', 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.html'), '42501', NULL,
                 'upload denied: avatar with a non-image extension');
SELECT throws_ok(pg_temp.put('avatars', 'aaaaaaaa-0000-4000-8000-0000000000a1/old/avatar.png'), '42501', NULL,
                 'upload denied: avatar in a sub-folder');
SELECT throws_ok(pg_temp.put('creations', 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000001.png'),
                 '42501', NULL, 'upload denied: creation file without the type folder');
SELECT throws_ok(pg_temp.put('creations', 'aaaaaaaa-0000-4000-8000-0000000000a1/banana/d1000000-0000-4000-8000-000000000001.png'),
                 '42501', NULL, 'upload denied: creation file under an unknown type');
SELECT throws_ok(pg_temp.put('creations', 'aaaaaaaa-0000-4000-8000-0000000000a1/image/not-a-creation.png'),
                 '42501', NULL, 'upload denied: creation file not named after a creation');
SELECT throws_ok(pg_temp.put('thumbnails', 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000001.webp'),
                 '42501', NULL, 'upload denied: thumbnail without -thumb');
SELECT throws_ok(pg_temp.put('thumbnails', 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000001-thumb.gif'),
                 '42501', NULL, 'upload denied: thumbnail with an extension the bucket does not take');
SELECT throws_ok(pg_temp.put('thumbnails', 'aaaaaaaa-0000-4000-8000-0000000000a1/x/d1000000-0000-4000-8000-000000000001-thumb.webp'),
                 '42501', NULL, 'upload denied: thumbnail in a sub-folder');
SELECT throws_ok(pg_temp.put('other', 'aaaaaaaa-0000-4000-8000-0000000000a1/notes2.txt'), '42501', NULL,
                 'upload denied: a bucket that is not Arcanea''s');
-- A creation that is not one's own (bob's, published and public), in one's own folder.
SELECT throws_ok(pg_temp.put('creations', 'aaaaaaaa-0000-4000-8000-0000000000a1/music/d1000000-0000-4000-8000-000000000004.mp3'),
                 '42501', NULL, 'upload denied: creation file for another user''s creation');
SELECT throws_ok(pg_temp.put('thumbnails', 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000004-thumb.webp'),
                 '42501', NULL, 'upload denied: thumbnail for another user''s creation');

-- anon uploads nothing.
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT throws_ok($$INSERT INTO storage.objects (bucket_id, name)
                   VALUES ('avatars', 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.jpg')$$,
                 '42501', NULL, 'upload denied: anon');

-- ===========================================================================
-- Reads
-- ===========================================================================
-- Public buckets: everyone.
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'avatars'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png'$$), '1',
          'read: anon reads an avatar');
-- Listings show only what the reader may see of the row behind an object.
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'thumbnails'
                          AND name = 'bbbbbbbb-0000-4000-8000-0000000000b2/d1000000-0000-4000-8000-000000000004-thumb.png'$$), '1',
          'read: anon reads the thumbnail of a published public creation');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'thumbnails'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000001-thumb.webp'$$), '0',
          'read: anon does not list the thumbnail of a draft');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'thumbnails'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000003-thumb.png'$$), '0',
          'read: anon does not list the thumbnail of a published but private creation');
SELECT is(pg_temp.rows($$SELECT name FROM storage.objects WHERE bucket_id = 'thumbnails'$$), '1',
          'read: listing the thumbnails bucket as anon shows the one public creation''s thumbnail only');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'avatars'
                          AND name = 'cccccccc-0000-4000-8000-0000000000c3/avatar.png'$$), '0',
          'read: anon does not list the avatar of a deactivated profile');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'other'$$), '0',
          'read: anon reads nothing in a bucket that is not Arcanea''s');
-- creations: a draft's file.
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'$$), '0',
          'read: anon does not read the file of a draft');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000003.png'$$), '0',
          'read: anon does not read the file of a published but private creation');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'bbbbbbbb-0000-4000-8000-0000000000b2/music/d1000000-0000-4000-8000-000000000004.mp3'$$), '1',
          'read: anon reads the file of a published public creation');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'bbbbbbbb-0000-4000-8000-0000000000b2/image/d1000000-0000-4000-8000-000000000003.png'$$), '0',
          'read: a file in one user''s folder named after another user''s creation is not public');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'$$), '0',
          'read: another user does not read the file of a draft');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000003.png'$$), '0',
          'read: another user does not read the file of a published private creation');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'avatars'$$), '1',
          'read: another user reads the avatars of active profiles (alice''s, not carol''s)');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'thumbnails'
                          AND name LIKE 'aaaaaaaa-0000-4000-8000-0000000000a1/%'$$), '0',
          'read: another user does not list alice''s draft and private thumbnails');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'other'$$), '0',
          'read: another user reads nothing in a bucket that is not Arcanea''s');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name LIKE 'aaaaaaaa-0000-4000-8000-0000000000a1/%'$$), '2',
          'read: the owner reads the files of her draft and her private creation');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'thumbnails'
                          AND name LIKE 'aaaaaaaa-0000-4000-8000-0000000000a1/%'$$), '2',
          'read: the owner lists the thumbnails of her draft and her private creation');
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'cccccccc-0000-4000-8000-0000000000c3');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'avatars'
                          AND name = 'cccccccc-0000-4000-8000-0000000000c3/avatar.png'$$), '1',
          'read: a deactivated user still reads her own avatar');

-- Publishing the draft makes its file public.
RESET ROLE;
UPDATE public.creations SET status = 'published', published_at = now() WHERE id = 'd1000000-0000-4000-8000-000000000001';
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'$$), '1',
          'read: once published and public, another user reads the file');
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'$$), '1',
          'read: once published and public, anon reads the file');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'thumbnails'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000001-thumb.webp'$$), '1',
          'read: once published and public, anon lists its thumbnail');
-- ... and making it private again hides it.
RESET ROLE;
UPDATE public.creations SET is_public = false WHERE id = 'd1000000-0000-4000-8000-000000000001';
SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.rows($$SELECT 1 FROM storage.objects WHERE bucket_id = 'creations'
                          AND name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'$$), '0',
          'read: made private again, anon no longer reads the file');

-- ===========================================================================
-- Updates and deletes
-- ===========================================================================
RESET ROLE; SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(pg_temp.rows($$UPDATE storage.objects SET metadata = '{"by":"bob"}'
                          WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png' RETURNING 1$$), '0',
          'update: another user''s avatar is untouched');
SELECT is(pg_temp.rows($$DELETE FROM storage.objects WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png' RETURNING 1$$), '0',
          'delete: another user''s avatar is untouched');
RESET ROLE; SELECT pg_temp.act_as('anon');
SELECT is(pg_temp.rows($$UPDATE storage.objects SET metadata = '{"by":"anon"}' WHERE bucket_id = 'avatars' RETURNING 1$$), '0',
          'update: anon changes nothing');
SELECT is(pg_temp.rows($$DELETE FROM storage.objects WHERE bucket_id = 'avatars' RETURNING 1$$), '0',
          'delete: anon deletes nothing');

RESET ROLE; SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(pg_temp.rows($$UPDATE storage.objects SET metadata = '{"mimetype":"image/png"}'
                          WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png' RETURNING 1$$), '1',
          'update: the owner updates her avatar''s metadata');
SELECT is(pg_temp.denied($$UPDATE storage.objects SET name = 'bbbbbbbb-0000-4000-8000-0000000000b2/avatar.png'
                   WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png'$$), '42501',
          'update denied: moving an own file into another user''s folder');
-- An update must not reach a path that an upload could not: the INSERT
-- rules (shape, own creation, Arcanea's buckets) apply to the new row.
SELECT is(pg_temp.denied($$UPDATE storage.objects SET name = 'aaaaaaaa-0000-4000-8000-0000000000a1/page.html'
                   WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png'$$), '42501',
          'update denied: renaming an avatar to a shape avatars does not take');
SELECT is(pg_temp.denied($$UPDATE storage.objects SET bucket_id = 'thumbnails', name = 'aaaaaaaa-0000-4000-8000-0000000000a1/payload.exe'
                   WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png'$$), '42501',
          'update denied: moving a file into the public thumbnails bucket under a free name');
SELECT is(pg_temp.denied($$UPDATE storage.objects SET name = 'aaaaaaaa-0000-4000-8000-0000000000a1/music/d1000000-0000-4000-8000-000000000004.mp3'
                   WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'$$), '42501',
          'update denied: renaming a creation file after another user''s creation');
SELECT is(pg_temp.rows($$DELETE FROM storage.objects
                          WHERE name = 'aaaaaaaa-0000-4000-8000-0000000000a1/d1000000-0000-4000-8000-000000000001-thumb.webp'
                          RETURNING 1$$), '1',
          'delete: the owner deletes her thumbnail');

RESET ROLE;
SELECT set_eq($$SELECT bucket_id || ':' || name FROM storage.objects WHERE owner_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
              ARRAY['avatars:aaaaaaaa-0000-4000-8000-0000000000a1/avatar.png',
                    'creations:aaaaaaaa-0000-4000-8000-0000000000a1/image/d1000000-0000-4000-8000-000000000001.png'],
              'storage: alice''s files are where she put them, whatever the refused statements tried');

SELECT * FROM finish();
ROLLBACK;
