-- Spec "Common Query Patterns" 1 (Get User Profile with Stats), as written;
-- $1 = bench.uid(:u).
\set u CASE WHEN :who > 0 THEN :who ELSE random(1, :nu) END
SELECT p.*, (SELECT COUNT(*) FROM creations WHERE user_id = p.id AND status = 'published') as creation_count, (SELECT COUNT(*) FROM follows WHERE following_id = p.id) as follower_count, (SELECT COUNT(*) FROM follows WHERE follower_id = p.id) as following_count FROM profiles p WHERE p.id = bench.uid(:u);
