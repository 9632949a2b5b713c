-- ============================================================================
-- 70  Realtime                                          (requires: security)
-- ============================================================================
-- Supabase Realtime streams a table's changes to subscribed clients through
-- the logical-replication publication supabase_realtime, and checks each
-- change against the subscriber's SELECT policies (the recipient's own
-- notifications, the owner's own messages: 50_security.sql).  The two
-- tables a client wants live, new notifications and a Luminor's replies,
-- join that publication; it is created where it is missing (a bare
-- PostgreSQL; Supabase creates it empty), and its other members are left
-- as they are.  Dropping the extension drops the tables, and with them
-- their membership; the publication stays.
-- ============================================================================
DO $realtime$
DECLARE
    t regclass;
    messages text := pg_catalog.current_setting('client_min_messages');
BEGIN
    -- A publication cannot be a member of an extension, so pg_dump writes
    -- this one into a dump, and restoring it after CREATE EXTENSION reports
    -- that it exists already (docs/operations.md#backup-and-restore).
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
        -- Quiet: on a server without wal_level = logical (a bare PostgreSQL
        -- that runs no Realtime) PostgreSQL warns that nothing can stream.
        PERFORM pg_catalog.set_config('client_min_messages', 'error', true);
        CREATE PUBLICATION supabase_realtime;
        PERFORM pg_catalog.set_config('client_min_messages', messages, true);
    END IF;
    -- Both tables are partitioned (77_partitions.sql): without this a
    -- change streams under its partition's name (arcanea_partitions.
    -- notifications_p2026_11), and a client subscribed to
    -- public.notifications would see none.  The option is the
    -- publication's, for all its tables; it changes nothing for tables that
    -- are not partitioned.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime' AND NOT pubviaroot) THEN
        ALTER PUBLICATION supabase_realtime SET (publish_via_partition_root = true);
    END IF;
    FOREACH t IN ARRAY ARRAY['public.notifications', 'public.luminor_messages']::regclass[] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime')
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr
                         JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
                        WHERE p.pubname = 'supabase_realtime' AND pr.prrelid = t)
           AND NOT (SELECT puballtables FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
            EXECUTE format('ALTER PUBLICATION supabase_realtime ADD TABLE %s', t);
        END IF;
    END LOOP;
END
$realtime$;

-- ---------------------------------------------------------------------------
-- Broadcast, inside Supabase.  Supabase Realtime reads Postgres Changes
-- from the WAL through wal2json, which names a partitioned table's rows by
-- their partition and so delivers none of them to a subscriber of
-- public.notifications (wal2json issue 259; Realtime's list_changes filters
-- by the publication's tables).  Where Realtime's Broadcast is installed
-- (realtime.send), each new notification and message is therefore also
-- sent, as the row a client would read, to its owner's private channel
-- `arcanea:user:<user id>`, event `notification` or `message`; the policy
-- below admits only that user to the channel.  realtime.send never fails a
-- write (it turns its own errors into warnings).  Elsewhere nothing is
-- created: a bare PostgreSQL streams Postgres Changes with pgoutput, which
-- publish_via_partition_root serves.
-- ---------------------------------------------------------------------------
-- SECURITY DEFINER: a user's own insert (a message through the table API)
-- fires it, and realtime.send writes realtime.messages with the rights of
-- its caller.
CREATE FUNCTION arcanea.broadcast_to_owner() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM realtime.send(to_jsonb(NEW), TG_ARGV[0], 'arcanea:user:' || NEW.user_id::text, true);
    RETURN NULL;
END
$$;
DO $broadcast$
BEGIN
    IF pg_catalog.to_regprocedure('realtime.send(jsonb, text, text, boolean)') IS NOT NULL
       AND pg_catalog.to_regclass('realtime.messages') IS NOT NULL THEN
        CREATE TRIGGER notifications_broadcast AFTER INSERT ON public.notifications
            FOR EACH ROW EXECUTE FUNCTION arcanea.broadcast_to_owner('notification');
        CREATE TRIGGER luminor_messages_broadcast AFTER INSERT ON public.luminor_messages
            FOR EACH ROW EXECUTE FUNCTION arcanea.broadcast_to_owner('message');
        CREATE POLICY arcanea_user_channel ON realtime.messages FOR SELECT TO authenticated
            USING (extension = 'broadcast'
                   AND (SELECT realtime.topic()) = 'arcanea:user:' || (SELECT auth.uid())::text);
    END IF;
END
$broadcast$;
