#!/usr/bin/env bash
# pgrx-tests/bench/privacy_timing.sh: a heavy user's export and erasure on
# the benchmark's data set: how long export_my_data() takes (it must fit in
# the authenticated role's 8 s statement timeout), how long deleting the
# account takes and what it locks, and that it leaves nothing behind.
#
#   pgrx-tests/bench/privacy_timing.sh [--scale S] [--seed N] [--likes N]
#                                      [--followers N] [--creations N]
#                                      [--out FILE] [--fresh]
#
# On the benchmark's cluster (127.0.0.1:54352, .stack/bench-pgdata, its
# settings) with the installed arcanea.so (a private copy, as
# `scripts/bench.sh --build installed` does):
#   1. the data set of `scripts/bench.sh --scale S --seed N` (reused when
#      that run made it for the installed SQL; generated otherwise), copied
#      to privacy_run;
#   2. heavy_user.sql adds one account with N likes (default 100,000),
#      N followers (default 10,000), N creations (default 500) with a
#      file each, comments, follows, mentions by others and Luminor
#      conversations;
#   3. export_my_data() as that user (role authenticated, JWT claims,
#      statement_timeout 8s), three times;
#   4. DELETE FROM auth.users for that user (what GoTrue's "delete user"
#      runs), first rolled back beside 4 clients of toggle_like (do they
#      keep committing while its commit folds the counts?), then for real
#      while lock_sampler.sql records every relation lock it takes;
#   5. the files it left are deleted as the Storage API would
#      (pending_storage_erasures(), then storage.objects rows), then
#      shell/erasure/scan.sql looks for the user's id, username and avatar
#      URL in every row of every table (shell/erasure.sh also looks for the
#      ids of their creations and comments), and recount_counters() must
#      fix nothing;
#   6. the report (FILE, default pgrx-tests/bench/PRIVACY_RESULTS.md).
# Exits non-zero when the export fails or times out, a trace is left or a
# counter is off.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
source "$ARCANEA_ROOT/pgrx-tests/bench/lib.sh"

SCALE=1
SEED=42
LIKES=100000
FOLLOWERS=10000
CREATIONS=500
FRESH=0
OUT=$ARCANEA_ROOT/pgrx-tests/bench/PRIVACY_RESULTS.md
while [[ $# -gt 0 ]]; do
    case $1 in
        --scale) SCALE=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --likes) LIKES=$2; shift 2 ;;
        --followers) FOLLOWERS=$2; shift 2 ;;
        --creations) CREATIONS=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        -h|--help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale must be a positive number"
for n in "$SEED" "$LIKES" "$FOLLOWERS" "$CREATIONS"; do
    [[ "$n" =~ ^[0-9]+$ ]] || die "--seed, --likes, --followers and --creations take integers"
done

