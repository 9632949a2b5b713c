#!/usr/bin/env bash
# pgrx-tests/bench/partitions_bench.sh: what the monthly partitions of
# notifications and luminor_messages (sql/77_partitions.sql) buy and cost,
# measured beside the same work on unpartitioned copies (issue 16,
# "Measured", first two points).
#
#   pgrx-tests/bench/partitions_bench.sh [--old N] [--recent N] [--users N]
#        [--rounds R] [--duration SEC] [--clients N] [--so FILE] [--out FILE]
#
#   1. The build: a release build of the work tree (cargo pgrx package into
#      .stack/partitions-bench-work/stage; its SQL must be the installed one,
#      which CREATE EXTENSION reads), or the release library FILE (--so). It
#      goes to the cluster's own library folder (.stack/partitions-bench-lib,
#      first on its dynamic_library_path): the system install is left alone.
#   2. Its own cluster (.stack/partitions-bench-pgdata, 127.0.0.1:54357):
#      fsync and synchronous_commit off as in the other benchmarks, but
#      full_page_writes on and wal_level logical (the WAL figures are meant
#      to be a Supabase server's), and autovacuum off (the VACUUM the DELETE
#      owes is measured here, not left to run at a random moment).
#   3. The data (before the benchmark lock): --users users (default 1,000;
#      auth.users rows, the signup trigger makes the profiles); --old N
#      notifications (default 1,000,000) created in [now - 150 days,
#      now - 90 days], all read a day after; --recent N (default 1,000,000)
#      in [now - 20 days, now], half read since, half unread. The monthly
#      partitions of every month holding rows are made first
#      (arcanea.create_month_partition, then arcanea.ensure_partitions for
#      the months ahead), so no row lands in DEFAULT (checked). The same
#      rows, in the same (created_at) order, go into bench.notifications_plain
#      (LIKE public.notifications INCLUDING ALL: the same indexes, no
#      partitions). For the inserts: bench.luminor_messages_plain (LIKE
#      public.luminor_messages INCLUDING ALL) with the same foreign keys and
#      the same triggers, read from the catalog.
#   4. Under the benchmark lock (/tmp/arcanea-bench.lock), R rounds (default
#      3), each on a fresh copy of the database (CREATE DATABASE ...
#      TEMPLATE, STRATEGY FILE_COPY), the two sides in alternating order:
#        partitioned: public.cleanup_notifications('30 days') as the service
#                     role (SET ROLE service_role, JWT claims role
#                     service_role, as PostgREST calls it);
#        plain:       the DELETE of src/queries/notifications/cleanup.sql,
#                     read from that file, on bench.notifications_plain, as
#                     the superuser, with $1 = '30 days';
#      each after a CHECKPOINT (so both start with no page yet imaged in the
#      WAL): wall time, WAL bytes, rows removed, table + index size, dead
#      tuples, then a plain VACUUM (its time and WAL) and the size after it.
#   5. Then pgbench, --clients clients (default 16, 2 threads), -M prepared,
#      SEC seconds (default 30), R runs per side alternating, each after a
#      CHECKPOINT: INSERT INTO public.luminor_messages (conversation_id,
#      user_id, role, content) against the same INSERT into
#      bench.luminor_messages_plain, as the superuser, each client into its
#      own conversation with its own Luminor (no shared row).
#   6. The report: the section between <!-- partitions:begin --> and
#      <!-- partitions:end --> of FILE (default pgrx-tests/bench/RESULTS.md),
#      and nothing else of it; appended when FILE has no such section.
# The cluster and its data are deleted at the end unless ARCANEA_BENCH_KEEP=1.
# Exits non-zero when the two sides removed different rows, a row landed in
# a DEFAULT partition, a pgbench transaction failed or the counters the
# triggers keep do not add up.
# Other work on the machine: after taking the lock, and again before the
# inserts, the script waits while the CPU is more than 25% busy with this
# cluster idle (at most ARCANEA_BENCH_QUIET_WAIT seconds in all, default 300),
# then measures anyway; the report gives the CPU other work took.
# Port: ARCANEA_PARTITIONS_BENCH_PG_PORT. Disk: about 5 GB at the defaults
# (the 2 GB database, one copy of it, the WAL of a round); 5-6 minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
source "$ARCANEA_ROOT/pgrx-tests/bench/lib.sh"

OLD=1000000
RECENT=1000000
USERS=1000
ROUNDS=3
DURATION=30
CLIENTS=16
SO_ARG=
OUT=$ARCANEA_ROOT/pgrx-tests/bench/RESULTS.md
while [[ $# -gt 0 ]]; do
    case $1 in
        --old) OLD=$2; shift 2 ;;
        --recent) RECENT=$2; shift 2 ;;
        --users) USERS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        --so) SO_ARG=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        -h|--help) sed -n '2,63p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
