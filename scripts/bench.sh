#!/usr/bin/env bash
# scripts/bench.sh: arcanea's performance harness (not a timed test: it reports,
# it does not fail on numbers).
#
#   scripts/bench.sh [--scale S] [--seed N] [--quick] [--duration SEC]
#                    [--soak-duration SEC] [--build installed|release]
#                    [--fresh] [--out DIR] [--keep-running] [--report-only]
#
# On a dedicated PostgreSQL 15 cluster (127.0.0.1:54352, data in
# .stack/bench-pgdata, fsync off: CPU and plans are measured, not the disk) it
#   1. generates a deterministic data set at scale S (pgrx-tests/bench/generate.sql;
#      scale 1 = 100k users, 1M creations, 5M likes, 2M follows, ...), or reuses
#      the one already generated for the same scale, seed and extension build;
#   2. runs every job with pgbench (-M prepared, per-transaction logs): our RPC
#      function and, beside it, the spec's reference query for the same job,
#      plus pgbench's own select-only and TPC-B in a separate database as the
#      machine's floor, all in the same run; then our write RPCs called as
#      PostgREST calls them (role and JWT claims set in each transaction)
#      beside a conventional hand-written implementation on its own copy of
#      the tables (pgrx-tests/bench/conventional.sql), and the hot-creation
#      mix: 32 clients liking, commenting and viewing one creation, and the
#      same mix spread over random creations (each pair of sides in two
#      halves, A B B A, so that the machine's drift reaches both); then the
#      data shapes of
#      pgrx-tests/bench/generate_shapes.sql, laid over the data set once:
#      the feed of four follow-graph readers (pages 1 and 51, 1 and 4
#      clients), search by word frequency and a Zipf mix, adversarial
#      queries, beside the conventional reads (conventional_reads.sql);
#   3. captures EXPLAIN (ANALYZE, BUFFERS) of every statement each job runs,
#      including the SQL inside the Rust functions (auto_explain, nested);
#   4. soaks the data set: 32 connections run the PostgREST-like mix of
#      pgrx-tests/bench/pgbench/soak_*.sql (every RPC anon and authenticated
#      may call, at realistic weights), then checks that no transaction
#      failed, no deadlock happened and every counter is exact;
#   5. writes RESULTS.md (p50/p95/p99, tps, ratios, targets, the soak) and
#      explain/*.txt.
#
# --scale S        data scale, a float (default 1; 0.002 for a smoke run)
# --seed N         data seed (default 42)
# --quick          2-second runs, pgbench floor at scale 2; output goes to
#                  .stack/bench-out/ unless --out is given (CI smoke)
# --duration SEC   seconds per pgbench run (default 20, 2 with --quick)
# --soak-duration SEC  seconds of the soak (default 180, 12 with --quick;
#                  0 skips it)
# --build B        installed: the arcanea.so installed in PostgreSQL (default);
#                  release: build the work tree with `cargo pgrx package`
#                  (optimised, leaves the system install alone);
#                  head: the same for the last commit (git archive HEAD), so
#                  that work in progress in the tree is not measured.
#                  Either way the built SQL must equal the installed SQL.
# --fresh          regenerate the data set even if a matching one exists
# --out DIR        where RESULTS.md and explain/ go (default pgrx-tests/bench/)
# --keep-running   leave the bench cluster running at the end
# --report-only    rewrite RESULTS.md from the last run's pgbench logs at this
#                  scale and seed (no cluster, no runs)
#
# Exit status: 0 when every job ran, every sanity check returned rows and
# the soak held (no failed or aborted transaction, no deadlock, every
# counter exact); 1 otherwise.  Numbers never change the exit status.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ARCANEA_ROOT/pgrx-tests/bench/lib.sh"

SCALE=1
SEED=42
QUICK=0
DURATION=
SOAK_DURATION=
BUILD=installed
FRESH=0
OUT=
KEEP_RUNNING=0
REPORT_ONLY=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --scale) SCALE=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --duration) DURATION=$2; shift 2 ;;
        --soak-duration) SOAK_DURATION=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        --out) OUT=$2; shift 2 ;;
        --keep-running) KEEP_RUNNING=1; shift ;;
        --report-only) REPORT_ONLY=1; shift ;;
        -h|--help) sed -n '2,52p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
        *) die "unknown argument: $1 (see scripts/bench.sh --help)" ;;
    esac
done
[[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale must be a positive number, not '$SCALE'"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed must be an integer"
[[ "$BUILD" =~ ^(installed|release|head)$ ]] || die "--build must be installed, release or head"
if [[ -z "$DURATION" ]]; then
    if ((QUICK)); then DURATION=2; else DURATION=20; fi
fi
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 ]] || die "--duration must be a whole number of seconds"
if [[ -z "$SOAK_DURATION" ]]; then
    if ((QUICK)); then SOAK_DURATION=12; else SOAK_DURATION=180; fi
fi
[[ "$SOAK_DURATION" =~ ^[0-9]+$ ]] || die "--soak-duration must be a whole number of seconds (0 skips the soak)"
SOAK_CLIENTS=32
FLOOR_SCALE=16
((QUICK)) && FLOOR_SCALE=2

BENCH=$ARCANEA_ROOT/pgrx-tests/bench
PORT=${ARCANEA_BENCH_PG_PORT:-54352}
STACK=$(stack_dir)
DATA=$STACK/bench-pgdata
LIBDIR=$STACK/bench-lib
WORK=$STACK/bench-work
if [[ -z "$OUT" ]]; then
    if ((QUICK)); then OUT=$STACK/bench-out; else OUT=$BENCH; fi
fi
mkdir -p "$OUT/explain" "$WORK"
OUT=$(cd "$OUT" && pwd)
DB=arcanea_bench_s${SCALE//./_}_seed$SEED
# This data set's pgbench logs and the parameters of its last run (for
# --report-only).
LOGS=$WORK/logs-$DB
STATE=$WORK/state-$DB.sh
FLOOR_DB=pgbench_floor
START=$SECONDS
RUN_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
FAILURES=()

stamp() { printf '[%5ds] ' $((SECONDS - START)); }
say() { stamp >&2; log "$*"; }
fail() { warn "$*"; FAILURES+=("$*"); }
psql_db() { cluster_psql "$PORT" "$DB" "$@"; }
value() { psql_db -At -c "$1"; }

command -v "$(pg_bin pgbench)" >/dev/null || die "pgbench not found in $(pg_bin)"
[[ -f "$(pg_bin)/../lib/auto_explain.so" || -f /usr/lib/postgresql/15/lib/auto_explain.so ]] \
    || die "auto_explain is missing (Debian package postgresql-15)"

# percentiles LOGFILES... : "n p50 p95 p99 tps" (ms, ms, ms, tx/s) from
# pgbench per-transaction logs, without the first WARMUP seconds.
WARMUP=$(awk -v d="$DURATION" 'BEGIN { w = d / 10; if (w < 0.3) w = 0.3; printf "%.2f", w }')
SOAK_WARMUP=$(awk -v d="$SOAK_DURATION" 'BEGIN { w = d / 10; if (w < 0.3) w = 0.3; if (w > 10) w = 10; printf "%.2f", w }')
percentiles() {
    local tmp
    tmp=$(mktemp)
    # start, end (s since the epoch), latency (us), ordered by start
    awk '{ d = $5 + $6 / 1e6; printf "%.6f %.6f %d\n", d - $3 / 1e6, d, $3 }' "$@" | sort -n -k1,1 >"$tmp"
    if [[ ! -s "$tmp" ]]; then
        rm -f "$tmp"
        echo "0 - - - -"
        return
    fi
    awk -v warm="$WARMUP" 'NR == 1 { cut = $1 + warm } $1 >= cut { print }' "$tmp" >"$tmp.kept"
    if [[ ! -s "$tmp.kept" ]]; then cp "$tmp" "$tmp.kept"; fi
    local first n last
    first=$(head -1 "$tmp" | awk -v warm="$WARMUP" '{ printf "%.6f", $1 + warm }')
    read -r n last < <(awk 'BEGIN { m = 0 } { n++; if ($2 > m) m = $2 } END { printf "%d %.6f\n", n, m }' "$tmp.kept")
    awk '{ print $3 }' "$tmp.kept" | sort -n | awk -v n="$n" -v first="$first" -v last="$last" '
        function rank(p) { r = int(p * n); if (r < p * n) r++; if (r < 1) r = 1; return r }
        { L[NR] = $1 }
        END {
            span = last - first; if (span <= 0) span = 1e-6
            printf "%d %.3f %.3f %.3f %.1f\n", n, L[rank(0.50)] / 1000, L[rank(0.95)] / 1000, L[rank(0.99)] / 1000, n / span
        }'
    rm -f "$tmp" "$tmp.kept"
}

# soak_per_script LOGFILES... : one line "script_no n p50 p95 p99" (ms) per
# script of a multi-script pgbench run (log column 4), without the first
# WARMUP seconds; failed transactions are left out.
soak_per_script() {
    cat "$@" 2>/dev/null \
        | awk '$3 ~ /^[0-9]+$/ { d = $5 + $6 / 1e6; printf "%.6f %d %d\n", d - $3 / 1e6, $4, $3 }' \
        | sort -n -k1,1 \
        | awk -v warm="$WARMUP" 'NR == 1 { cut = $1 + warm } $1 >= cut { print $2, $3 }' \
        | sort -k1,1n -k2,2n \
        | awk '
            function rank(p) { r = int(p * n); if (r < p * n) r++; if (r < 1) r = 1; return r }
            function flush() { if (n) printf "%d %d %.3f %.3f %.3f\n", cur, n, L[rank(0.50)] / 1000, L[rank(0.95)] / 1000, L[rank(0.99)] / 1000 }
            NR > 1 && $1 != cur { flush(); n = 0 }
            { cur = $1; L[++n] = $2 }
            END { flush() }'
}

# The data-shape read jobs' variables: k=v pairs separated by US (values
# hold spaces); read_var VARS NAME prints NAME's value.
US=$'\x1f'
read_var() {
    local kv
    while IFS= read -r -d $'\x1f' kv; do
        if [[ "${kv%%=*}" == "$2" ]]; then echo "${kv#*=}"; return; fi
    done <<<"$1"$'\x1f'
}

if ((REPORT_ONLY == 0)); then

# ---------------------------------------------------------------------------
# 1. The build to measure: a private copy of arcanea.so, found first through
#    dynamic_library_path, so a concurrent `cargo pgrx install` elsewhere
#    cannot swap the library under a running benchmark.
# ---------------------------------------------------------------------------
section "build"
PKGLIB=$("$ARCANEA_PG_CONFIG" --pkglibdir)
SHAREDIR=$("$ARCANEA_PG_CONFIG" --sharedir)
# The install script of the version the package installs by default (the
# folder also holds older versions' scripts and the upgrade scripts).
DEFAULT_VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$SHAREDIR/extension/arcanea.control" 2>/dev/null || true)
INSTALLED_SQL=$SHAREDIR/extension/arcanea--$DEFAULT_VERSION.sql
[[ -n "$DEFAULT_VERSION" && -f "$INSTALLED_SQL" && -f "$PKGLIB/arcanea.so" ]] \
    || die "arcanea is not installed in PostgreSQL 15: run scripts/stack.sh up (or cargo pgrx install) first"
GIT_REV=$(git -C "$ARCANEA_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$BUILD" != head && -n "$(git -C "$ARCANEA_ROOT" status --porcelain -- src sql Cargo.toml Cargo.lock 2>/dev/null)" ]]; then
    GIT_REV="$GIT_REV + uncommitted changes in src/ or sql/"
fi
if [[ "$BUILD" != installed ]]; then
    SRC=$ARCANEA_ROOT
    if [[ "$BUILD" == head ]]; then
        # The last commit, exported; built into the same target/ so that
        # only the crate itself recompiles.
        SRC=$WORK/head-src
        rm -rf "$SRC"
        mkdir -p "$SRC"
        git -C "$ARCANEA_ROOT" archive HEAD | tar -x -C "$SRC"
    fi
    say "cargo pgrx package of $([[ $BUILD == head ]] && echo "commit $GIT_REV" || echo 'the work tree') (release build; the system install is left alone)"
    (cd "$SRC" && CARGO_TARGET_DIR=$ARCANEA_ROOT/target cargo pgrx package --pg-config "$ARCANEA_PG_CONFIG") \
        >"$WORK/package.log" 2>&1 \
        || { tail -30 "$WORK/package.log" >&2; die "cargo pgrx package failed (log: $WORK/package.log)"; }
    PKG=$ARCANEA_ROOT/target/release/arcanea-pg15
    SO_SRC=$PKG$PKGLIB/arcanea.so
    PKG_SQL=$PKG$SHAREDIR/extension/$(basename "$INSTALLED_SQL")
    [[ -f "$SO_SRC" && -f "$PKG_SQL" ]] || die "cargo pgrx package did not produce $SO_SRC and $PKG_SQL"
    if ! diff -q <(strip_comments "$PKG_SQL") <(strip_comments "$INSTALLED_SQL") >/dev/null; then
        die "the installed extension SQL differs from the one built: install the same tree first (scripts/stack.sh up --release)"
    fi
    BUILD_DESC="release (cargo pgrx package, opt-level 3, thin LTO)"
else
    SO_SRC=$PKGLIB/arcanea.so
    if [[ $(so_build "$SO_SRC") == debug ]]; then
        BUILD_DESC="installed, debug build (unoptimised, with debug info)"
    else
        BUILD_DESC="installed, release build"
    fi
fi
install -d -m 0755 "$LIBDIR"
put_library "$SO_SRC" "$LIBDIR"
SO_SHA=$(sha256sum "$LIBDIR/arcanea.so" | cut -c1-12)
SQL_SHA=$(strip_comments "$INSTALLED_SQL" | sha256sum | cut -c1-12)
say "measuring $BUILD_DESC: arcanea.so sha256 $SO_SHA, SQL sha256 $SQL_SHA"

