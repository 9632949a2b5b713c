-- get_user_feed's result rows (public.user_feed_item, whose columns are
-- declared in sql/60_api_types.sql) for a page of creation ids, in that
-- order: the creation's own columns (its counts exact: the columns plus
-- the pending deltas), its author's name and picture, whether the reader
-- likes it, and the row's cursor (base64 of
-- "<created_at in microseconds since the Unix epoch>:<id>", read back by
-- domain::cursor).
--   $1 uuid    the reader
--   $2 uuid[]  the page's creation ids, in order
SELECT ROW(c.id, c.user_id, c.title, c.description, c.type, c.file_url, c.thumbnail_url, c.file_size,
           c.file_format, c.ai_tool, c.prompt, c.model, c.generation_params, c.seed, c.metadata,
           c.status, c.is_public, c.is_featured, c.is_nsfw, c.license, c.allow_remix,
           c.allow_commercial, c.tags, c.categories,
           c.view_count + pc.views, c.like_count + pc.likes, c.comment_count + pc.comments,
           c.remix_count, c.created_at, c.updated_at, c.published_at,
           p.username, p.display_name, p.avatar_url,
           EXISTS (SELECT 1 FROM public.likes l WHERE l.user_id = $1 AND l.creation_id = c.id),
           encode(convert_to((extract(epoch FROM c.created_at) * 1000000)::int8 || ':' || c.id, 'UTF8'),
                  'base64'))::public.user_feed_item
  FROM unnest($2::uuid[]) WITH ORDINALITY AS page(id, n)
  JOIN public.creations c ON c.id = page.id
 CROSS JOIN LATERAL arcanea.pending_creation_counts(c.id) pc
  JOIN public.profiles p ON p.id = c.user_id
 ORDER BY page.n
