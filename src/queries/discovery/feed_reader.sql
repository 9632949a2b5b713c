-- get_user_feed: whether the reader's feed is materialised
-- (sql/27_feeds.sql): then feed_entries.sql reads the page, otherwise
-- feed_by_author.sql.
--   $1 uuid  the reader
SELECT EXISTS (SELECT 1 FROM arcanea.feed_readers r WHERE r.reader_id = $1)
