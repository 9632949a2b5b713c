-- The product works: the calls a session of the app makes, each as
-- PostgREST makes it, on the data of load_data.sql.  Every transaction
-- rolls back, so running this changes no row.  Uses only what 0.1.0
-- offers: it runs before an upgrade (0.1.0's catalog on the new library),
-- after it, and after a downgrade.  Stops at the first error
-- when psql runs it with -v ON_ERROR_STOP=1 (exit status 3).

\ir ../../sql/fixtures/act_as.sql

-- A signup (the handle_new_user trigger, in Rust).
BEGIN;
INSERT INTO auth.users (id, aud, role, email, raw_user_meta_data)
VALUES ('e0000000-0000-4000-8000-0000000000ff', 'authenticated', 'authenticated', 'smoke@upgrade.test',
        '{"username": "smoke_test"}');
SELECT 1 / count(*) FROM public.profiles WHERE id = 'e0000000-0000-4000-8000-0000000000ff';
ROLLBACK;

-- A user's session.
BEGIN;
SELECT pg_temp.act_as('authenticated', 'e0000000-0000-4000-8000-000000000005');
-- The table API: a like (the rate-limit trigger, in Rust), taken back by
-- the RPC; a comment.
INSERT INTO public.likes (user_id, creation_id)
VALUES ('e0000000-0000-4000-8000-000000000005', 'e1000000-0000-4000-8000-000000000001');
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000001') ->> 'liked' = 'false' AS unliked \gset
\if :unliked
\else
    \echo 'toggle_like did not take back the like made through the table API'
    SELECT 1 / 0;
\endif
SELECT public.toggle_like(p_creation_id => 'e1000000-0000-4000-8000-000000000002');
SELECT public.follow_user(p_following_id => 'e0000000-0000-4000-8000-000000000001');
SELECT public.unfollow_user(p_following_id => 'e0000000-0000-4000-8000-000000000001');
SELECT public.follow_user(p_following_id => 'e0000000-0000-4000-8000-000000000002');
SELECT count(*) FROM public.get_user_feed();
SELECT count(*) FROM public.search_creations(p_query => 'engine');
SELECT public.get_user_stats('e0000000-0000-4000-8000-000000000001');
INSERT INTO public.comments (user_id, creation_id, content)
VALUES ('e0000000-0000-4000-8000-000000000005', 'e1000000-0000-4000-8000-000000000001', 'Lovely, @ada');
SELECT id FROM public.get_or_create_conversation(p_luminor_id => '00000000-0000-4000-8000-00000000a003') \gset smoke_conv_
SELECT public.add_message_to_conversation(p_conversation_id => :'smoke_conv_id', p_content => 'Storyboard this?');
SELECT public.get_conversation_with_messages(:'smoke_conv_id');
SELECT public.add_key_memory(p_luminor_id => '00000000-0000-4000-8000-00000000a003', p_content => 'films at night');
SELECT count(*) FROM public.get_key_memories(p_luminor_id => '00000000-0000-4000-8000-00000000a003');
SELECT public.get_luminor_relationship(p_luminor_id => '00000000-0000-4000-8000-00000000a003');
SELECT public.check_bond_level_up(p_luminor_id => '00000000-0000-4000-8000-00000000a003');
SELECT public.mark_all_notifications_read();
SELECT public.update_last_active();
SELECT status FROM public.publish_creation('e1000000-0000-4000-8000-000000000005');
ROLLBACK;

-- A visitor.
BEGIN;
SELECT pg_temp.act_as('anon', NULL, '192.0.2.44');
SELECT public.increment_creation_views('e1000000-0000-4000-8000-000000000002');
SELECT count(*) FROM public.search_creations(p_query => 'night');
SELECT count(*) FROM public.creations;
ROLLBACK;

-- The service role's maintenance.
BEGIN;
SELECT pg_temp.act_as('service_role');
SELECT public.cleanup_notifications();
SELECT public.archive_old_conversations();
ROLLBACK;
