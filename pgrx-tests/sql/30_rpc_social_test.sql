-- RPC API, social and creation functions, called as PostgREST calls them:
-- role and JWT claims set inside the transaction.
BEGIN;
-- Counters on shared rows are folded when the writer commits; this file
-- never commits, so it folds at every statement (12_counters tests both).
SET CONSTRAINTS ALL IMMEDIATE;
SELECT plan(63);

\ir fixtures/act_as.sql

-- alice (a1) owns a published creation and a draft; bob (b2) and carol (c3) are users.
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@t.io', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@t.io',   '{"username":"bob"}'),
    ('cccccccc-0000-4000-8000-0000000000c3', 'carol@t.io', '{"username":"carol"}');
INSERT INTO public.creations (id, user_id, title, type, status, published_at) VALUES
    ('11111111-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Published', 'image', 'published', now()),
    ('11111111-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Draft', 'image', 'draft', NULL);

-- ---------------------------------------------------------------- toggle_like
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000001'),
          '{"liked": true, "like_count": 1}'::jsonb, 'toggle_like: first call likes');
SELECT is(toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000001'),
          '{"liked": false, "like_count": 0}'::jsonb, 'toggle_like: second call unlikes');
SELECT is(toggle_like('bbbbbbbb-0000-4000-8000-0000000000b2', '11111111-0000-4000-8000-000000000001'),
          '{"liked": true, "like_count": 1}'::jsonb, 'toggle_like: own id passed explicitly is accepted');
SELECT throws_ok($$SELECT toggle_like('cccccccc-0000-4000-8000-0000000000c3', '11111111-0000-4000-8000-000000000001')$$,
                 '42501', NULL, 'toggle_like: acting as another user is refused');
SELECT throws_ok($$SELECT toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000002')$$,
                 'PT404', 'creation not found', 'toggle_like: another user''s draft is not found');
SELECT throws_ok($$SELECT toggle_like(p_creation_id => '11111111-0000-4000-8000-0000000000ff')$$,
                 'PT404', 'creation not found', 'toggle_like: a missing creation is not found');
SELECT throws_ok($$SELECT toggle_like()$$, '22004', 'missing required argument p_creation_id',
                 'toggle_like: missing creation id is a clear error');
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000001')$$,
                 '42501', NULL, 'toggle_like: anon may not call it');
SELECT pg_temp.act_as('service_role');
SELECT is(toggle_like('cccccccc-0000-4000-8000-0000000000c3', '11111111-0000-4000-8000-000000000001') ->> 'liked',
          'true', 'toggle_like: the service role acts for a named user');
SELECT throws_ok($$SELECT toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000001')$$,
                 '22004', 'missing required argument p_user_id', 'toggle_like: the service role must name the user');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.likes WHERE creation_id = '11111111-0000-4000-8000-000000000001'), 2,
          'toggle_like: the refused calls wrote nothing (bob and carol only)');
SELECT is((SELECT like_count FROM public.creations WHERE id = '11111111-0000-4000-8000-000000000001'), 2,
          'toggle_like: like_count matches');
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(toggle_like(p_creation_id => '11111111-0000-4000-8000-000000000002') ->> 'liked', 'true',
          'toggle_like: the owner may like their own draft');

-- ------------------------------------------------------ follow_user / unfollow_user
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          '{"following": true, "follower_count": 1, "following_count": 1}'::jsonb, 'follow_user: follows');
SELECT is(follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          '{"following": true, "follower_count": 1, "following_count": 1}'::jsonb, 'follow_user: idempotent');
SELECT throws_ok($$SELECT follow_user(p_following_id => 'bbbbbbbb-0000-4000-8000-0000000000b2')$$,
                 '22023', 'invalid p_following_id: you cannot follow yourself', 'follow_user: self-follow is a 400');
SELECT throws_ok($$SELECT follow_user(p_following_id => '99999999-0000-4000-8000-000000000099')$$,
                 'PT404', 'user not found', 'follow_user: unknown user is not found');
