-- Monthly partitions of luminor_messages and notifications
-- (sql/77_partitions.sql).  The suite runs this file on fresh installs and
-- on upgraded ones, bare and Supabase-like.  An upgraded database has a
-- legacy partition per table, its 0.1.0 table, covering everything before
-- next month: so "this month's partition" below is whichever partition
-- covers now.
--
--   1. shape: both tables partitioned by range of created_at, each with a
--      DEFAULT partition that belongs to the extension (and to pg_dump's
--      data); nobody but the owner may use the partitions' schema;
--   2. ensure_partitions: the current month and the months ahead, in UTC
--      whatever the session's time zone; idempotent; a month that already
--      has rows in the DEFAULT partition stays there; refuses a silly
--      horizon; the months it makes are ordinary tables owned by the
--      tables' owner, with the parent's triggers and indexes;
--   3. rows go to their month, through the API, with counters and policies
--      as before, and a partition is out of the API roles' reach;
--   4. cleanup_notifications drops a month whose notifications were all
--      read before the cutoff, deletes row by row in a month that still
--      holds one to keep, and counts both.
BEGIN;
SELECT plan(36);

\ir fixtures/act_as.sql

-- ============================================================================
-- 1. Shape
-- ============================================================================
SELECT is((SELECT pg_get_partkeydef('public.luminor_messages'::regclass)), 'RANGE (created_at)',
          'luminor_messages is partitioned by range of created_at');
SELECT is((SELECT pg_get_partkeydef('public.notifications'::regclass)), 'RANGE (created_at)',
          'notifications is partitioned by range of created_at');
SELECT is((SELECT string_agg(i.inhrelid::regclass::text, ' ' ORDER BY 1)
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent IN ('public.luminor_messages'::regclass, 'public.notifications'::regclass)
              AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'),
          'arcanea_partitions.luminor_messages_default arcanea_partitions.notifications_default',
          'each has a DEFAULT partition in arcanea_partitions');
SELECT is((SELECT count(*)::int FROM pg_depend d
            WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
              AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'arcanea')
              AND d.objid IN ('arcanea_partitions.luminor_messages_default'::regclass,
                              'arcanea_partitions.notifications_default'::regclass)), 2,
          'the DEFAULT partitions are members of the extension');
SELECT ok((SELECT e.extconfig @> ARRAY['arcanea_partitions.luminor_messages_default'::regclass::oid,
                                       'arcanea_partitions.notifications_default'::regclass::oid]
             FROM pg_extension e WHERE e.extname = 'arcanea'),
          '... and pg_dump writes their rows (pg_extension_config_dump)');
SELECT is((SELECT count(*)::int FROM unnest(ARRAY['anon', 'authenticated', 'service_role']) r
            WHERE has_schema_privilege(r, 'arcanea_partitions', 'USAGE')), 0,
          'anon, authenticated and service_role have no USAGE on arcanea_partitions (nor has PUBLIC)');

-- ============================================================================
-- 2. ensure_partitions
-- ============================================================================
-- Boundaries in UTC whatever the session's zone.
SET LOCAL timezone = 'Pacific/Auckland';
SELECT lives_ok($$SELECT arcanea.ensure_partitions(2)$$, 'ensure_partitions(2) runs (in another time zone)');
RESET timezone;
SET LOCAL timezone = 'UTC';
-- Each partition with its bounds.
CREATE TEMP VIEW parts AS
SELECT 'public.' || (SELECT relname FROM pg_class WHERE oid = i.inhparent) AS tbl, i.inhrelid::regclass::text AS part,
       (arcanea.partition_bounds(i.inhrelid::regclass)).*
  FROM pg_inherits i
 WHERE i.inhparent IN ('public.luminor_messages'::regclass, 'public.notifications'::regclass);
CREATE TEMP TABLE months AS
SELECT t.tbl, (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m)) AT TIME ZONE 'UTC' AS lo
  FROM unnest(ARRAY['public.luminor_messages', 'public.notifications']) t(tbl), generate_series(0, 2) m;
