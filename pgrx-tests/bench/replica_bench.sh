#!/usr/bin/env bash
# pgrx-tests/bench/replica_bench.sh: the read RPCs on a read replica (a
# streaming hot standby), next to the same reads on the primary, while the
# primary takes the write mix.
#
#   pgrx-tests/bench/replica_bench.sh [--scale S] [--seed N] [--duration SEC] [--rounds R]
#                                     [--clients N] [--writers N] [--so FILE] [--fresh]
#                                     [--keep-running] [--out FILE]
#
#   1. The build: a release build of the work tree (cargo pgrx package into
#      .stack/replica-bench-work/stage; its SQL must be the installed one,
#      which CREATE EXTENSION reads), or the release library FILE (--so).
#      It goes to the clusters' own library folder (.stack/replica-bench-lib,
#      first on their dynamic_library_path): the system install is left alone.
#   2. The primary: its own cluster (.stack/replica-bench-pgdata, 127.0.0.1:54392,
#      the benchmark's settings: fsync off, shared_buffers 2GB, ...) holding
#      the data set of pgrx-tests/bench/generate.sql at S (default 1) and N
#      (default 42), reused when it was made for the same SQL and generator
#      (--fresh regenerates); rate limits lifted, as scripts/bench.sh does.
#   3. The standby: pg_basebackup -R through a physical slot
#      (scripts/replica.sh) into .stack/replica-bench-standby, 127.0.0.1:54393,
#      hot standby, the same settings and library; made afresh each run (the
#      last run's is dropped first, with its slot: a slot whose standby is
#      down keeps every WAL segment the primary writes meanwhile, gigabytes
#      when the data set is generated again), and dropped at the end
#      unless --keep-running.
#   4. For R rounds (default 3), for each read job (the soak's
#      soak_feed.sql, soak_search.sql, soak_user_stats.sql: each request as
#      PostgREST runs it, one READ ONLY transaction setting the role and the
#      JWT claims, then the call) and each serving in turn: the write mix
#      runs on the primary (every soak_*.sql whose action is a write, at its
#      soak weight, --writers clients, default 4) while the reads run on the
#      primary, on the standby, or on the standby with hot_standby_feedback
#      off (PostgreSQL's default; set back on after), with --clients clients
#      (default 16), SEC seconds (default 20), pgbench -M prepared; then the
#      write mix alone.
#      The primary's pg_stat_replication is sampled every second for the lag.
#   5. The report: the section between <!-- replica:begin --> and
#      <!-- replica:end --> of FILE (default pgrx-tests/bench/RESULTS.md), and
#      nothing else of it; appended when FILE has no such section.
#
# Ports: ARCANEA_REPLICA_BENCH_PG_PORT, ARCANEA_REPLICA_BENCH_STANDBY_PORT.
# Disk: the data set twice (about 4.5 GB each at scale 1) and the WAL the run writes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
source "$ARCANEA_ROOT/scripts/replica.sh"
source "$ARCANEA_ROOT/pgrx-tests/bench/lib.sh"

SCALE=1
SEED=42
DURATION=20
ROUNDS=3
CLIENTS=16
WRITERS=4
SO_ARG=
FRESH=0
KEEP_RUNNING=0
OUT=$ARCANEA_ROOT/pgrx-tests/bench/RESULTS.md
while [[ $# -gt 0 ]]; do
    case $1 in
        --scale) SCALE=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --writers) WRITERS=$2; shift 2 ;;
        --so) SO_ARG=$2; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        --keep-running) KEEP_RUNNING=1; shift ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale must be a positive number"