# ---------------------------------------------------------------------------
# 2. The cluster
# ---------------------------------------------------------------------------
section "cluster"
stop_cluster() {
    if ((KEEP_RUNNING == 0)); then
        cluster_stop "$DATA" || true
    fi
}
trap stop_cluster EXIT
bench_cluster_up "$DATA" "$PORT" "$LIBDIR"
PG_VERSION=$(cluster_psql "$PORT" postgres -At -c "SELECT version()")

# ---------------------------------------------------------------------------
# 3. The data set
# ---------------------------------------------------------------------------
section "data set (scale $SCALE, seed $SEED)"
bench_dataset "$PORT" "$DB" "$SCALE" "$SEED" "$SQL_SHA" "$FRESH"
GEN_SECONDS=$BENCH_GEN_SECONDS
reuse=$BENCH_REUSED
if ((reuse)); then
    say "reused database $DB (generated $(value "SELECT value FROM bench.meta WHERE key = 'generated_at'"); --fresh regenerates)"
else
    say "generated scale $SCALE in ${GEN_SECONDS}s"
fi
# Per-user rate limits (arcanea.rate_limits, when the extension has them)
# would answer the soak's users, and the jobs that call as PostgREST does
# (authenticated, anon), with PT429: lift them for the benchmark.  The check
# still runs on every limited call, it just does not trip (the other jobs
# run as the superuser, whom the limits exempt anyway).
RATE_LIMITS=$(value "SELECT to_regclass('arcanea.rate_limits') IS NOT NULL")
psql_db -c "DO \$\$ BEGIN
                IF to_regclass('arcanea.rate_limits') IS NOT NULL THEN
                    UPDATE arcanea.rate_limits SET max_calls = 1000000000;
                END IF;
            END \$\$"
# The conventional write reference's own copy of the tables (schema
# conventional), made from this data set once, and again when
# conventional.sql changes (bench.meta's `conventional` holds its hash).
CONV_SHA=$(sha256sum "$BENCH/conventional.sql" | cut -c1-12)
if [[ $(value "SELECT coalesce((SELECT value FROM bench.meta WHERE key = 'conventional'), '')") == "$CONV_SHA" ]]; then
    CONV_DESC="reused from an earlier run"
else
    t0=$SECONDS
    psql_db -f "$BENCH/conventional.sql" || die "pgrx-tests/bench/conventional.sql failed"
    psql_db -c "INSERT INTO bench.meta VALUES ('conventional', '$CONV_SHA')
                ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    CONV_DESC="copied in $((SECONDS - t0))s"
