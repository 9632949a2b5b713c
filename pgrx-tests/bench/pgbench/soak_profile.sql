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
SELECT bench.request_as_anon('10.0.' || :ipa || '.' || :ipb, 'GET', '/profiles');
\else
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/profiles');
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
