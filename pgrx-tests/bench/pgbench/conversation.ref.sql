-- Spec "Common Query Patterns" 2 (Get Conversation with Recent Messages),
-- as written; $1 = bench.vid(:v).
\set v random(1, :nv)
SELECT c.*, l.name as luminor_name, l.color as luminor_color, ( SELECT json_agg(m.* ORDER BY m.created_at DESC) FROM luminor_messages m WHERE m.conversation_id = c.id LIMIT 50 ) as recent_messages FROM luminor_conversations c JOIN luminors l ON l.id = c.luminor_id WHERE c.id = bench.vid(:v);
