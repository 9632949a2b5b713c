-- soak-weight: 5
-- Write: a creator uploads a draft (table API: POST /creations with
-- select=id), publishes it (POST /rpc/publish_creation: the owner's
-- creation_count, the search vocabulary) and, three times in ten, archives
-- it again (POST /rpc/archive_creation).  Two or three requests.
\set r random(1, 100)
\set u random(1, :nu)
\set a random(1, 12)
\set b random(1, 12)
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/creations');
INSERT INTO public.creations (user_id, title, description, type, tags)
VALUES (md5('u' || :u)::uuid,
        (ARRAY['Neon', 'Ancient', 'Silent', 'Golden', 'Cosmic', 'Frozen', 'Hidden', 'Velvet', 'Lunar', 'Wild', 'Misty', 'Sacred'])[:a]
          || ' ' || (ARRAY['Dragon', 'Forest', 'City', 'Ocean', 'Lantern', 'Harbor', 'Temple', 'Garden', 'Comet', 'Whale', 'Portal', 'Melody'])[:b],
        'Made during the soak run, with a soft evening light.',
        (ARRAY['image', 'music', 'video', 'text'])[1 + :r % 4],
        ARRAY[(ARRAY['fantasy', 'scifi', 'lofi', 'ambient'])[1 + :b % 4]])
RETURNING id AS draft_id \gset
END;
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/publish_creation');
SELECT to_jsonb(c) FROM public.publish_creation(p_creation_id => :draft_id::uuid) c;
END;
\if :r <= 30
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/rpc/archive_creation');
SELECT to_jsonb(c) FROM public.archive_creation(p_creation_id => :draft_id::uuid) c;
END;
\endif
