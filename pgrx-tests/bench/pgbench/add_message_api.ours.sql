-- add_message_to_conversation as PostgREST calls it (POST
-- /rpc/add_message_to_conversation, signed in as the conversation's owner,
-- one transaction): ours.  Conversation v belongs to user
-- 1 + (v * 2654435761) % nu.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
BEGIN;
SELECT bench.request_as_user(md5('u' || :cu)::uuid, 'POST', '/rpc/add_message_to_conversation');
SELECT public.add_message_to_conversation(p_conversation_id => md5('v' || :v)::uuid, p_content => 'How do I make the lighting in this scene feel warmer?');
COMMIT;
