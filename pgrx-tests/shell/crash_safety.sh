#!/usr/bin/env bash
# Crash safety: a mixed write load (likes, follows, comments, messages,
# publishes) runs from several connections, the postmaster is killed with
# SIGKILL mid-load, the server restarts (crash recovery), and then
#   - every operation whose COMMIT returned is present (in every round so far),
#   - nothing else is: per client, at most the one op in flight at the kill,
#   - arcanea.fold_counters() folds the deltas left pending (committed, their
#     fold cut short) and none is left,
#   - every counter equals its recount (arcanea.recount_counters() inside a
#     rolled-back transaction must fix 0 rows),
#   - the load resumes: the next round commits more ops.
# Six kill points (immediately; right after the first commit; after 0.3 s;
# after 1000 ops; after 1 s, just after a CHECKPOINT was requested; after
# 3000 ops; a small max_wal_size also makes the load start checkpoints of
# its own, so some kills hit one in progress), then a last round without a
# kill that must commit every op, and a final check of all rounds plus
# amcheck over the B-tree indexes.
#
# The SQL lives in pgrx-tests/shell/crash/: setup.sql (the bookkeeping
# schema `crash`: ops, committed ops, op_state = is each op's effect there),
# round.sql (a round's actors, drafts and ops), script.sql (prints a
# client's psql script).
#
# Each client is one long-running `psql -X -v ON_ERROR_STOP=1` reading a
# generated script (pgrx-tests/shell/crash/script.sql) where each op runs as
# PostgREST runs a request (BEGIN; set_config role and JWT claims; one RPC
# or table INSERT; COMMIT) and is followed by `\echo committed N`, so its
# stdout (line-buffered) lists the ops whose COMMIT returned.
#
# The test uses its OWN throwaway cluster (port ARCANEA_CRASH_PORT, default
# 54362; data in a temp dir; fsync, synchronous_commit and full_page_writes
# on) and removes it on exit; PGHOST/PGPORT (the shared test cluster) are
# not used.  Prints TAP.
#
# Env: ARCANEA_ROOT (the repo; default: from this file's path),
# ARCANEA_CRASH_PORT, ARCANEA_CRASH_KEEP=1 (keep the temp dir to inspect).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$HERE/../.." && pwd)}
# shellcheck source=scripts/lib.sh
source "$ARCANEA_ROOT/scripts/lib.sh"
# shellcheck source=pgrx-tests/shell/lib/tap.sh
source "$HERE/lib/tap.sh"

