#!/usr/bin/env bash
# Scheduled maintenance: arcanea.schedule_maintenance() registers the
# regular tasks with pg_cron (sql/75_maintenance.sql), idempotently, and
# arcanea.unschedule_maintenance() removes them; without pg_cron it says so
# (55000, with a hint).  On its own cluster with pg_cron preloaded (port
# ARCANEA_CRON_PORT, default 54383), each job then runs once, started by
# pg_cron itself: the jobs are moved to every minute, and the test waits
# for a successful run of each in cron.job_run_details (up to 100 s), then
# puts their schedules back.  Prints TAP.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$HERE/../.." && pwd)}
# shellcheck source=scripts/lib.sh
source "$ARCANEA_ROOT/scripts/lib.sh"
# shellcheck source=pgrx-tests/shell/lib/tap.sh
source "$HERE/lib/tap.sh"
# shellcheck source=pgrx-tests/shell/lib/own_cluster.sh
source "$HERE/lib/own_cluster.sh"

[[ -f "$("$ARCANEA_PG_CONFIG" --pkglibdir)/pg_cron.so" ]] || tap_bail "pg_cron is not installed (Debian: postgresql-15-cron)"
own_cluster_start "${ARCANEA_CRON_PORT:-54383}" shared_preload_libraries=pg_cron cron.database_name=maint \
    cron.use_background_workers=on max_worker_processes=16
tap_plan 11

psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE maint' -c 'CREATE DATABASE no_cron' >/dev/null
q no_cron "CREATE EXTENSION arcanea" >/dev/null
q maint "CREATE EXTENSION pg_cron; CREATE EXTENSION arcanea" >/dev/null

# Without pg_cron: 55000 and a hint.
without=$(psql -qXAt -d no_cron -v VERBOSITY=verbose -c "SELECT arcanea.schedule_maintenance()" 2>&1 || true)
tap_is "without pg_cron, schedule_maintenance() fails with 55000" \
    "$(grep -oE 'ERROR:  [0-9A-Z]{5}' <<<"$without" | awk '{print $2}')" 55000
tap_ok "... naming pg_cron, with a hint that says how to install it" \
    "$(grep -q 'pg_cron is not installed' <<<"$without" && grep -q 'HINT:.*CREATE EXTENSION pg_cron' <<<"$without" && echo t)"

jobs() { q maint "SELECT string_agg(jobname || ' ' || schedule || ' ' || command, E'\n' ORDER BY jobname) FROM cron.job WHERE jobname LIKE 'arcanea-%'"; }
expected=$(q maint "SELECT string_agg(job_name || ' ' || schedule || ' ' || command, E'\n' ORDER BY job_name) FROM arcanea.maintenance_jobs()")
n_jobs=$(q maint "SELECT count(*) FROM arcanea.maintenance_jobs()")
tap_ok "maintenance_jobs() lists the partitions job among $n_jobs" \
    "$(grep -q '^arcanea-ensure-partitions .* SELECT count(\*) FROM arcanea.ensure_partitions()$' <<<"$expected" && echo t)"
q maint "SELECT count(*) FROM arcanea.schedule_maintenance()" >/dev/null
tap_is "schedule_maintenance() registers the $n_jobs jobs of arcanea.maintenance_jobs() in cron.job" "$(jobs)" "$expected"
tap_is "there are $n_jobs" "$(q maint "SELECT count(*) FROM cron.job WHERE jobname LIKE 'arcanea-%'")" "$n_jobs"
q maint "SELECT count(*) FROM arcanea.schedule_maintenance()" >/dev/null
tap_is "calling it again leaves one of each (idempotent)" "$(jobs)" "$expected"

# One run of each, by pg_cron: every minute for now.
q maint "SELECT cron.alter_job(jobid, schedule => '* * * * *') FROM cron.job WHERE jobname LIKE 'arcanea-%'" >/dev/null
runs() {
    q maint "SELECT count(DISTINCT j.jobname) FROM cron.job_run_details d JOIN cron.job j ON j.jobid = d.jobid
              WHERE j.jobname LIKE 'arcanea-%' AND d.status = 'succeeded'"
}
deadline=$((SECONDS + 100))
while [[ "$(runs)" != "$n_jobs" ]] && ((SECONDS < deadline)); do
    sleep 2
done
tap_is "pg_cron ran each of the $n_jobs jobs successfully" "$(runs)" "$n_jobs"
failed=$(q maint "SELECT string_agg(j.jobname || ': ' || d.return_message, '; ') FROM cron.job_run_details d
                   JOIN cron.job j ON j.jobid = d.jobid WHERE j.jobname LIKE 'arcanea-%' AND d.status = 'failed'")
tap_is "no run failed" "$failed" ""
tap_diag "runs: $(q maint "SELECT string_agg(j.jobname || ' ' || d.status || ' ' || coalesce(d.return_message, ''), '; ' ORDER BY j.jobname)
                        FROM cron.job_run_details d JOIN cron.job j ON j.jobid = d.jobid WHERE j.jobname LIKE 'arcanea-%'")"

q maint "SELECT count(*) FROM arcanea.schedule_maintenance()" >/dev/null
tap_is "schedule_maintenance() puts the schedules back" "$(jobs)" "$expected"
tap_is "unschedule_maintenance() removes the $n_jobs jobs" \
    "$(q maint "SELECT arcanea.unschedule_maintenance()") $(q maint "SELECT count(*) FROM cron.job WHERE jobname LIKE 'arcanea-%'")" "$n_jobs 0"
tap_is "and again removes nothing" "$(q maint "SELECT arcanea.unschedule_maintenance()")" 0

tap_done
