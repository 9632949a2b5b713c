-- soak-weight: 25
-- Write (table API): comments on a published public creation (one time in
-- six the hot one).  Six times in ten a new comment
-- (POST /comments), one in five of them mentioning @user_N; a quarter of
-- the time a reply to the creation's first top-level comment, read first
-- (GET /comments?...&parent_comment_id=is.null&order=created_at&limit=1);
-- otherwise the user deletes their newest reply (GET, then
-- DELETE /comments?id=eq.X).  Only replies are deleted and only top-level
-- comments are replied to, so a reply never races its parent's deletion.
\set r random(1, 100)
\set u random(1, :nu)
\set c CASE WHEN :r % 6 = 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
\set m random(1, :nu)
\if :r <= 60
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/comments');
INSERT INTO public.comments (user_id, creation_id, content)
VALUES (md5('u' || :u)::uuid, md5('c' || :c)::uuid,
        CASE WHEN :r % 5 = 0 THEN 'Look at this, @user_' || :m || '!' ELSE 'Love the colours in this one.' END);
END;
\elif :r <= 85
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/comments');
SELECT count(*) AS parents, coalesce(min(id::text), '') AS parent_id
  FROM (SELECT id FROM public.comments
         WHERE creation_id = md5('c' || :c)::uuid AND parent_comment_id IS NULL
         ORDER BY created_at, id LIMIT 1) p \gset
END;
\if :parents > 0
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/comments');
INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id)
VALUES (md5('u' || :u)::uuid, md5('c' || :c)::uuid, 'Agreed, the light is wonderful.', :parent_id::uuid);
END;
\endif
\else
BEGIN READ ONLY;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'GET', '/comments');
SELECT count(*) AS replies, coalesce(min(id::text), '') AS reply_id
  FROM (SELECT id FROM public.comments
         WHERE user_id = md5('u' || :u)::uuid AND parent_comment_id IS NOT NULL
         ORDER BY created_at DESC, id DESC LIMIT 1) p \gset
END;
\if :replies > 0
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'DELETE', '/comments');
DELETE FROM public.comments WHERE id = :reply_id::uuid;
END;
\endif
\endif
