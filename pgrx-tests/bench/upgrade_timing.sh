#!/usr/bin/env bash
# pgrx-tests/bench/upgrade_timing.sh: ALTER EXTENSION arcanea UPDATE on the
# benchmark's data set, as an operator runs it: how long it takes, and how
# long each table stays locked.
#
#   pgrx-tests/bench/upgrade_timing.sh [--scale S] [--seed N] [--out FILE] [--fresh]
#
# On its own cluster (127.0.0.1:54353, data in .stack/upgrade-pgdata, the
# benchmark's memory settings), whose dynamic_library_path finds a private
# lib folder first:
#   1. the last release's arcanea.so (release_package) goes into that folder;
#      a database is created at that release and filled by that release's
#      generate.sql (from its commit) at
#      scale S; it is kept as a template (upgrade_source_<scale>_<seed>), so
#      a rerun copies it instead of generating again (--fresh regenerates);
#   2. a copy of it is made, the installed (new) arcanea.so is renamed over
#      the old one, and ALTER EXTENSION arcanea UPDATE runs while another
#      connection samples pg_locks every 10 ms: for every relation the
#      update locks, the strongest mode it took and when it first held it.
#      A lock is held until the update commits, so a relation is locked from
#      that first sample to the end;
#   3. the report (FILE, default pgrx-tests/bench/UPGRADE_RESULTS.md): the
#      update's duration, and per relation its lock, how long it was held
#      and what that lock blocks.
# Lock times are accurate to the sampling interval (10 ms) plus the time a
# sample takes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
source "$ARCANEA_ROOT/pgrx-tests/bench/lib.sh"

