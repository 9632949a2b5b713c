-- get_conversation_with_messages: the conversation, its Luminor and its
-- newest messages as one json document built by SQL.  The limit applies
-- inside the sub-query, newest first (the spec's query pattern 2 applies
-- LIMIT to the aggregate's single row, i.e. not at all).
--   $1 uuid  the conversation
--   $2 int8  how many messages
-- Returns (the conversation's owner, the document).
SELECT c.user_id,
      json_build_object(
          'conversation', row_to_json(c),
          'luminor', json_build_object('id', l.id, 'name', l.name, 'slug', l.slug, 'title', l.title,
                                       'color', l.color, 'avatar_url', l.avatar_url, 'icon', l.icon),
          'messages', coalesce((SELECT json_agg(m ORDER BY m.created_at DESC, m.id DESC)
                                  FROM (SELECT * FROM public.luminor_messages m
                                         WHERE m.conversation_id = c.id
                                         ORDER BY m.created_at DESC, m.id DESC LIMIT $2) m), '[]'::json))
 FROM public.luminor_conversations c JOIN public.luminors l ON l.id = c.luminor_id
WHERE c.id = $1
