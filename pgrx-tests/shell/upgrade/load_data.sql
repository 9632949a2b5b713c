-- A realistic data set, written the way the product writes it: users sign
-- up as Supabase's auth server does (a row in auth.users), and then act
-- through the API, each request as PostgREST makes it (one transaction: the
-- role, the JWT claims, one call).  It uses only what 0.1.0 offers, so it
-- runs on every version since, and leaves rows in every table the
-- extension owns: profiles, creations in every status, likes, follows,
-- threaded comments with a mention, conversations with user and assistant
-- messages and ratings, relationships with key memories, notifications
-- (read and unread), counted views, storage objects in the three buckets,
-- and an operator's changes to the rate limits and a Luminor.
--
-- Run as the superuser with psql -f.  Users are e0000000-...-00000000000N.

\set ON_ERROR_STOP on
\ir ../../sql/fixtures/act_as.sql

-- Six users sign up; the sixth leaves again (cascades to nothing yet).
INSERT INTO auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, email_confirmed_at) VALUES
    ('e0000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated', 'ada@upgrade.test',
     '{"username": "ada", "full_name": "Ada Lovelace"}', '{"provider": "email"}', now()),
    ('e0000000-0000-4000-8000-000000000002', 'authenticated', 'authenticated', 'brian@upgrade.test',
     '{"display_name": "Brian K."}', '{"provider": "email"}', now()),
    ('e0000000-0000-4000-8000-000000000003', 'authenticated', 'authenticated', 'chloe.o+art@upgrade.test',
     '{}', '{"provider": "email"}', NULL),
    ('e0000000-0000-4000-8000-000000000004', 'authenticated', 'authenticated', 'dmitri@upgrade.test',
     '{"username": "dmitri", "avatar_url": "https://cdn.test/d.png"}', '{"provider": "email"}', now()),
    ('e0000000-0000-4000-8000-000000000005', 'authenticated', 'authenticated', 'eun@upgrade.test',
     '{"username": "eun"}', '{"provider": "email"}', now()),
    ('e0000000-0000-4000-8000-000000000006', 'authenticated', 'authenticated', 'gone@upgrade.test',
     '{}', '{"provider": "email"}', now());
DELETE FROM auth.users WHERE id = 'e0000000-0000-4000-8000-000000000006';

-- Profiles through the table API, as their owners.
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
UPDATE public.profiles
   SET bio = 'Engines & poems — “analytical”', display_name = 'Ada L.',
       preferences = '{"theme": "dark", "langs": ["en", "fr"]}', onboarding_completed = true, onboarding_step = 5
 WHERE id = 'e0000000-0000-4000-8000-000000000001';
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000002');
UPDATE public.profiles SET bio = 'Synths at night', onboarding_step = 2
 WHERE id = 'e0000000-0000-4000-8000-000000000002';
SELECT public.update_last_active();
COMMIT;
-- Billing, as the service role's webhook handler writes it.
BEGIN;
SELECT pg_temp.act_as('service_role');
UPDATE public.profiles SET tier = 'creator', subscription_status = 'active', stripe_customer_id = 'cus_123',
       is_verified = true
 WHERE id = 'e0000000-0000-4000-8000-000000000001';
COMMIT;

-- Creations: drafts through the table API, then published or archived
-- through the RPCs.
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
INSERT INTO public.creations (id, user_id, title, description, type, file_url, thumbnail_url, file_size, file_format,
                              ai_tool, prompt, model, generation_params, seed, metadata, tags, categories)
VALUES ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'Difference Engine at dawn',
        'Brass gears, morning light', 'image', 'https://cdn.test/c1.png', 'https://cdn.test/c1-thumb.png', 123456,
        'png', 'midjourney', 'brass engine, dawn, volumetric light', 'v6', '{"ar": "16:9", "stylize": 250}', 42,
        '{"width": 1920, "height": 1080}', ARRAY['Steampunk', 'engine', 'dawn'], ARRAY['art']),
       ('e1000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000001', 'Work in progress',
        NULL, 'video', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}', NULL, '{}', '{}', '{}');
SELECT status FROM public.publish_creation('e1000000-0000-4000-8000-000000000001');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000002');
INSERT INTO public.creations (id, user_id, title, type, file_url, file_size, file_format, ai_tool, prompt, tags)
VALUES ('e1000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000002', 'Night drive', 'music',
        'https://cdn.test/c2.mp3', 3000000, 'mp3', 'suno', 'synthwave night drive', ARRAY['synthwave']);
SELECT status FROM public.publish_creation('e1000000-0000-4000-8000-000000000002');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000004');
INSERT INTO public.creations (id, user_id, title, description, type, tags)
VALUES ('e1000000-0000-4000-8000-000000000004', 'e0000000-0000-4000-8000-000000000004', 'Old piece', 'retired',
        'text', ARRAY['poem']);
SELECT status FROM public.publish_creation('e1000000-0000-4000-8000-000000000004');
SELECT status FROM public.archive_creation('e1000000-0000-4000-8000-000000000004');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000005');
INSERT INTO public.creations (id, user_id, title, type, ai_tool, seed, status)
VALUES ('e1000000-0000-4000-8000-000000000005', 'e0000000-0000-4000-8000-000000000005', 'Rendering…',
        'multimodal', 'runway', 7, 'processing');
COMMIT;

-- Likes (one like/unlike/like again), follows (one undone).
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000002');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000001');
SELECT public.follow_user(p_following_id => 'e0000000-0000-4000-8000-000000000001');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000003');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000001');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000001');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000001');
SELECT public.follow_user(p_following_id => 'e0000000-0000-4000-8000-000000000001');
SELECT public.follow_user(p_following_id => 'e0000000-0000-4000-8000-000000000004');
SELECT public.unfollow_user(p_following_id => 'e0000000-0000-4000-8000-000000000004');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000004');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000001');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000002');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000002');
SELECT public.follow_user(p_following_id => 'e0000000-0000-4000-8000-000000000002');
COMMIT;

