#!/usr/bin/env bash
# The soak (soak.sh: 32 clients, the PostgREST-like mix, then deadlocks,
# failed transactions, counters and invariants checked) through a
# transaction pooler, as Supabase's API may reach its database (issue 16):
# PgBouncer in transaction mode (scripts/pooler.sh) in front of the cluster
# PGHOST/PGPORT name, with a small pool (ARCANEA_POOLER_POOL_SIZE, default
# 5), so the clients' requests share a few backends and each client's
# requests move between them; pgbench uses the extended protocol without
# named prepared statements (-M extended), as PostgREST does behind a pooler.
# Same checks as soak.sh, plus: the requests went through the pooler, on at
# most pool-size backends.
#
# Prints TAP. Env: as soak.sh (PGHOST/PGPORT/PGUSER, ARCANEA_SOAK_SECONDS, ...).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_SOAK_POOLER=1 exec bash "$HERE/soak.sh"
