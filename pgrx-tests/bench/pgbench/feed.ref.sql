-- Spec "Common Query Patterns" 3 (Get User Feed), as written;
-- $1 = bench.uid(:feed_user), $2 = :offset.
SELECT c.*, p.username, p.display_name, p.avatar_url, EXISTS( SELECT 1 FROM likes WHERE likes.creation_id = c.id AND likes.user_id = bench.uid(:feed_user) ) as user_has_liked FROM creations c JOIN profiles p ON p.id = c.user_id JOIN follows f ON f.following_id = c.user_id WHERE f.follower_id = bench.uid(:feed_user) AND c.is_public = TRUE AND c.status = 'published' ORDER BY c.created_at DESC LIMIT 20 OFFSET :offset;
