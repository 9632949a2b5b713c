-- export_my_data: everything a user owns, as one json document (the
-- shapes are the tables' own rows, as the table API returns them).
--   $1 uuid  the user
-- Sections: profile (with the private fields and billing), creations (each
-- with the paths of its files in the extension's storage buckets), likes,
-- comments, follows both ways (the other side by id), conversations with
-- their messages, Luminor relationships with their key memories, and
-- notifications.  Every list is in the order the rows were made.
SELECT json_build_object(
    'format', 'arcanea-export/1',
    'exported_at', now(),
    'user_id', $1,
    'profile', (SELECT to_json(p) FROM public.profiles p WHERE p.id = $1),
    'private', (SELECT to_json(pp) FROM public.profile_private pp WHERE pp.id = $1),
    'creations', coalesce((
        SELECT json_agg((to_jsonb(c) - 'search_vector')
                        || jsonb_build_object('storage_objects', coalesce((
                               SELECT jsonb_agg(jsonb_build_object('bucket', o.bucket_id, 'name', o.name)
                                                ORDER BY o.bucket_id, o.name)
                                 FROM storage.objects o
                                WHERE o.bucket_id IN (SELECT b.id FROM arcanea.buckets b)
                                  AND o.name LIKE $1::text || '/%'
                                  AND o.name LIKE '%' || c.id::text || '%'), '[]'::jsonb))
                        ORDER BY c.created_at, c.id)
          FROM public.creations c WHERE c.user_id = $1), '[]'::json),
    'storage_objects', coalesce((
        SELECT json_agg(json_build_object('bucket', o.bucket_id, 'name', o.name, 'created_at', o.created_at)
                        ORDER BY o.bucket_id, o.name)
          FROM storage.objects o
         WHERE o.bucket_id IN (SELECT b.id FROM arcanea.buckets b) AND o.name LIKE $1::text || '/%'), '[]'::json),
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
