-- add_message_to_conversation as PostgREST calls it: the conventional
-- reference (pgrx-tests/bench/conventional.sql), on its copy of the same rows.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
BEGIN;
SELECT bench.request_as_user(md5('u' || :cu)::uuid, 'POST', '/rpc/add_message_to_conversation');
SELECT conventional.add_message_to_conversation(conversation => md5('v' || :v)::uuid, content => 'How do I make the lighting in this scene feel warmer?');
COMMIT;
