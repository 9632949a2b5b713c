-- get_user_feed, a materialised reader: one range of the reader's feed
-- entries, newest first, from the keyset bound on.  The entries already
-- leave out what is unpublished, private, deleted or unfollowed (the
-- triggers of sql/27_feeds.sql remove those at once); the checks here keep
-- the page right whatever, and skip authors who deactivated their account,
-- as feed_by_author.sql does.  Reads limit + offset entries and a creation
-- and a profile per entry.
--   $1 uuid         the reader
--   $2 int8         limit
--   $3 int8         offset
--   $4 int8         the cursor's created_at in microseconds since the Unix
--                   epoch, or NULL for the first page
--   $5 uuid         the cursor's id, or NULL
-- Returns the page's creation ids in order; feed_rows.sql turns them into
-- rows.
SELECT e.creation_id
  FROM arcanea.feed_entries e
  JOIN public.creations c ON c.id = e.creation_id
 WHERE e.reader_id = $1
   AND (e.created_at, e.creation_id) < (coalesce('epoch'::timestamptz + $4 * interval '1 microsecond', 'infinity'),
                                        coalesce($5, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
   AND c.status = 'published' AND c.is_public
   AND EXISTS (SELECT 1 FROM public.profiles p WHERE p.id = c.user_id AND p.is_active)
 ORDER BY e.created_at DESC, e.creation_id DESC
 LIMIT $2 OFFSET $3
