-- get_conversation_with_messages: ours (a random conversation, 50 newest messages).
\set v random(1, :nv)
SELECT public.get_conversation_with_messages(bench.vid(:v));
