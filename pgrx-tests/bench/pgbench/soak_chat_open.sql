-- soak-weight: 7
-- Write: a user opens a chat with a Luminor for one of two sessions
-- (POST /rpc/get_or_create_conversation: concurrent opens of the same
-- session converge on one row; the first creates the relationship), says
-- hello (add_message_to_conversation) and the client checks the bond
-- (POST /rpc/check_bond_level_up).  Three requests.
\set u random(1, :nu)
\set k random(1, 3)
\set s random(1, 2)
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/get_or_create_conversation');
SELECT c.id AS conversation_id
  FROM public.get_or_create_conversation(p_luminor_id => ('00000000-0000-4000-8000-00000000a00' || :k)::uuid,
                                         p_session_id => 'soak-' || :s) c \gset
END;
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/add_message_to_conversation');
SELECT to_jsonb(m) FROM public.add_message_to_conversation(p_conversation_id => :conversation_id::uuid, p_content => 'Hello!') m;
END;
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/check_bond_level_up');
SELECT public.check_bond_level_up(p_luminor_id => ('00000000-0000-4000-8000-00000000a00' || :k)::uuid);
END;