-- Comments through the table API: a mention, a reply, an edit.
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000002');
INSERT INTO public.comments (id, user_id, creation_id, content)
VALUES ('e2000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002',
        'e1000000-0000-4000-8000-000000000001', 'Gorgeous light, @dmitri look at this');
UPDATE public.comments SET content = 'Gorgeous light, @dmitri look at this!'
 WHERE id = 'e2000000-0000-4000-8000-000000000001';
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
INSERT INTO public.comments (id, user_id, creation_id, content, parent_comment_id)
VALUES ('e2000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000001',
        'e1000000-0000-4000-8000-000000000001', 'Thank you! Took ages.', 'e2000000-0000-4000-8000-000000000001');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000004');
INSERT INTO public.comments (user_id, creation_id, content, parent_comment_id)
VALUES ('e0000000-0000-4000-8000-000000000004', 'e1000000-0000-4000-8000-000000000001', E'Agreed.\nMultiline, too.',
        'e2000000-0000-4000-8000-000000000001');
COMMIT;

-- Conversations with the Luminors: user turns through the RPC, the
-- assistant's replies from the service role with model, tokens and cost,
-- a rating, key memories, a bond check.
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
SELECT id FROM public.get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a001',
                                                 p_session_id => 'sess-1') \gset conv1_
SELECT public.add_message_to_conversation(p_conversation_id => :'conv1_id', p_content => 'How do I light brass?');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('service_role');
SELECT id FROM public.add_message_to_conversation(
    p_conversation_id => :'conv1_id', p_user_id => 'e0000000-0000-4000-8000-000000000001', p_role => 'assistant',
    p_content => 'Warm key light, cool rim.', p_model => 'gpt-4o', p_tokens => 321, p_cost => 0.004815) \gset reply1_
SELECT public.add_key_memory(p_user_id => 'e0000000-0000-4000-8000-000000000001',
                             p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_memory_type => 'project',
                             p_content => 'Difference Engine series', p_importance => 8);
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
UPDATE public.luminor_messages SET user_rating = 5, was_helpful = true WHERE id = :'reply1_id';
SELECT public.add_message_to_conversation(p_conversation_id => :'conv1_id', p_content => 'And at dawn?');
SELECT public.add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a001', p_memory_type => 'preference',
                             p_content => 'likes warm palettes', p_importance => 5);
SELECT public.check_bond_level_up(p_luminor_id => '00000000-0000-4000-8000-00000000a001');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000002');
SELECT id FROM public.get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a002') \gset conv2_
SELECT public.add_message_to_conversation(p_conversation_id => :'conv2_id', p_content => 'Write me a verse.');
UPDATE public.luminor_relationships SET user_preferences = '{"style": "lo-fi"}'
 WHERE luminor_id = '00000000-0000-4000-8000-00000000a002';
COMMIT;

-- Notifications: one read through the RPC, the rest of one user's read.
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
SELECT public.mark_notification_read(
    (SELECT id FROM public.notifications WHERE type = 'creation_liked' ORDER BY created_at, id LIMIT 1));
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000004');
SELECT public.mark_all_notifications_read();
COMMIT;
BEGIN;
SELECT pg_temp.act_as('service_role');
INSERT INTO public.notifications (user_id, type, title, message, metadata)
VALUES ('e0000000-0000-4000-8000-000000000005', 'system_announcement', 'Welcome to Arcanea',
        'Say hi to the Luminors', '{"campaign": "launch"}');
COMMIT;

-- Views from two visitors and a user.
BEGIN;
SELECT pg_temp.act_as('anon', NULL, '203.0.113.7');
SELECT public.increment_creation_views('e1000000-0000-4000-8000-000000000001');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('anon', NULL, '198.51.100.23');
SELECT public.increment_creation_views('e1000000-0000-4000-8000-000000000001');
COMMIT;
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000003');
SELECT public.increment_creation_views('e1000000-0000-4000-8000-000000000002');
COMMIT;

-- Storage objects, as the Storage API writes them for the uploader.
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000001');
INSERT INTO storage.objects (bucket_id, name, owner, owner_id, metadata) VALUES
    ('avatars', 'e0000000-0000-4000-8000-000000000001/avatar.png', 'e0000000-0000-4000-8000-000000000001',
     'e0000000-0000-4000-8000-000000000001', '{"size": 2048, "mimetype": "image/png"}'),
    ('creations', 'e0000000-0000-4000-8000-000000000001/image/e1000000-0000-4000-8000-000000000001.png',
     'e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', '{"size": 123456}'),
    ('thumbnails', 'e0000000-0000-4000-8000-000000000001/e1000000-0000-4000-8000-000000000001-thumb.png',
     'e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', '{"size": 4096}'),
    ('thumbnails', 'e0000000-0000-4000-8000-000000000001/e1000000-0000-4000-8000-000000000003-thumb.png',
     'e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', '{"size": 1024}');
COMMIT;

-- The operator's own changes: rate limits tuned, a Luminor edited.
UPDATE arcanea.rate_limits SET max_calls = 200, per = interval '5 minutes' WHERE action = 'like';
UPDATE arcanea.rate_limits SET max_calls = NULL WHERE action = 'repeat_view';
UPDATE public.luminors SET greeting_message = 'Welcome back, creator. What shall we light up today?',
       color = '#5555FF'
 WHERE slug = 'lumina';
