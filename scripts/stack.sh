#!/usr/bin/env bash
# scripts/stack.sh: a local Supabase-like stack for arcanea.
#
#   scripts/stack.sh up [--demo] [--release]   build + install the extension, start
#                                              PostgreSQL 15 (127.0.0.1:54322) and
#                                              PostgREST 12.0.2 (127.0.0.1:54321),
#                                              CREATE EXTENSION arcanea, print keys
#   scripts/stack.sh down                      stop PostgREST and PostgreSQL
#   scripts/stack.sh status                    what is running
#   scripts/stack.sh info                      print the connection details again
#   scripts/stack.sh reset [--demo] [--release]  drop and recreate database `postgres`
#                                              (ALL DATA LOST), then `up`
#   scripts/stack.sh psql [ARGS...]            psql into the stack's database
#
# `up` is idempotent: on a running stack it rebuilds/reinstalls the extension,
# keeps the database and the running servers, and prints the details again.
# --demo loads pgrx-tests/fixtures/demo.sql (idempotent) after the extension.
# --pooler also starts PgBouncer in transaction mode (scripts/pooler.sh) on
# 127.0.0.1:54329 in front of the database, as Supabase's pooler, and points
# PostgREST at it with prepared statements off; `up` without it stops it.
# --replica also runs a read replica (scripts/replica.sh): a streaming hot
# standby of the database on 127.0.0.1:54323 and a second PostgREST, for
# reads, on 127.0.0.1:54324; `up` without it removes the replica (a copy:
# nothing is lost), `down` stops it with the rest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ARCANEA_ROOT/scripts/jwt.sh"
source "$ARCANEA_ROOT/scripts/pooler.sh"
source "$ARCANEA_ROOT/scripts/replica.sh"

PG_PORT=$ARCANEA_STACK_PG_PORT
REST_PORT=$ARCANEA_STACK_REST_PORT
DB=postgres
AUTHENTICATOR_PASSWORD=postgres
REST_URL="http://127.0.0.1:$REST_PORT"
DB_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$DB"
POOLER_PORT=$ARCANEA_STACK_POOLER_PORT
POOLER_URL="postgresql://postgres@127.0.0.1:$POOLER_PORT/$DB"

