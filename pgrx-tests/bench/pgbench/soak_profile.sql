-- soak-weight: 60
-- Read (table API): a profile page, GET /profiles?select=id,username,...,
-- creations(id,title,...)&id=eq.X with the newest 12 published creations
-- embedded; half the time as a visitor.  RLS and column privileges apply.
\set r random(1, 100)
\set u random(1, :nu)
\set t CASE WHEN :r % 10 = 0 THEN random(1, least(5, :nu)) ELSE random(1, :nu) END
\set ipa random(0, 249)
\set ipb random(1, 250)
\if :r <= 50
BEGIN READ ONLY;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'anon', true),
       set_config('request.jwt.claims', '{"role":"anon","iss":"supabase-demo"}', true),
       set_config('request.headers', json_build_object('x-forwarded-for', '10.0.' || :ipa || '.' || :ipb)::text, true),
       set_config('request.method', 'GET', true), set_config('request.path', '/profiles', true);
\else
BEGIN READ ONLY;
SELECT set_config('search_path', '"public", "public"', true), set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', md5('u' || :u)::uuid, 'role', 'authenticated', 'aud', 'authenticated')::text, true),
       set_config('request.method', 'GET', true), set_config('request.path', '/profiles', true);
\endif
SELECT coalesce(json_agg(t), '[]')
  FROM (SELECT p.id, p.username, p.display_name, p.avatar_url, p.bio,
               coalesce((SELECT json_agg(c)
                           FROM (SELECT c.id, c.title, c.type, c.thumbnail_url, c.like_count, c.view_count, c.created_at
                                   FROM public.creations c
                                  WHERE c.user_id = p.id AND c.status = 'published'
                                  ORDER BY c.created_at DESC LIMIT 12) c), '[]') AS creations
          FROM public.profiles p WHERE p.id = md5('u' || :t)::uuid) t;
END;