PORT=${ARCANEA_CRASH_PORT:-54362}
DB=postgres
CLIENTS=4
OPS=3000          # ops per client in a round that is killed (more than it reaches)
FINAL_OPS=100     # ops per client in the last round (no kill: all must commit)
TARGETS=$((OPS / 5 + 1))
# Kill points: wait for at least KILL_MIN_OPS committed ops (all clients
# together), then KILL_DELAY seconds more; KILL_CHECKPOINT=1 also runs a
# CHECKPOINT from another session 0.2 s before the kill.  (Besides, a small
# max_wal_size makes the load trigger spread checkpoints of its own.)
KILL_MIN_OPS=(0 1 1 1000 1 3000)
KILL_DELAY=(0 0 0.3 0 1.0 0)
KILL_CHECKPOINT=(0 0 0 0 1 0)
KILLS=${#KILL_MIN_OPS[@]}
FINAL_ROUND=$((KILLS + 1))
WAIT_OPS_TIMEOUT=30   # s: a round that commits nothing in this time has not resumed
WAIT_DEATH_TIMEOUT=20 # s: for the killed server's processes and the clients to exit

WORK=$(mktemp -d)
WORK=$(cd "$WORK" && pwd -P)
DATA=$WORK/pgdata
ADMIN_LOG=$WORK/admin.log
SERVER_LOG=$WORK/pgdata.log   # where cluster_start puts it
declare -a CLIENT_PIDS=()

# PIDs of the processes using the data dir (every postgres process of the
# cluster has it as its cwd, also after the postmaster died).
cluster_pids() {
    local p
    for p in /proc/[0-9]*; do
        if [[ "$(readlink "$p/cwd" 2>/dev/null || true)" == "$DATA" ]]; then
            echo "${p#/proc/}"
        fi
    done
}

# A postmaster killed with SIGKILL leaves its lock files behind (in the data
# dir and next to its Unix socket in /tmp).  PostgreSQL ignores such a file
# only while the PID in it is unused, and on a busy machine that PID can come
# back as another process ("lock file ... already exists"): remove them once
# no process uses the data dir.  The socket's lock only if it is ours or its
# data dir is gone (an earlier run's), and nothing listens on the port.
clear_stale_locks() {
    local sock_lock=/tmp/.s.PGSQL.$PORT.lock owner
    rm -f -- "$DATA/postmaster.pid"
    if [[ -f "$sock_lock" ]]; then
        owner=$(sed -n 2p "$sock_lock")
        if [[ "$owner" == "$DATA" || ! -d "$owner" ]] && ! port_in_use "$PORT"; then
            rm -f -- "$sock_lock" "/tmp/.s.PGSQL.$PORT"
        fi
    fi
}

cleanup() {
    set +e
    local pid
    for pid in "${CLIENT_PIDS[@]}"; do
        kill -9 "$pid" 2>/dev/null
    done
    # A clean stop when the postmaster is alive (not when it was just killed).
    local pm_pid=
    if [[ -f "$DATA/postmaster.pid" ]]; then pm_pid=$(sed -n 1p "$DATA/postmaster.pid"); fi
    if [[ -n "$pm_pid" && " $(cluster_pids | tr '\n' ' ') " == *" $pm_pid "* ]]; then
        cluster_stop "$DATA" >>"$ADMIN_LOG" 2>&1
    fi
    # Orphans of a killed postmaster (only if the script stopped mid-round).
    for pid in $(cluster_pids); do
        kill -9 "$pid" 2>/dev/null
    done
    clear_stale_locks
    if ((TAP_FAILED > 0)) && [[ -f "$SERVER_LOG" ]]; then
        grep -E 'PANIC|FATAL|ERROR|WARNING|terminated|exited with' "$SERVER_LOG" \
            | grep -vE 'terminating connection due to unexpected postmaster exit|logical replication launcher' \
            | tail -n 20 \
            | sed 's/^/# server log: /'
    fi
    if [[ -n "${ARCANEA_CRASH_KEEP:-}" ]]; then
        echo "# kept $WORK" >&2
    else
        rm -rf -- "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# Superuser psql on the throwaway cluster: unaligned, tuples only.
sq() { cluster_psql "$PORT" "$DB" -At "$@"; }

# Start (or restart) the cluster; prints the time it took in ms (and, on
# failure, why on stderr: stdout is captured).
start_cluster() {
    local t0
    t0=$(now_ms)
    # cluster_start calls die (exit) on failure: keep that in a subshell.
    if ! (cluster_start "$DATA" "$PORT") >>"$ADMIN_LOG" 2>&1; then
        tail -n 30 "$ADMIN_LOG" | tap_diag >&2
        return 1
    fi
    local deadline=$((SECONDS + 30))
    until "$(pg_bin pg_isready)" -q -h 127.0.0.1 -p "$PORT" -d "$DB"; do
        if ((SECONDS >= deadline)); then
            tap_diag "pg_isready: no answer on port $PORT after 30 s" >&2
            return 1
        fi
        sleep 0.1
    done
    echo $(($(now_ms) - t0))
}

committed_lines() { cat "$WORK"/r"$1"-c*.out 2>/dev/null | wc -l; }

# start_round R OPS: generate the round's rows and scripts, start the clients.
start_round() {
    local r=$1 ops=$2 c
    sq -v round="$r" -v clients="$CLIENTS" -v ops="$ops" -f "$HERE/crash/round.sql" >/dev/null \
        || tap_bail "round $r: crash/round.sql failed"
    CLIENT_PIDS=()
    for ((c = 1; c <= CLIENTS; c++)); do
        sq -v round="$r" -v client="$c" -f "$HERE/crash/script.sql" >"$WORK/r$r-c$c.sql" \
            || tap_bail "round $r: crash/script.sql failed"
        : >"$WORK/r$r-c$c.out"
    done
    for ((c = 1; c <= CLIENTS; c++)); do
        PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" PGAPPNAME="crash-r$r-c$c" \
            stdbuf -oL "$(pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" \
            -o /dev/null -f "$WORK/r$r-c$c.sql" >"$WORK/r$r-c$c.out" 2>"$WORK/r$r-c$c.err" &
        CLIENT_PIDS+=($!)
    done
}

clients_alive() {
    local pid
    for pid in "${CLIENT_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then return 0; fi
    done
    return 1
}

# wait_clients SECONDS: wait for the clients (kill any left then, by pid);
# their exit statuses go to RCS ("rc1 rc2 ...").  Not in a subshell: only
# this shell can wait for them.
RCS=
wait_clients() {
    local deadline=$((SECONDS + $1)) pid rc
    local -a statuses=()
    for pid in "${CLIENT_PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.05
        done
        kill -9 "$pid" 2>/dev/null || true
        rc=0
        wait "$pid" 2>/dev/null || rc=$?
        statuses+=("$rc")
    done
    CLIENT_PIDS=()
    RCS="${statuses[*]}"
}

# Lines on the clients' stderr that are not about losing the server (an SQL
# error, a permission problem, a bug) make a round fail.
unexpected_errors() {
    cat "$WORK"/r"$1"-c*.err 2>/dev/null | grep -vE \
        -e 'server closed the connection unexpectedly' \
        -e 'This probably means the server terminated abnormally' \
        -e 'before or while processing the request' \
        -e 'connection to server was lost' \
        -e 'terminating connection due to unexpected postmaster exit' \
        -e 'could not (send|receive) data (to|from) server' \
        -e 'no connection to the server' \
        -e 'connection to server at .* failed' \
        -e 'Connection refused|Is the server running on that host' \
        -e 'the database system is (shutting down|starting up|in recovery mode)' \
        -e '^[[:space:]]*$' || true
}

# Load the round's `committed N` lines into crash.committed.
record_committed() {
    local r=$1 c
    for ((c = 1; c <= CLIENTS; c++)); do
        awk -v r="$r" -v c="$c" '$1 == "committed" { print r "\t" c "\t" $2 }' "$WORK/r$r-c$c.out"
    done >"$WORK/r$r.tsv"
    sq -c "\\copy crash.committed (round, client, n) FROM '$WORK/r$r.tsv'" >/dev/null \
        || tap_bail "round $r: loading the committed ops failed"
}

# check_round R DESC: the durability, atomicity and counter tests after a
# (re)start, over rounds 1..R.
check_round() {
    local r=$1 what=$2 missing bad fixed
    # (A failing query must not read as "nothing found": bail instead.)
    missing=$(sq -c "SELECT count(*) FROM crash.op_state WHERE round <= $r AND logged AND NOT present") \
        || tap_bail "$what: the presence query failed"
    tap_is "$what: every committed op of rounds 1..$r is present" "$missing" 0
    if [[ "$missing" != 0 ]]; then
        sq -c "SELECT 'missing: round ' || round || ' client ' || client || ' op ' || n || ' (' || kind || ')'
                 FROM crash.op_state WHERE round <= $r AND logged AND NOT present ORDER BY 1 LIMIT 10" | tap_diag
    fi
    # Each client's log is a prefix 1..L of its ops, and what exists is that
    # prefix, or that prefix and op L+1 (in flight when the server died).
    bad=$(sq -c "
        WITH last AS (SELECT o.round, o.client, coalesce(max(c.n), 0) AS l, count(c.n) AS logged
                        FROM (SELECT DISTINCT round, client FROM crash.ops WHERE round <= $r) o
                        LEFT JOIN crash.committed c USING (round, client) GROUP BY 1, 2)
        SELECT 'round ' || round || ' client ' || client || ': ' || msg FROM (
            SELECT round, client, 'log is not 1..' || l || ' (' || logged || ' lines)' AS msg
              FROM last WHERE logged <> l
            UNION ALL
            SELECT s.round, s.client, 'op ' || s.n || ' (' || s.kind || ') present but not committed (last committed ' || last.l || ')'
              FROM crash.op_state s JOIN last USING (round, client)
             WHERE s.present AND NOT s.logged AND s.n <> last.l + 1) v
        ORDER BY 1 LIMIT 10") || tap_bail "$what: the atomicity query failed"
    tap_is "$what: nothing present beyond the committed ops and one op in flight per client" \
        "$(printf '%s' "$bad" | grep -c . || true)" 0
    if [[ -n "$bad" ]]; then printf '%s\n' "$bad" | tap_diag; fi
    # Deltas that committed but whose fold the kill cut short stay pending
    # (crash recovery keeps them); one fold takes them all in.
    folded=$(sq -c "SELECT arcanea.fold_counters()") || tap_bail "$what: arcanea.fold_counters() failed"
    tap_diag "$what: fold_counters() folded $folded pending deltas"
    tap_is "$what: no counter delta is left pending after fold_counters()" \
        "$(sq -c "SELECT (SELECT count(*) FROM arcanea.creation_count_deltas) + (SELECT count(*) FROM arcanea.profile_count_deltas)
                         + (SELECT count(*) FROM arcanea.luminor_count_deltas)")" 0
    fixed=$(sq -c "BEGIN" -c "SELECT counter || ' fixed ' || rows_fixed FROM arcanea.recount_counters() WHERE rows_fixed <> 0" \
        -c "ROLLBACK") || tap_bail "$what: arcanea.recount_counters() failed"
    tap_is "$what: every counter equals its recount (recount_counters() fixes 0 rows)" \
        "$(printf '%s' "$fixed" | grep -c . || true)" 0
    if [[ -n "$fixed" ]]; then printf '%s\n' "$fixed" | tap_diag; fi
}

recoveries() { grep -c 'database system was not properly shut down; automatic recovery in progress' "$SERVER_LOG" || true; }

# What the last crash recovery replayed, from the server log.
redo_summary() {
    local from to
    from=$(sed -n 's/.*LOG:  redo starts at \([0-9A-F]*\/[0-9A-F]*\).*/\1/p' "$SERVER_LOG" | tail -1)
    to=$(sed -n 's/.*LOG:  redo done at \([0-9A-F]*\/[0-9A-F]*\).*/\1/p' "$SERVER_LOG" | tail -1)
    if [[ -n "$from" && -n "$to" ]]; then
        echo "replayed $(sq -c "SELECT pg_size_pretty(pg_wal_lsn_diff('$to', '$from'))") of WAL"
    else
        echo "no redo"
    fi
}

# How many kills hit a checkpoint in progress (started, not complete).
kills_during_checkpoint() {
    awk '/LOG:  checkpoint starting:/ { busy = 1 }
         /LOG:  checkpoint complete:/ { busy = 0 }
         /database system was not properly shut down/ { if (busy) n++; busy = 0 }
         END { print n + 0 }' "$SERVER_LOG"
}

tap_plan $((1 + 7 * KILLS + 9))

# ---------------------------------------------------------------------------
# The throwaway cluster: durable settings, the extension, the bookkeeping.
# ---------------------------------------------------------------------------
chmod 0755 "$WORK"   # the postgres OS user must reach the data dir and log
as_pg test -x "$WORK" || tap_bail "the PostgreSQL OS user cannot reach $WORK (set TMPDIR to a folder it can traverse)"
if port_in_use "$PORT"; then
    tap_bail "port $PORT is already in use (set ARCANEA_CRASH_PORT)"
fi
clear_stale_locks
start_cluster >/dev/null || tap_bail "cannot start a cluster on port $PORT"
tap_is "the cluster is durable (fsync, synchronous_commit, full_page_writes)" \
    "$(sq -c "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit') || ' ' || current_setting('full_page_writes')")" \
    "on on on"
sq -c "CREATE EXTENSION arcanea" >/dev/null || tap_bail "CREATE EXTENSION arcanea failed"
# Checkpoints every 32 MB of WAL: some kills land in the middle of one.
sq -c "ALTER SYSTEM SET max_wal_size = '32MB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30s'" \
    -c "SELECT pg_reload_conf()" >/dev/null
# Rate limits (when the build has them) must not stop the load.
sq -c "DO \$\$ BEGIN IF to_regclass('arcanea.rate_limits') IS NOT NULL THEN
           UPDATE arcanea.rate_limits SET max_calls = 1000000000; END IF; END \$\$" >/dev/null
sq -v targets="$TARGETS" -f "$HERE/crash/setup.sql" >/dev/null || tap_bail "crash/setup.sql failed"

# ---------------------------------------------------------------------------
# Kill rounds
# ---------------------------------------------------------------------------
declare -a ROUND_OPS=()
crashes=0
for ((i = 0; i < KILLS; i++)); do
    r=$((i + 1))
    min_ops=${KILL_MIN_OPS[$i]} delay=${KILL_DELAY[$i]}
    start_round "$r" "$OPS"
    t0=$(now_ms)
    deadline=$((SECONDS + WAIT_OPS_TIMEOUT))
    while (($(committed_lines "$r") < min_ops)) && ((SECONDS < deadline)); do
        clients_alive || break   # every client already stopped
        sleep 0.01
    done
    if [[ "$delay" != 0 ]]; then
        if [[ "${KILL_CHECKPOINT[$i]}" == 1 ]]; then
            sleep "$(awk -v d="$delay" 'BEGIN { print (d > 0.2 ? d - 0.2 : 0) }')"
            sq -c "CHECKPOINT" >/dev/null 2>&1 &
            ckpt_pid=$!
            sleep 0.2
        else
            sleep "$delay"
        fi
    fi
    at_kill=$(committed_lines "$r")
    running=0
    for pid in "${CLIENT_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then running=$((running + 1)); fi
    done
    recoveries_before=$(recoveries)
    pm=$(sed -n 1p "$DATA/postmaster.pid")
    kill -9 "$pm"
    crashes=$((crashes + 1))
    load_ms=$(($(now_ms) - t0))

    # Wait for the server's processes to go (they notice the postmaster is
    # gone; the postmaster itself must also be reaped, or pg_ctl would still
    # see it running), then for the clients (their connections are gone).
    deadline=$((SECONDS + WAIT_DEATH_TIMEOUT))
    while { [[ -n "$(cluster_pids)" ]] || kill -0 "$pm" 2>/dev/null; } && ((SECONDS < deadline)); do
        sleep 0.05
    done
    leftover=$(cluster_pids | tr '\n' ' ')
    wait_clients "$WAIT_DEATH_TIMEOUT"
    if [[ -n "${ckpt_pid:-}" ]]; then wait "$ckpt_pid" 2>/dev/null || true; ckpt_pid=; fi
    n=$(cat "$WORK"/r"$r"-c*.out | grep -c '^committed ' || true)
    ROUND_OPS+=("$n")
    tap_diag "round $r: kill point: ${min_ops} ops + ${delay} s$( ((KILL_CHECKPOINT[i])) && echo ', a CHECKPOINT requested 0.2 s before'); killed after ${load_ms} ms with $at_kill ops logged and $running of $CLIENTS clients running; $n ops committed in all (some after the kill, before the backends noticed); clients exited ${RCS}"
    if [[ -n "$leftover" ]]; then
        tap_diag "round $r: server processes still alive ${WAIT_DEATH_TIMEOUT} s after the kill: $leftover(killed)"
        for pid in $leftover; do kill -9 "$pid" 2>/dev/null || true; done
        sleep 0.5
    fi
    clear_stale_locks
    tap_is "round $r: the killed server's processes all exited" "$leftover" ""
    errors=$(unexpected_errors "$r")
    # psql exits 2 when the connection goes bad (3 would be an error under
    # ON_ERROR_STOP, whose message the filter above would have kept), 0 if
    # it finished its script before the kill.
    tap_is "round $r: the clients stopped only because the server died (no SQL error; exit 0, 2 or 3)" \
        "$(printf '%s' "$errors" | grep -c . || true) $(tr ' ' '\n' <<<"$RCS" | grep -cvE '^(0|2|3)$' || true)" "0 0"
    if [[ -n "$errors" ]]; then printf '%s\n' "$errors" | sed -n 1,10p | tap_diag; fi

    # Restart: crash recovery.
    if ! ms=$(start_cluster); then
        tap_bail "round $r: the server did not restart after the crash"
    fi
    tap_is "round $r: the server restarted through crash recovery" "$(($(recoveries) - recoveries_before))" 1
    tap_diag "round $r: restart with crash recovery took ${ms} ms ($(redo_summary))"
    record_committed "$r"
    check_round "$r" "round $r"
done

# ---------------------------------------------------------------------------
# Last round: no kill; every op must commit.
# ---------------------------------------------------------------------------
r=$FINAL_ROUND
t0=$(now_ms)
start_round "$r" "$FINAL_OPS"
# The clients finish by themselves: give them a generous deadline.
wait_clients 120
record_committed "$r"
n=$(wc -l <"$WORK/r$r.tsv")
ROUND_OPS+=("$n")
tap_diag "round $r (no kill): $n ops committed in $(($(now_ms) - t0)) ms; clients exited $RCS"
errors=$(cat "$WORK"/r"$r"-c*.err)
tap_is "round $r (no kill): every client ran its whole script (exit 0, nothing on stderr)" \
    "$RCS $(printf '%s' "$errors" | grep -c . || true)" "$(printf '0 %.0s' $(seq "$CLIENTS"))0"
if [[ -n "$errors" ]]; then printf '%s\n' "$errors" | sed -n 1,10p | tap_diag; fi
tap_is "round $r (no kill): all $((CLIENTS * FINAL_OPS)) ops committed" "$n" "$((CLIENTS * FINAL_OPS))"
check_round "$r" "final"

# The load resumed after every crash: each round after one committed ops.
not_resumed=()
for ((i = 1; i < ${#ROUND_OPS[@]}; i++)); do
    if ((ROUND_OPS[i] == 0)); then not_resumed+=("round $((i + 1))"); fi
done
tap_diag "ops committed per round: ${ROUND_OPS[*]}"
tap_diag "checkpoints started: $(grep -c 'LOG:  checkpoint starting:' "$SERVER_LOG" || true); kills that hit a checkpoint in progress: $(kills_during_checkpoint) of $crashes"
tap_is "the load resumed after every crash (rounds 2..$FINAL_ROUND each committed ops)" "${not_resumed[*]:-}" ""

# No server process died by itself (a crash of the extension's code would
# show here: the postmaster logs it; our SIGKILLs leave no such line).
# (The logical replication launcher exiting with code 1 is a normal stop.)
crashes_logged=$(grep -E 'was terminated by (signal|exception)|exited with exit code [1-9]|PANIC:' "$SERVER_LOG" \
    | grep -v 'logical replication launcher' || true)
tap_is "the server log shows no crash besides the $crashes kills" "$(printf '%s' "$crashes_logged" | grep -c . || true)" 0
if [[ -n "$crashes_logged" ]]; then printf '%s\n' "$crashes_logged" | sed -n 1,10p | tap_diag; fi

# B-tree indexes of the extension's tables (and of their partitions) are
# consistent with their heaps.
if sq -c "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null 2>&1; then
    checked=$(sq -c "SELECT count(bt_index_check(i.indexrelid, true))
                       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
                       JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE a.amname = 'btree' AND n.nspname IN ('public', 'auth', 'arcanea', 'arcanea_partitions', 'storage')
                        -- a partitioned table's index (relkind I) has no
                        -- pages of its own: its partitions' indexes do
                        AND c.relkind = 'i' AND i.indisvalid" 2>"$WORK/amcheck.err") || true
    if [[ -s "$WORK/amcheck.err" ]]; then tap_diag <"$WORK/amcheck.err"; fi
    tap_ok "amcheck: every B-tree index of the extension's schemas matches its table ($checked indexes)" \
        "$([[ "$checked" =~ ^[0-9]+$ && "$checked" -gt 0 ]] && echo t || echo "$checked")"
else
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N # skip amcheck is not available"
fi

tap_done
