-- soak-weight: 90
-- Read: the owner opens one of their Luminor conversations, 50 newest
-- messages (GET /rpc/get_conversation_with_messages).  Conversation v of the
-- generator belongs to user 1 + (v * 2654435761) % nu.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :cu)::uuid, 'GET', '/rpc/get_conversation_with_messages');
SELECT public.get_conversation_with_messages(p_conversation_id => md5('v' || :v)::uuid, p_limit => 50);
END;
