-- search_creations' result rows (public.creation_search_result, whose
-- columns are declared in sql/60_api_types.sql), for a page of creation ids
-- and their ranks, in that order.  The creation's own columns (its counts
-- exact: the columns plus the pending deltas), then its author's name and
-- picture, then the rank.  A deactivated account's
-- creations are left out here, after paging: a page that had one is
-- shorter (deactivation is rare; ranking checks no author).
--   $1 uuid[]  the page's creation ids, in order
--   $2 real[]  their ranks
SELECT ROW(c.id, c.user_id, c.title, c.description, c.type, c.file_url, c.thumbnail_url, c.file_size,
           c.file_format, c.ai_tool, c.prompt, c.model, c.generation_params, c.seed, c.metadata,
           c.status, c.is_public, c.is_featured, c.is_nsfw, c.license, c.allow_remix,
           c.allow_commercial, c.tags, c.categories,
           c.view_count + pc.views, c.like_count + pc.likes, c.comment_count + pc.comments,
           c.remix_count, c.created_at, c.updated_at, c.published_at,
           p.username, p.display_name, p.avatar_url,
           page.rank)::public.creation_search_result
  FROM unnest($1::uuid[], $2::real[]) WITH ORDINALITY AS page(id, rank, n)
  JOIN public.creations c ON c.id = page.id
 CROSS JOIN LATERAL arcanea.pending_creation_counts(c.id) pc
  JOIN public.profiles p ON p.id = c.user_id AND p.is_active
 ORDER BY page.n