usage() { sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

STACK=$(stack_dir)
PGDATA_DIR=$STACK/pgdata
REST_CONF=$STACK/postgrest.conf
REST_PID=$STACK/postgrest.pid
REST_LOG=$STACK/postgrest.log
FINGERPRINT=$STACK/arcanea.fingerprint
POOLER_DIR=$STACK/pooler
REPLICA_DIR=$STACK/replica-pgdata
REPLICA_SLOT=arcanea_stack_replica
REPLICA_PG_PORT=$ARCANEA_STACK_REPLICA_PG_PORT
REPLICA_REST_PORT=$ARCANEA_STACK_REPLICA_REST_PORT
REPLICA_REST_CONF=$STACK/replica-postgrest.conf
REPLICA_REST_PID=$STACK/replica-postgrest.pid
REPLICA_REST_LOG=$STACK/replica-postgrest.log

# sha256 of the installed arcanea.so and SQL scripts: tells whether the
# database's extension objects were created from the build now installed.
installed_fingerprint() {
    local lib share
    lib=$("$ARCANEA_PG_CONFIG" --pkglibdir)
    share=$("$ARCANEA_PG_CONFIG" --sharedir)
    cat "$lib/arcanea.so" "$share"/extension/arcanea--*.sql 2>/dev/null | sha256sum | cut -d' ' -f1
}

sql_value() {
    cluster_psql "$PG_PORT" "$DB" -At -c "$1"
}

ensure_extension() {
    local have want
    have=$(sql_value "select extversion from pg_extension where extname = 'arcanea'")
    want=$(sql_value "select default_version from pg_available_extensions where name = 'arcanea'")
    [[ -n "$want" ]] || die "arcanea is not installed in $("$ARCANEA_PG_CONFIG" --sharedir)/extension (did cargo pgrx install fail?)"
    if [[ -z "$have" ]]; then
        log "CREATE EXTENSION arcanea (version $want) in database $DB"
        if ! cluster_psql "$PG_PORT" "$DB" -c 'CREATE EXTENSION IF NOT EXISTS arcanea'; then
            die "CREATE EXTENSION arcanea failed (error above). The cluster is still running: inspect with scripts/stack.sh psql"
        fi
        installed_fingerprint >"$FINGERPRINT"
        EXTENSION_CREATED=1
        return
    fi
    if [[ "$have" != "$want" ]]; then
        # An older version: update in place, as an operator would.
        if [[ -n "$(sql_value "select 1 from pg_extension_update_paths('arcanea')
                               where source = '$have' and target = '$want' and path is not null")" ]]; then
            log "ALTER EXTENSION arcanea UPDATE ($have -> $want) in database $DB; its data is kept"
            cluster_psql "$PG_PORT" "$DB" -c 'ALTER EXTENSION arcanea UPDATE' \
                || die "ALTER EXTENSION arcanea UPDATE failed (error above); the database is unchanged"
            installed_fingerprint >"$FINGERPRINT"
        else
            warn "database $DB has arcanea $have but $want is installed, and no upgrade script leads"
            warn "  from one to the other: run scripts/stack.sh reset (all data in $DB is lost)."
        fi
    elif [[ ! -f "$FINGERPRINT" || "$(cat "$FINGERPRINT")" != "$(installed_fingerprint)" ]]; then
        warn "arcanea $have is kept, but the installed build changed since its objects were created:"
        warn "  functions, tables or policies may differ from the code. Run scripts/stack.sh reset"
        warn "  to drop and recreate database $DB with the new build (all its data is lost)."
    else
        log "arcanea $have already created in database $DB (same build): kept"
    fi
}

set_authenticator_password() {
    # Trust authentication would accept any password; setting one keeps the
    # db-uri valid for a pg_hba.conf that asks for passwords.
    cluster_psql "$PG_PORT" "$DB" -c "ALTER ROLE authenticator WITH LOGIN PASSWORD '$AUTHENTICATOR_PASSWORD'"
}

start_postgrest() {
    local was_running= old_conf= db_port=$PG_PORT pooled=()
    if postgrest_running "$REST_PID"; then
        was_running=1
    fi
    if [[ -n "${POOLED:-}" ]]; then
        db_port=$POOLER_PORT pooled=(--pooled)
    fi
    old_conf=$(cat "$REST_CONF" 2>/dev/null || true)
    postgrest_write_config "$REST_CONF" \
        "postgres://authenticator:$AUTHENTICATOR_PASSWORD@127.0.0.1:$db_port/$DB" \
        "$REST_PORT" "$ARCANEA_DEV_JWT_SECRET" "${pooled[@]}"
    # A running PostgREST keeps the config it started with (up --pooler
    # after up, or the other way round): restart it on a new one.
    if [[ -n "$was_running" && "$old_conf" != "$(cat "$REST_CONF")" ]]; then
        log "PostgREST's configuration changed: restarting it"
        postgrest_stop "$REST_PID"
        was_running=
    fi
    postgrest_start "$REST_CONF" "$REST_PID" "$REST_LOG" "$REST_PORT"
    if [[ -n "$was_running" && -n "${POOLED:-}" ]]; then
        # Behind the pooler PostgREST does not LISTEN, so neither this
        # script's NOTIFY nor the one in an install or update script
        # reaches it: reload its schema cache by signal.
        log "SIGUSR1 to PostgREST: reload the schema cache"
        kill -USR1 "$(cat "$REST_PID")"
    elif [[ -n "$was_running" && -n "${EXTENSION_CREATED:-}" ]]; then
        log "NOTIFY pgrst, 'reload schema' (the extension was just created)"
        cluster_psql "$PG_PORT" "$DB" -c "NOTIFY pgrst, 'reload schema'"
    fi
}

# The pooler's lines of print_info, when it runs.
pooler_info() {
    pooler_running "$POOLER_DIR" || return 0
    printf "\n  PgBouncer       %s   (transaction pooler, as Supabase's; PostgREST goes through it)" "$POOLER_URL"
    printf "\n                  psql '%s'   (a session's SET stays on a shared backend: use SET LOCAL)" "$POOLER_URL"
}

# The read replica (scripts/replica.sh): a hot standby of the database, and
# a PostgREST on it configured exactly as the primary's.
replica_up() {
    local was_running=
    if postgrest_running "$REPLICA_REST_PID"; then
        was_running=1
    fi
    replica_create "$PG_PORT" "$REPLICA_DIR" "$REPLICA_SLOT"
    replica_start "$REPLICA_DIR" "$REPLICA_PG_PORT"
    replica_wait "$PG_PORT" "$REPLICA_PG_PORT"
    postgrest_write_config "$REPLICA_REST_CONF" \
        "postgres://authenticator:$AUTHENTICATOR_PASSWORD@127.0.0.1:$REPLICA_PG_PORT/$DB" \
        "$REPLICA_REST_PORT" "$ARCANEA_DEV_JWT_SECRET"
    postgrest_start "$REPLICA_REST_CONF" "$REPLICA_REST_PID" "$REPLICA_REST_LOG" "$REPLICA_REST_PORT"
    if [[ -n "$was_running" ]]; then
        # A standby refuses LISTEN, so a schema change made by this run
        # (replayed: replica_wait) reaches its PostgREST by signal.
        postgrest_reload "$REPLICA_REST_PID"
    fi
}

replica_down() {
    postgrest_stop "$REPLICA_REST_PID"
    replica_stop "$REPLICA_DIR"
}

# The replica's lines of print_info, when it runs.
replica_info() {
    postgrest_running "$REPLICA_REST_PID" || return 0
    printf '\n  Read replica    a streaming hot standby of the database above (%s)' "$(replica_lag "$PG_PORT" "$REPLICA_SLOT")"
    printf '\n    PostgreSQL    postgresql://postgres@127.0.0.1:%s/%s   (read-only)' "$REPLICA_PG_PORT" "$DB"
    printf '\n    PostgREST     http://127.0.0.1:%s   FOR READS: the STABLE RPCs and table reads;' "$REPLICA_REST_PORT"
    printf '\n                  every write goes to %s (docs/operations.md#read-replicas)' "$REST_URL"
}

load_demo() {
    local demo="$ARCANEA_ROOT/pgrx-tests/fixtures/demo.sql"
    log "loading demo data ($demo)"
    if ! cluster_psql "$PG_PORT" "$DB" -f "$demo"; then
        die "the demo data did NOT load (error above). It needs arcanea's full schema (profiles, creations, follows, likes, luminors, ...); if that has not landed in the extension yet, this is expected. The stack itself is up."
    fi
    log "demo data loaded"
}

print_info() {
    local anon service example
    anon=$(jwt_anon_key "$ARCANEA_DEV_JWT_SECRET")
    service=$(jwt_service_role_key "$ARCANEA_DEV_JWT_SECRET")
    if [[ "$(sql_value "select to_regclass('public.luminors') is not null" 2>/dev/null)" == t ]]; then
        example="curl -s '$REST_URL/luminors?select=name,slug' -H \"apikey: \$ANON\" -H \"Authorization: Bearer \$ANON\""
    else
        example="curl -s '$REST_URL/' -H \"apikey: \$ANON\" -H \"Authorization: Bearer \$ANON\"   # OpenAPI document"
    fi
    cat <<EOF

arcanea dev stack is up  (data and logs: $STACK)

  PostgreSQL 15   $DB_URL
                  psql '$DB_URL'   (or: scripts/stack.sh psql)$(pooler_info)
  PostgREST 12    $REST_URL   (Supabase's /rest/v1, without the prefix)$(replica_info)
  JWT secret      $ARCANEA_DEV_JWT_SECRET   (DEV ONLY)
  anon key        $anon
  service_role    $service

Try it:
  ANON=$anon
  $example

supabase-js (Node 20: npm i @supabase/supabase-js ws):
  import { createClient } from '@supabase/supabase-js'
  import ws from 'ws'
  const url = '$REST_URL'
  const supabase = createClient(url, '$anon', {
    // PostgREST serves at /, supabase-js calls \${url}/rest/v1/...: strip the prefix
    global: { fetch: (input, init) => fetch(String(input).replace(url + '/rest/v1', url), init) },
    realtime: { transport: ws },
    auth: { persistSession: false },
  })
  const { data, error } = await supabase.from('luminors').select('name,slug')

Stop with: scripts/stack.sh down
EOF
}

cmd_up() {
    local demo= release=
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --demo) demo=1 ;;
            --release) release=--release ;;
            --pooler) POOLED=1 ;;
            --replica) REPLICA=1 ;;
            *) usage ;;
        esac
        shift
    done
    ensure_setup
    pgrx_install $release
    cluster_start "$PGDATA_DIR" "$PG_PORT"
    ensure_extension
    # The months ahead of the partitioned tables (docs/operations.md#monthly-partitions);
    # idempotent, and the daily maintenance job does it where pg_cron runs.
    sql_value "SELECT count(*) FROM arcanea.ensure_partitions()" >/dev/null
    set_authenticator_password
    if [[ -n "${POOLED:-}" ]]; then
        pooler_start "$POOLER_DIR" "$POOLER_PORT" "$PG_PORT"
    fi
    start_postgrest
    if [[ -z "${POOLED:-}" ]] && pooler_running "$POOLER_DIR"; then
        log "up without --pooler: PostgREST connects directly, stopping PgBouncer"
        pooler_stop "$POOLER_DIR"
    fi
    if [[ -n "${REPLICA:-}" ]]; then
        replica_up
    elif replica_exists "$REPLICA_DIR"; then
        log "up without --replica: removing the read replica (a copy of the database; up --replica makes a new one)"
        replica_down
        replica_drop "$PG_PORT" "$REPLICA_DIR" "$REPLICA_SLOT"
    fi
    if [[ -n "$demo" ]]; then
        # The replica receives the demo data by streaming.
        load_demo
    fi
    print_info
}