SELECT throws_ok($$SELECT follow_user('cccccccc-0000-4000-8000-0000000000c3', 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 '42501', NULL, 'follow_user: acting as another follower is refused');
SELECT throws_ok($$SELECT follow_user()$$, '22004', NULL, 'follow_user: missing target');
SELECT is(unfollow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          '{"following": false, "follower_count": 0, "following_count": 0}'::jsonb, 'unfollow_user: unfollows');
SELECT is(unfollow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          '{"following": false, "follower_count": 0, "following_count": 0}'::jsonb, 'unfollow_user: idempotent');
SELECT throws_ok($$SELECT unfollow_user('cccccccc-0000-4000-8000-0000000000c3', 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 '42501', NULL, 'unfollow_user: acting as another follower is refused');
SELECT follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.follows WHERE follower_id = 'cccccccc-0000-4000-8000-0000000000c3'), 0,
          'follow_user: refused calls wrote nothing');
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT follow_user(p_following_id => 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 '42501', NULL, 'follow_user: anon may not call it');

-- ------------------------------------------------------------ update_last_active
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT isnt(update_last_active(), NULL, 'update_last_active: returns the timestamp');
RESET ROLE;
UPDATE public.profile_private SET last_active_at = now() - interval '30 seconds'
 WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2';
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(update_last_active(), now() - interval '30 seconds',
          'update_last_active: within a minute it does not write again');
