-- pgrx-tests/shell/crash/script.sql: prints the psql script of one client
-- of one round of pgrx-tests/shell/crash_safety.sh (run with psql -At).
-- psql variables: round, client.
--
-- Each op is its own transaction, as PostgREST runs a request: the role and
-- the JWT claims set locally, one RPC call (or, for comments, one INSERT
-- through the table API, under RLS), COMMIT; then `\echo committed N`, so
-- the client's stdout lists exactly the ops whose COMMIT returned.
SELECT format('BEGIN;' || chr(10)
              || 'SELECT set_config(''role'', ''authenticated'', true), set_config(''request.jwt.claims'', %L, true);' || chr(10)
              || '%s' || chr(10)
              || 'COMMIT;' || chr(10)
              || '\echo committed %s',
              json_build_object('sub', crash.actor(o.round, o.client), 'role', 'authenticated')::text,
              CASE o.kind
                  WHEN 'like' THEN format('SELECT public.toggle_like(p_creation_id => %L);', crash.post(o.k))
                  WHEN 'follow' THEN format('SELECT public.follow_user(p_following_id => %L);', crash.target(o.k))
                  WHEN 'comment' THEN format('INSERT INTO public.comments (user_id, creation_id, content) VALUES (%L, %L, %L);',
                                             crash.actor(o.round, o.client), crash.post(o.k), o.label)
                  WHEN 'message' THEN format('SELECT public.add_message_to_conversation(p_conversation_id => %L, p_content => %L);',
                                             crash.conversation(o.round, o.client), o.label)
                  WHEN 'publish' THEN format('SELECT public.publish_creation(p_creation_id => %L);',
                                             crash.draft(o.round, o.client, o.k))
              END,
              o.n)
  FROM crash.ops o
 WHERE o.round = :round AND o.client = :client
 ORDER BY o.n;
