-- get_user_feed, page by time: walk everyone's newest public creations
-- (idx_creations_public_newest) and keep those by followed authors, until
-- the page is full.  Reads about (limit + offset) / (share of creations by
-- followed authors) rows: right for a user who follows many (2,000 probes
-- by author would be ~40,000 reads).  The follow check is a scalar
-- sub-query, so the planner keeps it as a per-row filter on the ordered
-- walk instead of a join and a sort; a deactivated author's creations fail
-- it.
--   $1 uuid  the reader
--   $2 int8  limit
--   $3 int8  offset
--   $4 int8  the cursor's created_at in microseconds since the Unix epoch,
--            or NULL for the first page
--   $5 uuid  the cursor's id, or NULL
-- Returns the page's creation ids in order; feed_rows.sql turns them into
-- rows.
SELECT c.id
  FROM public.creations c
 WHERE c.status = 'published' AND c.is_public
   AND (c.created_at, c.id) < (coalesce('epoch'::timestamptz + $4 * interval '1 microsecond', 'infinity'),
                               coalesce($5, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
   AND (SELECT true FROM public.follows f JOIN public.profiles p ON p.id = f.following_id
         WHERE f.follower_id = $1 AND f.following_id = c.user_id AND p.is_active)
 ORDER BY c.created_at DESC, c.id DESC
 LIMIT $2 OFFSET $3
