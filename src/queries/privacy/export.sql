-- export_my_data: everything a user owns, as one json document (the
-- shapes are the tables' own rows, as the table API returns them).
--   $1 uuid  the user
-- Sections: profile (with the private fields and billing), creations (each
-- with the paths of its files in the extension's storage buckets), likes,
-- comments, follows both ways (the other side by id), conversations with
-- their messages, Luminor relationships with their key memories, and
-- notifications.  Every list is in the order the rows were made.
WITH own_objects AS (
    -- Every file under the user's folder in the extension's buckets.
    SELECT o.bucket_id, o.name, o.created_at, string_to_array(o.name, '-') AS pieces
      FROM storage.objects o
     WHERE o.bucket_id IN (SELECT b.id FROM arcanea.buckets b)
       -- Names that begin with '<user id>/', written as a byte range ('0'
       -- follows '/') that the name_prefix_search index (text_pattern_ops)
       -- serves in a plan kept for any user, which LIKE $1 || '/%' is not.
       AND o.name ~>=~ ($1::text || '/') AND o.name ~<~ ($1::text || '0')),
creation_objects AS (
    -- Each creation's files: those whose name contains its id.  Found from
    -- the names' side, so that the cost grows with the files and not with
    -- files times creations (asking each creation for the files containing
    -- its id, LIKE '%' || id || '%', made the export of an account of 3,088
    -- creations with two files each take 19.6 s on the benchmark data, past
    -- the 8 s statement timeout; 0.73-0.77 s this way).  A uuid in a name
    -- spans five of its dash-separated pieces: the last 8 characters of one,
    -- three of exactly 4, and the first 12 of the next.  Every such run of pieces that reads as a
    -- lowercase uuid (the text of a creation's id) is looked up among the
    -- user's creations; overlapping ids in a name are each found.
    SELECT x.creation_id,
           jsonb_agg(jsonb_build_object('bucket', x.bucket_id, 'name', x.name) ORDER BY x.bucket_id, x.name) AS objects
      FROM (SELECT DISTINCT c.id AS creation_id, w.bucket_id, w.name
              FROM (SELECT oo.bucket_id, oo.name,
                           right(oo.pieces[i.at], 8) || '-' || oo.pieces[i.at + 1] || '-' || oo.pieces[i.at + 2]
                           || '-' || oo.pieces[i.at + 3] || '-' || left(oo.pieces[i.at + 4], 12) AS stretch
                      FROM own_objects oo, generate_series(1, cardinality(oo.pieces) - 4) AS i(at)
                     WHERE length(oo.pieces[i.at + 1]) = 4 AND length(oo.pieces[i.at + 2]) = 4
                       AND length(oo.pieces[i.at + 3]) = 4
                    OFFSET 0) w   -- each stretch built once, not once per mention below
              JOIN public.creations c
                ON c.id = CASE WHEN w.stretch ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                               THEN w.stretch::uuid END
             WHERE c.user_id = $1) x
     GROUP BY x.creation_id)
SELECT json_build_object(
    'format', 'arcanea-export/1',
    'exported_at', now(),
    'user_id', $1,
    'profile', (SELECT to_json(p) FROM public.profiles p WHERE p.id = $1),
    'private', (SELECT to_json(pp) FROM public.profile_private pp WHERE pp.id = $1),
    'creations', coalesce((
        SELECT json_agg((to_jsonb(c) - 'search_vector')
                        || jsonb_build_object('storage_objects', coalesce(co.objects, '[]'::jsonb))
                        ORDER BY c.created_at, c.id)
          FROM public.creations c LEFT JOIN creation_objects co ON co.creation_id = c.id
         WHERE c.user_id = $1), '[]'::json),
    'storage_objects', coalesce((
        SELECT json_agg(json_build_object('bucket', oo.bucket_id, 'name', oo.name, 'created_at', oo.created_at)
                        ORDER BY oo.bucket_id, oo.name)
          FROM own_objects oo), '[]'::json),
    'likes', coalesce((
        SELECT json_agg(json_build_object('creation_id', l.creation_id, 'created_at', l.created_at)
                        ORDER BY l.created_at, l.id)
          FROM public.likes l WHERE l.user_id = $1), '[]'::json),
    'comments', coalesce((
        SELECT json_agg(to_json(cm) ORDER BY cm.created_at, cm.id)
          FROM public.comments cm WHERE cm.user_id = $1), '[]'::json),
    'following', coalesce((
        SELECT json_agg(json_build_object('user_id', f.following_id, 'notify_creations', f.notify_creations,
                                          'created_at', f.created_at) ORDER BY f.created_at, f.id)
          FROM public.follows f WHERE f.follower_id = $1), '[]'::json),
    'followers', coalesce((
        SELECT json_agg(json_build_object('user_id', f.follower_id, 'created_at', f.created_at)
                        ORDER BY f.created_at, f.id)
          FROM public.follows f WHERE f.following_id = $1), '[]'::json),
    'conversations', coalesce((
        SELECT json_agg(json_build_object(
                   'conversation', to_json(cv),
                   'messages', coalesce((SELECT json_agg(to_json(m) ORDER BY m.created_at, m.id)
                                           FROM public.luminor_messages m WHERE m.conversation_id = cv.id), '[]'::json))
                        ORDER BY cv.created_at, cv.id)
          FROM public.luminor_conversations cv WHERE cv.user_id = $1), '[]'::json),
    'relationships', coalesce((
        SELECT json_agg(to_json(r) ORDER BY r.created_at, r.id)
          FROM public.luminor_relationships r WHERE r.user_id = $1), '[]'::json),
    'notifications', coalesce((
        SELECT json_agg(to_json(n) ORDER BY n.created_at, n.id)
          FROM public.notifications n WHERE n.user_id = $1), '[]'::json))
