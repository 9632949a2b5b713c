-- soak-weight: 50
-- Write: one chat turn in an existing conversation: the user's message
-- (POST /rpc/add_message_to_conversation, +10 bond XP, may level up), then
-- the app's backend writes the Luminor's reply with the service role key
-- (role assistant, model, tokens, cost).  Two requests.
\set v random(1, :nv)
\set cu 1 + (:v * 2654435761) % :nu
\set m random(1, 5)
BEGIN;
SELECT bench.request_as_user(md5('u' || :cu)::uuid, 'POST', '/rpc/add_message_to_conversation');
SELECT to_jsonb(m) FROM public.add_message_to_conversation(
    p_conversation_id => md5('v' || :v)::uuid,
    p_content => (ARRAY['How do I make the lighting in this scene feel warmer?', 'Can you suggest a chord progression for a calm intro?',
                        'What should I name this dragon?', 'Give me three prompts for a misty forest at dawn.',
                        'Remember that I prefer watercolor over oil.'])[:m]) m;
END;
BEGIN;
SELECT bench.request_as_service('POST', '/rpc/add_message_to_conversation');
SELECT to_jsonb(m) FROM public.add_message_to_conversation(
    p_conversation_id => md5('v' || :v)::uuid, p_user_id => md5('u' || :cu)::uuid, p_role => 'assistant',
    p_content => 'Here is an idea: start from a single warm light source and let everything else fall into soft shadow.',
    p_model => 'gpt-4o', p_tokens => 120 + :m, p_cost => 0.0012) m;
END;
