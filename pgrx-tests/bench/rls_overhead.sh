#!/usr/bin/env bash
# pgrx-tests/bench/rls_overhead.sh: what row-level security costs on reads.
#
# A benchmark, not a test (scripts/test.sh does not run it; it reports, it
# does not fail on numbers).  The same reads are timed with pgbench as
# PostgREST would run them:
#   authenticated  role + JWT claims set inside the transaction, RLS applies
#   service_role   role set inside the transaction, BYPASSRLS
# and the ratio of mean latencies is written to RLS_RESULTS.md beside this
# script, with the machine, the PostgreSQL version, the date and the plans.
# Target: authenticated within 1.3x of service_role.
#
#   pgrx-tests/bench/rls_overhead.sh [--duration SEC] [--rounds N] [--fresh] [--keep-running]
#
# --duration SEC   seconds per pgbench run (default 10)
# --rounds N       pgbench runs per read (each runs both roles interleaved);
#                  the medians are reported (default 3)
# --fresh          regenerate the data set even if it is there (it is
#                  regenerated anyway when the installed extension changed)
# --keep-running   leave the cluster running at the end
# env ARCANEA_RLS_BENCH_PORT (default 54362)
#
# Data (deterministic, setseed): 10,000 users (through auth.users, so the
# signup trigger makes their profiles), 100,000 creations (70% published
# public, 10% published private, 20% drafts), about 300,000 likes skewed
# towards popular creations.  Bulk rows are loaded with triggers off
# (session_replication_role = replica) and the counters recomputed with
# arcanea.recount_counters().  Its own cluster (fsync off, data in
# .stack/rls-bench-pgdata), so it never disturbs a test or dev cluster.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

DURATION=10
ROUNDS=3
FRESH=0
KEEP_RUNNING=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --duration) DURATION=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        --keep-running) KEEP_RUNNING=1; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

PORT=${ARCANEA_RLS_BENCH_PORT:-54362}
DB=rls_bench
USERS=10000
CREATIONS=100000
LIKES_PER_USER=30
HERE=$ARCANEA_ROOT/pgrx-tests/bench
RESULTS=$HERE/RLS_RESULTS.md
PGDATA_DIR=$(stack_dir)/rls-bench-pgdata
WORK=$(mktemp -d /tmp/arcanea-rls-bench.XXXXXX)
chmod 0755 "$WORK"

cleanup() {
    rm -rf -- "$WORK"
    if [[ $KEEP_RUNNING -eq 0 ]]; then
        cluster_stop "$PGDATA_DIR" || true
    fi
}
trap cleanup EXIT

psql_db() { cluster_psql "$PORT" "$DB" "$@"; }

[[ -f "$("$ARCANEA_PG_CONFIG" --sharedir)/extension/arcanea.control" ]] \
    || die "arcanea is not installed: run cargo pgrx install --pg-config $ARCANEA_PG_CONFIG first"

cluster_start "$PGDATA_DIR" "$PORT" --fast

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
# Users, creations and likes have ids derived from their number, so the
# pgbench scripts can pick one at random without a lookup.
uid_sql() { echo "('00000000-0000-4000-8000-' || lpad(($1)::text, 12, '0'))::uuid"; }
cid_sql() { echo "('10000000-0000-4000-8000-' || lpad(($1)::text, 12, '0'))::uuid"; }

