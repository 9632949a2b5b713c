# shellcheck shell=bash
# scripts/replica.sh: a streaming hot standby of a cluster (a read replica),
# and the PostgREST in front of it.  A library, sourced by scripts/stack.sh
# (up --replica) and pgrx-tests/bench/replica_bench.sh; it loads
# scripts/lib.sh.  The e2e harness calls replica_create and replica_start
# too (pgrx-tests/e2e/harness.mjs, useStack({ replica: true })).
#
#   replica_create PRIMARY_PORT DIR SLOT   pg_basebackup -R of the primary into DIR, streaming
#                                          through physical slot SLOT (made here); no-op when DIR
#                                          already is a standby of that primary
#   replica_start DIR PORT [--fast]        start DIR as a hot standby (cluster_start)
#   replica_stop DIR                       stop it (the slot stays: the primary keeps WAL for it)
#   replica_drop PRIMARY_PORT DIR SLOT     stop it, delete DIR and its log, drop SLOT
#   replica_exists DIR                     returns 0 when DIR holds a standby
#   replica_wait PRIMARY_PORT PORT [SECONDS]  until the standby has replayed the primary's
#                                          current WAL (insert) position (default 60 s)
#   replica_lag PRIMARY_PORT SLOT          one line: state, bytes behind, replay lag (of the slot SLOT)
#   postgrest_reload PIDFILE               SIGUSR1: PostgREST reloads its schema cache
#
# Why the PostgREST on a standby needs postgrest_reload: PostgREST LISTENs on
# channel `pgrst` for `NOTIFY pgrst, 'reload schema'`, and a standby refuses
# LISTEN (`cannot execute LISTEN during recovery`, once in the server log at
# each PostgREST start; PostgREST serves on without it).  A NOTIFY on the
# primary therefore never reaches it: after a schema change, wait for the
# standby to replay it, then signal.
#
# Writes sent to the standby's PostgREST fail: POST/PATCH/DELETE at
# PostgREST's own `BEGIN ... READ WRITE` (0A000, HTTP 400), and a writing
# function called with GET (a read-only transaction) with arcanea's 25006
# (HTTP 405).  docs/operations.md#read-replicas has the routing rules.

# lib.sh guards against a second load; sourced alone (the e2e harness), this
# file brings it along.
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Ports of the stack's replica (scripts/stack.sh up --replica).
ARCANEA_STACK_REPLICA_PG_PORT=${ARCANEA_STACK_REPLICA_PG_PORT:-54323}
ARCANEA_STACK_REPLICA_REST_PORT=${ARCANEA_STACK_REPLICA_REST_PORT:-54324}

replica_exists() {
    [[ -f "$1/PG_VERSION" && -f "$1/standby.signal" ]]
}

# _replica_sysid_of_dir DIR / _replica_sysid_of_port PORT: the database
# system identifier (initdb's), which a base backup copies: it tells
# whether DIR is a copy of the cluster on PORT.
_replica_sysid_of_dir() {
    as_pg "$(pg_bin pg_controldata)" -D "$1" 2>/dev/null | sed -n 's/^Database system identifier: *//p'
}
_replica_sysid_of_port() {
    cluster_psql "$1" postgres -At -c "SELECT system_identifier FROM pg_control_system()"
}

