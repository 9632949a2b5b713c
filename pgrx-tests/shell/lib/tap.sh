# shellcheck shell=bash
# pgrx-tests/shell/lib/tap.sh: TAP output and database helpers for the
# scripts in pgrx-tests/shell/ (sourced, not run: prove only picks up
# pgrx-tests/shell/*.sh).
#
# The scripts talk to the cluster named by PGHOST / PGPORT / PGUSER (set by
# scripts/test.sh) and create and drop their own databases.
#
#   tap_plan N                      print the plan
#   tap_is DESC GOT WANT            ok when GOT equals WANT, else not ok + both values
#   tap_ok DESC VALUE               ok when VALUE is t or true (a psql boolean)
#   tap_diag TEXT...                # comment lines (stdin when no argument)
#   tap_bail REASON                 Bail out! and exit 1
#   tap_done                        exit status: 0 when every test passed
#   q DB SQL                        one query, unaligned tuples only, stop on error
#   db_create DB                    CREATE DATABASE + CREATE EXTENSION arcanea
#   db_drop DB                      DROP DATABASE IF EXISTS ... WITH (FORCE), quiet
#   db_wait_idle DB [SECONDS]       wait until no other session is connected to DB

TAP_N=0
TAP_FAILED=0

tap_plan() { echo "1..$1"; }

tap_is() {
    local desc=$1 got=$2 want=$3
    TAP_N=$((TAP_N + 1))
    if [[ "$got" == "$want" ]]; then
        echo "ok $TAP_N - $desc"
    else
        TAP_FAILED=$((TAP_FAILED + 1))
        echo "not ok $TAP_N - $desc"
        printf '%s\n' "     got: $got" "    want: $want" | sed 's/^/# /'
    fi
}

tap_ok() {
    local desc=$1 value=$2
    case "$value" in
        t | true) tap_is "$desc" t t ;;
        *) tap_is "$desc" "$value" t ;;
    esac
}

tap_diag() {
    if [[ $# -gt 0 ]]; then
        printf '%s\n' "$@" | sed 's/^/# /'
    else
        sed 's/^/# /'
    fi
}

tap_bail() {
    echo "Bail out! $*"
    exit 1
}

tap_done() {
    [[ $TAP_FAILED -eq 0 ]]
}

q() {
    local db=$1 sql=$2
    PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
        psql -qXAt -v ON_ERROR_STOP=1 -d "$db" -c "$sql"
}

db_drop() {
    psql -qX -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true
}

db_create() {
    local db=$1
    db_drop "$db"
    psql -qX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db" >/dev/null
    q "$db" "CREATE EXTENSION arcanea" >/dev/null
}

# pgbench_processed LOG: the transactions a pgbench run reports it processed
# (its "number of transactions actually processed" line).
pgbench_processed() { sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$1"; }

db_wait_idle() {
    local db=$1 deadline=$((SECONDS + ${2:-30}))
    while ((SECONDS < deadline)); do
        if [[ "$(q "$db" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")" == 0 ]]; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}