SCALE=1
SEED=42
FRESH=0
OUT=$ARCANEA_ROOT/pgrx-tests/bench/UPGRADE_RESULTS.md
while [[ $# -gt 0 ]]; do
    case $1 in
        --scale) SCALE=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale must be a positive number"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed must be an integer"

upgrade_cluster "$SCALE" "$SEED"
STACK=$(stack_dir)
NEW_SO="$("$ARCANEA_PG_CONFIG" --pkglibdir)/arcanea.so"
RUN_DB=upgrade_run
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
sq() { cluster_psql "$PORT" "$@"; }

OLD_PKG=$(release_package "$OLD")
install -d -m 0755 "$LIB"
# The old library for the source database (and for generating it).
put_library "$OLD_PKG/lib/arcanea.so" "$LIB"

trap 'cluster_stop "$DATA" >/dev/null 2>&1 || true' EXIT
bench_cluster_up "$DATA" "$PORT" "$LIB"

# ---------------------------------------------------------------------------
# 1. The source database, at the last release, with the benchmark's data
# ---------------------------------------------------------------------------
have=$(sq postgres -At -c "SELECT count(*) FROM pg_database WHERE datname = '$SOURCE_DB'")
if [[ "$have" == 1 && $FRESH -eq 0 ]] \
   && [[ "$(sq "$SOURCE_DB" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'arcanea'")" == "$OLD" ]] \
   && [[ "$(sq "$SOURCE_DB" -At -c "SELECT value FROM bench.meta WHERE key = 'complete'" 2>/dev/null)" == true ]]; then
    log "reusing $SOURCE_DB ($OLD, scale $SCALE, seed $SEED; --fresh regenerates)"
    GEN_SECONDS=$(sq "$SOURCE_DB" -At -c "SELECT value FROM bench.meta WHERE key = 'gen_seconds'")
else
    sq postgres -c "DROP DATABASE IF EXISTS $SOURCE_DB WITH (FORCE)" -c "CREATE DATABASE $SOURCE_DB"
    sq "$SOURCE_DB" -c "CREATE EXTENSION arcanea VERSION '$OLD'"
    t0=$SECONDS
    # The generator of that release: it writes that release's schema.
    git -C "$ARCANEA_ROOT" show "$(release_commit "$OLD"):pgrx-tests/bench/generate.sql" >"$STACK/generate-$OLD.sql"
    sq "$SOURCE_DB" -v scale="$SCALE" -v seed="$SEED" -f "$STACK/generate-$OLD.sql"
    GEN_SECONDS=$((SECONDS - t0))
    sq "$SOURCE_DB" -c "INSERT INTO bench.meta VALUES ('gen_seconds', '$GEN_SECONDS')" -c "VACUUM ANALYZE"
    log "generated scale $SCALE at $OLD in ${GEN_SECONDS}s"
fi

# ---------------------------------------------------------------------------
# 2. A copy of it, the new library, and the update under a lock sampler
# ---------------------------------------------------------------------------
sq postgres -c "DROP DATABASE IF EXISTS $RUN_DB WITH (FORCE)"
t0=$(now_ms)
sq postgres -c "CREATE DATABASE $RUN_DB TEMPLATE $SOURCE_DB"
COPY_MS=$(($(now_ms) - t0))
COUNTS=$(sq "$RUN_DB" -At -F ' ' -c "
    SELECT string_agg(format('%s %s', t, n), ', ' ORDER BY t) FROM (
        SELECT 'profiles' t, count(*) n FROM public.profiles UNION ALL SELECT 'creations', count(*) FROM public.creations
        UNION ALL SELECT 'likes', count(*) FROM public.likes UNION ALL SELECT 'comments', count(*) FROM public.comments
        UNION ALL SELECT 'luminor_messages', count(*) FROM public.luminor_messages
        UNION ALL SELECT 'notifications', count(*) FROM public.notifications) x")
DB_SIZE=$(sq "$RUN_DB" -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
put_library "$NEW_SO" "$LIB"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; cluster_stop "$DATA" >/dev/null 2>&1 || true' EXIT
# The sampler (lock_sampler.sql) waits for the update's backend, then
# records its relation locks every 10 ms until the backend is idle again.
sq "$RUN_DB" -At -F '|' -v app=arcanea-upgrade -f "$ARCANEA_ROOT/pgrx-tests/bench/lock_sampler.sql" >"$WORK/samples" &
SAMPLER=$!
sleep 0.5
t_start=$(now_ms)
PGAPPNAME=arcanea-upgrade sq "$RUN_DB" -c "ALTER EXTENSION arcanea UPDATE" 2>"$WORK/update.err" \
    || { cat "$WORK/update.err" >&2; die "ALTER EXTENSION arcanea UPDATE failed"; }
t_end=$(now_ms)
wait "$SAMPLER" || die "the lock sampler failed"
UPDATE_MS=$((t_end - t_start))
VERSION=$(sq "$RUN_DB" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'arcanea'")
[[ "$VERSION" == "$NEW" ]] || die "after the update the version is $VERSION, not $NEW"
WARNINGS=$(grep -c WARNING "$WORK/update.err" || true)

{
    echo "# ALTER EXTENSION arcanea UPDATE ($OLD → $NEW) on the benchmark data set"
    echo
    echo "Generated by \`pgrx-tests/bench/upgrade_timing.sh --scale $SCALE --seed $SEED\` on $(date -u +%Y-%m-%d),"
    echo "$(nproc) cores, $(cluster_psql "$PORT" postgres -At -c 'SHOW server_version'); the new library is the installed build"
    echo "($(so_build "$NEW_SO") build; the update runs SQL, so the build hardly matters)."
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| data set | scale $SCALE, seed $SEED: $COUNTS; database $DB_SIZE |"
    echo "| generated at $OLD in | ${GEN_SECONDS} s (once; copied for each run in $((COPY_MS / 1000)) s) |"
    echo "| **ALTER EXTENSION arcanea UPDATE** | **$UPDATE_MS ms** |"
    echo "| warnings | $WARNINGS (one asks for \`refresh_search_leaders()\` where there are creations; a limit left NOT VALID over old rows would be another) |"
    echo
    echo "Each relation the update locked, with the strongest lock it took and how long it held it"
    echo "(from the first 10 ms sample that saw the lock to the commit). Indexes are left out: their"
    echo "table's lock is the one requests wait on."
    echo
    echo "| relation | lock | held (ms) | blocks |"
    echo "| --- | --- | --- | --- |"
    while IFS='|' read -r rel mode first; do
        [[ -n "$rel" ]] || continue
        echo "| \`$rel\` | $mode | $((t_end - first)) | $(lock_blocks "$mode") |"
    done <"$WORK/samples"
} >"$OUT"
log "update took $UPDATE_MS ms; report in $OUT"
cat "$OUT"
