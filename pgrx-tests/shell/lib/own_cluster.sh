# shellcheck shell=bash
# pgrx-tests/shell/lib/own_cluster.sh: a throwaway PostgreSQL cluster of a
# test's own, for a test that needs server settings the shared test cluster
# does not have (wal_level = logical, shared_preload_libraries).  Sourced
# after scripts/lib.sh and lib/tap.sh.
#
#   own_cluster_start PORT [NAME=VALUE...]   initdb in a temp dir, start, add the
#                                            settings to postgresql.conf, restart;
#                                            exports PGHOST/PGPORT/PGUSER for it;
#                                            stops and removes it on exit
#   OWN_WORK                                 the temp dir (logs: $OWN_WORK/pgdata.log)

OWN_WORK=$(mktemp -d)
OWN_WORK=$(cd "$OWN_WORK" && pwd -P)
chmod 0755 "$OWN_WORK"
OWN_DATA=$OWN_WORK/pgdata

_own_cluster_cleanup() {
    cluster_stop "$OWN_DATA" >/dev/null 2>&1 || true
    if ((${TAP_FAILED:-0} > 0)) && [[ -f "$OWN_WORK/pgdata.log" ]]; then
        grep -E 'ERROR|FATAL|PANIC' "$OWN_WORK/pgdata.log" | tail -n 10 | sed 's/^/# server log: /'
    fi
    if [[ -n "${ARCANEA_KEEP:-}" ]]; then echo "# kept $OWN_WORK" >&2; else rm -rf -- "$OWN_WORK"; fi
}
trap _own_cluster_cleanup EXIT

own_cluster_start() {
    local port=$1 setting
    shift
    (cluster_start "$OWN_DATA" "$port" --fast) >"$OWN_WORK/admin.log" 2>&1 \
        || { tail -n 20 "$OWN_WORK/admin.log" | tap_diag; tap_bail "the test's own cluster did not start"; }
    # Into postgresql.conf rather than ALTER SYSTEM, which refuses the
    # settings of a library that is not loaded yet (cron.*).
    for setting in "$@"; do
        printf "%s = '%s'\n" "${setting%%=*}" "${setting#*=}" >>"$OWN_DATA/postgresql.conf"
    done
    if [[ $# -gt 0 ]]; then
        (cluster_stop "$OWN_DATA" && cluster_start "$OWN_DATA" "$port" --fast) >>"$OWN_WORK/admin.log" 2>&1 \
            || { tail -n 20 "$OWN_WORK/admin.log" | tap_diag; tap_bail "the test's own cluster did not restart"; }
    fi
    export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
}