_replica_slot_exists() {
    [[ "$(cluster_psql "$1" postgres -At -c "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$2'")" == 1 ]]
}

_replica_drop_slot() {
    local port=$1 slot=$2
    if _replica_slot_exists "$port" "$slot"; then
        log "dropping replication slot $slot on port $port"
        cluster_psql "$port" postgres -At -c "SELECT pg_drop_replication_slot('$slot')" >/dev/null
    fi
}

replica_create() {
    # Absolute: the PostgreSQL tools run as its OS user from / (as_pg).
    local primary_port=$1 dir slot=$3
    dir=$(realpath -m -- "$2")
    [[ "$slot" =~ ^[a-z_][a-z0-9_]*$ ]] || die "replica_create: bad slot name $slot"
    if replica_exists "$dir"; then
        # A standby of this primary, streaming through a slot the primary
        # still has, catches up by itself: keep it.  Anything else (the
        # primary was recreated, the slot dropped) cannot: make a new one.
        if [[ "$(_replica_sysid_of_dir "$dir")" == "$(_replica_sysid_of_port "$primary_port")" ]] \
           && _replica_slot_exists "$primary_port" "$slot"; then
            log "replica $dir already exists (standby of port $primary_port, slot $slot): kept"
            return 0
        fi
        warn "replica $dir is not a standby of the cluster on port $primary_port through slot $slot any more: making a new one"
        cluster_stop "$dir"
    fi
    rm -rf -- "$dir"
    # A slot left by an earlier replica that is gone would hold WAL for
    # nobody; pg_basebackup --create-slot makes it afresh.
    _replica_drop_slot "$primary_port" "$slot"
    [[ -d "$(dirname "$dir")" ]] || install -d -m 0755 "$(dirname "$dir")"
    if [[ $EUID -eq 0 ]]; then
        install -d -o "$ARCANEA_PG_OS_USER" -m 0700 "$dir"
    else
        install -d -m 0700 "$dir"
    fi
    log "pg_basebackup of the cluster on port $primary_port into $dir (slot $slot)"
    # -R: standby.signal, and primary_conninfo + primary_slot_name in
    # postgresql.auto.conf; -C -S: the physical slot, made at the start of
    # the backup, so the primary keeps every WAL segment the standby has
    # not received yet; -X stream: the WAL written during the backup comes
    # along; --checkpoint=fast: start now, not at the next checkpoint.
    if ! as_pg "$(pg_bin pg_basebackup)" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir" \
            -R -C -S "$slot" -X stream --checkpoint=fast --no-password >&2; then
        rm -rf -- "$dir"
        _replica_drop_slot "$primary_port" "$slot" || true
        die "pg_basebackup from port $primary_port failed (error above)"
    fi
    # Hot standby: read-only queries while it replays (PostgreSQL 15's
    # default, stated so that no inherited setting turns it off).
    # hot_standby_feedback: the primary's vacuum keeps the rows the
    # standby's queries still see.  Without it, replay waits for those
    # queries ("recovery conflict on snapshot"): under the benchmark's
    # searches the replica fell 21 s behind (pgrx-tests/bench/RESULTS.md,
    # "Reads on a read replica"); the price is dead rows kept a little
    # longer on the primary while replica queries run.
    printf '%s\n' "# scripts/replica.sh: a read replica" "hot_standby = on" "hot_standby_feedback = on" \
        | as_pg tee -a "$dir/postgresql.auto.conf" >/dev/null
}

replica_start() {
    local dir port=$2 fast=${3:-}
    dir=$(realpath -m -- "$1")
    replica_exists "$dir" || die "replica_start: $dir is not a standby (run replica_create first)"
    cluster_start "$dir" "$port" "$fast"
}

replica_stop() {
    cluster_stop "$1"
}

replica_drop() {
    local primary_port=$1 dir=$2 slot=$3
    if [[ -d "$dir" ]]; then
        cluster_destroy "$dir"
    fi
    if cluster_psql "$primary_port" postgres -At -c 'SELECT 1' >/dev/null 2>&1; then
        _replica_drop_slot "$primary_port" "$slot"
    else
        warn "the primary on port $primary_port is not running: drop slot $slot there later (SELECT pg_drop_replication_slot('$slot'))"
    fi
}

replica_wait() {
    local primary_port=$1 port=$2 deadline=$((SECONDS + ${3:-60})) target replayed
    # The end of the WAL inserted so far.  Under synchronous_commit = off
    # (throwaway clusters) part of it may not be flushed yet, and a
    # standby is sent only flushed WAL: one synchronous commit after it
    # flushes everything before its commit record.
    target=$(cluster_psql "$primary_port" postgres -At -c "SELECT pg_current_wal_insert_lsn()")
    cluster_psql "$primary_port" postgres -At \
        -c "BEGIN" -c "SET LOCAL synchronous_commit = on" -c "SELECT pg_current_xact_id()" -c "COMMIT" >/dev/null
    while ((SECONDS < deadline)); do
        replayed=$(cluster_psql "$port" postgres -At -c \
            "SELECT coalesce(pg_last_wal_replay_lsn() >= '$target'::pg_lsn, false)" 2>/dev/null || true)
        if [[ "$replayed" == t ]]; then
            return 0
        fi
        sleep 0.2
    done
    die "the standby on port $port has not replayed the primary's WAL up to $target within ${3:-60}s (its log: $(_cluster_log_of_port "$port"))"
}

_cluster_log_of_port() {
    cluster_psql "$1" postgres -At -c "SELECT current_setting('data_directory') || '.log'" 2>/dev/null || echo '?'
}

replica_lag() {
    local primary_port=$1 slot=$2
    cluster_psql "$primary_port" postgres -At -c "
        SELECT concat_ws(', ', coalesce(r.state, 'not connected'),
                         coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint || ' bytes behind',
                                  pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint || ' bytes of WAL kept for it'),
                         'replay lag ' || r.replay_lag)
          FROM pg_replication_slots s
          LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
         WHERE s.slot_name = '$slot'"
}

postgrest_reload() {
    local pidfile=$1
    if postgrest_running "$pidfile"; then
        log "SIGUSR1 to PostgREST (pid $(cat "$pidfile")): reload the schema cache"
        kill -USR1 "$(cat "$pidfile")"
    fi
}
