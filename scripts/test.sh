#!/usr/bin/env bash
# scripts/test.sh: the one command that runs every arcanea test suite.
#
# In order (each runner prints its own summary; a failing suite does not stop
# the others; the exit status is non-zero if any suite failed):
#   setup       scripts/setup.sh's installs (apt, cargo-pgrx 0.18.0, pgrx init, npm ci)
#   clippy      cargo fmt --check (rustfmt.toml), then
#               cargo clippy --features "pg15 pg_test" --no-default-features -- -D warnings
#   pg_test     cargo pgrx test pg15 (the #[pg_test] functions and the plain
#               #[test]s in src/), after moving the installed arcanea.so to a
#               fresh inode (cargo pgrx test overwrites it in place)
#   install     pgrx_install (scripts/lib.sh): cargo pgrx package, a debug build,
#               into a staging folder, then the SQL and control files copied and
#               arcanea.so renamed into the system PostgreSQL 15 (the plain
#               build, after pg_test's test build)
#   types       scripts/types.sh --check: types/database.ts matches the schema
#               of the installed extension (generated on a throwaway cluster)
#   releases    release_package for every released version (sql/released/
#               releases.txt): built from its commit once per machine, cached
#               (the upgrade tests install it)
#   pgtap       pg_prove $TESTS/sql/*.sql in database arcanea_test
#               (CREATE EXTENSION pgtap; CREATE EXTENSION arcanea) on a fresh
#               test cluster, 127.0.0.1:54332
#   pgtap-upgraded  the same files in database arcanea_test_upgraded, where
#               the extension was created at the last release and then
#               updated with ALTER EXTENSION arcanea UPDATE
#   pgtap-supabase, pgtap-supabase-upgraded  both again in databases set up
#               as Supabase sets up its own (pgrx-tests/fixtures/supabase.sql)
#   isolated    each $TESTS/isolated/*.sql alone, with pg_prove, in its own
#               fresh database holding only pgtap
#   shell       prove $TESTS/shell/*.sh (TAP-printing bash scripts; env
#               PGHOST/PGPORT/PGUSER point at the test cluster, ARCANEA_ROOT at the repo)
#   e2e         node --test pgrx-tests/e2e/ (own cluster + PostgREST per test file),
#               then hostile.test.mjs again with ARCANEA_E2E_WORLD=supabase, then
#               the whole suite again through PgBouncer in transaction mode
#               (ARCANEA_E2E_POOLER=1, scripts/pooler.sh)
#   bench-smoke scripts/bench.sh --scale 0.002 --quick (runs, numbers not asserted)
#
# Empty suite folders are reported as "no tests". The test cluster is stopped
# at the end, also on failure or Ctrl-C (its data stays in .stack/test-pgdata
# for inspection until the next run deletes it).
#
# For quicker local loops (CI always runs everything):
#   ARCANEA_TEST_ONLY=pgtap,e2e scripts/test.sh   only these suites (setup always
#                                                 runs; without `install` the
#                                                 extension already installed is used)
#   ARCANEA_TEST_DIR=path                         suite folders sql/ isolated/ shell/
#                                                 e2e/ under path (default pgrx-tests)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -gt 0 ]]; then
    echo "usage: scripts/test.sh   (no arguments; runs every suite)" >&2
    exit 2
fi

cd "$ARCANEA_ROOT"
TEST_PORT=$ARCANEA_TEST_PG_PORT
TEST_DB=arcanea_test
PGX_DIR=/tmp/pgx
TEST_PGDATA=
TESTS=${ARCANEA_TEST_DIR:-pgrx-tests}
ONLY=${ARCANEA_TEST_ONLY:-}

NO_TESTS=100   # exit status a suite uses to say "no tests found"

# ---------------------------------------------------------------------------
# Suites (each runs in its own subshell with set -e)
# ---------------------------------------------------------------------------
suite_setup() {
    ensure_setup
}

suite_clippy() {
    cargo fmt --check
    cargo clippy --features "pg15 pg_test" --no-default-features -- -D warnings
}

suite_pg_test() {
    relink_installed_so
    if [[ $EUID -eq 0 ]]; then
        install -d -o postgres -m 0755 "$PGX_DIR"
        cargo pgrx test pg15 --runas postgres --pgdata "$PGX_DIR"
    else
        cargo pgrx test pg15
    fi
}

suite_install() {
    # cargo pgrx test installed the pg_test build (with its `tests` schema);
    # the SQL suites must run against the plain one.
    pgrx_install
}

suite_types() {
    bash scripts/types.sh --check
}

suite_test_cluster() {
    cluster_destroy "$TEST_PGDATA"
    cluster_start "$TEST_PGDATA" "$TEST_PORT" --fast
}

pg_prove_args() {
    echo -h 127.0.0.1 -p "$TEST_PORT" -U postgres
}

suite_releases() {
    local v
    for v in $(release_versions); do
        log "release $v: $(release_package "$v")"
    done
}

