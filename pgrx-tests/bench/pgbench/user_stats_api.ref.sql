-- Spec "Common Query Patterns" 1 (Get User Profile with Stats), as written,
-- run for a visitor as PostgREST would run it from a view or an SQL function
-- that does not bypass RLS: the anon role, one read-only transaction, so the
-- policies of profiles, creations and follows apply to every row counted.
-- p.* becomes the profile columns that anon may read (billing is not
-- granted, sql/55_privileges.sql).
\set u CASE WHEN :who > 0 THEN :who ELSE random(1, :nu) END
\set v random(1, :nu)
BEGIN READ ONLY;
SELECT bench.request_as_visitor(:v, 'GET', '/profile_stats');
SELECT p.id, p.username, p.display_name, p.avatar_url, p.bio, p.arcanean_id, p.tier, p.is_verified, p.created_at, (SELECT COUNT(*) FROM creations WHERE user_id = p.id AND status = 'published') as creation_count, (SELECT COUNT(*) FROM follows WHERE following_id = p.id) as follower_count, (SELECT COUNT(*) FROM follows WHERE follower_id = p.id) as following_count FROM profiles p WHERE p.id = md5('u' || :u)::uuid;
COMMIT;
