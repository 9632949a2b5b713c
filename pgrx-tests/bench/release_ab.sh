#!/usr/bin/env bash
# pgrx-tests/bench/release_ab.sh: the last release against the new build,
# both optimised, on identical data, in the same cluster and the same hour.
#
#   pgrx-tests/bench/release_ab.sh [--scale S] [--seed N] [--rounds R] [--duration SEC]
#                                  [--new-so FILE] [--out FILE]
#
# scripts/bench.sh measures one build against the reference queries; its
# absolute figures move with the machine (a shared machine: the floor itself
# moves by a third from one day to the next). This script answers the other
# question, "did the new build get slower than the last release?", with the
# machine held still:
#   1. on the upgrade cluster (127.0.0.1:54353, see upgrade_timing.sh, which
#      makes the source database upgrade_source_<scale>_<seed> at the last
#      release: run it first), two copies of that database: release_ab_old
#      stays at the last release, release_ab_new is updated to the new one;
#   2. R rounds; in each, for each side in turn: the side's arcanea.so is
#      put in the cluster's library folder and the cluster restarted, a 5 s
#      warm-up, then every job for SEC seconds (pgbench -M prepared, the
#      benchmark's own job scripts and parameters);
# The new side is the installed arcanea.so unless --new-so names another
# (the benchmark's release build, .stack/bench-lib/arcanea.so, for example:
# the tests install a debug build, which is no match for a release package).
#   3. the report (FILE, default pgrx-tests/bench/RELEASE_AB.md): per job, the
#      median over the rounds of pgbench's average latency for each side,
#      the new build's ratio to the old, and every round's figure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
source "$ARCANEA_ROOT/pgrx-tests/bench/lib.sh"

SCALE=1
SEED=42
ROUNDS=3
DURATION=10
OUT=$ARCANEA_ROOT/pgrx-tests/bench/RELEASE_AB.md
NEW_SO="$("$ARCANEA_PG_CONFIG" --pkglibdir)/arcanea.so"
while [[ $# -gt 0 ]]; do
    case $1 in
        --scale) SCALE=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --new-so) NEW_SO=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer"
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "--duration must be a positive integer"

upgrade_cluster "$SCALE" "$SEED"
[[ -f "$NEW_SO" ]] || die "no library at $NEW_SO"
[[ "$(so_build "$NEW_SO")" == release ]] \
    || die "$NEW_SO is a debug build; compare release builds (--new-so, or: source scripts/lib.sh && pgrx_install --release)"
sq() { cluster_psql "$PORT" "$@"; }
value() { sq release_ab_old -At -c "$1"; }

# use SO: the cluster runs on that library from now on.
use() {
    cluster_stop "$DATA" >/dev/null 2>&1 || true
    put_library "$1" "$LIB"
    bench_cluster_up "$DATA" "$PORT" "$LIB" 2>/dev/null
}

OLD_SO="$(release_package "$OLD" --release)/lib/arcanea.so"
install -d -m 0755 "$LIB"
trap 'cluster_stop "$DATA" >/dev/null 2>&1 || true' EXIT
use "$OLD_SO"
[[ "$(sq postgres -At -c "SELECT count(*) FROM pg_database WHERE datname = '$SOURCE_DB'")" == 1 ]] \
    || die "no $SOURCE_DB on port $PORT: run pgrx-tests/bench/upgrade_timing.sh --scale $SCALE --seed $SEED first"

# 1. Two copies of the same data; the new one updated.
for db in release_ab_old release_ab_new; do
    sq postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE $SOURCE_DB"
done
use "$NEW_SO"
sq release_ab_new -qc "ALTER EXTENSION arcanea UPDATE"
for db in release_ab_old release_ab_new; do sq "$db" -qc "VACUUM ANALYZE"; done

# The benchmark's parameters, chosen as scripts/bench.sh chooses them.
NU=$(value "SELECT value FROM bench.meta WHERE key = 'nu'")
NC=$(value "SELECT value FROM bench.meta WHERE key = 'nc'")
NV=$(value "SELECT value FROM bench.meta WHERE key = 'nv'")
FEED_USER=$(value "SELECT value FROM bench.meta WHERE key = 'feed_user'")
Q_COMMON=$(value "SELECT word FROM bench.word WHERE rank = 1")
Q_TAG=$(value "SELECT tag FROM bench.tag WHERE rank = 10")
Q_TWO=$(value "SELECT (SELECT word FROM bench.adj WHERE rank = 1) || ' ' || (SELECT word FROM bench.noun WHERE rank = 1)")