for n in "$OLD" "$RECENT" "$USERS" "$ROUNDS" "$DURATION" "$CLIENTS"; do
    [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || die "--old, --recent, --users, --rounds, --duration and --clients take positive integers"
done
((USERS >= CLIENTS)) || die "--users must be at least --clients (each client writes as its own user)"

PORT=${ARCANEA_PARTITIONS_BENCH_PG_PORT:-54357}
STACK=$(stack_dir)
DATA=$STACK/partitions-bench-pgdata
LIB=$STACK/partitions-bench-lib
WORK=$STACK/partitions-bench-work
LOGS=$WORK/logs
SRC_DB=partitions_src
AGE='30 days'
KEEP=${ARCANEA_BENCH_KEEP:-0}
START=$SECONDS
RUN_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
sq() { cluster_psql "$PORT" "$@"; }
say() { printf '[%5ds] ' $((SECONDS - START)) >&2; log "$*"; }
command -v "$(pg_bin pgbench)" >/dev/null || die "pgbench not found in $(pg_bin)"
rm -rf "$WORK"
mkdir -p "$WORK" "$LOGS"

cleanup() {
    jobs -p | xargs -r kill 2>/dev/null || true
    if [[ "$KEEP" == 1 ]]; then
        log "ARCANEA_BENCH_KEEP=1: cluster left running on port $PORT ($DATA), work files in $WORK"
    else
        cluster_destroy "$DATA" >/dev/null 2>&1 || true
        rm -rf "$WORK" "$LIB"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# 1. The build
# ---------------------------------------------------------------------------
bench_build_library "$SO_ARG" "$LIB" "$WORK"

# ---------------------------------------------------------------------------
# 2. The cluster
# ---------------------------------------------------------------------------
# Not bench_cluster_up: its cluster_start --fast pins full_page_writes=off on
# the command line, where no ALTER SYSTEM can turn it back on, and a server
# without full-page images would make the DELETE's WAL look several times
# smaller than a production server writes. wal_level logical, as Supabase
# runs (Realtime decodes the WAL): a deleted row's WAL record then carries its
# key too.
declare -A WANT=(
    [shared_buffers]=2GB [effective_cache_size]=8GB [maintenance_work_mem]=1GB
    [max_wal_size]=4GB [checkpoint_timeout]=1h [jit]=off
    [fsync]=off [synchronous_commit]=off [full_page_writes]=on [autovacuum]=off [wal_level]=logical
    [dynamic_library_path]="$LIB:\$libdir"
)
cluster_start "$DATA" "$PORT"
restart=0
for k in "${!WANT[@]}"; do
    cur=$(sq postgres -At -c "SELECT coalesce((SELECT setting FROM pg_file_settings WHERE name = '$k' AND applied IS NOT NULL ORDER BY seqno DESC LIMIT 1), '')")
    if [[ "$cur" != "${WANT[$k]}" ]]; then
        sq postgres -c "ALTER SYSTEM SET $k = '${WANT[$k]}'"
        restart=1
    fi
done
if ((restart)); then
    cluster_stop "$DATA"
    cluster_start "$DATA" "$PORT"
fi
for k in full_page_writes fsync autovacuum wal_level; do
    [[ "$(sq postgres -At -c "SHOW $k")" == "${WANT[$k]}" ]] || die "the cluster runs with $k = $(sq postgres -At -c "SHOW $k"), not ${WANT[$k]}"
done
PG_VERSION=$(sq postgres -At -c "SHOW server_version")

# ---------------------------------------------------------------------------
# 3. The data (before the lock: generating it is not measured)
# ---------------------------------------------------------------------------
say "database $SRC_DB: $USERS users, $OLD old and $RECENT recent notifications, twice"
sq postgres -c "DROP DATABASE IF EXISTS $SRC_DB WITH (FORCE)" -c "CREATE DATABASE $SRC_DB"
sq "$SRC_DB" -c "CREATE EXTENSION arcanea" -c "CREATE EXTENSION pgstattuple"
T0=$(sq "$SRC_DB" -At -c "SELECT now()")
# Its progress lines (\echo), stamped with the script's clock.
stamp() { while IFS= read -r line; do printf '[%5ds] %s\n' $((SECONDS - START)) "$line"; done >&2; }
sq "$SRC_DB" -v users="$USERS" -v old="$OLD" -v recent="$RECENT" -v clients="$CLIENTS" -v t0="$T0" 2>&1 <<'SQL' | stamp
CREATE SCHEMA bench;
-- h(seed, i): a deterministic number in [0, 1).
CREATE FUNCTION bench.h(s integer, i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ((hashint8(i * 7919 + s)::bigint + 2147483648) / 4294967296.0)::float8 $$;
CREATE FUNCTION bench.uid(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT md5('pb-user-' || n)::uuid $$;
-- The leaf tables of a table: its partitions, or itself.
CREATE FUNCTION bench.leaves(r regclass) RETURNS SETOF regclass LANGUAGE sql STABLE AS $$
    SELECT relid FROM pg_partition_tree(r) WHERE isleaf
    UNION ALL SELECT r WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree(r) WHERE isleaf)
$$;
-- Bytes of a table over its leaves: everything (heap, indexes, TOAST), the
-- heap alone, the indexes alone.
CREATE FUNCTION bench.sizes(r regclass, OUT total bigint, OUT heap bigint, OUT indexes bigint)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(pg_total_relation_size(l)), 0)::bigint, coalesce(sum(pg_relation_size(l)), 0)::bigint,
           coalesce(sum(pg_indexes_size(l)), 0)::bigint
      FROM bench.leaves(r) l
$$;
-- Rows of a table.
CREATE FUNCTION bench.nrows(r regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', r) INTO n;
    RETURN n;
END
$$;
-- The machine's CPU ticks (all cores: total and idle, from /proc/stat) and
-- this backend's own (/proc/self/stat: utime + stime), to tell how much of
-- the CPU other processes took while this session measured.
CREATE FUNCTION bench.cpu_now(OUT total bigint, OUT idle bigint, OUT mine bigint) LANGUAGE sql AS $$
    SELECT (SELECT sum(x::bigint) FROM unnest(a[2:9]) x), a[5]::bigint + a[6]::bigint,
           split_part(me, ' ', 14)::bigint + split_part(me, ' ', 15)::bigint
      FROM (SELECT regexp_split_to_array(split_part(pg_read_file('/proc/stat'), E'\n', 1), '\s+') AS a,
                   pg_read_file('/proc/self/stat') AS me) x
$$;
-- Dead tuples over the leaves, as pg_stat counts them.
CREATE FUNCTION bench.dead(r regclass) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(n_dead_tup), 0)::bigint FROM pg_stat_user_tables WHERE relid IN (SELECT bench.leaves(r))
$$;
-- Free space of the heap over the leaves (pgstattuple: exact, reads every page), in %.
CREATE FUNCTION bench.free_pct(r regclass) RETURNS numeric LANGUAGE sql AS $$
    SELECT round(100.0 * coalesce(sum(s.free_space), 0) / nullif(sum(s.table_len), 0), 1)
      FROM bench.leaves(r) l, LATERAL pgstattuple(l) s
$$;

\echo users
INSERT INTO auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
SELECT bench.uid(n), 'authenticated', 'authenticated', 'pb_' || n || '@bench.arcanea.test', :'t0'::timestamptz - interval '400 days',
       '{"provider": "email"}', jsonb_build_object('username', 'pb_user_' || n),
       :'t0'::timestamptz - interval '400 days', :'t0'::timestamptz - interval '400 days'
  FROM generate_series(1, :users) n;

-- The notifications, staged once so that both tables get the same rows.
-- Old: created in [t0 - 150 days, t0 - 90 days], read a day later. Recent:
-- created in [t0 - 20 days, t0], half read since (so after the cutoff),
-- half unread. Each from one of the users, about another one.
\echo staging notifications
CREATE UNLOGGED TABLE bench.notif_stage (LIKE public.notifications);
INSERT INTO bench.notif_stage (id, user_id, type, title, message, action_url, metadata, is_read, is_archived,
                               created_at, read_at, group_key)
SELECT md5('pb-n' || i)::uuid, bench.uid(u), k.type, k.title, format(k.message, 'pb_user_' || actor),
       CASE WHEN k.kind = 3 THEN '/profile/pb_user_' || actor ELSE '/creations/' || md5('pb-c' || (i % 50000)) END,
       CASE WHEN k.kind = 6 THEN '{}'::jsonb ELSE jsonb_build_object('actor_id', bench.uid(actor)) END,
       is_read, false, at, read_at,
       CASE WHEN k.kind IN (1, 3) THEN k.type || ':' || bench.uid(actor) END
  FROM (SELECT i, 1 + floor(:users * bench.h(1, i))::int AS u, 1 + floor(:users * bench.h(2, i))::int AS actor,
               1 + floor(6 * bench.h(3, i))::int AS kind, true AS is_read,
               :'t0'::timestamptz - interval '150 days' + interval '60 days' * bench.h(4, i) AS at,
               :'t0'::timestamptz - interval '150 days' + interval '60 days' * bench.h(4, i) + interval '1 day' AS read_at
          FROM generate_series(1, :old) i
        UNION ALL
        SELECT i, u, actor, kind, is_read, at, CASE WHEN is_read THEN at + (:'t0'::timestamptz - at) * bench.h(6, i) END
          FROM (SELECT i, 1 + floor(:users * bench.h(1, i))::int AS u, 1 + floor(:users * bench.h(2, i))::int AS actor,
                       1 + floor(6 * bench.h(3, i))::int AS kind, bench.h(5, i) < 0.5 AS is_read,
                       :'t0'::timestamptz - interval '20 days' * bench.h(4, i) AS at
                  FROM generate_series(:old + 1, :old + :recent) i) r) n
  JOIN (VALUES (1, 'creation_liked', 'Someone liked your creation', '%s liked your creation'),
               (2, 'creation_commented', 'Someone commented on your creation', '%s commented on your creation'),
               (3, 'new_follower', 'You have a new follower', '%s started following you'),
               (4, 'comment_reply', 'Someone replied to your comment', '%s replied to your comment'),
               (5, 'mention', 'You were mentioned in a comment', '%s mentioned you in a comment'),
               (6, 'system_announcement', 'News from Arcanea', 'Hello %s, there is something new on Arcanea'))
       k(kind, type, title, message) USING (kind);

-- Every month holding rows gets its partition before the load; then
-- ensure_partitions makes the months ahead (of both tables).
\echo monthly partitions
DO $$
DECLARE
    m timestamptz;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
               FROM bench.notif_stage ORDER BY 1
    LOOP
        RAISE WARNING 'made %', arcanea.create_month_partition('public.notifications', m);
    END LOOP;
END
$$;
SELECT 'ensure_partitions made ' || string_agg(p::text, ', ') FROM arcanea.ensure_partitions() p;
CREATE TABLE bench.notifications_plain (LIKE public.notifications INCLUDING ALL);
\echo staged
SQL
[[ ${PIPESTATUS[0]} -eq 0 ]] || die "making the data failed"

# The two loads at once (one per core), each in created_at order as rows
# arrive, so both tables' indexes grow the same way, one row at a time.
pids=()
for table in public.notifications bench.notifications_plain; do
    { sq "$SRC_DB" -c "INSERT INTO $table SELECT * FROM bench.notif_stage ORDER BY created_at" 2>&1 \
          && echo "loaded $table"; } | stamp &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || die "loading the notifications failed"; done
sq "$SRC_DB" -v clients="$CLIENTS" 2>&1 <<'SQL' | stamp
DROP TABLE bench.notif_stage;

-- The inserts: one Luminor and one conversation per client, so that no two
-- clients update the same row (a user message adds to its Luminor's
-- interaction_count: with the three seeded Luminors the 16 clients would
-- queue on three rows, the same on both sides, hiding what is measured).
\echo conversations and bench.luminor_messages_plain
INSERT INTO public.luminors (name, slug, title)
SELECT 'Bench ' || n, 'pb-luminor-' || n, 'Benchmark Luminor' FROM generate_series(1, :clients) n;
INSERT INTO public.luminor_conversations (id, user_id, luminor_id, title, session_id)
SELECT md5('pb-conv-' || n)::uuid, bench.uid(n), l.id, 'Benchmark chat ' || n, 'pb-' || n
  FROM generate_series(1, :clients) n JOIN public.luminors l ON l.slug = 'pb-luminor-' || n;
CREATE TABLE bench.luminor_messages_plain (LIKE public.luminor_messages INCLUDING ALL);
-- The copy's foreign keys, triggers and the functions typed on the
-- table's row type, recreated from the catalog. search_path pg_catalog:
-- the definitions then name every object with its schema.
SET search_path = pg_catalog;
DO $$
DECLARE
    r record;
    def text;
BEGIN
    FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
              WHERE conrelid = 'public.luminor_messages'::regclass AND contype = 'f' ORDER BY conname
    LOOP
        EXECUTE format('ALTER TABLE bench.luminor_messages_plain ADD CONSTRAINT %I %s', r.conname, r.def);
    END LOOP;
    -- A trigger function may hand NEW to a function taking a
    -- public.luminor_messages (messages_maintain_counts calls
    -- arcanea.message_apply(NEW, 1)); the copy's NEW is another row type, so
    -- such a function gets a twin over the copy's type: the same body, with
    -- the copy in place of public.luminor_messages.
    FOR r IN SELECT p.oid FROM pg_proc p
              WHERE 'public.luminor_messages'::regtype = ANY (p.proargtypes::oid[])
    LOOP
        def := pg_get_functiondef(r.oid);
        def := replace(replace(def, 'CREATE OR REPLACE FUNCTION', 'CREATE FUNCTION'),
                       'public.luminor_messages', 'bench.luminor_messages_plain');
        EXECUTE def;
        RAISE WARNING 'twin of % over bench.luminor_messages_plain', r.oid::regprocedure;
    END LOOP;
    FOR r IN SELECT tgname, tgenabled, pg_get_triggerdef(oid) AS def FROM pg_trigger
              WHERE tgrelid = 'public.luminor_messages'::regclass AND NOT tgisinternal ORDER BY tgname
    LOOP
        def := replace(r.def, ' ON public.luminor_messages ', ' ON bench.luminor_messages_plain ');
        IF def = r.def THEN
            RAISE EXCEPTION 'cannot retarget trigger %: %', r.tgname, r.def;
        END IF;
        EXECUTE def;
        IF r.tgenabled <> 'O' THEN
            EXECUTE format('ALTER TABLE bench.luminor_messages_plain %s TRIGGER %I',
                           CASE r.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'A' THEN 'ENABLE ALWAYS' ELSE 'ENABLE REPLICA' END,
                           r.tgname);
        END IF;
    END LOOP;
END
$$;
RESET search_path;
-- As scripts/bench.sh and shell/soak.sh do; the inserts run as the
-- superuser, whom the limit never counts, but the trigger still runs.
UPDATE arcanea.rate_limits SET max_calls = 1000000000;

\echo conversations done
SQL
[[ ${PIPESTATUS[0]} -eq 0 ]] || die "making the data failed"
# Hint bits and visibility maps set on both, as on tables that have lived a
# while; again one table per core.
pids=()
for table in public.notifications bench.notifications_plain; do
    { sq "$SRC_DB" -c "VACUUM ANALYZE $table" 2>&1 && echo "vacuumed $table"; } | stamp &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || die "VACUUM failed"; done
sq "$SRC_DB" -c "VACUUM ANALYZE" -c "CHECKPOINT"

# What the copy must share with the real table, and the data's checks.
value() { sq "$SRC_DB" -At -c "$1"; }
SHAPE_Q="SELECT %s FROM (
    SELECT string_agg(d, '; ' ORDER BY d) AS idx
      FROM (SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', '') AS d
              FROM pg_index i WHERE i.indrelid = '%s'::regclass) x) a, (
    SELECT string_agg(d, '; ' ORDER BY d) AS trg
      FROM (SELECT format('%%s %%s %%s %%s %%s', t.tgname, t.tgtype, t.tgfoid::regproc, encode(t.tgargs, 'escape'), t.tgenabled) AS d
              FROM pg_trigger t WHERE t.tgrelid = '%s'::regclass AND NOT t.tgisinternal) x) b, (
    SELECT string_agg(d, '; ' ORDER BY d) AS fk
      FROM (SELECT pg_get_constraintdef(c.oid) AS d
              FROM pg_constraint c WHERE c.conrelid = '%s'::regclass AND c.contype IN ('f', 'c', 'p')) x) c"
shape() { value "$(printf "$SHAPE_Q" "$1" "$2" "$2" "$2")"; }
for pair in "public.notifications bench.notifications_plain idx" "public.luminor_messages bench.luminor_messages_plain idx || ' | ' || trg || ' | ' || fk"; do
    read -r real copy what <<<"$pair"
    a=$(shape "$what" "$real")
    b=$(shape "$what" "$copy")
    [[ "$a" == "$b" ]] || die "$copy differs from $real: $b  VERSUS  $a"
done
NOTIF_INDEXES=$(value "SELECT count(*) FROM pg_index WHERE indrelid = 'bench.notifications_plain'::regclass")
MSG_TRIGGERS=$(value "SELECT string_agg(format('\`%s\` (%s)', tgname, tgfoid::regproc), ', ' ORDER BY tgname) FROM pg_trigger
                      WHERE tgrelid = 'bench.luminor_messages_plain'::regclass AND NOT tgisinternal")
MSG_INDEXES=$(value "SELECT count(*) FROM pg_index WHERE indrelid = 'bench.luminor_messages_plain'::regclass")
MSG_ROW_TRIGGERS=$(value "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'bench.luminor_messages_plain'::regclass AND NOT tgisinternal
                          AND tgtype & 1 = 1 AND tgtype & 4 = 4")
MSG_FKS=$(value "SELECT count(*) FROM pg_constraint WHERE conrelid = 'bench.luminor_messages_plain'::regclass AND contype = 'f'")
TWINS=$(value "SELECT coalesce(string_agg(oid::regprocedure::text, ', '), 'none') FROM pg_proc
               WHERE 'bench.luminor_messages_plain'::regtype = ANY (proargtypes::oid[])")
PROFILES=$(value "SELECT count(*) FROM public.profiles")
[[ "$PROFILES" == "$USERS" ]] || die "$USERS users made $PROFILES profiles"
read -r N_PART N_PLAIN <<<"$(value "SELECT (SELECT count(*) FROM public.notifications), (SELECT count(*) FROM bench.notifications_plain)" | tr '|' ' ')"
[[ "$N_PART" == $((OLD + RECENT)) && "$N_PLAIN" == "$N_PART" ]] || die "loaded $N_PART and $N_PLAIN notifications, not $((OLD + RECENT))"
DEFAULTS=$(value "SELECT string_agg(format('\`%s\` %s', c.oid::regclass, bench.nrows(c.oid)), ', ' ORDER BY c.oid::regclass::text)
                  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
                 WHERE i.inhparent IN ('public.notifications'::regclass, 'public.luminor_messages'::regclass)
                   AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'")
say "rows in the DEFAULT partitions after the load: $DEFAULTS"
NOTIF_DEFAULT_ROWS=$(value "SELECT count(*) FROM arcanea_partitions.notifications_default")
[[ "$NOTIF_DEFAULT_ROWS" == 0 ]] || die "$NOTIF_DEFAULT_ROWS notifications landed in the DEFAULT partition"
PARTS=$(value "SELECT string_agg(format('%s (%s)', replace(relid::regclass::text, 'arcanea_partitions.notifications_', ''), bench.nrows(relid)),
                              ', ' ORDER BY relid::regclass::text)
                 FROM pg_partition_tree('public.notifications') WHERE isleaf")
say "notifications partitions (rows): $PARTS"
NOTIF_SIZE=$(value "SELECT pg_size_pretty(total) FROM bench.sizes('public.notifications')")
DB_SIZE=$(value "SELECT pg_size_pretty(pg_database_size(current_database()))")
say "data ready in $((SECONDS - START))s (database $DB_SIZE, notifications $NOTIF_SIZE per table)"

# Today's statement, from the file the extension compiles in, on the copy.
CLEANUP_SQL=$(grep -v '^[[:space:]]*--' "$ARCANEA_ROOT/src/queries/notifications/cleanup.sql")
[[ $(grep -o 'public\.notifications' <<<"$CLEANUP_SQL" | wc -l) == 1 ]] || die "cleanup.sql no longer names public.notifications once: update this script"
PLAIN_SQL=${CLEANUP_SQL//public.notifications/bench.notifications_plain}

# ---------------------------------------------------------------------------
# 4. Under the lock: the cleanup, ROUNDS times on fresh copies
# ---------------------------------------------------------------------------
say "waiting for the benchmark lock (/tmp/arcanea-bench.lock)"
exec 9>/tmp/arcanea-bench.lock
t_wait=$SECONDS
flock 9
LOCK_WAIT=$((SECONDS - t_wait))
# CPU share in use while this cluster is idle: other work on the machine.
cpu_busy() {
    local a b
    read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ </proc/stat
    sleep "$1"
    read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ </proc/stat
    a=$(((b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8) - (a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8)))
    b=$(((b4 + b5) - (a4 + a5)))
    awk -v t="$a" -v i="$b" 'BEGIN { v = t > 0 ? 100 * (t - i) / t : 0; printf "%.0f%%", v }'
}
# wait_quiet: while other work keeps the CPU busier than 25% (5 s samples
# with this cluster idle), wait, for at most ARCANEA_BENCH_QUIET_WAIT seconds
# (default 300) in all; then measure anyway. Sets BUSY (the last sample).
QUIET_LEFT=${ARCANEA_BENCH_QUIET_WAIT:-300}
QUIET_WAITED=0
wait_quiet() {
    BUSY=$(cpu_busy 5)
    while ((${BUSY%\%} > 25 && QUIET_LEFT > 0)); do
        say "CPU busy $BUSY with this cluster idle: waiting for other work (${QUIET_LEFT}s left)"
        sleep 10
        QUIET_LEFT=$((QUIET_LEFT - 15)); QUIET_WAITED=$((QUIET_WAITED + 15))
        BUSY=$(cpu_busy 5)
    done
}
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
wait_quiet
BUSY_START=$BUSY
say "lock taken after ${LOCK_WAIT}s; load average $LOAD_START; CPU busy over 5 s with this cluster idle: $BUSY_START"

# /proc's unit of CPU time (ticks per second).
HZ=$(getconf CLK_TCK)
# The time spent in the partition pass so far (pg_stat_user_functions).
DROP_FN_TIME="coalesce((SELECT total_time FROM pg_stat_user_functions
                         WHERE funcid = 'arcanea.drop_read_notification_partitions(timestamptz)'::regprocedure), 0)"
# measure_cleanup SIDE DB FILE: one side's cleanup in DB, its figures as
# key=value lines in FILE.
measure_cleanup() {
    local side=$1 db=$2 file=$3 rel op
    if [[ $side == partitioned ]]; then
        rel=public.notifications
        # As PostgREST runs it for the service role: SET ROLE and the JWT
        # claims; the function is SECURITY DEFINER (it runs as its owner).
        # track_functions (this session only): how much of the time the
        # partition pass (drop_read_notification_partitions) takes.
        op="SET track_functions = 'pl';
SELECT total AS c_total0, idle AS c_idle0, mine AS c_mine0 FROM bench.cpu_now() \\gset
SET ROLE service_role;
SELECT set_config('request.jwt.claims', '{\"role\": \"service_role\"}', false) \\g /dev/null
SELECT clock_timestamp() AS t0, pg_current_wal_insert_lsn() AS lsn0 \\gset
SELECT public.cleanup_notifications('$AGE') AS removed \\gset
SELECT clock_timestamp() AS t1, pg_current_wal_insert_lsn() AS lsn1 \\gset
RESET ROLE;
SELECT total AS c_total1, idle AS c_idle1, mine AS c_mine1 FROM bench.cpu_now() \\gset"
    else
        rel=bench.notifications_plain
        op="PREPARE plain_cleanup(interval) AS $PLAIN_SQL;
SELECT total AS c_total0, idle AS c_idle0, mine AS c_mine0 FROM bench.cpu_now() \\gset
SELECT clock_timestamp() AS t0, pg_current_wal_insert_lsn() AS lsn0 \\gset
EXECUTE plain_cleanup('$AGE') \\gset
SELECT clock_timestamp() AS t1, pg_current_wal_insert_lsn() AS lsn1 \\gset
SELECT total AS c_total1, idle AS c_idle1, mine AS c_mine1 FROM bench.cpu_now() \\gset
\\set removed :count"
    fi
    # pg_current_wal_insert_lsn, not pg_current_wal_lsn: with
    # synchronous_commit off the write position trails what was inserted by
    # up to a wal_writer_delay. pg_stat_force_next_flush: this session's
    # counts reach pg_stat_user_tables before its next statement reads them.
    sq "$db" -At <<SQL >"$file"
SELECT format('expected=%s', count(*)) FROM $rel WHERE is_read AND read_at < now() - interval '$AGE';
SELECT format('rows_before=%s', count(*)) FROM $rel;
SELECT format('total_before=%s heap_before=%s idx_before=%s', total, heap, indexes) FROM bench.sizes('$rel');
SELECT checkpoints_timed + checkpoints_req AS ck0 FROM pg_stat_bgwriter \gset
SELECT $DROP_FN_TIME AS f0 \gset
CHECKPOINT;
$op
SELECT pg_stat_force_next_flush();
SELECT format('drop_fn_ms=%s', round(($DROP_FN_TIME - :f0)::numeric, 1));
-- CPU during the operation, in seconds of one core: the whole machine's
-- busy time, and this backend's own. The difference is parallel query
-- workers, this cluster's background writers and any other work; in
-- cores' worth (others_cores), over the wall time.
SELECT format('cpu_s=%s mine_s=%s others_cores=%s',
              round(((:c_total1 - :c_total0) - (:c_idle1 - :c_idle0)) / $HZ.0, 2),
              round((:c_mine1 - :c_mine0) / $HZ.0, 2),
              round(greatest(0, (:c_total1 - :c_total0) - (:c_idle1 - :c_idle0) - (:c_mine1 - :c_mine0))::numeric
                    / nullif((:c_total1 - :c_total0) / $(nproc).0, 0), 2));
SELECT format('ms=%s wal=%s removed=%s', round(extract(epoch FROM :'t1'::timestamptz - :'t0'::timestamptz) * 1000, 1),
              pg_wal_lsn_diff(:'lsn1', :'lsn0'), :removed);
SELECT format('checkpoints_during=%s', checkpoints_timed + checkpoints_req - :ck0 - 1) FROM pg_stat_bgwriter;
SELECT format('rows_after=%s', count(*)) FROM $rel;
SELECT format('total_after=%s heap_after=%s idx_after=%s', total, heap, indexes) FROM bench.sizes('$rel');
SELECT format('dead_after=%s', bench.dead('$rel'));
SELECT format('free_after=%s', bench.free_pct('$rel'));
CHECKPOINT;
SELECT clock_timestamp() AS v0, pg_current_wal_insert_lsn() AS vlsn0 \gset
VACUUM $rel;
SELECT clock_timestamp() AS v1, pg_current_wal_insert_lsn() AS vlsn1 \gset
SELECT pg_stat_force_next_flush();
SELECT format('vac_ms=%s vac_wal=%s', round(extract(epoch FROM :'v1'::timestamptz - :'v0'::timestamptz) * 1000, 1),
              pg_wal_lsn_diff(:'vlsn1', :'vlsn0'));
SELECT format('total_vac=%s heap_vac=%s idx_vac=%s', total, heap, indexes) FROM bench.sizes('$rel');
SELECT format('dead_vac=%s', bench.dead('$rel'));
SELECT format('free_vac=%s', bench.free_pct('$rel'));
SQL
    sed -i 's/ /\n/g' "$file"
}
get() { sed -n "s/^$2=//p" "$1"; }

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
for ((r = 1; r <= ROUNDS; r++)); do
    RUN_DB=partitions_round
    sq postgres -c "DROP DATABASE IF EXISTS $RUN_DB WITH (FORCE)" \
        -c "CREATE DATABASE $RUN_DB TEMPLATE $SRC_DB STRATEGY FILE_COPY"
    if ((r % 2)); then order=(partitioned plain); else order=(plain partitioned); fi
    for side in "${order[@]}"; do
        f=$LOGS/cleanup.$side.$r
        measure_cleanup "$side" "$RUN_DB" "$f"
        say "round $r, $side: $(get "$f" ms) ms, WAL $(mb "$(get "$f" wal)") MiB, removed $(get "$f" removed) of $(get "$f" rows_before) (expected $(get "$f" expected)), dead tuples after $(get "$f" dead_after), VACUUM $(get "$f" vac_ms) ms"
    done
    sq postgres -c "DROP DATABASE $RUN_DB WITH (FORCE)"
done

# ---------------------------------------------------------------------------
# 5. Under the lock: message inserts, partitioned and plain, alternating
# ---------------------------------------------------------------------------
# The plan of drop_read_notification_partitions' check on the largest
# month it dropped (its statement, from sql/77_partitions.sql's shape).
CHECK_PART=$(value "SELECT relid FROM pg_partition_tree('public.notifications')
                     WHERE isleaf AND (arcanea.partition_bounds(relid)).upper_bound <= now() - interval '$AGE'
                     ORDER BY bench.nrows(relid) DESC LIMIT 1")
CHECK_EXPLAIN=$(value "EXPLAIN (COSTS OFF) SELECT count(*), coalesce(bool_and(is_read AND read_at < now() - interval '$AGE'), true) FROM $CHECK_PART")
CHECK_WORKERS=$(sed -n 's/.*Workers Planned: \([0-9]*\).*/\1/p' <<<"$CHECK_EXPLAIN" | head -1)
CHECK_WORKERS=${CHECK_WORKERS:-0}
CHECK_PLAN=$(sed 's/^ *//; s/^-> *//' <<<"$CHECK_EXPLAIN" | paste -sd'|' - | sed 's/|/ → /g')
say "the check's plan on $CHECK_PART: $CHECK_PLAN"
wait_quiet
BUSY_MID=$BUSY
say "CPU busy over 5 s with this cluster idle: $BUSY_MID"
for side in partitioned plain; do
    table=public.luminor_messages
    [[ $side == plain ]] && table=bench.luminor_messages_plain
    # Each client (:client_id from 0) writes as user n into conversation n.
    cat >"$WORK/insert_$side.sql" <<SQL
INSERT INTO $table (conversation_id, user_id, role, content)
VALUES (md5('pb-conv-' || (:client_id + 1))::uuid, md5('pb-user-' || (:client_id + 1))::uuid, 'user',
        'How would you light a night scene with a single lantern and keep the shadows soft?');
SQL
done
# Both tables take a row and move the conversation's counter (the triggers
# fire on the copy too); rolled back.
SMOKE=$(sq "$SRC_DB" -At <<'SQL'
BEGIN;
SELECT message_count AS c0 FROM public.luminor_conversations WHERE id = md5('pb-conv-1')::uuid \gset
INSERT INTO public.luminor_messages (conversation_id, user_id, role, content) VALUES (md5('pb-conv-1')::uuid, md5('pb-user-1')::uuid, 'user', 'smoke');
INSERT INTO bench.luminor_messages_plain (conversation_id, user_id, role, content) VALUES (md5('pb-conv-1')::uuid, md5('pb-user-1')::uuid, 'user', 'smoke');
SELECT message_count - :c0 FROM public.luminor_conversations WHERE id = md5('pb-conv-1')::uuid;
ROLLBACK;
SQL
)
[[ "$SMOKE" == 2 ]] || die "one insert into each table moved the conversation's message_count by $SMOKE, not 2: the copy's triggers do not run as the real ones"

pgbench_run() {
    local side=$1 prefix=$2 secs=$3
    "$(pg_bin pgbench)" -h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared -c "$CLIENTS" -j $((CLIENTS < 2 ? 1 : 2)) \
        -T "$secs" --failures-detailed --log --log-prefix="$prefix" -f "$WORK/insert_$side.sql" "$SRC_DB" \
        >"$prefix.out" 2>"$prefix.err" || die "pgbench ($side) failed: $(tail -5 "$prefix.err")"
}
tps_of() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$1.out"; }
failed_of() { sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$1.out"; }
done_of() { sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$1.out"; }
# p50 and p95 (ms) of the transactions in the logs PREFIX.* (nearest rank).
p50_p95() {
    cat "$@" | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n \
        | awk '{ L[NR] = $1 } END {
                   if (NR == 0) { print "- -"; exit }
                   r50 = int(0.50 * NR); if (r50 < 0.50 * NR) r50++; r95 = int(0.95 * NR); if (r95 < 0.95 * NR) r95++
                   printf "%.2f %.2f\n", L[r50] / 1000, L[r95] / 1000 }'
}
# Warm-up (not counted): the first rows of each table, its pages in the cache.
for side in partitioned plain; do pgbench_run "$side" "$LOGS/warm.$side" 5; done
rm -f "$LOGS"/warm.*
for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then order=(partitioned plain); else order=(plain partitioned); fi
    for side in "${order[@]}"; do
        sq "$SRC_DB" -qc "CHECKPOINT"
        cpu_busy 3 >"$LOGS/insert.$side.$r.busy"
        pgbench_run "$side" "$LOGS/insert.$side.$r" "$DURATION"
        read -r p50 p95 <<<"$(p50_p95 "$LOGS/insert.$side.$r".[0-9]*)"
        echo "$p50 $p95" >"$LOGS/insert.$side.$r.lat"
        say "inserts round $r, $side: $(tps_of "$LOGS/insert.$side.$r") tps, p50 $p50 ms, p95 $p95 ms, $(failed_of "$LOGS/insert.$side.$r") failed"
    done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# The counters the triggers keep add up over both tables, and no message
# went to DEFAULT.
COUNTERS_OFF=$(value "SELECT count(*) FROM public.luminor_conversations c
                       WHERE c.id IN (SELECT md5('pb-conv-' || n)::uuid FROM generate_series(1, $CLIENTS) n)
                         AND c.message_count <> (SELECT count(*) FROM public.luminor_messages m WHERE m.conversation_id = c.id)
                                              + (SELECT count(*) FROM bench.luminor_messages_plain m WHERE m.conversation_id = c.id)")
LUMINORS_OFF=$(value "SELECT count(*) FROM public.luminors l JOIN public.luminor_conversations c ON c.luminor_id = l.id
                       WHERE l.slug LIKE 'pb-luminor-%' AND l.interaction_count <> c.message_count")
MSG_DEFAULT=$(value "SELECT count(*) FROM arcanea_partitions.luminor_messages_default")
MSG_PARTS=$(value "SELECT string_agg(format('%s (%s)', replace(relid::regclass::text, 'arcanea_partitions.luminor_messages_', ''), bench.nrows(relid)),
                                 ', ' ORDER BY relid::regclass::text)
                    FROM pg_partition_tree('public.luminor_messages') WHERE isleaf")
MSG_ROWS=$(value "SELECT format('%s in public.luminor_messages, %s in bench.luminor_messages_plain',
                                (SELECT count(*) FROM public.luminor_messages), (SELECT count(*) FROM bench.luminor_messages_plain))")
say "messages: $MSG_ROWS; partitions $MSG_PARTS; conversations with a wrong count: $COUNTERS_OFF, Luminors: $LUMINORS_OFF"
flock -u 9

# ---------------------------------------------------------------------------
# 6. The report
# ---------------------------------------------------------------------------
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'; }
lo() { printf '%s\n' "$@" | sort -g | head -1; }
hi() { printf '%s\n' "$@" | sort -g | tail -1; }
# fmt KIND VALUES...: "median (min-max)" in the unit of KIND.
conv() {
    case $1 in
        ms) awk -v v="$2" 'BEGIN { if (v >= 10000) printf "%.1f s", v / 1000; else if (v >= 1000) printf "%.2f s", v / 1000; else if (v >= 100) printf "%.0f ms", v; else printf "%.1f ms", v }' ;;
        bytes) awk -v v="$2" 'BEGIN { if (v >= 1048576) printf "%.1f MiB", v / 1048576; else if (v >= 1024) printf "%.1f KiB", v / 1024; else printf "%d B", v }' ;;
        n) sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$2" ;;
        pct) echo "$2 %" ;;
        tps) awk -v v="$2" 'BEGIN { printf "%.0f", v }' ;;
        s) echo "$2 s" ;;
        *) echo "$2" ;;
    esac
}
fmt() {
    local kind=$1
    shift
    local m l h
    m=$(conv "$kind" "$(median "$@")"); l=$(conv "$kind" "$(lo "$@")"); h=$(conv "$kind" "$(hi "$@")")
    if [[ "$l" == "$h" ]]; then
        echo "$m"
    else
        printf '%s (%s – %s)' "$m" "$l" "$h"
    fi
}
# vals SIDE KEY: KEY of every round's cleanup of SIDE.
vals() { local r; for ((r = 1; r <= ROUNDS; r++)); do get "$LOGS/cleanup.$1.$r" "$2"; done; }
cell() { fmt "$1" $(vals "$2" "$3"); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

status=0
MISMATCH=
for ((r = 1; r <= ROUNDS; r++)); do
    a=$(get "$LOGS/cleanup.partitioned.$r" removed); b=$(get "$LOGS/cleanup.plain.$r" removed)
    e=$(get "$LOGS/cleanup.plain.$r" expected)
    if [[ "$a" != "$b" || "$a" != "$e" ]]; then
        MISMATCH+="round $r: partitioned removed $a, plain removed $b, expected $e. "
        status=1
    fi
    for side in partitioned plain; do
        c=$(get "$LOGS/cleanup.$side.$r" checkpoints_during)
        [[ "$c" == 0 ]] || MISMATCH+="round $r, $side: $c checkpoint(s) ran during the cleanup. "
    done
done
FAILED_TOTAL=0
declare -A TPS P50 P95 DONE
for side in partitioned plain; do
    t=(); l50=(); l95=(); d=0
    for ((r = 1; r <= ROUNDS; r++)); do
        t+=("$(tps_of "$LOGS/insert.$side.$r")")
        read -r a b <"$LOGS/insert.$side.$r.lat"
        l50+=("$a"); l95+=("$b")
        FAILED_TOTAL=$((FAILED_TOTAL + $(failed_of "$LOGS/insert.$side.$r")))
        d=$((d + $(done_of "$LOGS/insert.$side.$r")))
    done
    TPS[$side]="${t[*]}"; P50[$side]="${l50[*]}"; P95[$side]="${l95[*]}"; DONE[$side]=$d
done
((FAILED_TOTAL == 0)) || status=1
((COUNTERS_OFF == 0 && LUMINORS_OFF == 0 && MSG_DEFAULT == 0)) || status=1
# shellcheck disable=SC2086
{
    read -r TPS_P <<<"$(median ${TPS[partitioned]})"; read -r TPS_U <<<"$(median ${TPS[plain]})"
    read -r P50_P <<<"$(median ${P50[partitioned]})"; read -r P50_U <<<"$(median ${P50[plain]})"
    read -r P95_P <<<"$(median ${P95[partitioned]})"; read -r P95_U <<<"$(median ${P95[plain]})"
}
MS_P=$(median $(vals partitioned ms)); MS_U=$(median $(vals plain ms))
WAL_P=$(median $(vals partitioned wal)); WAL_U=$(median $(vals plain wal))
VMS_P=$(median $(vals partitioned vac_ms)); VMS_U=$(median $(vals plain vac_ms))
VWAL_U=$(median $(vals plain vac_wal))
ROWS_BEFORE=$(get "$LOGS/cleanup.plain.1" rows_before)
REMOVED=$(get "$LOGS/cleanup.plain.1" removed)
# size_line SIDE: "before → after → after VACUUM" (MiB) of table + indexes.
size_cell() { printf '%s → %s' "$(conv bytes "$(median $(vals "$1" "$2"))")" "$(conv bytes "$(median $(vals "$1" "$3"))")"; }

DROP_MS_P=$(median $(vals partitioned drop_fn_ms))
# ratio A B with few digits: 0.93, 2.1, 164.
ratio_x() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 <= 0) { print "-"; exit } r = a / b; if (r >= 10) printf "%.0f", r; else if (r >= 2) printf "%.1f", r; else printf "%.2f", r }'; }
pct_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.0f%%", 100 * a / b; else print "-" }'; }
# shellcheck disable=SC2086
{
    TPS_LO_P=$(lo ${TPS[partitioned]}); TPS_HI_P=$(hi ${TPS[partitioned]})
    TPS_LO_U=$(lo ${TPS[plain]}); TPS_HI_U=$(hi ${TPS[plain]})
}
TPS_DIFF=$(awk -v a="$TPS_P" -v b="$TPS_U" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
if awk -v a="$TPS_LO_P" -v b="$TPS_HI_P" -v c="$TPS_LO_U" -v d="$TPS_HI_U" 'BEGIN { exit !(a <= d && c <= b) }'; then
    INSERT_VERDICT="the per-run ranges overlap ($(conv tps "$TPS_LO_P")–$(conv tps "$TPS_HI_P") against $(conv tps "$TPS_LO_U")–$(conv tps "$TPS_HI_U") tps), so whatever routing costs is below what these runs tell apart on this machine"
elif awk -v a="$TPS_P" -v b="$TPS_U" 'BEGIN { exit !(a < b) }'; then
    INSERT_VERDICT="below every run of the copy (ranges $(conv tps "$TPS_LO_P")–$(conv tps "$TPS_HI_P") against $(conv tps "$TPS_LO_U")–$(conv tps "$TPS_HI_U") tps): that is the measured cost of the partitioned insert here"
else
    INSERT_VERDICT="above every run of the copy (ranges $(conv tps "$TPS_LO_P")–$(conv tps "$TPS_HI_P") against $(conv tps "$TPS_LO_U")–$(conv tps "$TPS_HI_U") tps). Routing adds work, so this is not a gain from partitioning; read it as the noise of a shared 2-core machine unless it repeats"
fi
if (($(median $(vals plain heap_vac)) < $(median $(vals plain heap_before)))); then
    TRUNC="VACUUM cut the empty end of the heap back to $(conv bytes "$(median $(vals plain heap_vac))")"
else
    TRUNC="the removed rows were the oldest, at the start of the file, so VACUUM cannot truncate it"
fi

OTH_P=$(median $(vals partitioned others_cores)); OTH_U=$(median $(vals plain others_cores))
CPU_P=$(median $(vals partitioned cpu_s)); CPU_U=$(median $(vals plain cpu_s))
if ((CHECK_WORKERS > 0)); then
    NOISE="The check runs as a parallel query ($CHECK_WORKERS workers planned): beside the calling backend, other processes used a median $OTH_P cores during the partitioned cleanup against $OTH_U during the DELETE, which PostgreSQL never runs in parallel (it does not parallelize data-modifying statements), with the machine otherwise idle ($BUSY_START busy just before). In CPU time the two cost $(conv s "$CPU_P") and $(conv s "$CPU_U") ($(ratio_x "$CPU_U" "$CPU_P")×)."
else
    NOISE="The check ran without parallel workers; other processes used a median $OTH_P cores during the partitioned cleanup and $OTH_U during the DELETE ($BUSY_START of the CPU busy with other work just before). In CPU time the two cost $(conv s "$CPU_P") and $(conv s "$CPU_U") ($(ratio_x "$CPU_U" "$CPU_P")×)."
fi
SECTION=$(mktemp)
{
    echo "<!-- partitions:begin -->"
    echo "## Partitions"
    echo
    echo "Generated by \`pgrx-tests/bench/partitions_bench.sh --old $OLD --recent $RECENT --users $USERS --rounds $ROUNDS --duration $DURATION --clients $CLIENTS\`"
    echo "on $RUN_DATE (issue 16, \"Measured\"). Do not edit by hand: rerun the script (it rewrites only this section)."
    echo
    echo "- Commit: $GIT_REV. Build: $SO_DESC (arcanea.so sha256 $SO_SHA, SQL sha256 $SQL_SHA), loaded from the"
    echo "  cluster's own library folder."
    echo "- Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 " GiB" }'), PostgreSQL $PG_VERSION, shared with other work. Under the"
    echo "  benchmark lock (waited ${LOCK_WAIT} s for it): load average $LOAD_START at the start and $LOAD_END at the end; CPU busy"
    echo "  while this cluster sat idle for 5 s (so: other work), $BUSY_START before the cleanup rounds and $BUSY_MID before the inserts"
    echo "  (after waiting ${QUIET_WAITED} s in all, of at most ${ARCANEA_BENCH_QUIET_WAIT:-300} s, for it to fall under 25%)."
    echo "- Cluster: its own (127.0.0.1:$PORT); fsync and synchronous_commit off as in the other benchmarks, but"
    echo "  **full_page_writes on** (the WAL holds the full-page images a production server writes) and wal_level logical"
    echo "  (as Supabase runs); autovacuum off, so the VACUUM each side owes is run and measured here; shared_buffers 2GB."
    echo "- Data: $(conv n "$USERS") users; $(conv n "$OLD") notifications created 150 to 90 days ago, all read a day after; $(conv n "$RECENT") created in the"
    echo "  last 20 days, half read since, half unread: $(conv n "$ROWS_BEFORE") rows, $NOTIF_SIZE with indexes per table. The months holding"
    echo "  rows got their partitions before the load; rows in the DEFAULT partitions: $DEFAULTS."
    echo "  notifications by month (rows): $PARTS. The unpartitioned copy \`bench.notifications_plain\`"
    echo "  (\`LIKE public.notifications INCLUDING ALL\`: the same $NOTIF_INDEXES indexes) holds the same rows, loaded the same way (by"
    echo "  created_at, as they arrive)."
    echo
    echo "### cleanup_notifications('$AGE'): dropping months against deleting rows"
    echo
    echo "$ROUNDS rounds, each on a fresh copy of the database (\`CREATE DATABASE ... TEMPLATE\`), the two sides in alternating"
    echo "order, each right after a \`CHECKPOINT\`, so that both start with no page imaged in the WAL and pay their full-page"
    echo "images alike. Partitioned: \`SELECT public.cleanup_notifications('$AGE')\` as the service role (\`SET ROLE"
    echo "service_role\` and its JWT claims, as PostgREST calls it; the function is SECURITY DEFINER and runs as the tables'"
    echo "owner). Unpartitioned: today's statement, the DELETE of \`src/queries/notifications/cleanup.sql\` read from the file"
    echo "and pointed at \`bench.notifications_plain\`, prepared and executed as the superuser with \`\$1 = '$AGE'\`. WAL:"
    echo "\`pg_current_wal_insert_lsn()\` before and after (nothing else runs in the cluster). Median (min – max) of the rounds."
    echo
    echo "| | partitioned: drop whole months | unpartitioned: DELETE row by row |"
    echo "| --- | --- | --- |"
    echo "| **wall time** | **$(cell ms partitioned ms)** | **$(cell ms plain ms)** |"
    echo "| of which \`drop_read_notification_partitions\` (track_functions) | $(cell ms partitioned drop_fn_ms) | – |"
    echo "| CPU time meanwhile, whole machine: all processes / the calling backend | $(conv s "$(median $(vals partitioned cpu_s))") / $(conv s "$(median $(vals partitioned mine_s))") | $(conv s "$(median $(vals plain cpu_s))") / $(conv s "$(median $(vals plain mine_s))") |"
    echo "| **WAL written** | **$(cell bytes partitioned wal)** | **$(cell bytes plain wal)** |"
    echo "| rows removed, each round (expected: read before the cutoff) | $(for v in $(vals partitioned removed); do conv n "$v"; done | paste -sd/ -) ($(conv n "$(get "$LOGS/cleanup.partitioned.1" expected)")) | $(for v in $(vals plain removed); do conv n "$v"; done | paste -sd/ -) ($(conv n "$(get "$LOGS/cleanup.plain.1" expected)")) |"
    echo "| table + indexes: before → after | $(size_cell partitioned total_before total_after) | $(size_cell plain total_before total_after) |"
    echo "| of which indexes: before → after | $(size_cell partitioned idx_before idx_after) | $(size_cell plain idx_before idx_after) |"
    echo "| dead tuples after (n_dead_tup) | $(cell n partitioned dead_after) | $(cell n plain dead_after) |"
    echo "| free space in the heap after (pgstattuple) | $(cell pct partitioned free_after) | $(cell pct plain free_after) |"
    echo "| then a plain VACUUM: wall time | $(cell ms partitioned vac_ms) | $(cell ms plain vac_ms) |"
    echo "| then a plain VACUUM: WAL written | $(cell bytes partitioned vac_wal) | $(cell bytes plain vac_wal) |"
    echo "| table + indexes after VACUUM | $(conv bytes "$(median $(vals partitioned total_vac))") | $(conv bytes "$(median $(vals plain total_vac))") |"
    echo "| dead tuples after VACUUM | $(cell n partitioned dead_vac) | $(cell n plain dead_vac) |"
    echo "| free space in the heap after VACUUM | $(cell pct partitioned free_vac) | $(cell pct plain free_vac) |"
    echo
    echo "Wall time per round, partitioned / unpartitioned: $(for ((r = 1; r <= ROUNDS; r++)); do printf '%s / %s; ' "$(conv ms "$(get "$LOGS/cleanup.partitioned.$r" ms)")" "$(conv ms "$(get "$LOGS/cleanup.plain.$r" ms)")"; done | sed 's/; $//')."
    echo "CPU that processes other than the calling backend took during each of them, in cores of $(nproc) (/proc/stat less the"
    echo "backend's own /proc time: this cluster's parallel query workers and background writers, and any other work):"
    echo "$(for ((r = 1; r <= ROUNDS; r++)); do printf '%s / %s; ' "$(get "$LOGS/cleanup.partitioned.$r" others_cores)" "$(get "$LOGS/cleanup.plain.$r" others_cores)"; done | sed 's/; $//')."
    echo "The check of a month, as \`drop_read_notification_partitions\` runs it on the largest one dropped here"
    echo "(\`EXPLAIN\`, in the source database): $CHECK_PLAN."
    [[ -z "$MISMATCH" ]] || { echo; echo "**Check failed:** $MISMATCH"; }
    echo
    echo "### Message inserts at $CLIENTS clients: partitioned against unpartitioned"
    echo
    echo "pgbench -M prepared, $CLIENTS clients on 2 threads, ${DURATION} s per run, $ROUNDS runs per side alternating, each after a"
    echo "\`CHECKPOINT\` (a 5 s warm-up per side first, not counted), in the database the cleanup rounds were copied from."
    echo "One statement per transaction, \`INSERT INTO <table> (conversation_id, user_id, role, content) VALUES (...)\`, a"
    echo "'user' message, as the superuser: row-level security plays no part (the copy has no policies), and the"
    echo "rate-limit trigger runs but does not count a superuser. Each client writes into its own conversation with its"
    echo "own Luminor, so no two clients update the same counter row. Partitioned: \`public.luminor_messages\` (every row"
    echo "routed to the current month's partition). Unpartitioned: \`bench.luminor_messages_plain\` (\`LIKE ... INCLUDING ALL\`)"
    echo "with the same $MSG_FKS foreign keys and the same triggers, recreated from \`pg_trigger\`: $MSG_TRIGGERS."
    echo "The counters trigger passes the row to \`arcanea.message_apply(public.luminor_messages, integer)\`, which does not"
    echo "accept the copy's row type, so the copy also got a twin of it over its own type, the same body: \`$TWINS\`."
    echo "Latency: p50/p95 of each run from pgbench's per-transaction log, then the median (min – max) of the runs."
    echo
    echo "| table | tps | p50 latency (ms) | p95 latency (ms) | transactions | failed |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for side in partitioned plain; do
        label="partitioned \`public.luminor_messages\`"
        [[ $side == plain ]] && label="unpartitioned copy"
        # shellcheck disable=SC2086
        echo "| $label | **$(fmt tps ${TPS[$side]})** | $(fmt x ${P50[$side]}) | $(fmt x ${P95[$side]}) | $(conv n "${DONE[$side]}") | $(( $(for ((r = 1; r <= ROUNDS; r++)); do failed_of "$LOGS/insert.$side.$r"; done | paste -sd+ -) )) |"
    done
    echo "| **partitioned / unpartitioned** (medians) | **$(ratio "$TPS_P" "$TPS_U")** | $(ratio "$P50_P" "$P50_U") | $(ratio "$P95_P" "$P95_U") | | |"
    echo
    # shellcheck disable=SC2206
    echo "tps per run, partitioned / unpartitioned: $(a=(${TPS[partitioned]}); b=(${TPS[plain]}); for ((r = 0; r < ROUNDS; r++)); do printf '%s / %s; ' "$(conv tps "${a[$r]}")" "$(conv tps "${b[$r]}")"; done | sed 's/; $//')."
    echo "CPU busy with other work in the 3 s before each run (this cluster idle), partitioned / unpartitioned: $(for ((r = 1; r <= ROUNDS; r++)); do printf '%s / %s; ' "$(cat "$LOGS/insert.partitioned.$r.busy")" "$(cat "$LOGS/insert.plain.$r.busy")"; done | sed 's/; $//')."
    echo "After the runs: $MSG_ROWS; luminor_messages by month (rows): $MSG_PARTS; conversations whose"
    echo "message_count is not the count over both tables: $COUNTERS_OFF; Luminors whose interaction_count is off: $LUMINORS_OFF."
    echo
    echo "### Analysis"
    echo
    echo "- **Why the drop is cheap.** Both sides removed the same $(conv n "$REMOVED") rows. Dropping months took $(conv ms "$MS_P") and"
    echo "  $(conv bytes "$WAL_P") of WAL; the DELETE took $(conv ms "$MS_U") and $(conv bytes "$WAL_U") ($(ratio_x "$MS_U" "$MS_P")× the time, $(ratio_x "$WAL_U" "$WAL_P")× the WAL). \`DROP TABLE\` of a"
    echo "  partition is catalog work and an unlink of its files at commit: none of its rows is touched, so there is no"
    echo "  WAL per row (what it writes is the catalog rows it deletes, each catalog page imaged whole the first time after"
    echo "  the checkpoint) and no dead tuple, and the space of the heap and of every index goes back to the file system"
    echo "  at once. What the partitioned side spends its time on is reading: of its $(conv ms "$MS_P"), $(conv ms "$DROP_MS_P") ($(pct_of "$DROP_MS_P" "$MS_P")) are"
    echo "  \`drop_read_notification_partitions\`, which reads every row of each month old enough once, to prove that all"
    echo "  were read before the cutoff, before dropping it; the rest is the DELETE that follows, which still scans the"
    echo "  months kept (here the $(conv n "$RECENT") recent rows) and finds nothing to delete. $NOISE"
    echo "- **What the DELETE leaves.** Every removed row stays as a dead tuple ($(conv n "$(median $(vals plain dead_after))") counted), every heap page holding"
    echo "  one is dirtied and written whole into the WAL the first time after a checkpoint, and the table and its indexes"
    echo "  keep their size ($(size_cell plain total_before total_after)). A VACUUM is then owed: $(conv ms "$VMS_U") and $(conv bytes "$VWAL_U") of WAL"
    echo "  more here (autovacuum does the same work later, in the background, beside the app's queries). After it the files"
    echo "  are still $(conv bytes "$(median $(vals plain total_vac))"): the heap is $(fmt pct $(vals plain free_vac)) free space, reusable by new rows but not"
    echo "  returned ($TRUNC), and the indexes keep their emptied pages. Only VACUUM FULL or REINDEX, which"
    echo "  lock the table, give that space back. The partitioned side's VACUUM finds next to nothing to do ($(conv ms "$VMS_P"))."
    echo "- **Inserts.** The partitioned table took $(conv tps "$TPS_P") tps against $(conv tps "$TPS_U") for the copy ($TPS_DIFF; p50"
    echo "  $P50_P against $P50_U ms, p95 $P95_P against $P95_U ms): $INSERT_VERDICT. Per row both run"
    echo "  the same $MSG_ROW_TRIGGERS row triggers, $MSG_FKS foreign-key checks and $MSG_INDEXES index insertions; the partitioned insert adds"
    echo "  finding the row's partition (a binary search over the month bounds) and setting up the partition for the"
    echo "  statement, a few microseconds against a transaction of milliseconds with its triggers."
    echo "- **What the numbers do not show.** (1) Locks: dropping a month takes an ACCESS EXCLUSIVE lock on"
    echo "  \`notifications\` until commit. It is held briefly, but it queues behind every open transaction that read"
    echo "  notifications, and every request after it queues behind it; the DELETE takes only ROW EXCLUSIVE. (2) The rule"
    echo "  goes by whole months: a month is dropped only when every notification in it was read before the cutoff. Here"
    echo "  every old row was read. One unread notification keeps its month, whose read rows then go the DELETE's way"
    echo "  (dead tuples and all) at every run until the last one is read; on data where some notifications are never read"
    echo "  (the benchmark generator leaves 30 % unread) no month is ever dropped. (3) The writes the DELETE defers: its"
    echo "  dirty pages reach the disk at the next checkpoint, and fsync is off here, so that I/O is in no wall time above."
    echo "  (4) One size on one machine: the DELETE's writes grow with the rows removed; the partitioned side's reads grow"
    echo "  with the rows of the months it checks and keeps, its writes only with the number of months. (5) Messages are"
    echo "  never dropped (\`archive_old_conversations\` archives conversations, which stay readable), so for"
    echo "  \`luminor_messages\` partitioning is only the insert cost above until a retention rule uses it."
    echo "<!-- partitions:end -->"
} >"$SECTION"

replace_section partitions "$SECTION" "$OUT"
rm -f "$SECTION"
say "wrote the partitions section of $OUT in $((SECONDS - START))s"
sed -n '/^<!-- partitions:begin -->$/,/^<!-- partitions:end -->$/p' "$OUT" >&2
[[ -z "$MISMATCH" ]] || warn "$MISMATCH"
((FAILED_TOTAL == 0)) || warn "$FAILED_TOTAL pgbench transactions failed"
((COUNTERS_OFF == 0 && LUMINORS_OFF == 0)) || warn "counters off: $COUNTERS_OFF conversations, $LUMINORS_OFF Luminors"
((MSG_DEFAULT == 0)) || warn "$MSG_DEFAULT messages landed in the DEFAULT partition"
exit $status
