#!/usr/bin/env bash
# Soak, short form: 32 connections run the whole PostgREST-like mix of
# pgrx-tests/bench/pgbench/soak_*.sql (every RPC that anon and authenticated
# may call, the table-API reads and writes beside them, at the weights in
# each script's `-- soak-weight:` header: reads ~70%) for ARCANEA_SOAK_SECONDS
# (default 20) on a small generated data set (pgrx-tests/bench/generate.sql
# at scale ARCANEA_SOAK_SCALE, default 0.003: 300 users, 3,000 creations,
# 150 conversations), with hot rows (the most liked creation, the five
# celebrity accounts, the three Luminors).  Then:
#   - pgbench exited 0, no client aborted, no transaction failed (pgbench
#     counts serialization and deadlock failures; any other error aborts
#     the client), and every script of the mix ran;
#   - pg_stat_database.deadlocks did not move;
#   - arcanea.recount_counters() (in a rolled-back transaction) fixes 0 rows
#     for every counter;
#   - one live conversation per (user, Luminor, session); no recipient got
#     the same grouped notification twice within 24 hours; every bond is
#     settled (no level below 10 holds the XP of the next one); the words of
#     every creation published during the run are in the search vocabulary.
# The throughput (script runs and committed requests per second) and the
# latency percentiles are printed as TAP diagnostics.  The long form (the
# benchmark data set, minutes) is the soak stage of scripts/bench.sh.
#
# Per-user rate limits (arcanea.rate_limits, when the extension has them)
# are lifted for the run: the check still runs on every call, it just does
# not trip.
#
# Pooler mode (ARCANEA_SOAK_POOLER=1; pooler_soak.sh runs it): pgbench
# reaches the database through PgBouncer in transaction mode
# (scripts/pooler.sh, as Supabase's pooler; started here in front of
# PGHOST/PGPORT on a free port, pool size ARCANEA_POOLER_POOL_SIZE, default
# 5), so the 32 clients' requests share a few backends and one client's
# requests move between them.  The protocol is then extended without named
# prepared statements (pgbench -M extended), as PgBouncer 1.18 needs and
# PostgREST sends with db-prepared-statements = false.  The same checks,
# plus: the requests went through the pooler (its transaction count) on at
# most pool-size backends.  The setup and the checks connect directly.
#
# Prints TAP; creates and drops its own database.
# Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea installed); ARCANEA_ROOT
# (the repo; default: from this file's path); ARCANEA_SOAK_SECONDS,
# ARCANEA_SOAK_SCALE, ARCANEA_SOAK_CLIENTS (default 32), ARCANEA_SOAK_POOLER.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$HERE/../.." && pwd)}
# shellcheck source=pgrx-tests/shell/lib/tap.sh
source "$HERE/lib/tap.sh"

SECONDS_RUN=${ARCANEA_SOAK_SECONDS:-20}
SCALE=${ARCANEA_SOAK_SCALE:-0.003}
CLIENTS=${ARCANEA_SOAK_CLIENTS:-32}
BENCH=$ARCANEA_ROOT/pgrx-tests/bench
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
[[ -x "$PGBENCH" ]] || PGBENCH=$(command -v pgbench)
DB=arcanea_soak_$$
WORK=$(mktemp -d)
POOLER=${ARCANEA_SOAK_POOLER:-}
PROTOCOL=prepared
VIA=()        # pgbench's connection: PGHOST/PGPORT, or the pooler's
if [[ -n "$POOLER" ]]; then
    # shellcheck source=scripts/pooler.sh
    source "$ARCANEA_ROOT/scripts/pooler.sh"
    chmod 0755 "$WORK"   # the pooler runs as the PostgreSQL OS user