# id | clients | script | extra -D variable
JOBS=(
    "toggle_like, 1 client|1|toggle_like.ours|"
    "toggle_like, 16 clients|16|toggle_like.ours|"
    "naive toggle_like SQL over the triggers, 1 client|1|toggle_like.ref|"
    "follow_user|1|follow_user.ours|"
    "add_message_to_conversation|1|add_message.ours|"
    "get_user_feed, page 1|1|feed_offset.ours|offset=0"
    "search_creations, common word '$Q_COMMON'|1|search.ours|q=$Q_COMMON"
    "search_creations, tag '$Q_TAG'|1|search.ours|q=$Q_TAG"
    "search_creations, two words '$Q_TWO'|1|search.ours|q=$Q_TWO"
    "get_user_stats|1|user_stats.ours|"
    "get_conversation_with_messages|1|conversation.ours|"
    "get_luminor_relationship|1|relationship.ours|"
)

# run DB CLIENTS SCRIPT SECONDS [EXTRA]: pgbench's average latency in ms.
run() {
    local db=$1 clients=$2 script=$3 secs=$4 extra=${5:-} args=() kv
    for kv in nu="$NU" nc="$NC" nv="$NV" hot=0 who=0 feed_user="$FEED_USER" offset=0 cursor=none; do
        args+=(-D "$kv")
    done
    [[ -n "$extra" ]] && args+=(-D "$extra")
    "$(pg_bin pgbench)" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared \
        -c "$clients" -j $((clients < 2 ? 1 : 2)) -T "$secs" "${args[@]}" \
        -f "$ARCANEA_ROOT/pgrx-tests/bench/pgbench/$script.sql" "$db" 2>&1 \
        | awk '/^latency average/ { l = $4 } END { if (l == "") exit 1; print l }' \
        || die "pgbench $script on $db failed"
}

declare -A LAT=()
for ((r = 1; r <= ROUNDS; r++)); do
    for side in new old; do
        if [[ $side == new ]]; then use "$NEW_SO"; db=release_ab_new; else use "$OLD_SO"; db=release_ab_old; fi
        run "$db" 1 toggle_like.ours 5 >/dev/null
        for i in "${!JOBS[@]}"; do
            IFS='|' read -r label clients script extra <<<"${JOBS[$i]}"
            LAT[$side,$i,$r]=$(run "$db" "$clients" "$script" "$DURATION" "$extra")
            log "round $r, $side ($db): $label ${LAT[$side,$i,$r]} ms"
        done
    done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
{
    echo "# $OLD against $NEW on the same data, in the same cluster and hour"
    echo
    echo "Generated by \`pgrx-tests/bench/release_ab.sh --scale $SCALE --seed $SEED --rounds $ROUNDS --duration $DURATION\`"
    echo "on $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $(sq postgres -At -c 'SHOW server_version'). Do not edit by hand."
    echo
    echo "- $OLD: its package ($(so_build "$OLD_SO") build of $(release_commit "$OLD" | cut -c1-7)), database \`release_ab_old\`."
    echo "- $NEW: \`$NEW_SO\` ($(so_build "$NEW_SO") build, sha256 $(sha256sum "$NEW_SO" | cut -c1-12); work tree at $(git -C "$ARCANEA_ROOT" rev-parse --short HEAD)), database \`release_ab_new\`: the same copy of \`$SOURCE_DB\`, then \`ALTER EXTENSION arcanea UPDATE\`."
    echo "- Each round restarts the cluster on one side's library, warms up for 5 s and runs every job"
    echo "  for ${DURATION} s (pgbench -M prepared, the jobs of \`scripts/bench.sh\`), then the other side."
    echo "  Latency is pgbench's average; the table shows the median of $ROUNDS rounds."
    echo
    echo "| job | clients | $OLD (ms) | $NEW (ms) | $NEW / $OLD | rounds, $OLD | rounds, $NEW |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for i in "${!JOBS[@]}"; do
        IFS='|' read -r label clients script extra <<<"${JOBS[$i]}"
        o=(); n=()
        for ((r = 1; r <= ROUNDS; r++)); do o+=("${LAT[old,$i,$r]}"); n+=("${LAT[new,$i,$r]}"); done
        mo=$(median "${o[@]}"); mn=$(median "${n[@]}")
        echo "| $label | $clients | $mo | $mn | $(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.2f", a / b }') | ${o[*]} | ${n[*]} |"
    done
} >"$OUT"
for db in release_ab_old release_ab_new; do sq postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done
log "wrote $OUT"
