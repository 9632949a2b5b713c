-- ============================================================================
-- 77  Monthly partitions of luminor_messages and notifications
--                                                   (requires: maintenance)
-- ============================================================================
-- The two tables that only grow, a Luminor chat's messages and the
-- notifications, are partitioned by month of created_at (10_tables.sql).
-- A month is one table in arcanea_partitions, named <table>_pYYYY_MM:
--   * arcanea.ensure_partitions() makes the current month's and the next
--     ones ahead of time.  It runs daily with the other maintenance jobs
--     (75_maintenance.sql), and is safe to run at any time, again and
--     again.  Not pg_partman: it would make the partitions in public,
--     exposed and without the tables' policies (docs/operations.md).
--   * Rows of a month with no partition land in the table's DEFAULT
--     partition: nothing is ever refused for want of a partition.  A month
--     that already has rows there stays there (ensure_partitions says so
--     and creates the months after it); moving rows between partitions
--     would replay them to Realtime subscribers as new.
--   * cleanup_notifications() drops a whole month once every notification
--     in it is past the cutoff, and deletes row by row elsewhere.
--
-- Why not the install script: a partition made by CREATE EXTENSION would
-- be a member of the extension, and pg_dump writes no table definition for
-- members, so its month would be lost in a dump.  The monthly partitions
-- are ordinary tables that pg_dump writes out with their rows; the DEFAULT
-- partitions are members, registered for pg_dump's data.
--
-- Policies, grants, triggers and indexes are the partitioned tables' own:
-- PostgreSQL checks the privileges and policies of the table a query
-- names, clones its row triggers and indexes onto each partition, and
-- nobody but the owner may use the arcanea_partitions schema.
-- ============================================================================

-- A partition's range, or NULLs for DEFAULT: the bounds are read from the
-- catalog, so a partition an operator attached (under any name) is
-- handled too.
CREATE FUNCTION arcanea.partition_bounds(p_partition regclass, OUT lower_bound timestamptz, OUT upper_bound timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT substring(b FROM 'FROM \(''([^'']+)''\)')::timestamptz,
           substring(b FROM 'TO \(''([^'']+)''\)')::timestamptz
      FROM (SELECT pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_class c WHERE c.oid = p_partition) x
$$;

-- Makes the partition of p_parent for the month (UTC) that holds p_instant,
-- named <table>_pYYYY_MM in arcanea_partitions, and returns it.  Takes an
-- ACCESS EXCLUSIVE lock on p_parent until commit, and scans its DEFAULT
-- partition to prove it holds no row of that month: a short moment, once
-- a month.
CREATE FUNCTION arcanea.create_month_partition(p_parent regclass, p_instant timestamptz)
RETURNS regclass
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    -- Months in UTC, whatever the session's time zone, so every caller
    -- draws the same boundaries.
    month timestamp := date_trunc('month', p_instant AT TIME ZONE 'UTC');
    part_name text := format('%s_p%s', (SELECT relname FROM pg_class WHERE oid = p_parent), to_char(month, 'YYYY_MM'));
BEGIN
    EXECUTE format('CREATE TABLE arcanea_partitions.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                   part_name, p_parent, month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
    -- The parent's owner owns its partitions, whoever ran this, so
    -- cleanup_notifications (running as that owner) may drop them.
    EXECUTE format('ALTER TABLE arcanea_partitions.%I OWNER TO %I', part_name,
                   (SELECT relowner::regrole::text FROM pg_class WHERE oid = p_parent));
    RETURN format('arcanea_partitions.%I', part_name)::regclass;
END
$$;

-- Makes the monthly partitions of every partitioned table of the extension,
-- from the current month to p_months_ahead months after it, where they are
-- missing; returns the ones it made.
CREATE FUNCTION arcanea.ensure_partitions(p_months_ahead integer DEFAULT 3)
RETURNS SETOF regclass
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parent regclass;
    dflt regclass;
    month timestamptz;
    next_month timestamptz;
    has_rows boolean;
BEGIN
    IF p_months_ahead IS NULL OR p_months_ahead NOT BETWEEN 0 AND 120 THEN
        RAISE EXCEPTION 'p_months_ahead must be between 0 and 120'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR parent IN
        SELECT o.rel FROM arcanea.own_relations() o WHERE o.relkind = 'p' ORDER BY o.rel::text
    LOOP
        SELECT i.inhrelid::regclass INTO dflt
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
        FOR m IN 0 .. p_months_ahead LOOP
            month := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m)) AT TIME ZONE 'UTC';
            next_month := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m + 1)) AT TIME ZONE 'UTC';
            -- A partition (ours or an operator's) covers some of it.
            CONTINUE WHEN EXISTS (
                SELECT 1 FROM pg_inherits i
                 WHERE i.inhparent = parent
                   AND (arcanea.partition_bounds(i.inhrelid::regclass)).lower_bound < next_month
                   AND (arcanea.partition_bounds(i.inhrelid::regclass)).upper_bound > month);
            IF dflt IS NOT NULL THEN
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE created_at >= $1 AND created_at < $2)', dflt)
                   INTO has_rows USING month, next_month;
                IF has_rows THEN
                    RAISE NOTICE '% has rows of % in %: that month stays there', parent,
                        to_char(month AT TIME ZONE 'UTC', 'YYYY-MM'), dflt;
                    CONTINUE;
                END IF;
            END IF;
            RETURN NEXT arcanea.create_month_partition(parent, month);
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION arcanea.ensure_partitions(integer) IS
    'Creates the monthly partitions of public.luminor_messages and public.notifications from this month to p_months_ahead months ahead, where missing. Run daily (arcanea.schedule_maintenance() does).';

-- Drops the monthly partitions of notifications in which every row is a
-- notification read before p_cutoff (cleanup_notifications' rule, whole
-- months at a time: no dead rows, no WAL per row); returns how many rows
-- left with them.  Months that still hold a row to keep are left to the
-- row-by-row DELETE that follows.
CREATE FUNCTION arcanea.drop_read_notification_partitions(p_cutoff timestamptz)
RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    part regclass;
    n bigint;
    all_read boolean;
    dropped bigint := 0;
BEGIN
    FOR part IN
        SELECT i.inhrelid::regclass FROM pg_inherits i
         WHERE i.inhparent = 'public.notifications'::regclass
           AND (arcanea.partition_bounds(i.inhrelid::regclass)).upper_bound <= p_cutoff
         ORDER BY 1
    LOOP
        -- IS TRUE: a row read without a read_at (inserted as read: the
        -- read_at trigger fires on UPDATE) is one the DELETE keeps, and
        -- bool_and would skip its NULL.
        EXECUTE format('SELECT count(*), coalesce(bool_and((is_read AND read_at < $1) IS TRUE), true) FROM %s', part)
           INTO n, all_read USING p_cutoff;
        IF all_read THEN
            -- ACCESS EXCLUSIVE on notifications until commit: catalog work only.
            EXECUTE format('DROP TABLE %s', part);
            dropped := dropped + n;
        END IF;
    END LOOP;
    RETURN dropped;
END
$$;