cmd_down() {
    if replica_exists "$REPLICA_DIR"; then
        replica_down
    fi
    postgrest_stop "$REST_PID"
    if pooler_running "$POOLER_DIR"; then
        pooler_stop "$POOLER_DIR"
    fi
    cluster_stop "$PGDATA_DIR"
}

cmd_status() {
    local rc=0
    printf 'PostgreSQL  '
    cluster_status "$PGDATA_DIR" || rc=1
    printf 'PostgREST   '
    if postgrest_running "$REST_PID"; then
        echo "running (pid $(cat "$REST_PID"), $REST_URL)"
    else
        echo "stopped"
        rc=1
    fi
    printf 'PgBouncer   '
    if pooler_status "$POOLER_DIR"; then
        :
    elif postgrest_running "$REST_PID" && grep -q "@127.0.0.1:$POOLER_PORT/" "$REST_CONF" 2>/dev/null; then
        echo "            PostgREST is configured to connect through it: scripts/stack.sh up --pooler"
        rc=1
    fi
    if replica_exists "$REPLICA_DIR"; then
        # Only a replica that up --replica made; its absence is no fault.
        printf 'Replica     '
        cluster_status "$REPLICA_DIR" || rc=1
        printf 'Replica API '
        if postgrest_running "$REPLICA_REST_PID"; then
            echo "running (pid $(cat "$REPLICA_REST_PID"), http://127.0.0.1:$REPLICA_REST_PORT, for reads)"
        else
            echo "stopped"
            rc=1
        fi
        if cluster_running "$PGDATA_DIR"; then
            printf 'Replication %s\n' "$(replica_lag "$PG_PORT" "$REPLICA_SLOT")"
        fi
    fi
    if cluster_running "$PGDATA_DIR"; then
        printf 'arcanea     %s\n' "$(sql_value "select coalesce((select 'version ' || extversion from pg_extension where extname = 'arcanea'), 'not created')")"
    fi
    return $rc
}

cmd_reset() {
    cluster_start "$PGDATA_DIR" "$PG_PORT"
    postgrest_stop "$REST_PID"
    warn "dropping and recreating database $DB (all its data is lost)"
    cluster_psql "$PG_PORT" template1 -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    rm -f "$FINGERPRINT"
    cmd_up "$@"
}

case "${1:-}" in
    up) shift; cmd_up "$@" ;;
    down) shift; cmd_down ;;
    status) shift; cmd_status ;;
    info)
        cluster_running "$PGDATA_DIR" || die "the stack is not running: scripts/stack.sh up"
        print_info
        ;;
    reset) shift; cmd_reset "$@" ;;
    psql) shift; cluster_running "$PGDATA_DIR" || die "the stack is not running: scripts/stack.sh up"
        exec "$(pg_bin psql)" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB" "$@" ;;
    *) usage ;;
esac
