#!/usr/bin/env bash
# scripts/restore.sh: restore a pg_dump -Fc dump of a database with arcanea,
# the way docs/operations.md#backup-and-restore describes.
#
#   scripts/restore.sh DUMP_FILE [pg_restore options...] -d TARGET_DB
#
# Runs pg_restore with two differences from a plain one:
#   * session_replication_role=replica, so counters and notifications are
#     not counted twice while the rows load;
#   * the primary keys, indexes and index attachments of the monthly
#     partitions (schema arcanea_partitions, sql/77_partitions.sql) are left
#     out of the list: the dump attaches each month to its table before the
#     data, and PostgreSQL then gives the month the table's keys and indexes
#     itself, so restoring them again would only fail ("already exists").
# pg_restore's exit status is passed on.  Expect one error, that the
# publication supabase_realtime exists already (docs/operations.md says why).
# Connection settings come from the usual PG* variables or the options.
set -euo pipefail
if [[ $# -lt 1 || ! -f $1 ]]; then
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
dump=$1
shift
list=$(mktemp)
trap 'rm -f "$list"' EXIT
# A TOC line reads "ID; CATALOG OID TYPE SCHEMA NAME OWNER".
pg_restore -l "$dump" | grep -vE '^[0-9]+; [0-9]+ [0-9]+ (CONSTRAINT|INDEX|INDEX ATTACH) arcanea_partitions ' >"$list"
PGOPTIONS="${PGOPTIONS:-} -c session_replication_role=replica" pg_restore -L "$list" "$@" "$dump"