BENCH=$ARCANEA_ROOT/pgrx-tests/bench
PORT=${ARCANEA_BENCH_PG_PORT:-54352}
STACK=$(stack_dir)
DATA=$STACK/bench-pgdata
LIBDIR=$STACK/bench-lib
SOURCE_DB=arcanea_bench_s${SCALE//./_}_seed$SEED
RUN_DB=privacy_run
UID_=6a1b0000-0000-4000-8000-00000000e7a5
USERNAME=heavy_eraser_7
AVATAR=https://cdn.example/avatars/heavy-eraser-7.png
COMMENTS=2000
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
sq() { cluster_psql "$PORT" "$@"; }

SHAREDIR=$("$ARCANEA_PG_CONFIG" --sharedir)
VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$SHAREDIR/extension/arcanea.control" 2>/dev/null || true)
INSTALLED_SQL=$SHAREDIR/extension/arcanea--$VERSION.sql
SO=$("$ARCANEA_PG_CONFIG" --pkglibdir)/arcanea.so
[[ -n "$VERSION" && -f "$INSTALLED_SQL" && -f "$SO" ]] || die "arcanea is not installed: run scripts/stack.sh up first"
SQL_SHA=$(strip_comments "$INSTALLED_SQL" | sha256sum | cut -c1-12)
install -d -m 0755 "$LIBDIR"
put_library "$SO" "$LIBDIR"
BUILD=$(so_build "$SO")

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; cluster_stop "$DATA" >/dev/null 2>&1 || true' EXIT
bench_cluster_up "$DATA" "$PORT" "$LIBDIR"

# 1. The data set, and a copy to spend.
bench_dataset "$PORT" "$SOURCE_DB" "$SCALE" "$SEED" "$SQL_SHA" "$FRESH"
((BENCH_REUSED)) && log "reusing $SOURCE_DB (--fresh regenerates)" || log "generated $SOURCE_DB in ${BENCH_GEN_SECONDS}s"
sq postgres -c "DROP DATABASE IF EXISTS $RUN_DB WITH (FORCE)" -c "CREATE DATABASE $RUN_DB TEMPLATE $SOURCE_DB"
COUNTS=$(sq "$RUN_DB" -At -c "
    SELECT format('profiles %s, creations %s, likes %s, follows %s, comments %s, notifications %s',
                  (SELECT count(*) FROM public.profiles), (SELECT count(*) FROM public.creations),
                  (SELECT count(*) FROM public.likes), (SELECT count(*) FROM public.follows),
                  (SELECT count(*) FROM public.comments), (SELECT count(*) FROM public.notifications))")

# 2. The heavy user.
t0=$(now_ms)
sq "$RUN_DB" -v uid="$UID_" -v username="$USERNAME" -v avatar="$AVATAR" -v likes="$LIKES" \
    -v followers="$FOLLOWERS" -v creations="$CREATIONS" -v comments="$COMMENTS" -f "$BENCH/heavy_user.sql"
BUILD_MS=$(($(now_ms) - t0))
OWNS=$(sq "$RUN_DB" -At -c "
    SELECT format('%s likes, %s followers, follows %s, %s creations, %s comments, %s messages, %s notifications received, '
                  '%s notifications naming it as their actor, %s mentions of it in others'' comments',
                  (SELECT count(*) FROM public.likes WHERE user_id = '$UID_'),
                  (SELECT count(*) FROM public.follows WHERE following_id = '$UID_'),
                  (SELECT count(*) FROM public.follows WHERE follower_id = '$UID_'),
                  (SELECT count(*) FROM public.creations WHERE user_id = '$UID_'),
                  (SELECT count(*) FROM public.comments WHERE user_id = '$UID_'),
                  (SELECT count(*) FROM public.luminor_messages WHERE user_id = '$UID_'),
                  (SELECT count(*) FROM public.notifications WHERE user_id = '$UID_'),
                  (SELECT count(*) FROM public.notifications WHERE metadata ->> 'actor_id' = '$UID_'),
                  (SELECT count(*) FROM public.comments WHERE user_id <> '$UID_' AND content ILIKE '%@$USERNAME%'))")
log "heavy user built in ${BUILD_MS} ms: $OWNS"
# The rows whose counters the erasure moves (each row-locked from its
# counter update to the commit): others' creations it liked or commented
# on, and the profiles at the other end of its follows.
ROW_LOCKS=$(sq "$RUN_DB" -At -c "
    SELECT format('%s creations (like_count, comment_count), %s profiles (follower_count, following_count)',
                  (SELECT count(*) FROM (SELECT creation_id FROM public.likes WHERE user_id = '$UID_'
                                         UNION SELECT creation_id FROM public.comments WHERE user_id = '$UID_') x
                    WHERE x.creation_id NOT IN (SELECT id FROM public.creations WHERE user_id = '$UID_')),
                  (SELECT count(*) FROM (SELECT following_id FROM public.follows WHERE follower_id = '$UID_'
                                         UNION SELECT follower_id FROM public.follows WHERE following_id = '$UID_') y))")

# 3. The export, as the user would call it.
EXPORT_MS=()
for i in 1 2 3; do
    out=$(sq "$RUN_DB" -At <<SQL 2>&1
SET ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub": "$UID_", "role": "authenticated"}', false) \g /dev/null
SET statement_timeout = '8s';
\timing on
SELECT octet_length(public.export_my_data()::text);
SQL
) || die "export_my_data failed: $out"
    EXPORT_BYTES=$(sed -n 1p <<<"$out")
    EXPORT_MS+=("$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -n 1)")
done
log "export: $EXPORT_BYTES bytes in ${EXPORT_MS[*]} ms"
EXPORT_LIKES=$(sq "$RUN_DB" -At <<SQL
SET ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub": "$UID_", "role": "authenticated"}', false) \g /dev/null
SELECT json_array_length(public.export_my_data() -> 'likes');
SQL
)

# 4a. The same erasure beside other writers, rolled back: 4 clients call
# toggle_like as PostgREST does (pgrx-tests/bench/pgbench/
# toggle_like_api.ours.sql) on random published creations, and the erasure
# runs its commit-time fold (SET CONSTRAINTS ALL IMMEDIATE), counts its
# locks and rolls back.  Whether the others keep committing while it folds:
# each second's transactions, the slowest one, and the locks it held.
NU=$(sq "$RUN_DB" -At -c "SELECT value FROM bench.meta WHERE key = 'nu'")
NC=$(sq "$RUN_DB" -At -c "SELECT value FROM bench.meta WHERE key = 'nc'")
mkdir -p "$WORK/beside"
(cd "$WORK/beside" && "$(pg_bin pgbench)" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared -c 4 -j 2 -T 600 -l \
    -D nu="$NU" -D nc="$NC" -D hot=0 -f "$BENCH/pgbench/toggle_like_api.ours.sql" "$RUN_DB" >pgbench.out 2>&1) &
WRITERS=$!
sleep 5
beside=$(sq "$RUN_DB" -At <<SQL
BEGIN;
DELETE FROM auth.users WHERE id = '$UID_';
SELECT extract(epoch FROM clock_timestamp()) AS start \gset fold_
SET CONSTRAINTS ALL IMMEDIATE;
SELECT :'fold_start' || ' ' || extract(epoch FROM clock_timestamp()) || ' '
       || (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()) || ' '
       || (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory');
ROLLBACK;
SQL
) || die "the erasure beside writers failed"
sleep 2
# Ending its sessions ends pgbench normally, with its logs written out.
sq postgres -At -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                     WHERE datname = '$RUN_DB' AND application_name = 'pgbench'" >/dev/null
wait "$WRITERS" 2>/dev/null || true
read -r FOLD_FROM FOLD_TO BESIDE_LOCKS BESIDE_ADVISORY <<<"$beside"
# pgbench's log: client, transaction, latency (us), script, end (s, us).
BESIDE=$(cat "$WORK/beside"/pgbench_log.* | awk -v from="$FOLD_FROM" -v to="$FOLD_TO" '
    { end = $5 + $6 / 1e6 }
    end >= from && end <= to { n++; per[int(end - from)]++ }
    end >= from && end <= to + 2 && $3 > worst { worst = $3 }  # ended in it, or just after
    END {
        secs = int(to - from); lo = -1
        for (i = 0; i < secs; i++) { c = per[i] + 0; if (lo < 0 || c < lo) lo = c }
        printf "%.1f s; 4 writers committed %d transactions in it (%.0f a second; the slowest second %d), the slowest %d ms",
               to - from, n, n / (to - from), lo, worst / 1000 }')
log "erasure's commit beside 4 writers: $BESIDE; it held $BESIDE_LOCKS locks ($BESIDE_ADVISORY advisory)"

# 4. The erasure, under the lock sampler.
sq "$RUN_DB" -At -F '|' -v app=arcanea-erasure -f "$BENCH/lock_sampler.sql" >"$WORK/samples" &
SAMPLER=$!
sleep 0.5
t_start=$(now_ms)
PGAPPNAME=arcanea-erasure sq "$RUN_DB" -c "DELETE FROM auth.users WHERE id = '$UID_'"
t_end=$(now_ms)
wait "$SAMPLER" || die "the lock sampler failed"
ERASE_MS=$((t_end - t_start))
log "erasure took $ERASE_MS ms"

# 5. The files, then what is left.
FILES=$(sq "$RUN_DB" -At -c "SELECT count(*) FROM public.pending_storage_erasures()")
sq "$RUN_DB" -c "DELETE FROM storage.objects o USING public.pending_storage_erasures() e
                  WHERE o.bucket_id = e.bucket_id AND o.name = e.name"
FILES_AFTER=$(sq "$RUN_DB" -At -c "SELECT count(*) FROM public.pending_storage_erasures()")
t0=$(now_ms)
TRACES=$(cat "$ARCANEA_ROOT/pgrx-tests/shell/erasure/scan.sql" - <<SQL | sq "$RUN_DB" -At
SELECT string_agg(tbl || '.' || col || ' = ' || val, '; ')
  FROM pg_temp.erasure_scan(ARRAY['$UID_']::uuid[], ARRAY['$UID_', '$USERNAME', '$AVATAR']) WHERE val <> '';
SQL
)
SCAN_MS=$(($(now_ms) - t0))
t0=$(now_ms)
FIXED=$(sq "$RUN_DB" -At -c "SELECT coalesce(string_agg(counter || ' ' || rows_fixed, ', '), '') FROM arcanea.recount_counters() WHERE rows_fixed > 0")
RECOUNT_MS=$(($(now_ms) - t0))
MENTIONS_LEFT=$(sq "$RUN_DB" -At -c "SELECT count(*) FROM public.comments WHERE content LIKE '%@[deleted]%'")

{
    echo "# A heavy user's export and erasure on the benchmark data set"
    echo
    echo "Generated by \`pgrx-tests/bench/privacy_timing.sh --scale $SCALE --seed $SEED --likes $LIKES --followers $FOLLOWERS --creations $CREATIONS\`"
    echo "on $(date -u +%Y-%m-%d), $(nproc) cores, $(sq postgres -At -c 'SHOW server_version'), arcanea $VERSION ($BUILD build)."
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| data set | scale $SCALE, seed $SEED: $COUNTS |"
    echo "| the heavy user | $OWNS (built in $((BUILD_MS / 1000)) s through the triggers) |"
    echo "| **export_my_data()** as that user, statement_timeout 8 s | **${EXPORT_MS[0]} ms, ${EXPORT_MS[1]} ms, ${EXPORT_MS[2]} ms**; $EXPORT_BYTES bytes of json, $EXPORT_LIKES likes |"
    echo "| **DELETE FROM auth.users** (one statement, one transaction) | **$ERASE_MS ms** |"
    echo "| its commit beside 4 writers (toggle_like as PostgREST calls it, random creations; rolled back, before the timed run) | $BESIDE; locks held at the end: $BESIDE_LOCKS, $BESIDE_ADVISORY of them advisory |"
    echo "| files listed by pending_storage_erasures() | $FILES (after deleting them: $FILES_AFTER) |"
    echo "| mentions rewritten to \`@[deleted]\` in others' comments | $MENTIONS_LEFT comments |"
    echo "| traces of the id, username or avatar URL in any row (shell/erasure/scan.sql, $((SCAN_MS / 1000)) s) | ${TRACES:-none} |"
    echo "| counters recount_counters() had to fix ($((RECOUNT_MS / 1000)) s) | ${FIXED:-none} |"
    echo
    echo "Row locks: the deletion's commit updates the counters of $ROW_LOCKS, each"
    echo "locked from its update to the commit (the commit puts the deletion's own counts straight into"
    echo "those rows: fold_own_deltas() in sql/20_counters.sql). A like, comment or follow of one of those"
    echo "rows meanwhile does not wait for that lock: it is counted as a pending delta and folded at the"
    echo "deletion's commit. Only a change to such a row itself (its owner editing it) waits, at most the"
    echo "deletion's time."
    echo
    echo "Each relation the deletion locked, with the strongest lock it took and how long it held it"
    echo "(from the first 10 ms sample that saw it to the commit; lock_sampler.sql)."
    echo
    echo "| relation | lock | held (ms) | blocks |"
    echo "| --- | --- | --- | --- |"
    while IFS='|' read -r rel mode first; do
        [[ -n "$rel" ]] || continue
        echo "| \`$rel\` | $mode | $((t_end - first)) | $(lock_blocks "$mode") |"
    done <"$WORK/samples"
} >"$OUT"
cat "$OUT"
status=0
[[ -z "$TRACES" ]] || { warn "traces left: $TRACES"; status=1; }
[[ -z "$FIXED" ]] || { warn "counters off after the erasure: $FIXED"; status=1; }
[[ "$FILES_AFTER" == 0 ]] || { warn "$FILES_AFTER files still listed after their deletion"; status=1; }
exit $status
