-- soak-weight: 50
-- Read: the bond with a Luminor, shown beside a conversation
-- (GET /rpc/get_luminor_relationship); the generator made the relationship
-- of conversation v's owner with Luminor 1 + v % 3.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
\set k 1 + :v % 3
BEGIN READ ONLY;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :cu)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'GET', true), set_config('request.path', '/rpc/get_luminor_relationship', true);
SELECT public.get_luminor_relationship(p_luminor_id => ('00000000-0000-4000-8000-00000000a00' || :k)::uuid);
END;