# The data set is kept between runs, unless the installed extension changed
# (its SQL's checksum is stored as the database's comment).
INSTALLED_SQL=$(cat "$("$ARCANEA_PG_CONFIG" --sharedir)"/extension/arcanea--*.sql | md5sum | cut -c1-12)
have_data() {
    cluster_psql "$PORT" postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 || return 1
    [[ "$(cluster_psql "$PORT" postgres -tA -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$DB'")" \
        == "arcanea sql $INSTALLED_SQL" ]] || return 1
    [[ "$(psql_db -tA -c "SELECT count(*) FROM public.creations" 2>/dev/null || echo 0)" -ge $CREATIONS ]]
}

if [[ $FRESH -eq 1 ]] || ! have_data; then
    log "generating the data set ($USERS users, $CREATIONS creations, ~$((USERS * LIKES_PER_USER)) likes)"
    cluster_psql "$PORT" postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    psql_db -c 'CREATE EXTENSION arcanea'
    started=$SECONDS
    psql_db <<SQL
SELECT setseed(0.42);
-- Signups go through the trigger, as in production.
INSERT INTO auth.users (id, email, raw_user_meta_data, created_at)
SELECT $(uid_sql u), 'user' || u || '@bench.test', jsonb_build_object('username', 'user_' || u),
       now() - interval '2 years' + u * interval '1 hour'
  FROM generate_series(1, $USERS) u;

SET session_replication_role = replica;
-- Creation n belongs to user 1 + (n * 7919) % USERS (ten each); its state
-- s = (n + n / USERS) % 10 gives every user the same mix: s 0-6 published
-- public, 7 published private, 8-9 draft.  Creation 1 + 10k is public.
INSERT INTO public.creations (id, user_id, title, description, type, status, is_public, published_at,
                              created_at, updated_at, tags, file_url, thumbnail_url)
SELECT $(cid_sql n), $(uid_sql "1 + (n * 7919) % $USERS"),
       'Creation ' || n, 'A generated creation number ' || n || ' for the RLS benchmark',
       (ARRAY['image', 'music', 'video', 'text', 'multimodal'])[1 + n % 5],
       CASE WHEN (n + n / $USERS) % 10 < 8 THEN 'published' ELSE 'draft' END,
       (n + n / $USERS) % 10 <> 7,
       CASE WHEN (n + n / $USERS) % 10 < 8 THEN t END,
       t, t,
       ARRAY['tag' || (n % 50), 'tag' || (n % 7)],
       'https://cdn.bench.test/' || n || '.png', 'https://cdn.bench.test/' || n || '-thumb.webp'
  FROM (SELECT n, now() - random() * interval '365 days' AS t FROM generate_series(1, $CREATIONS) n) g;
-- Likes: each user likes LIKES_PER_USER creations, skewed towards low
-- numbers (popular ones), duplicates dropped.
INSERT INTO public.likes (user_id, creation_id, created_at)
SELECT $(uid_sql u), $(cid_sql "1 + floor($CREATIONS * power(random(), 3))::int"),
       now() - random() * interval '365 days'
  FROM generate_series(1, $USERS) u, generate_series(1, $LIKES_PER_USER) k
ON CONFLICT DO NOTHING;
SET session_replication_role = origin;
SELECT * FROM arcanea.recount_counters();
VACUUM (ANALYZE);
COMMENT ON DATABASE $DB IS 'arcanea sql $INSTALLED_SQL';
SQL
    log "data set generated in $((SECONDS - started))s"
else
    log "reusing the data set in database $DB (--fresh regenerates it)"
fi

COUNTS=$(psql_db -tA -F ' ' -c "SELECT (SELECT count(*) FROM public.profiles), (SELECT count(*) FROM public.creations),
    (SELECT count(*) FROM public.creations WHERE status = 'published' AND is_public), (SELECT count(*) FROM public.likes)")
read -r N_PROFILES N_CREATIONS N_PUBLIC N_LIKES <<<"$COUNTS"

# ---------------------------------------------------------------------------
# The reads
# ---------------------------------------------------------------------------
# Each job: a name, a description, and the SELECT.  :viewer, :author and :c
# are pgbench variables, drawn per transaction.  The SELECTs carry the
# filters a client sends (supabase-js .eq(...)), which for service_role are
# the whole of the visibility rule.
ME=$(uid_sql :viewer)
declare -a JOB_NAMES JOB_TEXTS JOB_SQL JOB_SETS
add_job() { JOB_NAMES+=("$1"); JOB_TEXTS+=("$2"); JOB_SETS+=("$3"); JOB_SQL+=("$4"); }

add_job author_public "the published public creations of one user, newest first (a profile page)" \
    "\\set author random(1, $USERS)" \
    "SELECT id, title, type, thumbnail_url, like_count, comment_count, created_at FROM public.creations
      WHERE user_id = $(uid_sql :author) AND status = 'published' AND is_public
      ORDER BY created_at DESC LIMIT 20;"
add_job newest_page "a page of the 20 newest public creations (discovery)" \
    "" \
    "SELECT id, user_id, title, type, thumbnail_url, like_count, created_at FROM public.creations
      WHERE status = 'published' AND is_public
      ORDER BY created_at DESC, id DESC LIMIT 20;"
add_job own_likes "the viewer's own likes, newest first" \
    "" \
    "SELECT creation_id, created_at FROM public.likes
      WHERE user_id = $ME ORDER BY created_at DESC LIMIT 50;"
add_job creation_likes "who liked a popular public creation (a likes list)" \
    "\\set c 1 + 10 * random(0, 99)" \
    "SELECT user_id, created_at FROM public.likes
      WHERE creation_id = $(cid_sql :c) ORDER BY created_at DESC LIMIT 50;"

# The transaction, as PostgREST runs it: role and claims first, then the read.
write_script() { # FILE ROLE SETS SQL
    local file=$1 role=$2 sets=$3 sql=$4 claims
    if [[ $role == authenticated ]]; then
        claims="'{\"sub\":\"' || $ME || '\",\"role\":\"authenticated\",\"aud\":\"authenticated\"}'"
    else
        claims="'{\"role\":\"service_role\"}'"
    fi
    {
        echo "\\set viewer random(1, $USERS)"
        [[ -n $sets ]] && echo "$sets"
        echo "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;"
        echo "SELECT set_config('role', '$role', true), set_config('request.jwt.claims', $claims, true);"
        echo "$sql" | tr '\n' ' ' | sed 's/  */ /g'
        echo
        echo "COMMIT;"
    } >"$file"
}

# pgbench SVC_FILE AUTH_FILE SECONDS -> "svc_tps svc_tx_ms svc_select_ms auth_tps auth_tx_ms auth_select_ms"
# Both scripts in one pgbench run, weight 1 each: pgbench picks one at random
# for every transaction, so both roles run interleaved under the same
# machine load, and -r reports each script's statement latencies (the
# SELECT is the line that reads public.).
run_pgbench() {
    local out parsed
    out=$(as_pg "$(pg_bin pgbench)" -n -r -M prepared -c 1 -T "$3" -h 127.0.0.1 -p "$PORT" -U postgres \
        -f "$1@1" -f "$2@1" "$DB" 2>&1) || {
        echo "$out" >&2
        die "pgbench failed on $1 + $2"
    }
    parsed=$(awk '
        /^SQL script [0-9]+:/ { s = $3 + 0 }
        s && /transactions \(.*tps = / { sub(/.*tps = /, ""); sub(/\).*/, ""); tps[s] = $0 }
        s && /- latency average = / { lat[s] = $5 }
        s && /FROM public\./ && !(s in sel) { sel[s] = $1 }
        END { if ((1 in sel) && (2 in sel)) print tps[1], lat[1], sel[1], tps[2], lat[2], sel[2] }' <<<"$out")
    [[ $(wc -w <<<"$parsed") -eq 6 ]] || { echo "$out" >&2; die "could not read pgbench's output for $1 + $2"; }
    echo "$parsed"
}

# EXPLAIN as the role, with its claims, for one value of each variable.
explain_as() { # ROLE SQL
    local role=$1 sql=$2 claims
    sql=${sql//:viewer/17}
    sql=${sql//:author/4242}
    sql=${sql//:c/11}
    if [[ $role == authenticated ]]; then
        claims="{\"sub\":\"00000000-0000-4000-8000-000000000017\",\"role\":\"authenticated\"}"
    else
        claims='{"role":"service_role"}'
    fi
    psql_db -tA <<SQL
BEGIN READ ONLY;
SELECT set_config('role', '$role', true), set_config('request.jwt.claims', '$claims', true) \\g /dev/null
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) $sql
ROLLBACK;
SQL
}

# median_runs FILE: the per-column medians of "tps tx_ms select_ms" lines.
median_runs() {
    local col out=()
    for col in 1 2 3; do
        out+=("$(awk -v c=$col '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')")
    done
    echo "${out[*]}"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -a R_RUNS
declare -a R_AUTH_TPS R_AUTH_LAT R_AUTH_SEL R_SVC_TPS R_SVC_LAT R_SVC_SEL
for i in "${!JOB_NAMES[@]}"; do
    name=${JOB_NAMES[$i]}
    write_script "$WORK/$name.auth.sql" authenticated "${JOB_SETS[$i]}" "${JOB_SQL[$i]}"
    write_script "$WORK/$name.svc.sql" service_role "${JOB_SETS[$i]}" "${JOB_SQL[$i]}"
    log "$name: warming up"
    run_pgbench "$WORK/$name.svc.sql" "$WORK/$name.auth.sql" 2 >/dev/null
    : >"$WORK/$name.runs"
    for ((round = 1; round <= ROUNDS; round++)); do
        log "$name: round $round/$ROUNDS, both roles interleaved, ${DURATION}s"
        run_pgbench "$WORK/$name.svc.sql" "$WORK/$name.auth.sql" "$DURATION" >>"$WORK/$name.runs"
    done
    awk '{ print $1, $2, $3 }' "$WORK/$name.runs" >"$WORK/$name.svc.runs"
    awk '{ print $4, $5, $6 }' "$WORK/$name.runs" >"$WORK/$name.auth.runs"
    read -r R_SVC_TPS[i] R_SVC_LAT[i] R_SVC_SEL[i] < <(median_runs "$WORK/$name.svc.runs")
    read -r R_AUTH_TPS[i] R_AUTH_LAT[i] R_AUTH_SEL[i] < <(median_runs "$WORK/$name.auth.runs")
    R_RUNS[i]="service_role: $(tr '\n' ';' <"$WORK/$name.svc.runs") authenticated: $(tr '\n' ';' <"$WORK/$name.auth.runs")"
    log "$name: SELECT ${R_SVC_SEL[i]} ms as service_role, ${R_AUTH_SEL[i]} ms as authenticated (medians)"
done

# ---------------------------------------------------------------------------
# Report (a hand-written "## Findings" section at the end is kept)
# ---------------------------------------------------------------------------
FINDINGS=
if [[ -f "$RESULTS" ]] && grep -q '^## Findings' "$RESULTS"; then
    FINDINGS=$(sed -n '/^## Findings/,$p' "$RESULTS")
fi
PG_VERSION=$(psql_db -tA -c 'SHOW server_version')
{
    echo "# RLS overhead: authenticated (RLS, JWT claims) vs service_role (BYPASSRLS)"
    echo
    echo "Generated by \`pgrx-tests/bench/rls_overhead.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo
    echo "- Machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GiB memory"
    echo "- PostgreSQL $PG_VERSION, default settings except fsync/synchronous_commit/full_page_writes off; arcanea as installed (SQL checksum $INSTALLED_SQL; work tree at $(git -C "$ARCANEA_ROOT" describe --always --dirty 2>/dev/null || echo '?'))"
    echo "- Data: $N_PROFILES profiles, $N_CREATIONS creations ($N_PUBLIC published and public), $N_LIKES likes"
    echo "- Each read: \`pgbench -n -r -M prepared -c 1 -T $DURATION -f service_role.sql@1 -f authenticated.sql@1\`,"
    echo "  $ROUNDS rounds, medians reported. The two scripts run interleaved (pgbench draws one per transaction),"
    echo "  so both roles see the same machine load. One transaction per request as PostgREST runs it"
    echo "  (\`BEGIN READ ONLY\`; \`set_config('role', ...)\` and \`set_config('request.jwt.claims', ...)\`; the SELECT; \`COMMIT\`),"
    echo "  viewer, author and creation drawn at random per transaction; 2 s warm-up each."
    echo "- Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "  Other work on this 2-core machine slows both roles alike (interleaved), but adds noise: rerun when it is busy."
    echo "- Two ratios, authenticated / service_role: of the SELECT's own mean latency (pgbench -r), which"
    echo "  isolates what RLS adds, and of the whole transaction's (four round trips), which is what a"
    echo "  request feels. Target: the SELECT ratio <= 1.30."
    echo
    echo "| read | SELECT ms, service_role | SELECT ms, authenticated | SELECT ratio | transaction ms (tps), service_role | transaction ms (tps), authenticated | transaction ratio | target |"
    echo "|---|---|---|---|---|---|---|---|"
    for i in "${!JOB_NAMES[@]}"; do
        ratio=$(awk -v a="${R_AUTH_SEL[$i]}" -v s="${R_SVC_SEL[$i]}" 'BEGIN { printf "%.2f", a / s }')
        tratio=$(awk -v a="${R_AUTH_LAT[$i]}" -v s="${R_SVC_LAT[$i]}" 'BEGIN { printf "%.2f", a / s }')
        ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.30) ? "met" : "**missed**" }')
        echo "| ${JOB_NAMES[$i]}: ${JOB_TEXTS[$i]} | ${R_SVC_SEL[$i]} | ${R_AUTH_SEL[$i]} | $ratio | ${R_SVC_LAT[$i]} (${R_SVC_TPS[$i]%.*}) | ${R_AUTH_LAT[$i]} (${R_AUTH_TPS[$i]%.*}) | $tratio | $ok |"
    done
    echo
    echo "Raw runs, per round (tps, transaction ms, SELECT ms):"
    echo
    for i in "${!JOB_NAMES[@]}"; do
        echo "- ${JOB_NAMES[$i]}: ${R_RUNS[$i]}"
    done
    echo
    echo "## Queries and plans"
    for i in "${!JOB_NAMES[@]}"; do
        echo
        echo "### ${JOB_NAMES[$i]}: ${JOB_TEXTS[$i]}"
        echo
        echo '```sql'
        echo "${JOB_SQL[$i]}"
        echo '```'
        for role in service_role authenticated; do
            echo
            echo "EXPLAIN (ANALYZE, BUFFERS) as $role:"
            echo
            echo '```'
            explain_as "$role" "${JOB_SQL[$i]}"
            echo '```'
        done
    done
    if [[ -n $FINDINGS ]]; then
        echo
        echo "$FINDINGS"
    fi
} >"$RESULTS"
log "wrote $RESULTS"