for n in "$SEED" "$DURATION" "$ROUNDS" "$CLIENTS" "$WRITERS"; do
    [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || die "--seed, --duration, --rounds, --clients and --writers take positive integers"
done

BENCH=$ARCANEA_ROOT/pgrx-tests/bench
PORT=${ARCANEA_REPLICA_BENCH_PG_PORT:-54392}
SPORT=${ARCANEA_REPLICA_BENCH_STANDBY_PORT:-54393}
STACK=$(stack_dir)
DATA=$STACK/replica-bench-pgdata
STANDBY=$STACK/replica-bench-standby
LIB=$STACK/replica-bench-lib
WORK=$STACK/replica-bench-work
LOGS=$WORK/logs
SLOT=replica_bench
DB=arcanea_bench_s${SCALE//./_}_seed$SEED
START=$SECONDS
RUN_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
sq() { cluster_psql "$PORT" "$DB" "$@"; }
value() { sq -At -c "$1"; }
say() { printf '[%5ds] ' $((SECONDS - START)) >&2; log "$*"; }
command -v "$(pg_bin pgbench)" >/dev/null || die "pgbench not found in $(pg_bin)"
mkdir -p "$WORK" "$LOGS"

# ---------------------------------------------------------------------------
# 1. The build
# ---------------------------------------------------------------------------
bench_build_library "$SO_ARG" "$LIB" "$WORK"

# ---------------------------------------------------------------------------
# 2. The primary and its data
# ---------------------------------------------------------------------------
# At the end the standby goes, with its slot (the next run makes a new
# one; kept, it would only take disk), and the primary stops.
stop_all() {
    if ((KEEP_RUNNING == 0)); then
        replica_drop "$PORT" "$STANDBY" "$SLOT" >/dev/null 2>&1 || true
        cluster_stop "$DATA" >/dev/null 2>&1 || true
    fi
}
trap 'jobs -p | xargs -r kill 2>/dev/null || true; stop_all' EXIT
bench_cluster_up "$DATA" "$PORT" "$LIB"
replica_drop "$PORT" "$STANDBY" "$SLOT"
PG_VERSION=$(cluster_psql "$PORT" postgres -At -c "SHOW server_version")
bench_dataset "$PORT" "$DB" "$SCALE" "$SEED" "$SQL_SHA" "$FRESH"
((BENCH_REUSED)) && say "reusing $DB (--fresh regenerates)" || say "generated $DB in ${BENCH_GEN_SECONDS}s"
# As scripts/bench.sh: the users of the mix would otherwise hit their rate
# limits (PT429); the check still runs on every limited call.
sq -qc "UPDATE arcanea.rate_limits SET max_calls = 1000000000"
sq -q -f "$BENCH/soak_setup.sql" >/dev/null
NU=$(value "SELECT value FROM bench.meta WHERE key = 'nu'")
NC=$(value "SELECT value FROM bench.meta WHERE key = 'nc'")
NV=$(value "SELECT value FROM bench.meta WHERE key = 'nv'")
HOT=$(value "SELECT n FROM generate_series(1, $NC) n JOIN public.creations c ON c.id = bench.cid(n)
              WHERE bench.is_pub(n) ORDER BY c.like_count DESC, n LIMIT 1")
DB_SIZE=$(value "SELECT pg_size_pretty(pg_database_size(current_database()))")
COUNTS=$(value "SELECT format('%s profiles, %s creations, %s likes, %s follows', (SELECT count(*) FROM public.profiles),
                              (SELECT count(*) FROM public.creations), (SELECT count(*) FROM public.likes),
                              (SELECT count(*) FROM public.follows))")
sq -qc "VACUUM ANALYZE" -c "CHECKPOINT"

# ---------------------------------------------------------------------------
# 3. The standby
# ---------------------------------------------------------------------------
replica_create "$PORT" "$STANDBY" "$SLOT"
replica_start "$STANDBY" "$SPORT" --fast
replica_wait "$PORT" "$SPORT" 900
[[ "$(cluster_psql "$SPORT" "$DB" -At -c 'SELECT pg_is_in_recovery()')" == t ]] || die "port $SPORT is not a standby"
say "standby on port $SPORT has replayed the primary ($(replica_lag "$PORT" "$SLOT"))"

# ---------------------------------------------------------------------------
# 4. The runs, under the benchmark lock that the other measuring scripts
#    take too (pgrx-tests/bench/partitions_bench.sh): two benchmarks on 2
#    cores would measure each other.
# ---------------------------------------------------------------------------
say "waiting for the benchmark lock (/tmp/arcanea-bench.lock)"
exec 9>/tmp/arcanea-bench.lock
flock 9
# The write mix: every soak script whose action is a write, at its weight.
WRITE_MIX=()
WRITE_NAMES=()
for f in "$BENCH"/pgbench/soak_*.sql; do
    grep -q '^-- Write' "$f" || continue
    w=$(sed -n 's/^-- soak-weight: *\([0-9][0-9]*\).*/\1/p' "$f" | head -1)
    [[ -n "$w" ]] || die "$f has no '-- soak-weight: N' line"
    WRITE_MIX+=(-f "$f@$w")
    WRITE_NAMES+=("$(basename "$f" .sql) ($w)")
done
((${#WRITE_MIX[@]} > 0)) || die "no write scripts (-- Write) in $BENCH/pgbench"
# label|script
READS=(
    "get_user_feed|soak_feed"
    "search_creations|soak_search"
    "get_user_stats|soak_user_stats"
)
VARS=(-D nu="$NU" -D nc="$NC" -D nv="$NV" -D hot="$HOT")

# pgbench_on PORT OUT_PREFIX CLIENTS SECONDS PGBENCH_ARGS...: stdout to
# PREFIX.out, stderr to PREFIX.err, per-transaction logs PREFIX.<pid>...
pgbench_on() {
    local port=$1 prefix=$2 clients=$3 secs=$4
    shift 4
    "$(pg_bin pgbench)" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared \
        -c "$clients" -j $((clients < 2 ? 1 : 2)) -T "$secs" --failures-detailed \
        --log --log-prefix="$prefix" "${VARS[@]}" "$@" "$DB" >"$prefix.out" 2>"$prefix.err"
}
tps_of() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$1.out"; }
failed_of() { sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$1.out"; }
# p50 and p95 (ms) of the transactions in the logs named PREFIX.* (a failed
# one has no latency and is left out: failed_of counts them).
p50_p95() {
    cat "$@" | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n \
        | awk '{ L[NR] = $1 } END {
                   if (NR == 0) { print "- -"; exit }
                   r50 = int(0.50 * NR); if (r50 < 0.50 * NR) r50++; r95 = int(0.95 * NR); if (r95 < 0.95 * NR) r95++
                   printf "%.2f %.2f\n", L[r50] / 1000, L[r95] / 1000 }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } printf "%.1f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The primary's view of the standby, every second, while a run lasts:
# "bytes behind" and "replay lag in ms" per sample.
sample_lag() {
    local file=$1
    while :; do
        cluster_psql "$PORT" postgres -At -F ' ' -c "
            SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint, -1),
                   coalesce(round(extract(epoch FROM r.replay_lag) * 1000)::bigint, 0)
              FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid
             WHERE s.slot_name = '$SLOT'" >>"$file" 2>/dev/null || true
        sleep 1
    done
}

declare -A SIDE_NAME=([primary]=primary [standby]=standby [nofeedback]="standby, hot_standby_feedback off")
# feedback on|off: the standby's hot_standby_feedback (reloaded, no restart).
feedback() {
    cluster_psql "$SPORT" postgres -qc "ALTER SYSTEM SET hot_standby_feedback = $1" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
}
feedback on
rm -f "$LOGS"/*
# Warm both servers' caches with each read job (not counted).
for spec in "${READS[@]}"; do
    IFS='|' read -r label script <<<"$spec"
    for p in "$PORT" "$SPORT"; do
        pgbench_on "$p" "$LOGS/warm" "$CLIENTS" 5 -f "$BENCH/pgbench/$script.sql" || die "warm-up $script on port $p failed: $(tail -3 "$LOGS/warm.err")"
    done
done
rm -f "$LOGS"/warm*

# measure TAG READ_PORT SCRIPT: the write mix on the primary around a read
# run on READ_PORT (no read run when SCRIPT is empty).
measure() {
    local tag=$1 rport=$2 script=$3 wpid spid
    sample_lag "$LOGS/$tag.lag" &
    spid=$!
    # The write mix starts first and ends last, so that it runs during the
    # whole of the read run.
    pgbench_on "$PORT" "$LOGS/$tag.w" "$WRITERS" $((DURATION + 2)) "${WRITE_MIX[@]}" &
    wpid=$!
    sleep 1
    if [[ -n "$script" ]]; then
        pgbench_on "$rport" "$LOGS/$tag.r" "$CLIENTS" "$DURATION" -f "$BENCH/pgbench/$script.sql" \
            || die "pgbench $script on port $rport failed: $(tail -5 "$LOGS/$tag.r.err")"
    fi
    wait "$wpid" || die "the write mix failed: $(tail -5 "$LOGS/$tag.w.err")"
    kill "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
}

for ((r = 1; r <= ROUNDS; r++)); do
    for spec in "${READS[@]}"; do
        IFS='|' read -r label script <<<"$spec"
        for side in primary standby nofeedback; do
            port=$PORT
            if [[ $side != primary ]]; then port=$SPORT; fi
            # nofeedback: the same standby with hot_standby_feedback off
            # (PostgreSQL's default), to show what the setting is for.
            if [[ $side == nofeedback ]]; then feedback off; fi
            measure "$label.$side.$r" "$port" "$script"
            if [[ $side == nofeedback ]]; then feedback on; fi
            say "round $r: $label on the ${SIDE_NAME[$side]}: $(tps_of "$LOGS/$label.$side.$r.r") tps, $(failed_of "$LOGS/$label.$side.$r.r") failed; write mix $(tps_of "$LOGS/$label.$side.$r.w") tps"
        done
    done
    measure "alone.$r" "" ""
    say "round $r: the write mix alone: $(tps_of "$LOGS/alone.$r.w") tps"
done

# ---------------------------------------------------------------------------
# 5. The report
# ---------------------------------------------------------------------------
declare -A READ_TPS WRITE_TPS LAT FAILED LAGB LAGMS
for spec in "${READS[@]}"; do
    IFS='|' read -r label script <<<"$spec"
    for side in primary standby nofeedback; do
        rt=(); wt=(); f=0
        for ((r = 1; r <= ROUNDS; r++)); do
            rt+=("$(tps_of "$LOGS/$label.$side.$r.r")")
            wt+=("$(tps_of "$LOGS/$label.$side.$r.w")")
            f=$((f + $(failed_of "$LOGS/$label.$side.$r.r") + $(failed_of "$LOGS/$label.$side.$r.w")))
        done
        READ_TPS[$label.$side]=$(median "${rt[@]}")
        WRITE_TPS[$label.$side]=$(median "${wt[@]}")
        LAT[$label.$side]=$(p50_p95 "$LOGS/$label.$side".*.r.[0-9]*)
        FAILED[$label.$side]=$f
        LAGB[$label.$side]=$(cat "$LOGS/$label.$side".*.lag 2>/dev/null | awk '$1 > m { m = $1 } END { print m + 0 }')
        LAGMS[$label.$side]=$(cat "$LOGS/$label.$side".*.lag 2>/dev/null | awk '$2 > m { m = $2 } END { print m + 0 }')
    done
done
wa=()
for ((r = 1; r <= ROUNDS; r++)); do wa+=("$(tps_of "$LOGS/alone.$r.w")"); done
ALONE_TPS=$(median "${wa[@]}")
ALONE_LAGB=$(cat "$LOGS"/alone.*.lag 2>/dev/null | awk '$1 > m { m = $1 } END { print m + 0 }')
# pct A B: A as a share of B; diff_pct A B: A's difference from B.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.0f%%", a / b * 100; else print "-" }'; }
diff_pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%+.0f%%", (a / b - 1) * 100; else print "-" }'; }
kib() { awk -v b="$1" 'BEGIN { if (b < 1024) printf "%d B", b; else if (b < 1048576) printf "%.0f KiB", b / 1024; else printf "%.1f MiB", b / 1048576 }'; }

SECTION=$(mktemp)
{
    echo "<!-- replica:begin -->"
    echo "## Reads on a read replica"
    echo
    echo "Generated by \`pgrx-tests/bench/replica_bench.sh --scale $SCALE --seed $SEED --duration $DURATION --rounds $ROUNDS --clients $CLIENTS --writers $WRITERS\`"
    echo "on $RUN_DATE, $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 " GiB" }'), PostgreSQL $PG_VERSION. Do not edit by hand: rerun the script"
    echo "(it rewrites only this section)."
    echo
    echo "- Build: $SO_DESC (arcanea.so sha256 $SO_SHA, SQL sha256 $SQL_SHA), loaded by both servers from their own library folder."
    echo "- Data: scale $SCALE, seed $SEED ($COUNTS; database $DB_SIZE), $( ((BENCH_REUSED)) && echo 'reused from an earlier run' || echo "generated in ${BENCH_GEN_SECONDS}s")."
    echo "- The primary and a streaming hot standby of it (\`pg_basebackup -R\` through a physical slot,"
    echo "  \`scripts/replica.sh\`), both on this machine, with the benchmark's settings (fsync off, shared_buffers 2GB, jit off);"
    echo "  the standby with \`hot_standby_feedback = on\` (as \`scripts/replica.sh\` makes it), and once more with it off"
    echo "  (PostgreSQL's default): then the primary's vacuum removes rows the standby's queries still see, and replay"
    echo "  waits for those queries (\`recovery conflict on snapshot\`) up to \`max_standby_streaming_delay\` (30 s)."
    echo "- Reads: $CLIENTS clients (2 pgbench threads), the soak's read scripts as PostgREST runs them (one \`READ ONLY\`"
    echo "  transaction per request: role and JWT claims set, then the call), pgbench -M prepared, ${DURATION}s per run."
    echo "- Writes, at the same time, always on the primary: $WRITERS clients running the soak's write scripts at their"
    echo "  soak weights (${WRITE_NAMES[*]}), started 1 s before the reads and stopped 1 s after."
    echo "- $ROUNDS round(s), the three servings in turn; tps is the median of the rounds, p50/p95 over every"
    echo "  transaction of every round. Replica lag: the largest of the primary's \`pg_stat_replication\` samples (one a second)."
    echo
    echo "| reads | served by | read tps | read p50 / p95 (ms) | write mix tps (primary) | failed tx | replica lag, max |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for spec in "${READS[@]}"; do
        IFS='|' read -r label script <<<"$spec"
        for side in primary standby nofeedback; do
            read -r p50 p95 <<<"${LAT[$label.$side]}"
            lag=-
            if [[ $side != primary ]]; then lag="$(kib "${LAGB[$label.$side]}"), ${LAGMS[$label.$side]} ms"; fi
            echo "| \`$label\` | ${SIDE_NAME[$side]} | ${READ_TPS[$label.$side]} | $p50 / $p95 | ${WRITE_TPS[$label.$side]} | ${FAILED[$label.$side]} | $lag |"
        done
    done
    echo "| (none) | - | - | - | $ALONE_TPS | - | $(kib "$ALONE_LAGB") |"
    echo
    echo "### Analysis"
    echo
    echo "Standby against primary, per read job (the medians above):"
    echo
    for spec in "${READS[@]}"; do
        IFS='|' read -r label script <<<"$spec"
        read -r sp50 _ <<<"${LAT[$label.standby]}"
        read -r pp50 _ <<<"${LAT[$label.primary]}"
        printf -- '- `%s`: %s read tps on the standby, %s of the %s on the primary; p50 %s ms against %s ms. The write mix beside it: %s tps with the reads on the standby, %s with them on the primary (%s).\n' \
            "$label" "${READ_TPS[$label.standby]}" "$(pct "${READ_TPS[$label.standby]}" "${READ_TPS[$label.primary]}")" \
            "${READ_TPS[$label.primary]}" "$sp50" "$pp50" "${WRITE_TPS[$label.standby]}" "${WRITE_TPS[$label.primary]}" \
            "$(diff_pct "${WRITE_TPS[$label.standby]}" "${WRITE_TPS[$label.primary]}")"
    done
    nfail=0
    for side in standby nofeedback; do
        maxb=0 maxms=0
        for k in "${!LAGB[@]}"; do
            [[ $k == *.$side ]] || continue
            if ((LAGB[$k] > maxb)); then maxb=${LAGB[$k]}; fi
            if ((LAGMS[$k] > maxms)); then maxms=${LAGMS[$k]}; fi
        done
        echo "- Replica lag while the reads ran on the ${SIDE_NAME[$side]}: at most $(kib "$maxb") of WAL and $maxms ms of replay behind the primary."
    done
    for k in "${!FAILED[@]}"; do nfail=$((nfail + FAILED[$k])); done
    echo "- Failed transactions, reads and writes, all runs: $nfail."
    echo
    cat <<'EOF'
The two lag lines show what `hot_standby_feedback` is for. Without it, the primary's vacuum removes
row versions that queries running on the standby still see; replaying that removal conflicts with
them, and the standby waits until they finish (`recovery conflict on snapshot`). Reads that keep
coming hold replay back for as long as they do, up to `max_standby_streaming_delay` (30 s), after
which PostgreSQL cancels them. With it, the standby tells the primary which rows its queries still
see, and the primary's vacuum leaves them for a moment longer.

One 2-core machine cannot show scaling. Both servers share its two cores: a read moved to the
standby takes its CPU from the same cores, and the standby also spends CPU replaying the primary's
WAL. So reads plus writes cannot grow here, and the rows above compare how the same work shares the
same cores, not capacity. What the run does show is that the reads move: every read job runs on the
standby as PostgREST runs it (the e2e test `replica.test.mjs` holds its results equal to the
primary's), while the primary takes the write mix, with the lag above. On separate machines, as
Supabase's read replicas are, the standby's cores add to the primary's: the reads stop taking the
primary's CPU from the writes, and read throughput grows with the number of replicas.
EOF
    echo "<!-- replica:end -->"
} >"$SECTION"

replace_section replica "$SECTION" "$OUT"
rm -f "$SECTION"
say "wrote the replica section of $OUT in $((SECONDS - START))s"
sed -n '/^<!-- replica:begin -->$/,/^<!-- replica:end -->$/p' "$OUT" >&2
