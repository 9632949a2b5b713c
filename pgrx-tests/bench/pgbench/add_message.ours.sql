-- add_message_to_conversation: ours (a user message in a random conversation;
-- conversation v belongs to user 1 + (v * 2654435761) % nu, Luminor 1 + v % 3).
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
SELECT public.add_message_to_conversation(bench.vid(:v), bench.uid(:cu), 'user', 'How do I make the lighting in this scene feel warmer?');
