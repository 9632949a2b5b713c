-- The contract PostgREST and supabase-js rely on, read from the catalog:
-- every RPC in public takes only named p_ arguments that all have defaults,
-- is not STRICT, runs as SECURITY DEFINER with a pinned search_path, and is
-- STABLE when it only reads (so it serves GET) or VOLATILE when it writes.
BEGIN;
SELECT plan(8);

CREATE TEMP TABLE rpc AS
SELECT p.oid, p.proname, p.provolatile, p.proisstrict, p.prosecdef, p.proconfig, p.pronargs,
       p.pronargdefaults,
       -- The arguments a caller passes (IN, INOUT, VARIADIC); not the
       -- columns of a RETURNS TABLE, which proargnames lists too.
       coalesce((SELECT array_agg(a.n ORDER BY a.i)
                   FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS a(n, m, i)
                  WHERE a.m IS NULL OR a.m IN ('i', 'b', 'v')), '{}') AS argnames
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
 WHERE p.pronamespace = 'public'::regnamespace;

SELECT set_eq($$SELECT proname::text FROM rpc$$, ARRAY[
    'update_last_active', 'get_or_create_conversation', 'add_message_to_conversation', 'check_bond_level_up',
    'add_key_memory', 'get_key_memories', 'publish_creation', 'archive_creation', 'increment_creation_views',
    'toggle_like', 'follow_user', 'unfollow_user', 'mark_notification_read', 'mark_all_notifications_read',
    'search_creations', 'get_user_feed', 'get_user_stats', 'get_conversation_with_messages',
    'get_luminor_relationship', 'archive_old_conversations', 'cleanup_notifications',
    'export_my_data', 'get_presence', 'pending_storage_erasures'],
    'every documented RPC exists in public, and nothing else of ours');
SELECT is_empty($$SELECT proname FROM rpc WHERE pronargdefaults <> pronargs$$,
                'every argument of every RPC has a default');
SELECT is_empty($$SELECT proname FROM rpc, unnest(argnames) a WHERE a NOT LIKE 'p\_%'$$,
                'every argument is named p_...');
-- (A function without arguments is STRICT to pgrx and never sees a NULL.)
SELECT is_empty($$SELECT proname FROM rpc WHERE proisstrict AND pronargs > 0$$,
                'no RPC with arguments is STRICT (a NULL argument is an error, not a NULL)');
SELECT is_empty($$SELECT proname FROM rpc WHERE NOT prosecdef$$, 'every RPC is SECURITY DEFINER');
SELECT is_empty($$SELECT proname FROM rpc WHERE NOT coalesce(proconfig, '{}') @> ARRAY['search_path=pg_catalog, pg_temp']$$,
                'every RPC pins its search_path');
SELECT set_eq($$SELECT proname::text FROM rpc WHERE provolatile = 's'$$,
    ARRAY['get_key_memories', 'search_creations', 'get_user_feed', 'get_user_stats',
          'get_conversation_with_messages', 'get_luminor_relationship', 'export_my_data', 'get_presence'],
    'the readers are STABLE');
SELECT is_empty($$SELECT proname FROM rpc WHERE provolatile = 'i'$$, 'no RPC claims to be IMMUTABLE');

SELECT * FROM finish();
ROLLBACK;