# pgtap_in DB CREATE_SQL...: a fresh DB where CREATE_SQL installs the
# extension, then every pgTAP file in it.
pgtap_in() {
    local db=$1
    shift
    shopt -s nullglob
    local files=($TESTS/sql/*.sql)
    cluster_psql "$TEST_PORT" postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    cluster_psql "$TEST_PORT" "$db" -c 'CREATE EXTENSION pgtap' "$@"
    if [[ ${#files[@]} -eq 0 ]]; then
        echo "no pgTAP files in $TESTS/sql/ (installing arcanea in $db worked)"
        return $NO_TESTS
    fi
    # shellcheck disable=SC2046
    pg_prove $(pg_prove_args) -d "$db" --failures "${files[@]}"
}

suite_pgtap() {
    pgtap_in "$TEST_DB" -c 'CREATE EXTENSION arcanea'
}

# The same assertions on a database that ran the last release first: the
# upgrade script must leave what a fresh install leaves (upgrade.sh compares
# the catalogs; this runs the behaviour).
suite_pgtap_upgraded() {
    local last
    last=$(release_versions | tail -n 1)
    pgtap_in "${TEST_DB}_upgraded" -c "CREATE EXTENSION arcanea VERSION '$last'" -c 'ALTER EXTENSION arcanea UPDATE'
}

# And both again in a database set up as Supabase sets up its own, with
# the default privileges that hand every new object to the API roles.
suite_pgtap_supabase() {
    pgtap_in "${TEST_DB}_supabase" -f "$ARCANEA_ROOT/pgrx-tests/fixtures/supabase.sql" -c 'CREATE EXTENSION arcanea'
}
suite_pgtap_supabase_upgraded() {
    local last
    last=$(release_versions | tail -n 1)
    pgtap_in "${TEST_DB}_supabase_upgraded" -f "$ARCANEA_ROOT/pgrx-tests/fixtures/supabase.sql" \
        -c "CREATE EXTENSION arcanea VERSION '$last'" -c 'ALTER EXTENSION arcanea UPDATE'
}

suite_isolated() {
    shopt -s nullglob
    local files=($TESTS/isolated/*.sql) f db rc=0
    if [[ ${#files[@]} -eq 0 ]]; then
        echo "no files in $TESTS/isolated/"
        return $NO_TESTS
    fi
    for f in "${files[@]}"; do
        db=arcanea_iso_$(basename "$f" .sql | tr -c 'a-zA-Z0-9_\n' '_')
        echo "--- $f (database $db)"
        cluster_psql "$TEST_PORT" postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
        cluster_psql "$TEST_PORT" "$db" -c 'CREATE EXTENSION pgtap'
        # shellcheck disable=SC2046
        pg_prove $(pg_prove_args) -d "$db" --failures "$f" || rc=1
    done
    return $rc
}

suite_shell() {
    shopt -s nullglob
    local files=($TESTS/shell/*.sh)
    if [[ ${#files[@]} -eq 0 ]]; then
        echo "no scripts in $TESTS/shell/"
        return $NO_TESTS
    fi
    PGHOST=127.0.0.1 PGPORT=$TEST_PORT PGUSER=postgres ARCANEA_ROOT=$ARCANEA_ROOT \
        prove --failures --comments --exec bash "${files[@]}"
}

suite_e2e() {
    local n
    n=$(find "$TESTS/e2e" -type f \( -name '*.test.mjs' -o -name '*.test.js' -o -name '*.test.cjs' \) 2>/dev/null | wc -l)
    if [[ $n -eq 0 ]]; then
        echo "no *.test.mjs files in $TESTS/e2e/"
        return $NO_TESTS
    fi
    node --test "$TESTS/e2e/"
    # The hostile-input property test again, in a database set up as
    # Supabase sets up its own (default privileges that hand every new
    # object to the API roles): every call must still meet its rules.
    echo "--- hostile.test.mjs in the Supabase world (ARCANEA_E2E_WORLD=supabase)"
    ARCANEA_E2E_WORLD=supabase node --test "$TESTS/e2e/hostile.test.mjs"
    # And the whole suite through a transaction pooler, as Supabase's API may
    # reach its database: PgBouncer in transaction mode in front of each
    # file's cluster, PostgREST through it with prepared statements off
    # (about 2 minutes on 2 cores).
    echo "--- the e2e suite through PgBouncer in transaction mode (ARCANEA_E2E_POOLER=1)"
    ARCANEA_E2E_POOLER=1 node --test "$TESTS/e2e/"
}

suite_bench_smoke() {
    # The benchmark at a tiny scale, so a broken generator or pgbench script
    # shows up in CI; its numbers are not asserted (scripts/bench.sh).
    bash scripts/bench.sh --scale 0.002 --quick
}

# ---------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------
declare -a NAMES=() RESULTS=() TIMES=()
FAILED=0
LOG_DIR="$ARCANEA_ROOT/.stack/test-logs"
mkdir -p "$LOG_DIR"

record() { NAMES+=("$1"); RESULTS+=("$2"); TIMES+=("$3"); }

# run_suite NAME FUNCTION: never call it in a condition (`if`, `||`): bash
# would then ignore set -e inside the suite. Its status is left in LAST_RC.
LAST_RC=0
run_suite() {
    local name=$1 fn=$2 rc start
    section "$name"
    start=$SECONDS
    set +e
    # A copy of the suite's output for the failure excerpts under the summary
    # (CI shows only the tail of a run). Through a process substitution, not
    # a pipe: a server a suite starts may keep the descriptor open, and
    # nothing here must wait for it.
    (set -e; "$fn") > >(tee "$LOG_DIR/$name.log") 2>&1
    rc=$?
    set -e
    local took=$((SECONDS - start))s
    case $rc in
        0) record "$name" pass "$took" ;;
        "$NO_TESTS") record "$name" "no tests" "$took" ;;
        *) record "$name" FAIL "$took"; FAILED=$((FAILED + 1)) ;;
    esac
    LAST_RC=$rc
}

# A suite that cannot run because an earlier step failed (that step already
# makes the run fail).
skip_suite() {
    section "$1"
    echo "not run: $2"
    record "$1" "not run ($2)" 0s
}

cleanup() {
    if [[ -n "$TEST_PGDATA" ]]; then
        cluster_stop "$TEST_PGDATA" || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# failure_excerpts: for each failed suite, what failed (TAP "not ok" lines and
# the diagnostics after them, prove's summary, errors), at most 60 lines a
# suite, so that the tail of a CI log names the failing test.
failure_excerpts() {
    local i log
    sleep 0.2  # let tee write its last lines
    for i in "${!NAMES[@]}"; do
        [[ "${RESULTS[$i]}" == FAIL ]] || continue
        log="$LOG_DIR/${NAMES[$i]}.log"
        [[ -s "$log" ]] || continue
        printf '\n--- %s failed; from %s:\n' "${NAMES[$i]}" "$log"
        grep -E -A6 '^ *not ok|^# +Failed|Dubious|Parse errors|Wstat|^Failed [0-9]+/|ERROR:|FATAL:|error\[|^✖|^# fail|^Result: FAIL' "$log" \
            | grep -v -E '^(#\s*)?\s*$' | head -n 60 || true
    done
}

summary() {
    local i passed=0 failed=0 skipped=0
    printf '\n%-23s %-34s %s\n' suite result time
    printf '%-23s %-34s %s\n' ----------------------- ---------------------------------- ------
    for i in "${!NAMES[@]}"; do
        printf '%-23s %-34s %s\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${TIMES[$i]}"
        case "${RESULTS[$i]}" in
            pass) passed=$((passed + 1)) ;;
            FAIL) failed=$((failed + 1)) ;;
            *) skipped=$((skipped + 1)) ;;  # no tests, not run
        esac
    done
    printf 'total time %ss\n' "$SECONDS"
    if [[ $FAILED -gt 0 ]]; then
        echo "FAILED: $FAILED suite(s)"
    else
        echo "all suites passed"
    fi
    failure_excerpts
    # Last line, in the plain "N passed, N failed, N skipped" form.
    printf 'suites: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
}

# want SUITE: selected by ARCANEA_TEST_ONLY (everything when it is empty)?
want() { [[ -z "$ONLY" || ",$ONLY," == *",$1,"* ]]; }

SECONDS=0
if [[ -n "$ONLY" ]]; then
    log "ARCANEA_TEST_ONLY=$ONLY: running only these suites"
fi
run_suite setup suite_setup
if want clippy; then run_suite clippy suite_clippy; fi
if want pg_test; then run_suite pg_test suite_pg_test; fi
LAST_RC=0
if want install; then run_suite install suite_install; fi
if [[ $LAST_RC -eq 0 ]]; then
    if want types; then run_suite types suite_types; fi
    if want releases; then run_suite releases suite_releases; fi
    if want pgtap || want pgtap-upgraded || want pgtap-supabase || want pgtap-supabase-upgraded \
        || want isolated || want shell; then
        TEST_PGDATA=$(stack_dir)/test-pgdata
        run_suite test-cluster suite_test_cluster
        if [[ $LAST_RC -eq 0 ]]; then
            if want pgtap; then run_suite pgtap suite_pgtap; fi
            if want pgtap-upgraded; then run_suite pgtap-upgraded suite_pgtap_upgraded; fi
            if want pgtap-supabase; then run_suite pgtap-supabase suite_pgtap_supabase; fi
            if want pgtap-supabase-upgraded; then
                run_suite pgtap-supabase-upgraded suite_pgtap_supabase_upgraded
            fi
            if want isolated; then run_suite isolated suite_isolated; fi
            if want shell; then run_suite shell suite_shell; fi
        else
            for s in pgtap pgtap-upgraded pgtap-supabase pgtap-supabase-upgraded isolated shell; do
                if want "$s"; then skip_suite "$s" "no test cluster"; fi
            done
        fi
    fi
    if want e2e; then run_suite e2e suite_e2e; fi
    if want bench-smoke; then run_suite bench-smoke suite_bench_smoke; fi
else
    for s in types releases pgtap pgtap-upgraded pgtap-supabase pgtap-supabase-upgraded isolated shell e2e bench-smoke; do
        if want "$s"; then skip_suite "$s" "install failed"; fi
    done
fi
cleanup
TEST_PGDATA=
summary
if [[ $FAILED -gt 0 ]]; then
    exit 1
fi