fi
cleanup() {
    if [[ -n "$POOLER" ]]; then pooler_stop "$WORK/pooler" >/dev/null 2>&1 || true; fi
    db_drop "$DB"
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# Data: the benchmark generator at a small scale, limits lifted, the
# request preamble (soak_setup.sql) loaded.
# ---------------------------------------------------------------------------
db_create "$DB"
if ! PGOPTIONS="-c client_min_messages=warning" psql -qX -v ON_ERROR_STOP=1 -d "$DB" \
        -v scale="$SCALE" -v seed=42 -f "$BENCH/generate.sql" >"$WORK/generate.log" 2>&1; then
    tail -20 "$WORK/generate.log" | tap_diag
    tap_bail "generating the data set (scale $SCALE) failed"
fi
q "$DB" "UPDATE arcanea.rate_limits SET max_calls = 1000000000" >/dev/null
psql -qX -v ON_ERROR_STOP=1 -d "$DB" -f "$BENCH/soak_setup.sql" >/dev/null
NU=$(q "$DB" "SELECT value FROM bench.meta WHERE key = 'nu'")
NC=$(q "$DB" "SELECT value FROM bench.meta WHERE key = 'nc'")
NV=$(q "$DB" "SELECT value FROM bench.meta WHERE key = 'nv'")
HOT=$(q "$DB" "SELECT n FROM generate_series(1, $NC) n JOIN public.creations c ON c.id = bench.cid(n)
                WHERE bench.is_pub(n) ORDER BY c.like_count DESC, n LIMIT 1")

# The mix: every soak_*.sql at the weight its header gives.
MIX=()
SCRIPTS=()
for f in "$BENCH"/pgbench/soak_*.sql; do
    w=$(sed -n 's/^-- soak-weight: *\([0-9][0-9]*\).*/\1/p' "$f" | head -1)
    [[ -n "$w" ]] || tap_bail "$f has no '-- soak-weight: N' line"
    MIX+=(-f "$f@$w")
    SCRIPTS+=("$(basename "$f" .sql)")
done

# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------
stat() { q "$DB" "SELECT $1 FROM pg_stat_database WHERE datname = current_database()"; }
if [[ -n "$POOLER" ]]; then
    POOLER_PORT=
    for _ in $(seq 50); do   # a free port, as the e2e harness picks one
        p=$((20000 + RANDOM % 30000))
        if ! port_in_use "$p"; then POOLER_PORT=$p; break; fi
    done
    [[ -n "$POOLER_PORT" ]] || tap_bail "no free port for PgBouncer"
    (pooler_start "$WORK/pooler" "$POOLER_PORT" "${PGPORT:-5432}") >"$WORK/pooler.start" 2>&1 \
        || { tail -n 20 "$WORK/pooler.start" | tap_diag; tap_bail "PgBouncer did not start"; }
    POOL_SIZE=$(sed -n 's/^default_pool_size = //p' "$WORK/pooler/pgbouncer.ini")
    VIA=(-h 127.0.0.1 -p "$POOLER_PORT")
    PROTOCOL=extended
    # PgBouncer's admin console (SHOW ...); it refuses PGOPTIONS' "options".
    console() { env -u PGOPTIONS psql -qXAt -F '|' -h 127.0.0.1 -p "$POOLER_PORT" -d pgbouncer -c "$1"; }
fi
db_wait_idle "$DB" 30 || true
deadlocks_before=$(stat deadlocks)
commits_before=$(stat xact_commit)
rollbacks_before=$(stat xact_rollback)
status=0
"$PGBENCH" -n -M "$PROTOCOL" "${VIA[@]}" -c "$CLIENTS" -j 2 -T "$SECONDS_RUN" --failures-detailed \
    --log --log-prefix="$WORK/soak" \
    -D nu="$NU" -D nc="$NC" -D nv="$NV" -D hot="$HOT" \
    "${MIX[@]}" "$DB" >"$WORK/pgbench.out" 2>"$WORK/pgbench.err" || status=$?
if [[ -n "$POOLER" ]]; then
    # SHOW STATS: database|total_xact_count|...; SHOW SERVERS: type|user|database|...
    pooled_xacts=$(console "SHOW STATS" | awk -F'|' -v db="$DB" '$1 == db { print $2 }')
    servers=$(console "SHOW SERVERS" | awk -F'|' -v db="$DB" '$3 == db' | wc -l)
    # The pooler's server connections close with it: the backends exit.
    pooler_stop "$WORK/pooler" >/dev/null 2>&1 || true
fi
# The backends flush their statistics when they exit.
db_wait_idle "$DB" 30 || true
sleep 0.5
deadlocks_after=$(stat deadlocks)
commits=$(($(stat xact_commit) - commits_before))
rollbacks=$(($(stat xact_rollback) - rollbacks_before))

tap_is "pgbench: $CLIENTS clients ran the mix for ${SECONDS_RUN}s${POOLER:+ through PgBouncer (transaction mode, pool size $POOL_SIZE, -M $PROTOCOL)} (exit status)" "$status" 0
aborted=$(grep -c 'aborted in command' "$WORK/pgbench.err" || true)
tap_is "pgbench: no client aborted (an unexpected error aborts its client)" "$aborted" 0
if [[ "$aborted" != 0 || "$status" != 0 ]]; then
    # Each distinct error once, with how many clients hit it.
    grep -E 'error|ERROR|aborted' "$WORK/pgbench.err" | sed -E 's/client [0-9]+ /client N /' \
        | sort | uniq -c | sort -rn | head -10 | tap_diag
fi
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$WORK/pgbench.out")
tap_is "pgbench: no failed transaction (serialization or deadlock)" "${failed:-missing}" 0
# Per script: "SQL script N: path" then " - weight: ..." then " - K transactions (...)".
declare -A RAN=()
while read -r name n; do RAN[$name]=$n; done < <(awk '
    /^SQL script [0-9]+:/ { name = $4; sub(/.*\//, "", name); sub(/\.sql$/, "", name) }
    /^ - [0-9]+ transactions/ && name != "" { print name, $2; name = "" }' "$WORK/pgbench.out")
idle=()
for s in "${SCRIPTS[@]}"; do
    [[ "${RAN[$s]:-0}" -gt 0 ]] || idle+=("$s")
done
tap_is "every script of the mix ran (${#SCRIPTS[@]} scripts; never ran: ${idle[*]:-none})" "${#idle[@]}" 0
tap_is "no deadlock (pg_stat_database.deadlocks unchanged)" "$deadlocks_after" "$deadlocks_before"
if [[ -n "$POOLER" ]]; then
    # Every script run is at least one transaction, and each went through
    # the pooler (pgbench's count of runs, without the aborted ones).
    runs=$(pgbench_processed "$WORK/pgbench.out")
    tap_ok "the requests went through PgBouncer: ${pooled_xacts:-no} transactions for ${runs:-no} script runs" \
        "$([[ -n "${pooled_xacts:-}" && -n "${runs:-}" && "$runs" -gt 0 && "$pooled_xacts" -ge "$runs" ]] && echo t || echo f)"
    tap_ok "$CLIENTS clients shared $servers backends (at most the pool size, $POOL_SIZE)" \
        "$([[ "$servers" -ge 1 && "$servers" -le "$POOL_SIZE" ]] && echo t || echo f)"
fi

# ---------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------
PGOPTIONS="-c client_min_messages=warning" psql -qXAt -F '|' -v ON_ERROR_STOP=1 -d "$DB" \
    -c "BEGIN" -c "SELECT counter, rows_fixed FROM arcanea.recount_counters()" -c "ROLLBACK" >"$WORK/recount.txt"
[[ -s "$WORK/recount.txt" ]] || tap_is "arcanea.recount_counters() returned its counters" "nothing" "rows"
while IFS='|' read -r counter fixed; do
    tap_is "recount_counters: $counter needs no fix" "$fixed" 0
done <"$WORK/recount.txt"
while IFS='|' read -r invariant violations; do
    tap_is "$invariant" "$violations" 0
done < <(psql -qXAt -F '|' -v ON_ERROR_STOP=1 -v since=-infinity -d "$DB" -f "$BENCH/soak_invariants.sql")
tap_is "the words of the creations published during the run are in the search vocabulary" "$(q "$DB" "
    SELECT count(*) FROM public.creations c,
           regexp_split_to_table(lower(c.title || ' ' || array_to_string(c.tags, ' ') || ' ' || coalesce(c.description, '')),
                                 '[^[:alnum:]]+') w
     WHERE c.description LIKE 'Made during the soak run%' AND c.published_at IS NOT NULL AND c.is_public
       AND char_length(w) BETWEEN 3 AND 30
       AND NOT EXISTS (SELECT 1 FROM arcanea.search_terms t WHERE t.term = w)")" 0
published=$(q "$DB" "SELECT count(*) FROM public.creations WHERE description LIKE 'Made during the soak run%' AND status = 'published'")

# ---------------------------------------------------------------------------
# Throughput
# ---------------------------------------------------------------------------
tap_diag "$(sed -n 's/^\(tps = [0-9.]*\).*/\1 script runs per second (without initial connection time)/p' "$WORK/pgbench.out")"
tap_diag "$(awk -v c="$commits" -v r="$rollbacks" -v s="$SECONDS_RUN" 'BEGIN { printf "%d requests committed (%.0f per second), %d rolled back", c, c / s, r }')"
cat "$WORK"/soak.[0-9]* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n | awk '
    { l[NR] = $1 }
    END { if (NR) printf "latency per script run (ms): p50 %.2f, p95 %.2f, p99 %.2f, max %.2f (%d runs)\n",
                         l[int(NR * 0.50) + (NR * 0.50 > int(NR * 0.50))] / 1000,
                         l[int(NR * 0.95) + (NR * 0.95 > int(NR * 0.95))] / 1000,
                         l[int(NR * 0.99) + (NR * 0.99 > int(NR * 0.99))] / 1000, l[NR] / 1000, NR }' | tap_diag
tap_diag "data: $NU users, $NC creations, $NV conversations (scale $SCALE), hot creation #$HOT; $published creations published during the run"
tap_diag "$(for s in "${SCRIPTS[@]}"; do printf '%s %s, ' "${s#soak_}" "${RAN[$s]:-0}"; done | sed 's/, $//')"

tap_plan "$TAP_N"
tap_done
