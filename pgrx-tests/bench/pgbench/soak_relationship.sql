-- soak-weight: 50
-- Read: the bond with a Luminor, shown beside a conversation
-- (GET /rpc/get_luminor_relationship); the generator made the relationship
-- of conversation v's owner with Luminor 1 + v % 3.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
\set k 1 + :v % 3
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :cu)::uuid, 'GET', '/rpc/get_luminor_relationship');
SELECT public.get_luminor_relationship(p_luminor_id => ('00000000-0000-4000-8000-00000000a00' || :k)::uuid);
END;
