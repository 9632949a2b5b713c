-- soak-weight: 40
-- Read: the key memories worth putting in a prompt about a topic
-- (GET /rpc/get_key_memories), for conversation v's owner and Luminor.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
\set k 1 + :v % 3
\set w random(1, 6)
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :cu)::uuid, 'GET', '/rpc/get_key_memories');
SELECT public.get_key_memories(p_luminor_id => ('00000000-0000-4000-8000-00000000a00' || :k)::uuid,
                               p_query => (ARRAY['music', 'painting', 'my dog', 'deadline', 'favourite colour', 'travel'])[:w],
                               p_limit => 10);
END;
