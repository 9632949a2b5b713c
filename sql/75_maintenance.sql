-- ============================================================================
-- 75  Scheduled maintenance with pg_cron                (requires: security)
-- ============================================================================
-- The regular tasks, registered with pg_cron where it is installed (Supabase
-- ships it; Debian has postgresql-15-cron, which needs
-- shared_preload_libraries = 'pg_cron'): the rows of
-- arcanea.maintenance_jobs() below, each a name, a cron schedule and the
-- command it runs.
--
-- Times are UTC (pg_cron's).  The functions are for the database owner
-- (the jobs run as whoever schedules them, who must be trusted: the
-- maintenance RPCs refuse anyone else).
-- ============================================================================

-- The jobs, one row each: the single list both functions read.
CREATE FUNCTION arcanea.maintenance_jobs(OUT job_name text, OUT schedule text, OUT command text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    VALUES
        ('arcanea-archive-conversations', '0 3 1 * *', 'SELECT public.archive_old_conversations(''90 days'')'),
        ('arcanea-cleanup-notifications', '0 4 * * 0', 'SELECT public.cleanup_notifications(''30 days'')'),
        ('arcanea-ensure-partitions',     '45 2 * * *', 'SELECT count(*) FROM arcanea.ensure_partitions()'),
        ('arcanea-prune-notification-groups', '20 * * * *', 'SELECT arcanea.prune_notification_groups()'),
        ('arcanea-prune-rate-limits',     '15 * * * *', 'SELECT arcanea.prune_rate_limit_usage()'),
        ('arcanea-recount-counters',      '30 4 * * 0', 'SELECT count(*) FROM arcanea.recount_counters()'),
        ('arcanea-refresh-search-leaders', '45 4 * * 0', 'SELECT * FROM arcanea.refresh_search_leaders()'),
        ('arcanea-vacuum-analyze',        '0 5 * * *',
         'VACUUM (ANALYZE) public.likes, public.follows, public.comments, public.notifications, '
         'public.luminor_messages, public.creations, public.profiles')
$$;

-- Registers the jobs (again: pg_cron's cron.schedule replaces a job of the
-- same name, so calling this twice leaves one of each).  Without pg_cron
-- it says so: SQLSTATE 55000 and a hint.
CREATE FUNCTION arcanea.schedule_maintenance()
RETURNS TABLE (job_name text, schedule text, command text, jobid bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF to_regprocedure('cron.schedule(text, text, text)') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Install pg_cron (shared_preload_libraries = ''pg_cron'', cron.database_name = '
                         'this database), run CREATE EXTENSION pg_cron, then call arcanea.schedule_maintenance() '
                         'again; or run the jobs of arcanea.maintenance_jobs() with a scheduler of your own.';
    END IF;
    RETURN QUERY
    SELECT j.job_name, j.schedule, j.command,
           cron.schedule(j.job_name, j.schedule, j.command)::bigint
      FROM arcanea.maintenance_jobs() j;
END
$$;

-- Removes the jobs schedule_maintenance registered (those not there are
-- skipped); returns how many it removed.
CREATE FUNCTION arcanea.unschedule_maintenance() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    removed integer := 0;
    name text;
BEGIN
    IF to_regprocedure('cron.unschedule(name)') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Nothing was scheduled with it: arcanea.schedule_maintenance() needs pg_cron.';
    END IF;
    FOR name IN SELECT j.job_name FROM arcanea.maintenance_jobs() j LOOP
        IF EXISTS (SELECT 1 FROM cron.job WHERE jobname = name) THEN
            PERFORM cron.unschedule(name::name);
            removed := removed + 1;
        END IF;
    END LOOP;
    RETURN removed;
END
$$;
