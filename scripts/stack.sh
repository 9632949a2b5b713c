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
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ARCANEA_ROOT/scripts/jwt.sh"

PG_PORT=$ARCANEA_STACK_PG_PORT
REST_PORT=$ARCANEA_STACK_REST_PORT
DB=postgres
AUTHENTICATOR_PASSWORD=postgres
REST_URL="http://127.0.0.1:$REST_PORT"
DB_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$DB"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

STACK=$(stack_dir)
PGDATA_DIR=$STACK/pgdata
REST_CONF=$STACK/postgrest.conf
REST_PID=$STACK/postgrest.pid
REST_LOG=$STACK/postgrest.log
FINGERPRINT=$STACK/arcanea.fingerprint

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
    local was_running=
    if postgrest_running "$REST_PID"; then
        was_running=1
    fi
    postgrest_write_config "$REST_CONF" \
        "postgres://authenticator:$AUTHENTICATOR_PASSWORD@127.0.0.1:$PG_PORT/$DB" \
        "$REST_PORT" "$ARCANEA_DEV_JWT_SECRET"
    postgrest_start "$REST_CONF" "$REST_PID" "$REST_LOG" "$REST_PORT"
    if [[ -n "$was_running" && -n "${EXTENSION_CREATED:-}" ]]; then
        log "NOTIFY pgrst, 'reload schema' (the extension was just created)"
        cluster_psql "$PG_PORT" "$DB" -c "NOTIFY pgrst, 'reload schema'"
    fi
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
                  psql '$DB_URL'   (or: scripts/stack.sh psql)
  PostgREST 12    $REST_URL   (Supabase's /rest/v1, without the prefix)
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
            *) usage ;;
        esac
        shift
    done
    ensure_setup
    pgrx_install $release
    cluster_start "$PGDATA_DIR" "$PG_PORT"
    ensure_extension
    set_authenticator_password
    start_postgrest
    if [[ -n "$demo" ]]; then
        load_demo
    fi
    print_info
}

cmd_down() {
    postgrest_stop "$REST_PID"
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