RESET ROLE;
UPDATE public.profile_private SET last_active_at = now() - interval '5 minutes'
 WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2';
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is(update_last_active(), now(), 'update_last_active: after a minute it writes now()');
SELECT throws_ok($$SELECT update_last_active('aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 '42501', NULL, 'update_last_active: acting as another user is refused');
SELECT pg_temp.act_as('anon');
SELECT throws_ok($$SELECT update_last_active()$$, '42501', NULL, 'update_last_active: anon may not call it');
SELECT pg_temp.act_as('service_role');
SELECT throws_ok($$SELECT update_last_active('99999999-0000-4000-8000-000000000099')$$,
                 'PT404', 'user not found', 'update_last_active: unknown user is not found');

-- ------------------------------------------------- publish_creation / archive_creation
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((publish_creation('11111111-0000-4000-8000-000000000002')).status, 'published',
          'publish_creation: draft becomes published');
RESET ROLE;
SELECT ok((SELECT published_at IS NOT NULL FROM public.creations WHERE id = '11111111-0000-4000-8000-000000000002'),
          'publish_creation: published_at set');
SELECT is((SELECT creation_count FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 2,
          'publish_creation: the owner''s creation_count moves');
CREATE TEMP TABLE first_publish AS
    SELECT published_at FROM public.creations WHERE id = '11111111-0000-4000-8000-000000000002';
GRANT SELECT ON first_publish TO authenticated;
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((publish_creation('11111111-0000-4000-8000-000000000002')).published_at,
          (SELECT published_at FROM first_publish), 'publish_creation: idempotent, published_at unchanged');
SELECT is((archive_creation('11111111-0000-4000-8000-000000000002')).status, 'archived',
          'archive_creation: archives');
SELECT is((archive_creation('11111111-0000-4000-8000-000000000002')).status, 'archived',
          'archive_creation: idempotent');
SELECT is((SELECT creation_count FROM public.profiles WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 1,
          'archive_creation: creation_count moves back');
SELECT is((publish_creation('11111111-0000-4000-8000-000000000002')).published_at,
          (SELECT published_at FROM first_publish), 'publish_creation: re-publishing keeps the first date');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT throws_ok($$SELECT publish_creation('11111111-0000-4000-8000-000000000001')$$,
                 'PT404', 'creation not found', 'publish_creation: another user''s creation is not found');
SELECT throws_ok($$SELECT archive_creation('11111111-0000-4000-8000-000000000001')$$,
                 'PT404', 'creation not found', 'archive_creation: another user''s creation is not found');
SELECT throws_ok($$SELECT archive_creation('11111111-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 '42501', NULL, 'archive_creation: acting as the owner is refused');
SELECT throws_ok($$SELECT publish_creation()$$, '22004', NULL, 'publish_creation: missing id');
RESET ROLE;
SELECT is((SELECT status FROM public.creations WHERE id = '11111111-0000-4000-8000-000000000001'), 'published',
          'refused archive wrote nothing');
SELECT pg_temp.act_as('service_role');
SELECT is((archive_creation('11111111-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-0000000000a1')).status,
          'archived', 'archive_creation: the service role acts for the owner');

-- ------------------------------------------------------- increment_creation_views
SELECT pg_temp.act_as('anon');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 1, 'increment_creation_views: anon counts a view');
SELECT set_config('request.headers', '{"x-forwarded-for": "198.51.100.9"}', true);
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000001'), 2,
          'increment_creation_views: returns the new count (another visitor; 34_rate_limits tests repeats)');
SELECT throws_ok($$SELECT increment_creation_views('11111111-0000-4000-8000-000000000002')$$,
                 'PT404', 'creation not found', 'increment_creation_views: anon cannot see an archived creation');
SELECT throws_ok($$SELECT increment_creation_views()$$, '22004', NULL, 'increment_creation_views: missing id');
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(increment_creation_views('11111111-0000-4000-8000-000000000002'), 1,
          'increment_creation_views: the owner sees their archived creation');

-- --------------------------------------- mark_notification_read / mark_all_notifications_read
RESET ROLE;
-- bob's likes and follow left alice notifications.
SELECT ok((SELECT count(*) FROM public.notifications WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1') >= 2,
          'alice has notifications to read');
CREATE TEMP TABLE alice_notification AS
    SELECT id FROM public.notifications WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' ORDER BY created_at LIMIT 1;
GRANT SELECT ON alice_notification TO authenticated;
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT throws_ok($$SELECT mark_notification_read((SELECT id FROM alice_notification))$$,
                 'PT404', 'notification not found', 'mark_notification_read: another user''s notification is not found');
SELECT throws_ok($$SELECT mark_notification_read((SELECT id FROM alice_notification), 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 '42501', NULL, 'mark_notification_read: acting as the recipient is refused');
SELECT is(mark_all_notifications_read(), 0, 'mark_all_notifications_read: bob had none unread');
SELECT throws_ok($$SELECT mark_all_notifications_read('aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 '42501', NULL, 'mark_all_notifications_read: acting as another user is refused');
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is(mark_notification_read((SELECT id FROM alice_notification)), true, 'mark_notification_read: true when it marks');
SELECT is(mark_notification_read((SELECT id FROM alice_notification)), false, 'mark_notification_read: false when already read');
SELECT cmp_ok(mark_all_notifications_read(), '>=', 1, 'mark_all_notifications_read: counts what it marked');
SELECT is(mark_all_notifications_read(), 0, 'mark_all_notifications_read: nothing left');
SELECT throws_ok($$SELECT mark_notification_read()$$, '22004', NULL, 'mark_notification_read: missing id');

-- --------------------------------------------------------------- cleanup_notifications
SELECT throws_ok($$SELECT cleanup_notifications()$$, '42501', NULL, 'cleanup_notifications: users may not call it');
SELECT pg_temp.act_as('service_role');
SELECT is(cleanup_notifications(), 0, 'cleanup_notifications: nothing was read 30 days ago');
RESET ROLE;
UPDATE public.notifications SET read_at = now() - interval '40 days'
 WHERE user_id = 'aaaaaaaa-0000-4000-8000-0000000000a1' AND is_read;
SELECT pg_temp.act_as('service_role');
SELECT is(cleanup_notifications('50 days'), 0, 'cleanup_notifications: honours the age given');
SELECT cmp_ok(cleanup_notifications(), '>=', 2, 'cleanup_notifications: deletes those read over 30 days ago');

SELECT * FROM finish();
ROLLBACK;
