-- soak-weight: 90
-- Read: the owner opens one of their Luminor conversations, 50 newest
-- messages (GET /rpc/get_conversation_with_messages).  Conversation v of the
-- generator belongs to user 1 + (v * 2654435761) % nu.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
BEGIN READ ONLY;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :cu)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'GET', true), set_config('request.path', '/rpc/get_conversation_with_messages', true);
SELECT public.get_conversation_with_messages(p_conversation_id => md5('v' || :v)::uuid, p_limit => 50);
END;
