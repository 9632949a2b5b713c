-- pgrx-tests/bench/lock_sampler.sql: the relation locks one statement
-- takes, sampled from pg_locks, for the timing scripts (upgrade_timing.sh,
-- privacy_timing.sh).
--
--   psql -At -F '|' -v app=NAME -f lock_sampler.sql DB &   # then run the
--   statement with PGAPPNAME=NAME in another connection to DB
--
-- Waits for an active backend whose application_name is NAME, then records
-- its granted relation locks every 10 ms until it is idle again.  Prints,
-- per relation of the app's schemas (tables only: their index locks are
-- not what requests wait on), `relation|strongest mode|first seen (ms since
-- the epoch)`.  A lock is held to the end of its transaction, so a relation
-- is locked from its first sample to the commit.  Accurate to the sampling
-- interval plus the time a sample takes.
SET search_path = pg_catalog;
SELECT set_config('lock_sampler.app', :'app', false) \g /dev/null
CREATE TEMP TABLE samples (at timestamptz, rel regclass, mode text);
DO $sample$
DECLARE
    target_pid int;
    deadline timestamptz := clock_timestamp() + interval '60 minutes';
BEGIN
    WHILE target_pid IS NULL AND clock_timestamp() < deadline LOOP
        PERFORM pg_stat_clear_snapshot();
        SELECT a.pid INTO target_pid FROM pg_stat_activity a
         WHERE a.application_name = current_setting('lock_sampler.app') AND a.state = 'active';
        PERFORM pg_sleep(0.002);
    END LOOP;
    LOOP
        INSERT INTO samples
        SELECT clock_timestamp(), l.relation, l.mode FROM pg_locks l
         WHERE l.pid = target_pid AND l.locktype = 'relation' AND l.granted
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
        PERFORM pg_stat_clear_snapshot();
        EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = target_pid AND state = 'active')
               OR clock_timestamp() > deadline;
        PERFORM pg_sleep(0.01);
    END LOOP;
END
$sample$;
WITH strength(mode, rank) AS (VALUES
    ('AccessShareLock', 1), ('RowShareLock', 2), ('RowExclusiveLock', 3), ('ShareUpdateExclusiveLock', 4),
    ('ShareLock', 5), ('ShareRowExclusiveLock', 6), ('ExclusiveLock', 7), ('AccessExclusiveLock', 8))
SELECT s.rel::text,
       (array_agg(s.mode ORDER BY st.rank DESC))[1],
       (extract(epoch FROM min(s.at)) * 1000)::bigint
  FROM samples s JOIN strength st ON st.mode = s.mode
  JOIN pg_class c ON c.oid = s.rel
 WHERE c.relnamespace IN ('public'::regnamespace, 'arcanea'::regnamespace, 'storage'::regnamespace,
                          'auth'::regnamespace)
   AND c.relkind IN ('r', 'p')
 GROUP BY s.rel
 ORDER BY 3, 1;
