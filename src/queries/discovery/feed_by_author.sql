-- get_user_feed, page by author: each followed author's newest public
-- creations by keyset on idx_creations_feed (user_id, created_at DESC,
-- id DESC), merged.  One index probe per followed author, each reading at
-- most a page: the path of a reader who follows at most
-- arcanea.feed_materialise_above() accounts (sql/27_feeds.sql), so a page
-- costs at most that many probes.  Deactivated accounts are left out.
--   $1 uuid         the reader
--   $2 int8         limit
--   $3 int8         offset
--   $4 int8         the cursor's created_at in microseconds since the Unix
--                   epoch, or NULL for the first page
--   $5 uuid         the cursor's id, or NULL
-- Returns the page's creation ids in order; feed_rows.sql turns them into
-- rows.  Without a cursor the keyset bound is (infinity, the largest uuid):
-- one statement serves every page.
SELECT c.id
  FROM public.follows f
 CROSS JOIN LATERAL (
       SELECT c.id, c.created_at FROM public.creations c
        WHERE c.user_id = f.following_id AND c.status = 'published' AND c.is_public
          AND (c.created_at, c.id) < (coalesce('epoch'::timestamptz + $4 * interval '1 microsecond', 'infinity'),
                                      coalesce($5, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT $2 + $3) c
 WHERE f.follower_id = $1
   AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = f.following_id AND p.is_active)
 ORDER BY c.created_at DESC, c.id DESC
 LIMIT $2 OFFSET $3