fi
say "schema conventional: $CONV_DESC"
# The request preamble of the soak and of the jobs that call as PostgREST does.
psql_db -q -f "$BENCH/soak_setup.sql" >/dev/null
NU=$(value "SELECT value FROM bench.meta WHERE key = 'nu'")
NC=$(value "SELECT value FROM bench.meta WHERE key = 'nc'")
NV=$(value "SELECT value FROM bench.meta WHERE key = 'nv'")
FEED_USER=$(value "SELECT value FROM bench.meta WHERE key = 'feed_user'")
DATA_COUNTS=$(psql_db -At -F '|' -c "
    SELECT 'profiles', count(*)::text FROM public.profiles
    UNION ALL SELECT 'creations (published + public)', count(*) || ' (' || count(*) FILTER (WHERE status = 'published' AND is_public) || ')' FROM public.creations
    UNION ALL SELECT 'likes', count(*)::text FROM public.likes
    UNION ALL SELECT 'follows', count(*)::text FROM public.follows
    UNION ALL SELECT 'comments', count(*)::text FROM public.comments
    UNION ALL SELECT 'luminor_conversations', count(*)::text FROM public.luminor_conversations
    UNION ALL SELECT 'luminor_messages', count(*)::text FROM public.luminor_messages
    UNION ALL SELECT 'notifications', count(*)::text FROM public.notifications
    UNION ALL SELECT 'database size', pg_size_pretty(pg_database_size(current_database()))")

# ---------------------------------------------------------------------------
# 4. pgbench's own database: the machine's floor
# ---------------------------------------------------------------------------
section "pgbench floor database (scale $FLOOR_SCALE)"
if [[ $(cluster_psql "$PORT" postgres -At -c "SELECT count(*) FROM pg_database WHERE datname = '$FLOOR_DB'") == 0 ]]; then
    cluster_psql "$PORT" postgres -c "CREATE DATABASE $FLOOR_DB"
fi
have_scale=0
if [[ $(cluster_psql "$PORT" "$FLOOR_DB" -At -c "SELECT to_regclass('pgbench_branches') IS NOT NULL") == t ]]; then
    have_scale=$(cluster_psql "$PORT" "$FLOOR_DB" -At -c "SELECT count(*) FROM pgbench_branches")
fi
if [[ "$have_scale" != "$FLOOR_SCALE" ]]; then
    say "pgbench -i -s $FLOOR_SCALE"
    "$(pg_bin pgbench)" -i -q -s "$FLOOR_SCALE" -h 127.0.0.1 -p "$PORT" -U postgres "$FLOOR_DB" >"$WORK/pgbench-init.log" 2>&1 \
        || { tail -20 "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }
else
    say "pgbench tables at scale $FLOOR_SCALE already there"
fi

# ---------------------------------------------------------------------------
# 5. Parameters: the hot creation, the feed cursor, the search words
# ---------------------------------------------------------------------------
section "parameters"
# The most liked published public creation, by number.
HOT=$(value "SELECT n FROM generate_series(1, $NC) n JOIN public.creations c ON c.id = bench.cid(n)
              WHERE bench.is_pub(n) ORDER BY c.like_count DESC, n LIMIT 1")
HOT_LIKES=$(value "SELECT like_count FROM public.creations WHERE id = bench.cid($HOT)")
FEED_FOLLOWS=$(value "SELECT count(*) FROM public.follows WHERE follower_id = bench.uid($FEED_USER)")
# The most followed user, for the get_user_stats worst case.
CELEB=1
CELEB_FOLLOWERS=$(value "SELECT follower_count FROM public.profiles WHERE id = bench.uid($CELEB)")
# Page 49's last cursor, reached by walking 49 pages by cursor; checked
# against the same row reached by offset.
CURSOR49=$(psql_db -At <<SQL
DO \$\$
DECLARE
    cur text := NULL;
    by_offset text;
BEGIN
    FOR page IN 1..49 LOOP
        SELECT f.cursor INTO cur
          FROM public.get_user_feed(bench.uid($FEED_USER), 20, 0, cur) WITH ORDINALITY AS f
         ORDER BY ordinality DESC LIMIT 1;
        IF cur IS NULL THEN
            RAISE EXCEPTION 'feed of user $FEED_USER ends before page %', page;
        END IF;
    END LOOP;
    SELECT f.cursor INTO by_offset
      FROM public.get_user_feed(bench.uid($FEED_USER), 20, 960) WITH ORDINALITY AS f
     ORDER BY ordinality DESC LIMIT 1;
    IF by_offset IS DISTINCT FROM cur THEN
        RAISE EXCEPTION 'page 49 by cursor (%) differs from page 49 by offset (%)', cur, by_offset;
    END IF;
    PERFORM set_config('bench.cursor', cur, false);
END
\$\$;
SELECT current_setting('bench.cursor');
SQL
) || die "could not reach page 49 of the feed of user $FEED_USER"
# Search words, from the generator's vocabulary: the most frequent core
# word; a word of the rare tail that a published creation uses; a typo (two
# inner letters swapped) of the most frequent 6-7 letter noun; a mid-rank
# tag; the most frequent adjective and noun, adjacent in many titles.
Q_COMMON=$(value "SELECT word FROM bench.word WHERE rank = 1")
Q_RARE=$(value "SELECT r.word FROM generate_series(1, $NC) n
                  JOIN bench.rare r ON r.rank = 1 + floor(10000 * bench.h($SEED * 100 + 58, n))::int
                 WHERE bench.is_pub(n) AND bench.h($SEED * 100 + 57, n) < 0.05 ORDER BY n LIMIT 1")
TYPO_OF=$(value "SELECT word FROM bench.noun WHERE char_length(word) BETWEEN 6 AND 7 ORDER BY rank LIMIT 1")
Q_TYPO=$(value "SELECT left(w, 3) || substr(w, 5, 1) || substr(w, 4, 1) || substr(w, 6) FROM (SELECT '$TYPO_OF'::text AS w) x")
[[ $(value "SELECT count(*) FROM arcanea.search_terms WHERE term = '$Q_TYPO'") == 0 ]] \
    || fail "the typo '$Q_TYPO' is itself a vocabulary word"
Q_TAG=$(value "SELECT tag FROM bench.tag WHERE rank = 10")
Q_TWO=$(value "SELECT (SELECT word FROM bench.adj WHERE rank = 1) || ' ' || (SELECT word FROM bench.noun WHERE rank = 1)")
# Representative values for EXPLAIN: a mid user, a published creation with
# some likes, a conversation with 50+ messages when there is one.
EX_U=$((NU / 2 + 1))
EX_C=$(value "SELECT n FROM generate_series(1, least($NC, 20000)) n JOIN public.creations c ON c.id = bench.cid(n)
               WHERE bench.is_pub(n) AND c.like_count BETWEEN 3 AND 50 ORDER BY n LIMIT 1")
EX_V=$(value "SELECT v FROM generate_series(1, $NV) v JOIN public.luminor_conversations c ON c.id = bench.vid(v)
               ORDER BY (c.message_count >= 50) DESC, abs(c.message_count - 60), v LIMIT 1")
EX_F=$((NU / 3 + 1))
EX_T=$((NU / 4 + 2))
cat >&2 <<EOF
    hot creation        #$HOT ($HOT_LIKES likes)
    feed user           #$FEED_USER (follows $FEED_FOLLOWS accounts); page 49's cursor $CURSOR49
    most followed user  #$CELEB ($CELEB_FOLLOWERS followers)
    search              common '$Q_COMMON', rare '$Q_RARE', typo '$Q_TYPO' (of '$TYPO_OF'), tag '$Q_TAG', two words '$Q_TWO'
EOF

# ---------------------------------------------------------------------------
# 6. Jobs: id | label | clients | ours script | reference script | -D vars
# ---------------------------------------------------------------------------
COMMON_VARS="nu=$NU nc=$NC nv=$NV hot=0 who=0 feed_user=$FEED_USER offset=0"
JOBS=(
    "toggle_like_c1|toggle_like, distinct rows, 1 client|1|toggle_like.ours|toggle_like.ref|"
    "toggle_like_c16|toggle_like, distinct rows, 16 clients|16|toggle_like.ours|toggle_like.ref|"
    "toggle_like_hot_c1|toggle_like, one hot creation, 1 client|1|toggle_like.ours|toggle_like.ref|hot=$HOT"
    "toggle_like_hot_c16|toggle_like, one hot creation, 16 clients|16|toggle_like.ours|toggle_like.ref|hot=$HOT"
    "follow_user|follow_user|1|follow_user.ours|follow_user.ref|"
    "add_message|add_message_to_conversation|1|add_message.ours|add_message.ref|"
    "add_message_c16|add_message_to_conversation, 16 clients|16|add_message.ours|add_message.ref|"
    "feed_page1|get_user_feed, 2,000 follows, page 1|1|feed_offset.ours|feed.ref|offset=0"
    "feed_page50_cursor|get_user_feed, page 50 by cursor|1|feed_cursor.ours|feed.ref|offset=980"
    "feed_page50_offset|get_user_feed, page 50 by offset|1|feed_offset.ours|feed.ref|offset=980"
    "search_common|search_creations, common word|1|search.ours|search.ref|q=$Q_COMMON"
    "search_rare|search_creations, rare word|1|search.ours|search.ref|q=$Q_RARE"
    "search_typo|search_creations, typo|1|search.ours|search.ref|q=$Q_TYPO"
    "search_tag|search_creations, tag|1|search.ours|search.ref|q=$Q_TAG"
    "search_two_words|search_creations, two words|1|search.ours|search.ref|q=$Q_TWO"
    "user_stats|get_user_stats, random user|1|user_stats.ours|user_stats.ref|"
    "user_stats_celebrity|get_user_stats, most followed user|1|user_stats.ours|user_stats.ref|who=$CELEB"
    # The two jobs above call as a trusted caller, so ours reads the private
    # part; these call as a visitor through PostgREST, both sides under RLS.
    "user_stats_anon|get_user_stats, random user, as anon through PostgREST|1|user_stats_api.ours|user_stats_api.ref|"
    "user_stats_anon_celebrity|get_user_stats, most followed user, as anon through PostgREST|1|user_stats_api.ours|user_stats_api.ref|who=$CELEB"
    "conversation|get_conversation_with_messages|1|conversation.ours|conversation.ref|"
    "relationship|get_luminor_relationship (pattern 5)|1|relationship.ours|relationship.ref|"
)
# Our write RPCs against the conventional reference, both called as
# PostgREST calls them (role and JWT claims in each transaction): reported
# in their own section of RESULTS.md, targets as ratios of tps.
API_JOBS=()
for c in 1 4 16; do
    API_JOBS+=("toggle_like_api_c$c|toggle_like, distinct rows|$c|toggle_like_api.ours|toggle_like_api.conventional|"
               "follow_user_api_c$c|follow_user|$c|follow_user_api.ours|follow_user_api.conventional|"
               "add_message_api_c$c|add_message_to_conversation|$c|add_message_api.ours|add_message_api.conventional|")
done
API_JOBS+=("toggle_like_api_hot_c16|toggle_like, one hot creation|16|toggle_like_api.ours|toggle_like_api.conventional|hot=$HOT")
ALL_JOBS=("${JOBS[@]}" "${API_JOBS[@]}")
# The hot-creation mix: script@weight, as PostgREST sends them: the like
# (RPC, authenticated), a comment through the table API (authenticated,
# under RLS), a view (RPC, anon).  Run on the hot creation, then spread.
HOT_MIX=(toggle_like_api.ours@5 hot_comment@2 hot_view@3)
HOT_MIX_CLIENTS=32
# What each reference is.
declare -A REF_NOTE=(
    [toggle_like.ref]="naive SQL: SELECT, then DELETE or INSERT, then read like_count (trigger-kept counter)"
    [follow_user.ref]="naive SQL: INSERT into follows, read both counts (trigger-kept counters)"
    [add_message.ref]="naive SQL: INSERT the message, UPDATE the bond XP"
    [feed.ref]="spec pattern 3 (JOIN follows, ORDER BY created_at, LIMIT 20 OFFSET \$2)"
    [search.ref]="spec pattern 4 (ILIKE '%q%' on title and description, or tag)"
    [user_stats.ref]="spec pattern 1 (three COUNT(*) subqueries)"
    [user_stats_api.ref]="spec pattern 1 as anon, under RLS (three COUNT(*) subqueries)"
    [conversation.ref]="spec pattern 2 (json_agg of the messages)"
    [relationship.ref]="spec pattern 5"
    [toggle_like_api.conventional]="conventional: PL/pgSQL, DELETE or INSERT, counter and notification triggers"
    [follow_user_api.conventional]="conventional: PL/pgSQL, INSERT, counter and notification triggers"
    [add_message_api.conventional]="conventional: PL/pgSQL, INSERT under RLS, a trigger for the counters and the bond"
)

# pgbench -D arguments for a job: the common variables, the job's own, and
# the cursor (-D cursor=...).
job_vars() {
    local extra=$1 args=() kv
    declare -A vars=()
    for kv in $COMMON_VARS; do vars[${kv%%=*}]=${kv#*=}; done
    if [[ -n "$extra" ]]; then vars[${extra%%=*}]=${extra#*=}; fi
    vars[cursor]=$CURSOR49
    for kv in "${!vars[@]}"; do args+=(-D "$kv=${vars[$kv]}"); done
    printf '%s\0' "${args[@]}"
}

# cpu_ticks: the machine's CPU time so far, in ticks, and the part of it
# the hypervisor gave to other guests (steal): "total steal" (/proc/stat).
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9; exit }' /proc/stat; }
# autovacuum_work DB: the vacuums and analyzes autovacuum has finished in DB
# so far, and its workers running now: "finished running".
autovacuum_work() {
    "$(pg_bin psql)" -h 127.0.0.1 -p "$PORT" -U postgres -d "$1" -At -F' ' -c "
        SELECT (SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_all_tables),
               (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker')"
}

# measure NAME PREFIX SECONDS DB CLIENTS [pgbench args...]: one pgbench run
# of SECONDS, its per-transaction logs PREFIX.PID[.THREAD] and its output
# PREFIX.out.  Writes PREFIX.ticks: "cpu steal finished start end" (the
# machine's CPU ticks and steal ticks while it ran, autovacuum runs finished
# during it, workers running at its start and at its end).  Returns 1 (and
# records the failure) when pgbench fails.
measure() {
    local name=$1 prefix=$2 seconds=$3 db=$4 clients=$5 t0 s0 d0 r0 t1 s1 d1 r1
    shift 5
    local threads=$((clients < 2 ? 1 : 2))
    mkdir -p "$LOGS"
    read -r d0 r0 < <(autovacuum_work "$db")
    read -r t0 s0 < <(cpu_ticks)
    if ! "$(pg_bin pgbench)" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared \
            -c "$clients" -j "$threads" -T "$seconds" --log --log-prefix="$prefix" \
            "$@" "$db" >"$prefix.out" 2>&1; then
        tail -5 "$prefix.out" >&2
        fail "pgbench $name failed (log: $prefix.out)"
        return 1
    fi
    read -r t1 s1 < <(cpu_ticks)
    read -r d1 r1 < <(autovacuum_work "$db")
    echo "$((t1 - t0)) $((s1 - s0)) $((d1 - d0)) ${r0:-?} ${r1:-?}" >"$prefix.ticks"
}

# env_line TICKSFILES...: the "steal% finished start end" of NAME.env (read
# back for RESULTS.md's "What else ran during the reads"), over one run or
# the halves of one side in time order: steal over their summed CPU time,
# the autovacuum runs summed, the workers at the first's start and the
# last's end.
env_line() {
    awk '{ t += $1; s += $2; d += $3; if (NR == 1) a = $4; b = $5 }
         END { printf "%.1f %d %s %s\n", (t > 0 ? 100 * s / t : 0), d, a, b }' "$@"
}

# run_pgbench NAME DB CLIENTS [pgbench args...]: one run of DURATION;
# prints the stats line, and writes what else ran meanwhile to
# $LOGS/NAME.env.
run_pgbench() {
    local name=$1 db=$2 clients=$3
    shift 3
    rm -f "$LOGS/$name".*
    if ! measure "$name" "$LOGS/$name" "$DURATION" "$db" "$clients" "$@"; then
        echo "0 - - - -"
        return
    fi
    env_line "$LOGS/$name.ticks" >"$LOGS/$name.env"
    # pgbench names its logs PREFIX.PID[.THREAD]
    percentiles "$LOGS/$name".[0-9]*
}

# run_abba A B DB CLIENTS ARGS_A ARGS_B: the two sides of a comparison (ours
# and its reference, or the hot mix and its spread run), A's pgbench
# arguments in the array named ARGS_A and B's in ARGS_B, each for DURATION
# in all but in two halves, in the order A, B, B, A.  Run back to back, one
# DURATION each, a change in the machine's speed during the pair lands on
# one side only (in the first run in halves, the two halves of one side
# differed by up to a third: analysis.md, the run of 5bb2048); in the order
# ABBA a steady drift lands on both sides alike.
# Each side's halves are merged into one log ($LOGS/NAME.0, the second
# half's kept transactions moved in time to follow the first's, so that
# percentiles reads it as one run, with the first WARMUP seconds of each half
# not counted), its per-half stats go to $LOGS/NAME.halves ("half n p50 p95
# p99 tps" lines) and its NAME.env covers both halves.  Prints nothing: read
# the stats with percentiles "$LOGS/NAME".[0-9]*.
run_abba() {
    local a=$1 b=$2 db=$3 clients=$4 half=$((DURATION / 2 < 1 ? 1 : DURATION / 2)) name h
    local -n args_a=$5 args_b=$6
    rm -f "$LOGS/$a".* "$LOGS/$b".*
    measure "$a" "$LOGS/$a.half1" "$half" "$db" "$clients" "${args_a[@]}" || true
    measure "$b" "$LOGS/$b.half1" "$half" "$db" "$clients" "${args_b[@]}" || true
    measure "$b" "$LOGS/$b.half2" "$half" "$db" "$clients" "${args_b[@]}" || true
    measure "$a" "$LOGS/$a.half2" "$half" "$db" "$clients" "${args_a[@]}" || true
    for name in "$a" "$b"; do
        # A side with a failed half has no merged log: its stats read as not run.
        [[ -s "$LOGS/$name.half1.ticks" && -s "$LOGS/$name.half2.ticks" ]] || continue
        for h in 1 2; do echo "$h $(percentiles "$LOGS/$name.half$h".[0-9]*)"; done >"$LOGS/$name.halves"
        env_line "$LOGS/$name.half1.ticks" "$LOGS/$name.half2.ticks" >"$LOGS/$name.env"
        merge_halves "$LOGS/$name.half1" "$LOGS/$name.half2" >"$LOGS/$name.0"
    done
}

# merge_halves PREFIX1 PREFIX2: the per-transaction logs of two runs as one
# run's: the first's lines as they are, then the second's without its first
# WARMUP seconds, their end times moved back so that they start where the
# first ended.  Times are in whole microseconds (exact in awk's doubles).
merge_halves() {
    local first last
    cat "$1".[0-9]*
    last=$(awk '{ e = $5 * 1e6 + $6; if (e > m) m = e } END { printf "%.0f", m }' "$1".[0-9]*)
    first=$(awk '{ s = $5 * 1e6 + $6 - $3; if (NR == 1 || s < m) m = s } END { printf "%.0f", m }' "$2".[0-9]*)
    awk -v first="$first" -v warm="$WARMUP" -v last="$last" '
        BEGIN { cut = first + warm * 1e6 }
        {
            e = $5 * 1e6 + $6
            if (e - $3 < cut) next
            e += last - cut
            $5 = sprintf("%.0f", int(e / 1e6)); $6 = sprintf("%.0f", e - int(e / 1e6) * 1e6)
            print
        }' "$2".[0-9]*
}

# ---------------------------------------------------------------------------
# 7. Sanity and EXPLAIN: each job's statements, PREPAREd as pgbench does,
#    executed 6 times, then a 7th time under auto_explain (ANALYZE, BUFFERS,
#    nested statements: the SQL inside the Rust functions and the triggers).
#    Everything in a transaction that is rolled back.
# ---------------------------------------------------------------------------
# explain_script JOB SIDE SCRIPT "k=v ...": writes $OUT/explain/JOB.SIDE.txt
# and prints the rows returned by the script's last statement.
declare -A EX_VALUES
explain_script() {
    local job=$1 side=$2 script=$3 vars=$4 kv
    declare -A val=()
    for kv in $COMMON_VARS; do val[${kv%%=*}]=${kv#*=}; done
    val[u]=$EX_U val[c]=$EX_C val[f]=$EX_F val[t]=$EX_T val[v]=$EX_V
    val[cursor]=$CURSOR49
    # One k=v, or several separated by \x1f (the read jobs of the data shapes).
    if [[ -n "$vars" ]]; then
        while IFS= read -r -d $'\x1f' kv; do val[${kv%%=*}]=${kv#*=}; done <<<"$vars"$'\x1f'
    fi
    # Derived variables, as the \set lines compute them.
    [[ "${val[hot]}" != 0 ]] && val[c]=${val[hot]}
    [[ "${val[who]}" != 0 ]] && val[u]=${val[who]}
    val[cu]=$((1 + (${val[v]} * 2654435761) % NU))
    val[k]=$((1 + ${val[v]} % 3))
    local sqlfile=$WORK/explain-$job.$side.sql
    # The script's SQL statements (\set, \if and friends dropped, \gset
    # removed; BEGIN/COMMIT dropped: the session has its own transaction),
    # each turned into PREPARE sN AS ... with :var -> $n, and EXECUTE sN(values).
    awk -v q="'" '
        function sqlquote(s) { gsub(q, q q, s); return q s q }
        /^[[:space:]]*--/ || /^[[:space:]]*$/ || /^\\/ { next }
        /^(BEGIN( READ ONLY)?|COMMIT|END);/ { next }
        {
            line = $0; sub(/[[:space:]]*\\gset[[:space:]]*$/, "", line); sub(/;[[:space:]]*$/, "", line)
            gsub(/::/, "\001\001", line)
            n = 0; delete idx; out = ""; args = ""
            while (match(line, /:[a-z_][a-z_0-9]*/)) {
                name = substr(line, RSTART + 1, RLENGTH - 1)
                if (!(name in idx)) { idx[name] = ++n; args = args (n > 1 ? ", " : "") "@" name "@" }
                out = out substr(line, 1, RSTART - 1) "$" idx[name]
                line = substr(line, RSTART + RLENGTH)
            }
            out = out line; gsub(/\001/, ":", out); s++
            print "PREPARE s" s " AS " out ";"
            exe[s] = "EXECUTE s" s (n ? "(" args ")" : "") ";"
        }
        END {
            # RESET ROLE: a script that sets a request role (soak_setup.sql)
            # runs its next round, and the SETs below, as the superuser again.
            for (r = 1; r <= 6; r++) { print "RESET ROLE;"; for (i = 1; i <= s; i++) print exe[i] }
            print "\\o"
            print "RESET ROLE;"
            print "SET auto_explain.log_min_duration = 0;"
            print "\\o /dev/null"
            for (i = 1; i <= s; i++) print exe[i]
            print "\\o"
            print "\\echo SANITY_ROWS :ROW_COUNT"
        }' "$BENCH/pgbench/$script.sql" >"$sqlfile.body"
    local name
    for name in "${!val[@]}"; do
        local lit=${val[$name]//\'/\'\'}
        # & and \ mean something in sed's replacement, | ends it.
        lit=${lit//\\/\\\\} lit=${lit//&/\\&} lit=${lit//|/\\|}
        sed -i "s|@$name@|'$lit'|g" "$sqlfile.body"
    done
    if grep -q '@[a-z_]*@' "$sqlfile.body"; then
        fail "explain $job.$side: unbound variables $(grep -o '@[a-z_]*@' "$sqlfile.body" | sort -u | tr '\n' ' ')"
        echo "?"
        return
    fi
    {
        echo "\\set ON_ERROR_STOP 1"
        echo "LOAD 'auto_explain';"
        echo "SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on;"
        echo "SET auto_explain.log_timing = on; SET auto_explain.log_nested_statements = on;"
        echo "SET auto_explain.log_level = notice; SET auto_explain.log_min_duration = -1;"
        echo "SET client_min_messages = notice;"
        echo "BEGIN;"
        echo "\\o /dev/null"
        cat "$sqlfile.body"
        echo "ROLLBACK;"
    } >"$sqlfile"
    local txt=$OUT/explain/$job.$side.txt rows
    {
        echo "# $job, $side: pgrx-tests/bench/pgbench/$script.sql"
        echo "# scale $SCALE (seed $SEED), $(date -u +%Y-%m-%dT%H:%MZ), build: $BUILD_DESC"
        echo "# Each statement PREPAREd (as pgbench -M prepared does), executed 6 times, and the"
        echo "# 7th execution logged by auto_explain (log_analyze, log_buffers, log_nested_statements):"
        echo "# nested entries are the statements run inside the function and its triggers."
        echo "# Parameters:"
        grep '^EXECUTE' "$sqlfile.body" | tail -n "$(grep -c '^PREPARE' "$sqlfile.body")" | sed 's/^/#   /'
        echo
    } >"$txt"
    if PGOPTIONS="-c client_min_messages=notice" "$(pg_bin psql)" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" \
            -f "$sqlfile" >"$sqlfile.stdout" 2>"$sqlfile.stderr"; then
        sed -e 's/^NOTICE:  //' -e '/^psql:.*NOTICE:/d' "$sqlfile.stderr" >>"$txt"
        rows=$(sed -n 's/^SANITY_ROWS //p' "$sqlfile.stdout" | tail -1)
        echo "${rows:-?}"
    else
        cat "$sqlfile.stderr" >>"$txt"
        fail "explain $job.$side failed: $(grep -m1 ERROR "$sqlfile.stderr" || tail -1 "$sqlfile.stderr")"
        echo "ERROR"
    fi
}

# The soak mix: every soak_*.sql at the weight its `-- soak-weight: N`
# header gives (per mille).
SOAK_SCRIPTS=()
SOAK_WEIGHTS=()
for f in "$BENCH"/pgbench/soak_*.sql; do
    w=$(sed -n 's/^-- soak-weight: *\([0-9][0-9]*\).*/\1/p' "$f" | head -1)
    [[ -n "$w" ]] || die "$f has no '-- soak-weight: N' line"
    SOAK_SCRIPTS+=("$(basename "$f" .sql)")
    SOAK_WEIGHTS+=("$w")
done

section "sanity and EXPLAIN"
rm -f "$OUT"/explain/*.txt
declare -A ROWS
for spec in "${ALL_JOBS[@]}"; do
    IFS='|' read -r id label clients ours ref extra <<<"$spec"
    ROWS[$id.ours]=$(explain_script "$id" ours "$ours" "$extra")
    ROWS[$id.ref]=$(explain_script "$id" ref "$ref" "$extra")
    note=
    if [[ "${ROWS[$id.ours]}" == 0 || "${ROWS[$id.ours]}" == ERROR || "${ROWS[$id.ours]}" == "?" ]]; then
        fail "sanity: $id (ours) returned ${ROWS[$id.ours]} rows"
    fi
    if [[ "${ROWS[$id.ref]}" == 0 ]]; then
        if [[ "$id" == search_typo ]]; then
            note="  (expected: ILIKE has no typo tolerance)"
        else
            fail "sanity: $id (reference) returned 0 rows"
        fi
    fi
    printf '%s sanity %-22s ours %5s rows   reference %5s rows%s\n' "$(stamp)" "$id" "${ROWS[$id.ours]}" "${ROWS[$id.ref]}" "$note" >&2
done
# The hot-creation mix's scripts, on the hot creation.
for entry in "${HOT_MIX[@]}"; do
    script=${entry%@*}
    ROWS[hot_mix.$script]=$(explain_script "hot_mix" "$script" "$script" "hot=$HOT")
    if [[ "${ROWS[hot_mix.$script]}" =~ ^(0|ERROR|\?)$ ]]; then
        fail "sanity: hot-creation mix, $script returned ${ROWS[hot_mix.$script]} rows"
    fi
    printf '%s sanity hot_mix %-15s %5s rows\n' "$(stamp)" "$script" "${ROWS[hot_mix.$script]}" >&2
done

# ---------------------------------------------------------------------------
# 8. The runs
# ---------------------------------------------------------------------------
section "runs (${DURATION}s each, first ${WARMUP}s of each run not counted)"
declare -A STATS
# The floor is measured at the start (next to the write jobs it is compared
# with) and again at the end: the machine is shared, its load drifts.
run_floor() {
    local when=$1 c
    for c in 1 16; do
        STATS[floor_select_c$c.$when]=$(run_pgbench "floor_select_c$c.$when" "$FLOOR_DB" "$c" -S)
        STATS[floor_tpcb_c$c.$when]=$(run_pgbench "floor_tpcb_c$c.$when" "$FLOOR_DB" "$c")
        printf '%s pgbench floor (%s), %2d client(s): select-only [%s]   TPC-B [%s]\n' "$(stamp)" "$when" "$c" \
            "${STATS[floor_select_c$c.$when]}" "${STATS[floor_tpcb_c$c.$when]}" >&2
    done
}
run_floor start
# Each job's two sides in halves, ours, reference, reference, ours (run_abba).
for spec in "${ALL_JOBS[@]}"; do
    IFS='|' read -r id label clients ours ref extra <<<"$spec"
    mapfile -d '' vars < <(job_vars "$extra")
    args_ours=("${vars[@]}" -f "$BENCH/pgbench/$ours.sql") args_ref=("${vars[@]}" -f "$BENCH/pgbench/$ref.sql")
    run_abba "$id.ours" "$id.ref" "$DB" "$clients" args_ours args_ref
    for side in ours ref; do STATS[$id.$side]=$(percentiles "$LOGS/$id.$side".[0-9]*); done
    printf '%s %-22s ours [%s]   reference [%s]   (n p50 p95 p99 tps)\n' "$(stamp)" "$id" "${STATS[$id.ours]}" "${STATS[$id.ref]}" >&2
done
# The hot-creation mix: on the hot creation (hot=HOT) and spread (hot=0), in
# halves: hot, spread, spread, hot.
hot_mix_args=()
for entry in "${HOT_MIX[@]}"; do hot_mix_args+=(-f "$BENCH/pgbench/${entry%@*}.sql@${entry#*@}"); done
mapfile -d '' vars < <(job_vars "hot=$HOT")
args_hot=("${vars[@]}" "${hot_mix_args[@]}")
mapfile -d '' vars < <(job_vars "hot=0")
args_spread=("${vars[@]}" "${hot_mix_args[@]}")
run_abba hot_mix.hot hot_mix.spread "$DB" "$HOT_MIX_CLIENTS" args_hot args_spread
for where in hot spread; do
    STATS[hot_mix.$where]=$(percentiles "$LOGS/hot_mix.$where".[0-9]*)
    printf '%s hot-creation mix, %-6s [%s]   (n p50 p95 p99 tps)\n' "$(stamp)" "$where" "${STATS[hot_mix.$where]}" >&2
done
run_floor end

# ---------------------------------------------------------------------------
# 8b. Data shapes (issue 15): pgrx-tests/bench/generate_shapes.sql's overlay,
#     once per data set (it skips what it already added); then the feed of
#     its four follow-graph readers and search by word frequency, called as
#     PostgREST calls them, ours beside the conventional reads
#     (conventional_reads.sql, brought up to date on every run).
# ---------------------------------------------------------------------------
section "data shapes and conventional reads"
READ_JOBS=() SHAPE_READERS=() SHAPE_BANDS=() FEED_NOTES=()
SHAPES_DESC= SHAPES_DETAIL= CONV_READS_DESC= MIX_N=0 MIX_DESC= READ_SIZES=
shapes_ok=1
SHAPES_SHA=$(sha256sum "$BENCH/generate_shapes.sql" | cut -c1-12)
shapes_before=0
if [[ $(value "SELECT to_regclass('bench.shapes_applied') IS NOT NULL") == t ]]; then
    shapes_before=$(value "SELECT count(*) FROM bench.shapes_applied")
fi
t0=$SECONDS
if psql_db -v shapes=all -v version="$SHAPES_SHA" -f "$BENCH/generate_shapes.sql" 2>&1 \
        | while IFS= read -r line; do printf '[shapes %5ds] %s\n' $((SECONDS - t0)) "$line"; done >&2; then
    if [[ $(value "SELECT count(*) FROM bench.shapes_applied") != "$shapes_before" ]]; then
        psql_db -c "INSERT INTO bench.meta VALUES ('shapes', '$SHAPES_SHA'), ('shapes_seconds', '$((SECONDS - t0))')
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        SHAPES_DESC="applied in this run, in $((SECONDS - t0))s (counters recounted, statistics refreshed)"
    else
        SHAPES_DESC="applied by an earlier run on $(value "SELECT max(applied_at)::timestamp(0) FROM bench.shapes_applied") UTC, in $(value "SELECT coalesce((SELECT value FROM bench.meta WHERE key = 'shapes_seconds'), '?')")s"
    fi
    stale=$(value "SELECT string_agg(shape || ' ' || version, ', ' ORDER BY shape) FROM bench.shapes_applied WHERE version <> '$SHAPES_SHA'")
    if [[ -n "$stale" ]]; then
        SHAPES_DESC+="; by an older generate_shapes.sql ($stale; this one is $SHAPES_SHA): --fresh regenerates the data set"
        warn "data shapes applied by an older generate_shapes.sql ($stale): --fresh regenerates the data set"
    fi
    SHAPES_DETAIL=$(psql_db -At -F'|' -c "SELECT shape, seconds, detail FROM bench.shapes_applied ORDER BY applied_at")
    say "data shapes: $SHAPES_DESC"
else
    fail "pgrx-tests/bench/generate_shapes.sql failed: the data-shape jobs are not run"
    shapes_ok=0
fi
if ((shapes_ok)); then
    t0=$SECONDS
    if psql_db -f "$BENCH/conventional_reads.sql" >"$WORK/conventional_reads.log" 2>&1; then
        CONV_READS_DESC="brought up to date in $((SECONDS - t0))s"
        say "conventional reads: $CONV_READS_DESC"
    else
        tail -5 "$WORK/conventional_reads.log" >&2
        fail "pgrx-tests/bench/conventional_reads.sql failed (log: $WORK/conventional_reads.log): the data-shape jobs are not run"
        shapes_ok=0
    fi
fi
if ((shapes_ok)); then
    # Each reader's deepest page up to 51 (a small data set's feed may end
    # sooner), reached by cursor; the conventional feed must return the same
    # rows on page 1 and on that page (from the row before it).
    mapfile -t SHAPE_READERS < <(psql_db -At -F'|' -c "SELECT k, shape, follows, detail FROM bench.shape_readers ORDER BY k")
    for r in "${SHAPE_READERS[@]}"; do
        IFS='|' read -r k shape follows detail <<<"$r"
        if ! deep=$(psql_db -At 2>&1 <<SQL
DO \$\$
DECLARE
    me uuid := bench.shape_uid($k);
    page int := 1;
    cur text;
    before_at timestamptz;
    before_id uuid;
    ids uuid[];
    curs text[];
    ats timestamptz[];
    first_ids uuid[];
    more bigint;
    conv uuid[];
BEGIN
    LOOP
        SELECT array_agg(f.id ORDER BY f.ordinality), array_agg(f.cursor ORDER BY f.ordinality),
               array_agg(f.created_at ORDER BY f.ordinality)
          INTO ids, curs, ats
          FROM public.get_user_feed(me, 20, 0, cur) WITH ORDINALITY AS f;
        IF page = 1 THEN first_ids := ids; END IF;
        EXIT WHEN page = 51 OR coalesce(cardinality(ids), 0) < 20;
        SELECT count(*) INTO more FROM public.get_user_feed(me, 20, 0, curs[20]);
        EXIT WHEN more = 0;
        cur := curs[20]; before_at := ats[20]; before_id := ids[20]; page := page + 1;
    END LOOP;
    PERFORM set_config('request.jwt.claims', json_build_object('sub', me, 'role', 'authenticated')::text, true);
    SELECT array_agg(g.id ORDER BY g.ordinality) INTO conv FROM conventional_reads.get_feed(20) WITH ORDINALITY AS g;
    PERFORM set_config('bench.same_first', (conv IS NOT DISTINCT FROM first_ids)::text, false);
    SELECT array_agg(g.id ORDER BY g.ordinality) INTO conv
      FROM conventional_reads.get_feed(20, before_at, before_id) WITH ORDINALITY AS g;
    PERFORM set_config('bench.same_deep', (conv IS NOT DISTINCT FROM ids)::text, false);
    PERFORM set_config('bench.deep', concat_ws('|', page, coalesce(cur, '-'), coalesce(before_at::text, '-'),
                                               coalesce(before_id::text, '-'), coalesce(cardinality(first_ids), 0),
                                               coalesce(cardinality(ids), 0)), false);
END
\$\$;
SELECT concat_ws('|', current_setting('bench.deep'), current_setting('bench.same_first'), current_setting('bench.same_deep'));
SQL
        ); then
            fail "data shapes: could not page through the feed of the $shape reader: $(grep -m1 ERROR <<<"$deep")"
            continue
        fi
        IFS='|' read -r page cur before_at before_id rows_first rows_deep same_first same_deep <<<"$deep"
        # Both read the same rows (the copy is brought up to date above):
        # a difference is a wrong feed on one side.
        for which in "1 $same_first" "$page $same_deep"; do
            if [[ "${which#* }" != true ]]; then
                FEED_NOTES+=("the $shape reader's page ${which%% *} differs between ours and the conventional feed")
                fail "data shapes: the $shape reader's page ${which%% *} differs between ours and the conventional feed"
            fi
        done
        if ((rows_first == 0)); then
            FEED_NOTES+=("the $shape reader's feed is empty (its accounts have no public creation)")
        elif ((page == 1)); then
            FEED_NOTES+=("the $shape reader's feed has $rows_first rows: one page, no deeper one to read")
        elif ((page < 51)); then
            FEED_NOTES+=("the $shape reader's feed ends on page $page ($rows_deep rows there): that page stands for page 51")
        fi
        printf '%s shape reader %-9s follows %6s; page 1 %2s rows, page %2s %2s rows; same as conventional: %s, %s\n' \
            "$(stamp)" "$shape" "$follows" "$rows_first" "$page" "$rows_deep" "$same_first" "$same_deep" >&2
        for c in 1 4; do
            READ_JOBS+=("read_feed_${shape}_p1_c$c|feed|$shape|$c|read_feed.ours|read_feed.conventional|reader=$k${US}cursor=-${US}before_at=-${US}before_id=-${US}page=1${US}rows=$rows_first")
        done
        if ((page > 1)); then
            for c in 1 4; do
                READ_JOBS+=("read_feed_${shape}_deep_c$c|feed|$shape|$c|read_feed.ours|read_feed.conventional|reader=$k${US}cursor=$cur${US}before_at=$before_at${US}before_id=$before_id${US}page=$page${US}rows=$rows_deep")
            done
        fi
    done
    # Search: a word of each frequency band, the Zipf mix, and adversarial
    # queries built from the shape's words (w: the band word of 1 in 2).
    mapfile -t SHAPE_BANDS < <(psql_db -At -F'|' -c "SELECT k, word, share, creations FROM bench.shape_words WHERE kind = 'band' ORDER BY k")
    for b in "${SHAPE_BANDS[@]}"; do
        IFS='|' read -r k word share cnt <<<"$b"
        READ_JOBS+=("read_search_band$k|search|band $share: \`$word\` ($cnt creations)|1|read_search.ours|read_search.conventional|q=$word")
    done
    MIX_N=$(value "SELECT count(*) FROM bench.shape_words WHERE kind = 'mix'")
    MIX_DESC=$(value "SELECT string_agg(format('%s %s', word, creations), ', ' ORDER BY k) FROM bench.shape_words WHERE kind = 'mix' AND k IN (1, 2, 3, 5, 10, 20, 50)")
    mix_vars="mixn=$MIX_N${US}mixwords=$(value "SELECT string_agg(word, ' ' ORDER BY k) FROM bench.shape_words WHERE kind = 'mix'")${US}mixk=1"
    for c in 1 4; do
        READ_JOBS+=("read_search_mix_c$c|search|Zipf mix of $MIX_N words|$c|read_search_mix.ours|read_search_mix.conventional|$mix_vars")
    done
    w=$(value "SELECT word FROM bench.shape_words WHERE kind = 'band' ORDER BY share DESC LIMIT 1")
    unknown=$(value "SELECT string_agg(word, ' ' ORDER BY k) FROM bench.shape_words WHERE kind = 'unknown'")
    long=$(value "SELECT string_agg(word, ' ' ORDER BY o) FROM (
                      SELECT word, o, sum(char_length(word) + 1) OVER (ORDER BY o) AS len
                        FROM (SELECT '$w' AS word, 0 AS o UNION ALL SELECT word, rank FROM bench.word WHERE rank <= 100) x) y
                   WHERE len <= 199")
    READ_JOBS+=(
        "read_adv_exclude|adversarial|\`w -w\`: a word and its exclusion (websearch syntax)|1|read_search.ours|read_search.conventional|q=$w -$w"
        "read_adv_raw|adversarial|\`w & !w\` typed as text|1|read_search.ours|read_search.conventional|q=$w & !$w"
        "read_adv_stop|adversarial|stop words only|1|read_search.ours|read_search.conventional|q=the of and a to"
        "read_adv_unknown|adversarial|30 unknown made-up words (${#unknown} characters)|1|read_search.ours|read_search.conventional|q=$unknown"
        "read_adv_long|adversarial|$(wc -w <<<"$long") frequent words, ${#long} characters|1|read_search.ours|read_search.conventional|q=$long"
    )
fi

# read_job_vars VARS: pgbench -D arguments for a read job: the common
# variables and the job's own (k=v, separated by \x1f).
read_job_vars() {
    local args=() kv
    for kv in $COMMON_VARS; do args+=(-D "$kv"); done
    while IFS= read -r -d $'\x1f' kv; do args+=(-D "$kv"); done <<<"$1"$'\x1f'
    printf '%s\0' "${args[@]}"
}
# Sanity and EXPLAIN, as for the jobs above: once per statement (the
# 4-client runs share their 1-client job's).  No rows is right for some
# adversarial queries (e.g. `w -w`) and an empty feed, never for a planted
# word.
for spec in "${READ_JOBS[@]}"; do
    IFS='|' read -r id group label clients ours ref vars <<<"$spec"
    if [[ "$clients" != 1 ]]; then
        ROWS[$id.ours]=${ROWS[${id%_c*}_c1.ours]:-?} ROWS[$id.ref]=${ROWS[${id%_c*}_c1.ref]:-?}
        continue
    fi
    ROWS[$id.ours]=$(explain_script "$id" ours "$ours" "$vars")
    ROWS[$id.ref]=$(explain_script "$id" ref "$ref" "$vars")
    for side in ours ref; do
        if [[ "${ROWS[$id.$side]}" =~ ^(ERROR|\?)$ \
              || ("$group" != adversarial && "${ROWS[$id.$side]}" == 0 && "$(read_var "$vars" rows)" != 0) ]]; then
            fail "sanity: $id ($side) returned ${ROWS[$id.$side]} rows"
        fi
    done
    printf '%s sanity %-26s ours %5s rows   conventional %5s rows\n' "$(stamp)" "$id" "${ROWS[$id.ours]}" "${ROWS[$id.ref]}" >&2
done
# Autovacuum after the writes above (the hot mix, the conventional copy's
# refresh) would share the machine's CPUs with the 1-client reads: the reads
# start when its workers have finished, after at most 5 minutes.
settle_start=$SECONDS
READS_SETTLED="no autovacuum worker was running"
read -r _ running < <(autovacuum_work "$DB")
while [[ "$running" != 0 ]] && ((SECONDS - settle_start < 300)); do
    sleep 2
    read -r _ running < <(autovacuum_work "$DB")
    READS_SETTLED="they started after $((SECONDS - settle_start)) s of waiting for autovacuum's workers ($running still running)"
done
say "data-shape reads: $READS_SETTLED"
# The runs.  Notices off: the stop-word query raises one per call.
for spec in "${READ_JOBS[@]}"; do
    IFS='|' read -r id group label clients ours ref vars <<<"$spec"
    mapfile -d '' args < <(read_job_vars "$vars")
    STATS[$id.ours]=$(PGOPTIONS="-c client_min_messages=warning" run_pgbench "$id.ours" "$DB" "$clients" "${args[@]}" -f "$BENCH/pgbench/$ours.sql")
    STATS[$id.ref]=$(PGOPTIONS="-c client_min_messages=warning" run_pgbench "$id.ref" "$DB" "$clients" "${args[@]}" -f "$BENCH/pgbench/$ref.sql")
    printf '%s %-26s ours [%s]   conventional [%s]   (n p50 p95 p99 tps)\n' "$(stamp)" "$id" "${STATS[$id.ours]}" "${STATS[$id.ref]}" >&2
done
for note in "${FEED_NOTES[@]}"; do warn "data shapes: $note"; done
# The publish's fan-out to the materialised feeds: the most followed account,
# and the account with the most materialised followers, inserting a draft
# and publishing it, beside the draft alone (pgbench/publish_fanout.sql).
PUBLISH_JOBS=()
if ((shapes_ok)); then
    while IFS='|' read -r who n followers materialised; do
        [[ -n "$n" ]] || continue
        for status in published draft; do
            id=publish_${who}_$status
            STATS[$id]=$(run_pgbench "$id" "$DB" 1 -D author="$(value "SELECT bench.uid($n)")" \
                         -D publish="$([[ $status == published ]] && echo 1 || echo 0)" \
                         -f "$BENCH/pgbench/publish_fanout.sql")
            printf '%s %-26s [%s]   (n p50 p95 p99 tps)\n' "$(stamp)" "$id" "${STATS[$id]}" >&2
        done
        PUBLISH_JOBS+=("$who|$n|$followers|$materialised")
    done < <(psql_db -At -F'|' -c "
        WITH counted AS (
            SELECT p.n, p.follower_count,
                   (SELECT count(*) FROM arcanea.feed_subscriptions s WHERE s.author_id = bench.uid(p.n)) AS materialised
              FROM (SELECT g AS n, pr.follower_count FROM generate_series(1, $NU) g
                      JOIN public.profiles pr ON pr.id = bench.uid(g)) p)
        (SELECT 'most_followed', n, follower_count, materialised FROM counted ORDER BY follower_count DESC, n LIMIT 1)
        UNION ALL
        (SELECT 'most_materialised', n, follower_count, materialised FROM counted ORDER BY materialised DESC, n LIMIT 1)" 2>/dev/null \
        || echo)
fi
if ((shapes_ok)); then
    # name|size|what: the feed's storage when the build has one (tables
    # arcanea.feed_*), the search's own tables (arcanea.search_*) and
    # indexes (GIN, GiST) on public.creations, and for scale the
    # conventional copy's, and public.creations whole.
    READ_SIZES=$(psql_db -At -F'|' -c "
        SELECT * FROM (
            SELECT format('%I.%I', n.nspname, c.relname) || CASE c.relkind WHEN 'p' THEN ' (partitioned)' ELSE '' END,
                   pg_size_pretty(CASE c.relkind
                                      WHEN 'p' THEN (SELECT sum(pg_total_relation_size(t.relid)) FROM pg_partition_tree(c.oid) t)::bigint
                                      ELSE pg_total_relation_size(c.oid) END),
                   split_part(c.relname, '_', 1) || ' storage (with its indexes and TOAST)'
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'arcanea' AND (c.relname LIKE 'feed\_%' OR c.relname LIKE 'search\_%')
               AND c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
             ORDER BY c.relname) t
        UNION ALL
        SELECT * FROM (
            SELECT format('%I.%I', n.nspname, ic.relname), pg_size_pretty(pg_relation_size(i.indexrelid)),
                   am.amname || ' index on ' || format('%I.%I', n.nspname, c.relname) || ': ' || pg_get_indexdef(i.indexrelid, 0, true) AS what
              FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam
             WHERE i.indrelid IN ('public.creations'::regclass, 'conventional.creations'::regclass)
               AND am.amname IN ('gin', 'gist') ORDER BY n.nspname DESC, ic.relname) s
        UNION ALL
        SELECT 'public.creations', pg_size_pretty(pg_total_relation_size('public.creations')),
               'for scale: the table with all its indexes'")
fi

# ---------------------------------------------------------------------------
# 9. The soak: SOAK_CLIENTS connections run the PostgREST-like mix for
#    SOAK_DURATION seconds; then the deadlock count, the counters (recounted
#    in a rolled-back transaction) and a few invariants.
# ---------------------------------------------------------------------------
SOAK_RAN=0
if ((SOAK_DURATION > 0)); then
    section "soak ($SOAK_CLIENTS clients, ${SOAK_DURATION}s, first ${SOAK_WARMUP}s not counted)"
    SOAK_RAN=1
    soak_mix=()
    for i in "${!SOAK_SCRIPTS[@]}"; do
        soak_mix+=(-f "$BENCH/pgbench/${SOAK_SCRIPTS[$i]}.sql@${SOAK_WEIGHTS[$i]}")
    done
    dbstat() { value "SELECT $1 FROM pg_stat_database WHERE datname = current_database()"; }
    SOAK_SINCE=$(value "SELECT now()")
    SOAK_DEADLOCKS_BEFORE=$(dbstat deadlocks)
    commits0=$(dbstat xact_commit)
    rollbacks0=$(dbstat xact_rollback)
    rm -f "$LOGS"/soak.*
    mkdir -p "$LOGS"
    SOAK_STATUS=0
    "$(pg_bin pgbench)" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared \
        -c "$SOAK_CLIENTS" -j 2 -T "$SOAK_DURATION" --failures-detailed --log --log-prefix="$LOGS/soak" \
        -D nu="$NU" -D nc="$NC" -D nv="$NV" -D hot="$HOT" "${soak_mix[@]}" "$DB" \
        >"$LOGS/soak.out" 2>"$LOGS/soak.err" || SOAK_STATUS=$?
    # Backends flush their statistics (deadlocks, commits) when they exit.
    for _ in $(seq 1 100); do
        [[ $(value "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") == 0 ]] && break
        sleep 0.2
    done
    sleep 0.5
    SOAK_DEADLOCKS_AFTER=$(dbstat deadlocks)
    SOAK_COMMITS=$(($(dbstat xact_commit) - commits0))
    SOAK_ROLLBACKS=$(($(dbstat xact_rollback) - rollbacks0))
    SOAK_ABORTED=$(grep -c 'aborted in command' "$LOGS/soak.err" || true)
    SOAK_FAILED=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$LOGS/soak.out")
    SOAK_SERIALIZATION=$(sed -n 's/^number of serialization failures: \([0-9]*\).*/\1/p' "$LOGS/soak.out")
    SOAK_DEADLOCK_FAILURES=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$LOGS/soak.out")
    SOAK_TPS_ALL=$(sed -n 's/^tps = \([0-9]*\.[0-9]\).*/\1/p' "$LOGS/soak.out")
    SOAK_ERRORS=$(grep -E 'ERROR|error' "$LOGS/soak.err" | sed -E 's/client [0-9]+ /client N /' | sort | uniq -c \
                  | sort -rn | head -5 | sed 's/^ *//' | tr '\n' ' ' | cut -c1-800 || true)
    STATS[soak]=$(WARMUP=$SOAK_WARMUP percentiles "$LOGS/soak".[0-9]*)
    say "soak: pgbench exit $SOAK_STATUS, ${SOAK_FAILED:-?} failed, $SOAK_ABORTED aborted; [${STATS[soak]}] (n p50 p95 p99 tps); deadlocks $SOAK_DEADLOCKS_BEFORE -> $SOAK_DEADLOCKS_AFTER"
    t0=$SECONDS
    SOAK_RECOUNT=$(psql_db -At -F '=' -c "BEGIN" -c "SELECT counter, rows_fixed FROM arcanea.recount_counters()" -c "ROLLBACK")
    SOAK_RECOUNT_SECONDS=$((SECONDS - t0))
    SOAK_DRIFT=$(awk -F= '$2 != 0 { printf "%s%s: %s rows", sep, $1, $2; sep = ", " }' <<<"$SOAK_RECOUNT")
    # name|violations, one line per invariant (also checked by pgrx-tests/shell/soak.sh)
    SOAK_INVARIANTS=$(psql_db -At -F '|' -v since="$SOAK_SINCE" -f "$BENCH/soak_invariants.sql")
    SOAK_BROKEN=$(awk -F'|' '$2 != 0 { printf "%s%s: %s", sep, $1, $2; sep = "; " }' <<<"$SOAK_INVARIANTS")
    say "soak: recount_counters in ${SOAK_RECOUNT_SECONDS}s: ${SOAK_DRIFT:-every counter exact}"
    [[ "$SOAK_STATUS" == 0 ]] || fail "soak: pgbench exited with status $SOAK_STATUS (log: $LOGS/soak.err): $SOAK_ERRORS"
    [[ "$SOAK_ABORTED" == 0 ]] || fail "soak: $SOAK_ABORTED client(s) aborted on an error"
    [[ "${SOAK_FAILED:-x}" == 0 ]] || fail "soak: ${SOAK_FAILED:-?} failed transaction(s) (serialization ${SOAK_SERIALIZATION:-?}, deadlock ${SOAK_DEADLOCK_FAILURES:-?})"
    [[ "$SOAK_DEADLOCKS_AFTER" == "$SOAK_DEADLOCKS_BEFORE" ]] || fail "soak: pg_stat_database.deadlocks went from $SOAK_DEADLOCKS_BEFORE to $SOAK_DEADLOCKS_AFTER"
    [[ -n "$SOAK_RECOUNT" && -z "$SOAK_DRIFT" ]] || fail "soak: counters drifted: ${SOAK_DRIFT:-recount_counters() returned nothing}"
    [[ -n "$SOAK_INVARIANTS" && -z "$SOAK_BROKEN" ]] || fail "soak: invariants broken: ${SOAK_BROKEN:-the check returned nothing}"
    declare -p SOAK_DEADLOCKS_BEFORE SOAK_DEADLOCKS_AFTER SOAK_COMMITS SOAK_ROLLBACKS SOAK_ABORTED SOAK_FAILED \
        SOAK_SERIALIZATION SOAK_DEADLOCK_FAILURES SOAK_TPS_ALL SOAK_STATUS SOAK_ERRORS SOAK_RECOUNT \
        SOAK_RECOUNT_SECONDS SOAK_DRIFT SOAK_INVARIANTS SOAK_BROKEN >"$STATE.soak"
else
    say "soak skipped (--soak-duration 0)"
    rm -f "$STATE.soak"
fi

# The parameters of this run, for --report-only.
declare -p BUILD BUILD_DESC SO_SHA GIT_REV PG_VERSION GEN_SECONDS reuse DATA_COUNTS NU NC NV HOT HOT_LIKES \
    FEED_USER FEED_FOLLOWS CELEB CELEB_FOLLOWERS CURSOR49 Q_COMMON Q_RARE TYPO_OF Q_TYPO Q_TAG Q_TWO \
    JOBS API_JOBS HOT_MIX HOT_MIX_CLIENTS CONV_DESC REF_NOTE ROWS DURATION WARMUP FLOOR_SCALE QUICK FAILURES RUN_DATE \
    SOAK_RAN SOAK_DURATION SOAK_WARMUP SOAK_CLIENTS SOAK_SCRIPTS SOAK_WEIGHTS RATE_LIMITS \
    READ_JOBS SHAPES_DESC SHAPES_DETAIL SHAPE_READERS SHAPE_BANDS FEED_NOTES CONV_READS_DESC MIX_N MIX_DESC \
    READ_SIZES PUBLISH_JOBS READS_SETTLED >"$STATE"
if ((SOAK_RAN)); then cat "$STATE.soak" >>"$STATE"; rm -f "$STATE.soak"; fi

else
    # --report-only: the last run's parameters and pgbench logs.
    [[ -f "$STATE" && -d "$LOGS" ]] || die "no earlier run at scale $SCALE seed $SEED to report on ($STATE)"
    SOAK_RAN=0   # a state written before the soak stage existed
    API_JOBS=() HOT_MIX=()   # one written before the conventional reference and the hot mix
    READ_JOBS=() PUBLISH_JOBS=()   # one written before the data shapes
    READS_SETTLED=   # one written before the reads waited for autovacuum
    source "$STATE"
    ALL_JOBS=("${JOBS[@]}" "${API_JOBS[@]}")
    declare -A STATS
    for spec in "${ALL_JOBS[@]}"; do
        IFS='|' read -r id label clients ours ref extra <<<"$spec"
        for side in ours ref; do
            STATS[$id.$side]=$(percentiles "$LOGS/$id.$side".[0-9]*)
        done
    done
    if [[ ${#HOT_MIX[@]} -gt 0 ]]; then
        for where in hot spread; do STATS[hot_mix.$where]=$(percentiles "$LOGS/hot_mix.$where".[0-9]*); done
    fi
    for spec in "${READ_JOBS[@]}"; do
        IFS='|' read -r id _ <<<"$spec"
        for side in ours ref; do STATS[$id.$side]=$(percentiles "$LOGS/$id.$side".[0-9]*); done
    done
    for spec in "${PUBLISH_JOBS[@]}"; do
        IFS='|' read -r who _ <<<"$spec"
        for status in published draft; do
            STATS[publish_${who}_$status]=$(percentiles "$LOGS/publish_${who}_$status".[0-9]*)
        done
    done
    for c in 1 16; do
        for when in start end; do
            STATS[floor_select_c$c.$when]=$(percentiles "$LOGS/floor_select_c$c.$when".[0-9]*)
            STATS[floor_tpcb_c$c.$when]=$(percentiles "$LOGS/floor_tpcb_c$c.$when".[0-9]*)
        done
    done
    if ((SOAK_RAN)); then
        STATS[soak]=$(WARMUP=$SOAK_WARMUP percentiles "$LOGS/soak".[0-9]*)
    fi
    say "report only, from $LOGS"
fi

# ---------------------------------------------------------------------------
# 9. RESULTS.md
# ---------------------------------------------------------------------------
section "report"
field() { awk -v i="$2" '{ print $i }' <<<"${STATS[$1]}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) { r = a / b; printf (r < 1 ? "%.2fx" : "%.1fx"), r } else print "-" }'; }
# lat ID: its "p50 / p95 / p99" cell.
lat() { echo "$(field "$1" 2) / $(field "$1" 3) / $(field "$1" 4)"; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "-" && a + 0 < b + 0) }'; }
# quotient A B: A / B as "1.23x", "-" when either is missing (compare it
# as a number: awk reads "1.23x" + 0 as 1.23 and "-" + 0 as 0).
quotient() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'; }
# halves NAME: the tps of a side's two halves (run_abba), "first / second",
# "-" for a run made before the halves.
halves() {
    [[ -s "$LOGS/$1.halves" ]] || { echo -; return; }
    awk '{ t[$1] = $6 } END { if (1 in t && 2 in t) print t[1] " / " t[2]; else print "-" }' "$LOGS/$1.halves"
}
# percent A B: A as a whole percentage of B, 0 when either is missing.
percent() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.0f", 100 * a / b; else print 0 }'; }
# The public functions and tables a pgbench script calls, and the roles of
# the request preambles (soak_setup.sql) it uses, comma-separated.
script_calls() {
    grep -o 'public\.[a-z_]*' "$1" 2>/dev/null | sed 's/^public\.//' | awk '!seen[$0]++' | paste -sd, - | sed 's/,/, /g'
}
script_roles() {
    grep -o "bench\.request_as_[a-z]*" "$1" 2>/dev/null \
        | sed 's/bench\.request_as_//; s/^user$/authenticated/; s/^service$/service_role/; s/^visitor$/anon/' \
        | awk '!seen[$0]++' | paste -sd, - | sed 's/,/, /g' || true
}
TARGETS=()
target() { # target TEXT MET(0/1) MEASURED
    if [[ "$2" == 1 ]]; then TARGETS+=("| $1 | $3 | met |"); else TARGETS+=("| $1 | $3 | **missed** |"); fi
}
MEM=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
# The hot-creation mix per script ("hot.I" and "spread.I", I its index in
# HOT_MIX): "runs|p50|p95|p99".
declare -A MIX_LAT=()
if [[ ${#HOT_MIX[@]} -gt 0 ]]; then
    for where in hot spread; do
        while read -r i n a b c; do MIX_LAT[$where.$i]="$n|$a|$b|$c"; done < <(soak_per_script "$LOGS/hot_mix.$where".[0-9]*)
    done
fi
# The data-shape reads (section 8b): the targets of each group, rows of
# its table.
rtarget() { # rtarget ARRAY TEXT MET(0/1) MEASURED
    local -n into=$1
    if [[ "$3" == 1 ]]; then into+=("| $2 | $4 | met |"); else into+=("| $2 | $4 | **missed** |"); fi
}
FEED_TARGETS=() SEARCH_TARGETS=() ADV_TARGETS=()
declare -A READER_FOLLOWS=()
for r in "${SHAPE_READERS[@]}"; do
    IFS='|' read -r k shape follows detail <<<"$r"
    READER_FOLLOWS[$shape]=$follows
done
if [[ ${#READ_JOBS[@]} -gt 0 ]]; then
    worst= worst_p95= worst_label=
    for spec in "${READ_JOBS[@]}"; do
        IFS='|' read -r id group label clients ours ref vars <<<"$spec"
        [[ "$group" == feed && "$clients" == 1 ]] || continue
        what="$label reader, page $(read_var "$vars" page)"
        m=0; lt "$(field "$id.ours" 3)" 5 && m=1
        rtarget FEED_TARGETS "$what, 1 client: p95 under 5 ms" $m "$(field "$id.ours" 3) ms"
        c4=${id%_c1}_c4
        r=$(quotient "$(field "$c4.ours" 3)" "$(field "$id.ours" 3)")
        m=0; [[ "$r" != - ]] && awk -v r="$r" 'BEGIN { exit !(r + 0 <= 2.5) }' && m=1
        rtarget FEED_TARGETS "$what: p95 at 4 clients at most 2.5x the p95 at 1" $m "$r ($(field "$c4.ours" 3) vs $(field "$id.ours" 3) ms)"
        if [[ -z "$worst" ]] || lt "$worst_p95" "$(field "$id.ours" 3)"; then
            worst=$id worst_p95=$(field "$id.ours" 3) worst_label=$what
        fi
    done
    if [[ -n "$worst" ]]; then
        r=$(quotient "$(field "$worst.ref" 2)" "$(field "$worst.ours" 2)")
        m=0; awk -v r="$r" 'BEGIN { exit !(r + 0 >= 5) }' && m=1
        rtarget FEED_TARGETS "the worst shape (ours' highest p95 at 1 client: $worst_label): ours at least 5x faster than conventional (p50)" $m "$r"
    fi
    for spec in "${READ_JOBS[@]}"; do
        IFS='|' read -r id group label clients ours ref vars <<<"$spec"
        [[ "$group" == search && "$clients" == 1 ]] || continue
        m=0; lt "$(field "$id.ours" 3)" 15 && m=1
        rtarget SEARCH_TARGETS "$label, 1 client: p95 under 15 ms" $m "$(field "$id.ours" 3) ms"
    done
    r=$(quotient "$(field read_search_mix_c1.ours 5)" "$(field read_search_mix_c1.ref 5)")
    m=0; awk -v r="$r" 'BEGIN { exit !(r + 0 >= 5) }' && m=1
    rtarget SEARCH_TARGETS "Zipf mix, 1 client: ours at least 5x the guide's throughput (tps: the mean over the mix)" $m \
        "$r ($(field read_search_mix_c1.ours 5) vs $(field read_search_mix_c1.ref 5) tps)"
    for spec in "${READ_JOBS[@]}"; do
        IFS='|' read -r id group label clients ours ref vars <<<"$spec"
        [[ "$group" == adversarial ]] || continue
        r=$(quotient "$(field "$id.ours" 3)" "$(field read_search_mix_c1.ours 3)")
        m=0; [[ "$r" != - ]] && awk -v r="$r" 'BEGIN { exit !(r + 0 <= 2) }' && m=1
        rtarget ADV_TARGETS "$label: p95 at most 2x the Zipf mix's" $m "$r ($(field "$id.ours" 3) vs $(field read_search_mix_c1.ours 3) ms)"
    done
fi
REPORT=$OUT/RESULTS.md
# Sections other scripts write into the report (between `<!-- NAME:begin -->`
# and `<!-- NAME:end -->`, e.g. pgrx-tests/bench/replica_bench.sh's) are
# kept: this run rewrites only its own part.
KEPT_SECTIONS=$(sed -n '/^<!-- [a-z0-9_-]*:begin -->$/,/^<!-- [a-z0-9_-]*:end -->$/p' "$REPORT" 2>/dev/null || true)
{
    echo "# Arcanea benchmark results"
    echo
    echo "Generated by \`scripts/bench.sh --scale $SCALE --seed $SEED$( ((QUICK)) && echo ' --quick') --duration $DURATION --build $BUILD\`"
    echo "started $RUN_DATE. Do not edit by hand: rerun the script."
    echo
    echo "| machine | |"
    echo "| --- | --- |"
    echo "| CPUs (nproc) | $(nproc) |"
    echo "| memory | $MEM |"
    echo "| PostgreSQL | ${PG_VERSION%% on *} |"
    echo "| cluster | fsync, synchronous_commit and full_page_writes off; shared_buffers 2GB; jit off; a machine shared with other work |"
    echo "| extension build | $BUILD_DESC; arcanea.so sha256 $SO_SHA; $([[ $BUILD == installed ]] && echo "work tree at $GIT_REV (the installed library's own source is not recorded)" || echo "source: $GIT_REV") |"
    echo "| data | scale $SCALE, seed $SEED, $( ((reuse)) && echo 'reused from an earlier run (the write jobs of earlier runs added rows)' || echo "generated in ${GEN_SECONDS}s") |"
    echo "| runs | pgbench -M prepared, ${DURATION}s per run, the first ${WARMUP}s of each run not counted; 16 clients use 2 pgbench threads; the two sides of each job of the Results, conventional and hot-creation tables ran in halves of $((DURATION / 2 < 1 ? 1 : DURATION / 2))s, ours, reference, reference, ours, each half's first ${WARMUP}s not counted |"
    echo
    echo "Data set:"
    echo
    echo "| table | rows |"
    echo "| --- | --- |"
    while IFS='|' read -r t n; do echo "| $t | $n |"; done <<<"$DATA_COUNTS"
    echo
    echo "Parameters: hot creation #$HOT ($HOT_LIKES likes); feed user #$FEED_USER following $FEED_FOLLOWS accounts;"
    echo "most followed user #$CELEB ($CELEB_FOLLOWERS followers); search words: common \`$Q_COMMON\`, rare \`$Q_RARE\`,"
    echo "typo \`$Q_TYPO\` (of \`$TYPO_OF\`), tag \`$Q_TAG\`, two words \`$Q_TWO\`. Every job of the Results table but those"
    echo "marked \"as anon through PostgREST\" runs as the superuser (a trusted caller passing ids, like the service role),"
    echo "so RLS is not on the path of either side; those, and the jobs of the two sections after the table, call as PostgREST does."
    echo
    echo "## Results"
    echo
    echo "Latencies in ms (p50 / p95 / p99), throughput in transactions per second. *Speed-up* is the"
    echo "reference's p50 over ours (above 1x: ours is faster); for the write jobs compare the tps too."
    echo
    echo "| job | clients | ours p50 / p95 / p99 | ours tps | reference p50 / p95 / p99 | ref tps | speed-up (p50) | n ours / ref | reference |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for spec in "${JOBS[@]}"; do
        IFS='|' read -r id label clients ours ref extra <<<"$spec"
        echo "| $label | $clients | $(lat "$id.ours") | $(field "$id.ours" 5) | $(lat "$id.ref") | $(field "$id.ref" 5) | $(ratio "$(field "$id.ref" 2)" "$(field "$id.ours" 2)") | $(field "$id.ours" 1) / $(field "$id.ref" 1) | ${REF_NOTE[$ref]} |"
    done
    echo
    echo "The machine's floor (pgbench's own tables, scale $FLOOR_SCALE, database \`$FLOOR_DB\`), measured before"
    echo "the first job and again after the last; the targets use the first, taken next to the write jobs:"
    echo
    echo "| pgbench built-in | clients | start: p50 / p95 / p99 | start: tps | end: p50 / p95 / p99 | end: tps |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for c in 1 16; do
        for kind in select tpcb; do
            a=floor_${kind}_c$c.start b=floor_${kind}_c$c.end
            echo "| $([[ $kind == select ]] && echo 'select-only (-S)' || echo TPC-B) | $c | $(lat $a) | $(field $a 5) | $(lat $b) | $(field $b 5) |"
        done
    done
    echo
    echo "Rows each job's main statement returned in the sanity pass (the run that EXPLAIN records):"
    echo
    echo "| job | ours | reference |"
    echo "| --- | --- | --- |"
    for spec in "${ALL_JOBS[@]}"; do
        IFS='|' read -r id label clients ours ref extra <<<"$spec"
        echo "| $id | ${ROWS[$id.ours]} | ${ROWS[$id.ref]}$([[ $id == search_typo && ${ROWS[$id.ref]} == 0 ]] && echo ' (ILIKE has no typo tolerance)') |"
    done
    for entry in "${HOT_MIX[@]}"; do
        echo "| hot-creation mix: ${entry%@*} | ${ROWS[hot_mix.${entry%@*}]} | |"
    done
    echo
    echo "## Ours against a conventional implementation"
    echo
    if [[ ${#API_JOBS[@]} -eq 0 ]]; then
        echo "Not run (a report on a run made before this stage existed)."
    else
        echo "Our write RPCs beside the same three written by hand as a competent Supabase team would"
        echo "([conventional.sql](conventional.sql): PL/pgSQL, SECURITY INVOKER under row-level security, the caller"
        echo "from \`auth.uid()\`, plain counter triggers and one notification row per like and per follow; no rate limits,"
        echo "no notification grouping), on its own copy of this data set's tables (schema \`conventional\`, $CONV_DESC)."
        echo "Both are called as PostgREST calls them: one transaction per request, the \`authenticated\` role and the"
        echo "user's JWT claims set in it (\`bench.request_as_user\`), then the call. Random users and rows, as in the"
        echo "Results table; the hot creation is #$HOT. Each side ran in two halves, ours, conventional, conventional,"
        echo "ours, pooled (the last column: each half's tps, in that order per side, so that a machine that changes"
        echo "speed shows). Targets: below."
        echo
        echo "| job | clients | ours p50 / p95 / p99 | ours tps | conventional p50 / p95 / p99 | conventional tps | ours / conventional (tps) | n ours / conventional | tps by half: ours; conventional |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        for spec in "${API_JOBS[@]}"; do
            IFS='|' read -r id label clients ours ref extra <<<"$spec"
            echo "| $label | $clients | $(lat "$id.ours") | $(field "$id.ours" 5) | $(lat "$id.ref") | $(field "$id.ref" 5) | $(quotient "$(field "$id.ours" 5)" "$(field "$id.ref" 5)") | $(field "$id.ours" 1) / $(field "$id.ref" 1) | $(halves "$id.ours"); $(halves "$id.ref") |"
        done
    fi
    echo
    echo "## One hot creation"
    echo
    if [[ ${#HOT_MIX[@]} -eq 0 ]]; then
        echo "Not run (a report on a run made before this stage existed)."
    else
        echo "$HOT_MIX_CLIENTS clients acting as PostgREST does, each request its own transaction, in the mix below"
        echo "(pgbench script weights): all on creation #$HOT, then the same mix spread over random published public"
        echo "creations, in the same run. Latency per request; total tps of all kinds together."
        echo
        echo "| kind | weight | calls | as | hot: runs | hot p50 / p95 / p99 | spread: runs | spread p50 / p95 / p99 | p95 hot / spread |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        for i in "${!HOT_MIX[@]}"; do
            f=$BENCH/pgbench/${HOT_MIX[$i]%@*}.sql
            IFS='|' read -r hn ha hb hc <<<"${MIX_LAT[hot.$i]:-0|-|-|-}"
            IFS='|' read -r sn sa sb sc <<<"${MIX_LAT[spread.$i]:-0|-|-|-}"
            echo "| ${HOT_MIX[$i]%@*} | ${HOT_MIX[$i]#*@} | $(script_calls "$f") | $(script_roles "$f") | $hn | $ha / $hb / $hc | $sn | $sa / $sb / $sc | $(quotient "$hb" "$sb") |"
        done
        echo "| all | | | | $(field hot_mix.hot 1) | $(lat hot_mix.hot) | $(field hot_mix.spread 1) | $(lat hot_mix.spread) | |"
        echo
        echo "Total: $(field hot_mix.hot 5) tps on the hot creation, $(field hot_mix.spread 5) tps spread ($(quotient "$(field hot_mix.hot 5)" "$(field hot_mix.spread 5)"));"
        echo "by half, in the order they ran (hot, spread, spread, hot): hot $(halves hot_mix.hot), spread $(halves hot_mix.spread)."
    fi
    echo
    echo "## Data shapes: feed and search"
    echo
    if [[ ${#READ_JOBS[@]} -eq 0 ]]; then
        echo "Not run (a failure above, or a report on a run made before this stage existed)."
    else
        echo "The shapes of [generate_shapes.sql](generate_shapes.sql), laid over this data set: $SHAPES_DESC."
        echo
        echo "| shape | seconds | what it added |"
        echo "| --- | --- | --- |"
        while IFS='|' read -r shape secs detail; do echo "| $shape | $secs | $detail |"; done <<<"$SHAPES_DETAIL"
        echo
        echo "Reads called as PostgREST calls them, one read-only transaction per request: the feed signed in as"
        echo "the reader (\`authenticated\`, its JWT claims), search as a visitor with the anon key. *Conventional* is"
        echo "[conventional_reads.sql](conventional_reads.sql), on the tables of schema \`conventional\` (the write"
        echo "reference's copy, $CONV_READS_DESC): the feed as a competent Supabase team writes it (PL/pgSQL,"
        echo "SECURITY INVOKER under row-level security, follows joined to creations, keyset on (created_at, id), an"
        echo "index on creations (user_id, created_at DESC, id DESC)); search as Supabase's full-text search guide"
        echo "does it (a generated column \`to_tsvector('english', title || ' ' || description)\` with a GIN index,"
        echo "\`websearch_to_tsquery('english', q)\`, \`ORDER BY ts_rank(...) DESC LIMIT 20\`; SECURITY DEFINER, since"
        echo "under row-level security \`@@\` cannot use the index). *Speed-up* is conventional p50 over ours. The"
        echo "targets are set for scale 1."
        echo
        echo "### Feed by follow shape"
        echo
        echo "| reader | follows | the accounts it follows |"
        echo "| --- | --- | --- |"
        for r in "${SHAPE_READERS[@]}"; do
            IFS='|' read -r k shape follows detail <<<"$r"
            echo "| $shape | $follows | $detail |"
        done
        echo
        echo "| reader | page | clients | ours p50 / p95 / p99 | ours tps | conventional p50 / p95 / p99 | conventional tps | speed-up (p50) | n ours / conventional |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        for spec in "${READ_JOBS[@]}"; do
            IFS='|' read -r id group label clients ours ref vars <<<"$spec"
            [[ "$group" == feed ]] || continue
            echo "| $label (${READER_FOLLOWS[$label]:-?}) | $(read_var "$vars" page) | $clients | $(lat "$id.ours") | $(field "$id.ours" 5) | $(lat "$id.ref") | $(field "$id.ref" 5) | $(ratio "$(field "$id.ref" 2)" "$(field "$id.ours" 2)") | $(field "$id.ours" 1) / $(field "$id.ref" 1) |"
        done
        echo
        echo "Page 51 is read by cursor (the cursor of row 1,000, reached by paging; conventional: that row's"
        echo "created_at and id); a feed that ends sooner is read at its last page. Ours and conventional returned"
        if [[ ${#FEED_NOTES[@]} -eq 0 ]]; then
            echo "the same rows on every page measured."
        else
            echo "the same rows on every page measured, except as noted:"
            echo
            printf -- '- %s\n' "${FEED_NOTES[@]}"
        fi
        echo
        echo "| target | measured | |"
        echo "| --- | --- | --- |"
        printf '%s\n' "${FEED_TARGETS[@]}"
        echo
        echo "### Search by word frequency"
        echo
        echo "Made-up words planted in the descriptions of published public creations, one per band of"
        echo "frequency, and a Zipf mix of $MIX_N (word and creations, by rank 1, 2, 3, 5, 10, 20, 50: $MIX_DESC);"
        echo "the mix picks word k with probability ~ 1/k (pgbench \`random_zipfian\`, s = 1.01)."
        echo
        echo "| query | clients | ours p50 / p95 / p99 | ours tps | conventional p50 / p95 / p99 | conventional tps | speed-up (p50) | ours / conventional (tps) | n ours / conventional |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        for spec in "${READ_JOBS[@]}"; do
            IFS='|' read -r id group label clients ours ref vars <<<"$spec"
            [[ "$group" == search ]] || continue
            echo "| $label | $clients | $(lat "$id.ours") | $(field "$id.ours" 5) | $(lat "$id.ref") | $(field "$id.ref" 5) | $(ratio "$(field "$id.ref" 2)" "$(field "$id.ours" 2)") | $(quotient "$(field "$id.ours" 5)" "$(field "$id.ref" 5)") | $(field "$id.ours" 1) / $(field "$id.ref" 1) |"
        done
        echo
        echo "| target | measured | |"
        echo "| --- | --- | --- |"
        printf '%s\n' "${SEARCH_TARGETS[@]}"
        echo
        echo "### Adversarial searches"
        echo
        echo "As a visitor, 1 client; *w* is the band word of 1 in 2. Rows: what the sanity pass returned."
        echo
        echo "| query | p_query | ours p50 / p95 / p99 | ours tps | conventional p50 / p95 / p99 | conventional tps | speed-up (p50) | ours p95 / the mix's | rows ours / conventional |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        for spec in "${READ_JOBS[@]}"; do
            IFS='|' read -r id group label clients ours ref vars <<<"$spec"
            [[ "$group" == adversarial ]] || continue
            q=$(read_var "$vars" q)
            ((${#q} > 60)) && q="${q:0:57}..."
            echo "| $label | \`$q\` | $(lat "$id.ours") | $(field "$id.ours" 5) | $(lat "$id.ref") | $(field "$id.ref" 5) | $(ratio "$(field "$id.ref" 2)" "$(field "$id.ours" 2)") | $(quotient "$(field "$id.ours" 3)" "$(field read_search_mix_c1.ours 3)") | ${ROWS[$id.ours]:-?} / ${ROWS[$id.ref]:-?} |"
        done
        echo
        echo "| target | measured | |"
        echo "| --- | --- | --- |"
        printf '%s\n' "${ADV_TARGETS[@]}"
        echo
        echo "### What else ran during the reads"
        echo
        echo "${READS_SETTLED:+The data-shape reads: $READS_SETTLED. }For each read job, the share of the machine's CPU time"
        echo "that the hypervisor gave to other guests while it ran (steal, from \`/proc/stat\`), and autovacuum's"
        echo "vacuums and analyzes of this database that finished during the job, with its workers running at the"
        echo "job's start and end. Listed: the jobs with steal of 1% or more, or any autovacuum."
        echo
        env_rows=() env_quiet=0 env_missing=0
        for spec in "${READ_JOBS[@]}"; do
            IFS='|' read -r id group label clients ours ref vars <<<"$spec"
            for side in ours ref; do
                if [[ ! -s "$LOGS/$id.$side.env" ]]; then env_missing=$((env_missing + 1)); continue; fi
                read -r steal av_done av_start av_end <"$LOGS/$id.$side.env"
                if awk -v s="$steal" 'BEGIN { exit !(s + 0 >= 1) }' || [[ "$av_done $av_start $av_end" != "0 0 0" ]]; then
                    [[ $side == ours ]] && who=ours || who=conventional
                    env_rows+=("| $id | $who | $steal% | $av_done | $av_start / $av_end |")
                else
                    env_quiet=$((env_quiet + 1))
                fi
            done
        done
        if [[ ${#env_rows[@]} -gt 0 ]]; then
            echo "| job | side | steal | autovacuum runs finished | workers at start / end |"
            echo "| --- | --- | --- | --- | --- |"
            printf '%s\n' "${env_rows[@]}"
            echo
        fi
        echo "The other $env_quiet jobs ran with steal under 1% and no autovacuum.$( ((env_missing)) && echo " $env_missing jobs have no record (a run made before it was kept).")"
        echo
        echo "### Sizes"
        echo
        echo "After the runs.$(grep -q 'feed storage' <<<"$READ_SIZES" || echo " No \`arcanea.feed_%\` table: this build keeps no feed storage of its own.")"
        echo
        echo "| relation | size | what |"
        echo "| --- | --- | --- |"
        while IFS='|' read -r rel size what; do [[ -n "$rel" ]] && echo "| \`$rel\` | $size | $what |"; done <<<"$READ_SIZES"
        echo
        echo "### Publishing to the materialised feeds"
        echo
        echo "As a client does it through PostgREST, signed in as the author, in one transaction rolled back: a"
        echo "draft inserted and published with \`publish_creation\` (one feed entry per materialised follower:"
        echo "readers who follow more than 64 accounts), beside the draft alone; 1 client."
        echo
        echo "| account | followers | materialised followers | draft + publish p50 / p95 / p99 | draft p50 / p95 / p99 | the publish (p50 difference) |"
        echo "| --- | --- | --- | --- | --- | --- |"
        for spec in "${PUBLISH_JOBS[@]}"; do
            IFS='|' read -r who n followers materialised <<<"$spec"
            echo "| ${who//_/ } (#$n) | $followers | $materialised | $(lat "publish_${who}_published") | $(lat "publish_${who}_draft") | $(awk -v a="$(field "publish_${who}_published" 2)" -v b="$(field "publish_${who}_draft" 2)" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%+.3f ms", a - b; else print "-" }') |"
        done
    fi
    echo
    echo "## Soak"
    echo
    if ((SOAK_RAN == 0)); then
        echo "Not run (\`--soak-duration 0\`, or a report on a run made before the soak stage existed)."
    else
        echo "$SOAK_CLIENTS connections (2 pgbench threads) ran the mix of \`pgrx-tests/bench/pgbench/soak_*.sql\` for"
        echo "${SOAK_DURATION}s on this data set, after the jobs above. Each script is one user action made of one to three"
        echo "requests, and each request runs as PostgREST runs it: its own transaction (\`READ ONLY\` for a GET),"
        echo "\`set_config\` of the search path, the role (\`anon\`, \`authenticated\` or \`service_role\`), the JWT claims and"
        echo "the request, then the RPC call or table-API statement. The mix covers every RPC that anon and signed-in"
        echo "users may call; reads are 70% of it. Users are drawn at random among all $NU, so toggles, follows and"
        echo "conversations interleave; hot rows: creation #$HOT (a sixth of the likes, a quarter of the views),"
        echo "the five most followed accounts (a quarter of the follows), the three Luminors (every user message)."
        if [[ "${RATE_LIMITS:-f}" == t ]]; then
            echo "Per-user rate limits (\`arcanea.rate_limits\`) were lifted for the benchmark (\`max_calls\` set to"
            echo "1,000,000,000): the check still runs on every limited call, it just does not trip."
        fi
        echo
        echo "| soak | |"
        echo "| --- | --- |"
        echo "| script runs per second (tps) | $(field soak 5) (pgbench, whole run: ${SOAK_TPS_ALL:-?}) |"
        echo "| requests committed | $SOAK_COMMITS ($(awk -v c="$SOAK_COMMITS" -v d="$SOAK_DURATION" 'BEGIN { printf "%.0f", c / d }') per second); rolled back: $SOAK_ROLLBACKS |"
        echo "| latency per script run, p50 / p95 / p99 | $(lat soak) ms ($(field soak 1) runs after the first ${SOAK_WARMUP}s) |"
        echo "| failed transactions (serialization / deadlock) | ${SOAK_FAILED:-?} (${SOAK_SERIALIZATION:-?} / ${SOAK_DEADLOCK_FAILURES:-?}) |"
        echo "| clients aborted on an error | $SOAK_ABORTED$([[ "$SOAK_STATUS" != 0 ]] && echo " (pgbench exit status $SOAK_STATUS: $SOAK_ERRORS)") |"
        echo "| deadlocks (\`pg_stat_database\`), before / after | $SOAK_DEADLOCKS_BEFORE / $SOAK_DEADLOCKS_AFTER |"
        echo "| counters (\`arcanea.recount_counters()\`, rolled back; ${SOAK_RECOUNT_SECONDS}s) | $([[ -n "$SOAK_RECOUNT" && -z "$SOAK_DRIFT" ]] && echo "ok: $(grep -c . <<<"$SOAK_RECOUNT") counters, 0 rows to fix" || echo "**drift**: ${SOAK_DRIFT:-recount returned nothing}") |"
        while IFS='|' read -r invariant violations; do
            echo "| $invariant: violations | $violations |"
        done <<<"$SOAK_INVARIANTS"
        echo
        echo "Per script (latency of the whole script run, all its requests):"
        echo
        echo "| script | weight | calls | as | runs | p50 / p95 / p99 (ms) |"
        echo "| --- | --- | --- | --- | --- | --- |"
        declare -A per=()
        while read -r i n a b c; do per[$i]="$n|$a / $b / $c"; done < <(WARMUP=$SOAK_WARMUP soak_per_script "$LOGS/soak".[0-9]*)
        for i in "${!SOAK_SCRIPTS[@]}"; do
            f=$BENCH/pgbench/${SOAK_SCRIPTS[$i]}.sql
            calls=$(script_calls "$f")
            roles=$(script_roles "$f")
            IFS='|' read -r n lat <<<"${per[$i]:-0|- / - / -}"
            echo "| ${SOAK_SCRIPTS[$i]} | ${SOAK_WEIGHTS[$i]} | ${calls:-?} | ${roles:-?} | $n | $lat |"
        done
    fi
} >"$REPORT"

# Targets (reported, never enforced): single client, p95.
p95() { field "$1" 3; }
for id in feed_page1 feed_page50_cursor; do
    m=0; lt "$(p95 "$id.ours")" 10 && m=1
    target "$id: p95 under 10 ms" $m "$(p95 "$id.ours") ms"
done
for id in search_common search_rare search_typo search_tag search_two_words; do
    m=0; lt "$(p95 "$id.ours")" 25 && m=1
    target "$id: p95 under 25 ms" $m "$(p95 "$id.ours") ms"
    r=$(awk -v a="$(field "$id.ref" 2)" -v b="$(field "$id.ours" 2)" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) { r = a / b; printf (r < 1 ? "%.2f" : "%.1f"), r } else print 0 }')
    m=0; awk -v r="$r" 'BEGIN { exit !(r >= 20) }' && m=1
    target "$id: at least 20x faster than the spec's ILIKE (p50)" $m "${r}x"
done
m=0; lt "$(p95 user_stats.ours)" 2 && m=1
target "get_user_stats (random user): p95 under 2 ms" $m "$(p95 user_stats.ours) ms"
for c in 1 16; do
    r=$(percent "$(field toggle_like_c$c.ours 5)" "$(field floor_tpcb_c$c.start 5)")
    m=0; ((r >= 60)) && m=1
    target "toggle_like (distinct rows), $c client(s): tps at least 60% of TPC-B's" $m "$r% ($(field toggle_like_c$c.ours 5) vs $(field floor_tpcb_c$c.start 5) tps)"
done
# Ours against the conventional reference, as PostgREST calls both.
if [[ ${#API_JOBS[@]} -gt 0 ]]; then
    for fn in toggle_like follow_user add_message; do
        r1=$(quotient "$(field "${fn}_api_c1.ours" 5)" "$(field "${fn}_api_c1.ref" 5)")
        r4=$(quotient "$(field "${fn}_api_c4.ours" 5)" "$(field "${fn}_api_c4.ref" 5)")
        m=0; awk -v a="$r1" -v b="$r4" 'BEGIN { exit !(a + 0 >= 1 && b + 0 >= 1) }' && m=1
        target "$fn as PostgREST calls it: tps at least the conventional's (1.0x) at 1 and 4 clients" $m "$r1, $r4"
    done
    r=$(quotient "$(field toggle_like_api_hot_c16.ours 5)" "$(field toggle_like_api_hot_c16.ref 5)")
    m=0; awk -v r="$r" 'BEGIN { exit !(r + 0 >= 2) }' && m=1
    target "toggle_like on the hot creation, 16 clients, as PostgREST calls it: tps at least 2x the conventional's" $m "$r"
    r=$(percent "$(field toggle_like_api_c16.ours 5)" "$(field floor_tpcb_c16.start 5)")
    m=0; ((r >= 80)) && m=1
    target "toggle_like (distinct rows) as PostgREST calls it, 16 clients: tps at least 80% of TPC-B's" $m "$r% ($(field toggle_like_api_c16.ours 5) vs $(field floor_tpcb_c16.start 5) tps)"
fi
if [[ ${#HOT_MIX[@]} -gt 0 ]]; then
    r=$(percent "$(field hot_mix.hot 5)" "$(field hot_mix.spread 5)")
    m=0; ((r >= 70)) && m=1
    target "hot-creation mix, $HOT_MIX_CLIENTS clients: total tps at least 70% of the same mix spread" $m "$r% ($(field hot_mix.hot 5) vs $(field hot_mix.spread 5) tps)"
    m=1 what=
    for i in "${!HOT_MIX[@]}"; do
        r=$(quotient "$(cut -d'|' -f3 <<<"${MIX_LAT[hot.$i]:-}")" "$(cut -d'|' -f3 <<<"${MIX_LAT[spread.$i]:-}")")
        awk -v r="$r" 'BEGIN { exit !(r + 0 > 0 && r + 0 <= 2) }' || m=0
        what+="${what:+, }${HOT_MIX[$i]%@*} $r"
    done
    target "hot-creation mix: each kind's p95 at most 2x its p95 spread" $m "$what"
fi
if ((SOAK_RAN)); then
    m=0
    [[ "$SOAK_STATUS" == 0 && "$SOAK_ABORTED" == 0 && "${SOAK_FAILED:-x}" == 0 && "$SOAK_DEADLOCKS_AFTER" == "$SOAK_DEADLOCKS_BEFORE" \
       && -n "$SOAK_RECOUNT" && -z "$SOAK_DRIFT" ]] && m=1
    target "soak, $SOAK_CLIENTS clients, every RPC: no failed or aborted transaction, no deadlock, every counter exact" $m \
        "${SOAK_FAILED:-?} failed, $SOAK_ABORTED aborted, $((SOAK_DEADLOCKS_AFTER - SOAK_DEADLOCKS_BEFORE)) deadlocks, ${SOAK_DRIFT:-counters exact}; $(field soak 5) tps"
fi
# "Slower" beyond 10%, the run-to-run noise of this shared machine.
slower=()
for spec in "${JOBS[@]}"; do
    IFS='|' read -r id label clients ours ref extra <<<"$spec"
    what=
    for i in 2 3; do
        o=$(field "$id.ours" $i) r=$(field "$id.ref" $i)
        if lt "$(awk -v r="$r" 'BEGIN { print 1.1 * r }')" "$o"; then
            what+="${what:+, }p$([[ $i == 2 ]] && echo 50 || echo 95) $o vs $r ms"
        fi
    done
    [[ -n "$what" ]] && slower+=("$id ($what)")
done
if [[ ${#slower[@]} -eq 0 ]]; then
    target "ours never more than 10% slower than the reference (p50 and p95)" 1 "every job"
else
    target "ours never more than 10% slower than the reference (p50 and p95)" 0 "slower: $(printf '%s; ' "${slower[@]}" | sed 's/; $//')"
fi
{
    echo
    echo "## Targets"
    echo
    echo "Reported, not enforced. They are set for scale 1; at other scales they are indicative only."
    echo
    echo "| target | measured | |"
    echo "| --- | --- | --- |"
    printf '%s\n' "${TARGETS[@]}"
    echo
    echo "EXPLAIN (ANALYZE, BUFFERS) of every statement of every job, ours (including the SQL inside"
    echo "the Rust functions and their triggers) and the reference: [explain/](explain/)."
    if [[ -f "$BENCH/analysis.md" && "$OUT" == "$BENCH" ]]; then
        echo
        cat "$BENCH/analysis.md"
    fi
    if [[ -n "$KEPT_SECTIONS" ]]; then
        echo
        printf '%s\n' "$KEPT_SECTIONS"
    fi
    if [[ ${#FAILURES[@]} -gt 0 ]]; then
        echo
        echo "## Failures"
        echo
        printf -- '- %s\n' "${FAILURES[@]}"
    fi
} >>"$REPORT"

say "wrote $REPORT and $OUT/explain/ ($(ls "$OUT/explain" | wc -l) files) in $((SECONDS - START))s"
sed -n '/^## Results/,$p' "$REPORT" | sed -n '1,200p' >&2
if [[ ${#FAILURES[@]} -gt 0 ]]; then
    warn "${#FAILURES[@]} failure(s):"
    printf '  - %s\n' "${FAILURES[@]}" >&2
    exit 1
fi
exit 0