SELECT is((SELECT count(*)::int FROM months mo
            WHERE EXISTS (SELECT 1 FROM parts p
                           WHERE p.tbl = mo.tbl AND p.lower_bound <= mo.lo
                             AND p.upper_bound >= ((mo.lo AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC')),
          6, 'ensure_partitions(2): this month and the next two have a partition, for both tables');
SELECT is((SELECT count(*)::int FROM parts p
            WHERE p.lower_bound IS NOT NULL   -- not DEFAULT
              AND NOT (p.part = format('arcanea_partitions.%s_p%s', split_part(p.tbl, '.', 2),
                                       to_char(p.lower_bound AT TIME ZONE 'UTC', 'YYYY_MM'))
                       AND p.lower_bound = date_trunc('month', p.lower_bound AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                       AND p.upper_bound = ((p.lower_bound AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC')
              AND NOT (p.part = format('arcanea_partitions.%s_legacy', split_part(p.tbl, '.', 2))
                       AND p.lower_bound = '-infinity')), 0,
          'every partition is a calendar month in UTC named <table>_pYYYY_MM (or an upgrade''s <table>_legacy, from -infinity)');
SELECT is((SELECT count(*)::int FROM arcanea.ensure_partitions(2)), 0, 'a second run makes nothing');
SELECT is((SELECT count(*)::int FROM pg_depend d
            WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
              AND d.objid IN (SELECT i.inhrelid FROM pg_inherits i
                               WHERE i.inhparent IN ('public.luminor_messages'::regclass, 'public.notifications'::regclass))
              AND d.objid NOT IN ('arcanea_partitions.luminor_messages_default'::regclass,
                                  'arcanea_partitions.notifications_default'::regclass)), 0,
          'monthly partitions are not members of the extension (pg_dump writes them out with their rows)');
SELECT is((SELECT count(*)::int FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent IN ('public.luminor_messages'::regclass, 'public.notifications'::regclass)
              AND c.relowner <> (SELECT relowner FROM pg_class WHERE oid = i.inhparent)), 0,
          'every partition is owned by its table''s owner');
SELECT is((SELECT count(*)::int FROM pg_trigger t
            WHERE t.tgrelid = (SELECT p.part::regclass FROM parts p
                                WHERE p.tbl = 'public.luminor_messages' AND now() >= p.lower_bound AND now() < p.upper_bound)
              AND NOT t.tgisinternal),
          (SELECT count(*)::int FROM pg_trigger t WHERE t.tgrelid = 'public.luminor_messages'::regclass AND NOT t.tgisinternal),
          'this month''s partition of luminor_messages has every row trigger of the table (counters, rules, rate limit), no other');
SELECT is((SELECT count(*)::int FROM pg_index x
            WHERE x.indrelid = (SELECT p.part::regclass FROM parts p
                                 WHERE p.tbl = 'public.notifications' AND now() >= p.lower_bound AND now() < p.upper_bound)),
          (SELECT count(*)::int FROM pg_index x WHERE x.indrelid = 'public.notifications'::regclass),
          'this month''s partition of notifications has every index of the table');
SELECT throws_ok($$SELECT arcanea.ensure_partitions(-1)$$, '22023', 'p_months_ahead must be between 0 and 120',
                 'ensure_partitions refuses a negative horizon');
SELECT throws_ok($$SELECT arcanea.ensure_partitions(NULL)$$, '22023', NULL, '... and a NULL one');

-- Users for the rest.
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'alice@t.io', '{"username":"alice"}'),
    ('bbbbbbbb-0000-4000-8000-0000000000b2', 'bob@t.io', '{"username":"bob"}');

-- A row five months ahead, with no partition for its month, lands in the
-- DEFAULT partition; ensure_partitions then leaves that month there.
INSERT INTO public.notifications (user_id, type, title, created_at)
VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'From the future',
        (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '5 months 3 days') AT TIME ZONE 'UTC');
SELECT is((SELECT tableoid::regclass::text FROM public.notifications WHERE title = 'From the future'),
          'arcanea_partitions.notifications_default', 'a row of a month without a partition lands in DEFAULT');
SELECT lives_ok($$SELECT arcanea.ensure_partitions(6)$$, 'ensure_partitions(6) runs');
SELECT is((SELECT count(*)::int FROM generate_series(3, 6) m
            WHERE m <> 5 AND to_regclass('arcanea_partitions.notifications_p'
                  || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m), 'YYYY_MM')) IS NOT NULL), 3,
          '... and months 3, 4 and 6 of notifications have partitions ...');
SELECT is((SELECT count(*)::int FROM pg_inherits i
            WHERE i.inhparent = 'public.notifications'::regclass
              AND (arcanea.partition_bounds(i.inhrelid::regclass)).lower_bound
                  = (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '5 months') AT TIME ZONE 'UTC'), 0,
          '... but not month 5, whose row stays in DEFAULT');
SELECT is((SELECT tableoid::regclass::text FROM public.notifications WHERE title = 'From the future'),
          'arcanea_partitions.notifications_default', '... where the row still is');

-- ============================================================================
-- 3. Rows go to their month, through the API
-- ============================================================================
-- This month's partition of each table, read as the owner (the API roles
-- may not call arcanea's functions).
CREATE TEMP TABLE now_parts AS
SELECT tbl, part FROM parts WHERE now() >= lower_bound AND now() < upper_bound;
GRANT SELECT ON now_parts TO authenticated, service_role;
INSERT INTO public.creations (id, user_id, title, type, status, published_at)
VALUES ('c0000000-0000-4000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Aurora', 'image', 'published', now());
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is((toggle_like(p_creation_id => 'c0000000-0000-4000-8000-0000000000c1') ->> 'liked')::boolean, true,
          'bob likes alice''s creation');
RESET ROLE;
SELECT is((SELECT tableoid::regclass::text FROM public.notifications WHERE type = 'creation_liked'),
          (SELECT part FROM now_parts WHERE tbl = 'public.notifications'),
          'the like notification lands in this month''s partition, not DEFAULT');
SELECT pg_temp.act_as('authenticated', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((SELECT count(*)::int FROM public.notifications WHERE type = 'creation_liked'), 1,
          'alice reads it through the table and its policy');
SELECT is((SELECT count(*)::int FROM public.notifications WHERE title = 'From the future'), 1,
          '... and her row in DEFAULT too');
CREATE TEMP TABLE conv AS
SELECT (get_or_create_conversation('aaaaaaaa-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-00000000a001', 's1')).id;
SELECT lives_ok($$SELECT add_message_to_conversation((SELECT id FROM conv), 'aaaaaaaa-0000-4000-8000-0000000000a1', 'user', 'Hello Lumina')$$,
                'alice writes to Lumina');
SELECT is((SELECT message_count FROM public.luminor_conversations WHERE id = (SELECT id FROM conv)), 1,
          'the conversation counts the message (its trigger runs on the partition)');
SELECT pg_temp.act_as('authenticated', 'bbbbbbbb-0000-4000-8000-0000000000b2');
SELECT is((SELECT count(*)::int FROM public.notifications), 0, 'bob reads none of alice''s notifications');
SELECT is((SELECT count(*)::int FROM public.luminor_messages), 0, '... nor her messages');
SELECT throws_ok(format('SELECT * FROM %s', (SELECT part FROM now_parts WHERE tbl = 'public.notifications')),
                 '42501', NULL, 'a partition is out of reach of the API roles (no schema USAGE)');
RESET ROLE;
SELECT is((SELECT tableoid::regclass::text FROM public.luminor_messages WHERE content = 'Hello Lumina'),
          (SELECT part FROM now_parts WHERE tbl = 'public.luminor_messages'),
          'the message lands in this month''s partition, not DEFAULT');

-- ============================================================================
-- 4. cleanup_notifications drops whole months
-- ============================================================================
-- Two months long past: one where every notification was read long ago,
-- one that still holds an unread one.  An upgraded database's legacy
-- partition (empty here but for the like above) covers those months: it
-- goes first, in this rolled-back transaction.
DROP TABLE IF EXISTS arcanea_partitions.notifications_legacy;
SELECT arcanea.create_month_partition('public.notifications', now() - interval '6 months');
SELECT arcanea.create_month_partition('public.notifications', now() - interval '5 months');
SELECT arcanea.create_month_partition('public.notifications', now() - interval '4 months');
-- A third month holds one notification written as read but without a
-- read_at: the DELETE keeps it, so its month must stay.
INSERT INTO public.notifications (user_id, type, title, created_at, is_read, read_at)
VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'Old read, no read_at',
        now() - interval '6 months', true, NULL);
INSERT INTO public.notifications (user_id, type, title, created_at, is_read, read_at)
SELECT 'aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'Old ' || n,
       now() - interval '5 months', true, now() - interval '5 months'
  FROM generate_series(1, 3) n;
INSERT INTO public.notifications (user_id, type, title, created_at, is_read, read_at) VALUES
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'Old read', now() - interval '4 months', true,
     now() - interval '4 months'),
    ('aaaaaaaa-0000-4000-8000-0000000000a1', 'system_announcement', 'Old unread', now() - interval '4 months', false, NULL);
CREATE TEMP TABLE old_months AS
SELECT 'arcanea_partitions.notifications_p' || to_char((now() - interval '5 months') AT TIME ZONE 'UTC', 'YYYY_MM') AS all_read,
       'arcanea_partitions.notifications_p' || to_char((now() - interval '4 months') AT TIME ZONE 'UTC', 'YYYY_MM') AS mixed;
GRANT SELECT ON conv, old_months TO service_role;
SELECT pg_temp.act_as('service_role');
SELECT is(cleanup_notifications('30 days'), 4, 'cleanup_notifications counts the dropped month''s 3 rows and the deleted one');
RESET ROLE;
SELECT is((SELECT to_regclass(all_read) FROM old_months), NULL, 'the month read in full is dropped');
SELECT is((SELECT string_agg(title, ',' ORDER BY title) FROM public.notifications WHERE title LIKE 'Old%'),
          'Old read, no read_at,Old unread',
          'the others keep their unread notification and the one read without read_at, and lose the read one');
SELECT isnt((SELECT to_regclass('arcanea_partitions.notifications_p'
                                || to_char((now() - interval '6 months') AT TIME ZONE 'UTC', 'YYYY_MM'))), NULL,
            'the month with a notification read without read_at is not dropped');
SELECT isnt((SELECT to_regclass(mixed) FROM old_months), NULL, 'nor the month with an unread one');

SELECT * FROM finish();
ROLLBACK;
