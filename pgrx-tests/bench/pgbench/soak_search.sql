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
SELECT bench.request_as_anon('10.0.' || :ipa || '.' || :ipb, 'GET', '/rpc/search_creations');
\else
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/rpc/search_creations');
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
