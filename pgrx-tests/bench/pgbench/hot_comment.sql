-- The hot-creation mix's comment: POST /comments through the table API
-- (Prefer: return=representation), signed in as user u, under the
-- comments' RLS policies, one transaction.  :hot > 0 comments on that
-- creation, else on a random published public one.
\set u random(1, :nu)
\set c CASE WHEN :hot > 0 THEN :hot ELSE 10 * random(0, :nc / 10 - 1) + random(1, 8) END
BEGIN;
SELECT bench.request_as_user(md5('u' || :u)::uuid, 'POST', '/comments');
INSERT INTO public.comments (user_id, creation_id, content) VALUES (md5('u' || :u)::uuid, md5('c' || :c)::uuid, 'Love the colours in this one.') RETURNING *;
COMMIT;
