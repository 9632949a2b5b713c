-- soak-weight: 140
-- Read: search (GET /rpc/search_creations), six times in ten as a visitor
-- (anon), else signed in: a word of the generator's vocabulary, a tag, two
-- words or a typo; one search in five filtered by type, one in ten page 2.
\set r random(1, 100)
\set u random(1, :nu)
\set w random(1, 40)
\set t random(1, 5)
\set ipa random(0, 249)
\set ipb random(1, 250)
\if :r <= 60
BEGIN READ ONLY;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', '{"role":"anon","iss":"supabase-demo"}', true),
       set_config('request.headers', json_build_object('x-forwarded-for', '10.0.' || :ipa || '.' || :ipb)::text, true),
       set_config('request.method', 'GET', true), set_config('request.path', '/rpc/search_creations', true);
\else
BEGIN READ ONLY;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :u)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'GET', true), set_config('request.path', '/rpc/search_creations', true);
\endif
SELECT coalesce(json_agg(s), '[]')
  FROM public.search_creations(
           p_query => (ARRAY['dragon', 'forest', 'city', 'ocean', 'portrait', 'moon', 'storm', 'garden',
                             'neon', 'ancient', 'golden', 'silent', 'cosmic', 'wolf', 'phoenix', 'castle',
                             'melody', 'dream', 'galaxy', 'lantern', 'fantasy', 'cyberpunk', 'lofi', 'anime',
                             'synthwave', 'watercolor', 'neon city', 'ancient forest', 'golden dragon',
                             'silent ocean', 'cosmic dream', 'dargon', 'forrest', 'portriat', 'galxy',
                             'lanturn', 'mountain river', 'starlit', 'ambient', 'jellyfish'])[:w],
           p_type => CASE WHEN :r % 5 = 0 THEN (ARRAY['image', 'music', 'video', 'text', 'multimodal'])[:t] END,
           p_limit => 20,
           p_offset => CASE WHEN :r % 10 = 1 THEN 20 ELSE 0 END) s;
END;
