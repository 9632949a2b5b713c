-- pgrx-tests/shell/crash/round.sql: the rows one round of
-- pgrx-tests/shell/crash_safety.sh needs, and its ops (run as superuser).
-- psql variables: round, clients, ops (per client).
--
-- Each client c gets a fresh actor, crash.actor(round, c), with a
-- conversation with Lumina and enough drafts to publish.  Op n is, by n % 5:
-- like post k, follow target k, comment on post k, message, publish draft k,
-- where k = n / 5 + 1: every op writes something no other op writes.

INSERT INTO auth.users (id, email)
SELECT crash.actor(:round, c), format('actor-r%s-c%s@crash.test', :round, c)
  FROM generate_series(1, :clients) c;
INSERT INTO public.luminor_conversations (id, user_id, luminor_id)
SELECT crash.conversation(:round, c), crash.actor(:round, c), l.id
  FROM generate_series(1, :clients) c, public.luminors l
 WHERE l.slug = 'lumina';
INSERT INTO public.creations (id, user_id, title, type, status)
SELECT crash.draft(:round, c, k), crash.actor(:round, c), format('Draft %s-%s-%s', :round, c, k), 'image', 'draft'
  FROM generate_series(1, :clients) c, generate_series(1, :ops / 5 + 1) k;
INSERT INTO crash.ops (round, client, n, kind, k, label)
SELECT :round, c, n, (ARRAY['like', 'follow', 'comment', 'message', 'publish'])[n % 5 + 1], n / 5 + 1,
       format('op-%s-%s-%s', :round, c, n)
  FROM generate_series(1, :clients) c, generate_series(1, :ops) n;
