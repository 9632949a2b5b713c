-- Spec "Common Query Patterns" 4 (Search Creations), as written; $1 = :q.
SELECT c.*, p.username, p.avatar_url FROM creations c JOIN profiles p ON p.id = c.user_id WHERE c.is_public = TRUE AND c.status = 'published' AND ( c.title ILIKE '%' || :q || '%' OR c.description ILIKE '%' || :q || '%' OR :q = ANY(c.tags) ) ORDER BY c.created_at DESC LIMIT 20;
