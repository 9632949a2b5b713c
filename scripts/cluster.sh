#!/usr/bin/env bash
# scripts/cluster.sh: command-line face of the cluster helpers in lib.sh, for
# tools that are not bash (the Node e2e harness uses it).
#
#   scripts/cluster.sh start DIR PORT [--fast]   initdb if needed, start (no-op when running)
#   scripts/cluster.sh stop DIR                  pg_ctl stop -m fast (no-op when stopped)
#   scripts/cluster.sh status DIR                exit 0 when running
#   scripts/cluster.sh destroy DIR               stop, then delete DIR and its log
#
# Clusters run as the `postgres` OS user when called as root, trust
# authentication, listen on 127.0.0.1 only, unix sockets in /tmp, and log to
# DIR/../$(basename DIR).log. DIR's parent must be reachable by that user.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}
[[ $# -ge 2 ]] || usage
dir=$(realpath -m -- "$2")
case "$cmd" in
    start)
        [[ $# -ge 3 ]] || usage
        cluster_start "$dir" "$3" "${4:-}"
        ;;
    stop) cluster_stop "$dir" ;;
    status) cluster_status "$dir" ;;
    destroy) cluster_destroy "$dir" ;;
    *) usage ;;
esac
