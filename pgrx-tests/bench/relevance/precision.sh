#!/usr/bin/env bash
# pgrx-tests/bench/relevance/precision.sh: precision@10 of search_creations
# on the labelled queries of labels.tsv (issue 15, item 2's measurement).
#
#   pgrx-tests/bench/relevance/precision.sh [--host H] [--port P] [--db DB] [--from TEMPLATE]
#                                           [--fresh] [--reference] [--show]
#
# --host H, --port P  the cluster (default 127.0.0.1:54352, the bench cluster;
#                     user postgres, a superuser: the corpus is planted with
#                     the triggers on)
# --db DB             the database measured (default arcanea_relevance).  When
#                     it does not exist it is created as a copy of TEMPLATE, so
#                     the benchmark's own data sets are never written to.
# --from TEMPLATE     a database holding generate.sql's data set (default
#                     arcanea_bench_s0_1_seed42; scale 1: arcanea_bench_s1_seed42)
# --fresh             drop DB and copy it again (after the data set or the
#                     extension's SQL changed)
# --reference         also measure the Supabase guide's search on the same
#                     labels: websearch_to_tsquery('english', q) against the
#                     creation's search_vector, ORDER BY ts_rank DESC LIMIT 10
#                     over the published public creations anon may read (the
#                     type filter applied; no typo correction, no tag bonus)
# --show              after the table, the top 10 of every query that missed
#                     a relevant creation (* marks the relevant ones), and
#                     the missed ones; ages in days before bench.t0(), the
#                     data set's newest date
#
# The corpus (corpus.sql) is planted when DB lacks it or has another
# version of it (bench.meta.relevance_corpus holds the hash of the file).
# Every query runs as PostgREST runs a visitor's: role anon with its JWT
# claims, public.search_creations(p_query, p_type, p_limit => 10).  The
# extension measured is the one installed in the cluster (the "before" or
# the "after" of a change: run the script once with each).
#
# Precision@10 = |top 10 returned ∩ relevant| / min(10, |relevant|).  A
# query has 3 to 10 relevant creations; dividing by 10 would cap a query
# with 4 at 0.4 and make queries incomparable, and the other results are
# not penalised because the generated data holds many acceptable matches
# that nobody labelled.  So 1.00 means every relevant creation made the
# first page.
#
# Band: the share of published public creations that match the words
# (websearch_to_tsquery english or simple on search_vector, or the query as
# an exact tag; the type filter left out, the words meant for a typo):
# rare < 0.1%, middling < 2.5%, common from 2.5% (at scale 1 that is 20,000
# matches, where search_creations switches to ranking only its newest
# matches).  Path: the one search_creations takes, from the planner's
# estimate as src/api/discovery.rs computes it (FULL_RANK_MAX = 20,000
# mirrored here): "all" ranks every match, "recent" the newest 500.
# ms: that one call's time, a hint only (one run, cache as it comes).
#
# Output: a markdown table on stdout, progress on stderr.  Exit status non-zero if
# anything failed (a query's error included); the numbers never change it.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

HOST=127.0.0.1
PORT=54352
DB=arcanea_relevance
FROM=arcanea_bench_s0_1_seed42
FRESH=0
REFERENCE=0
SHOW=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --host) HOST=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --db) DB=$2; shift 2 ;;
        --from) FROM=$2; shift 2 ;;
        --fresh) FRESH=1; shift ;;
        --reference) REFERENCE=1; shift ;;
        --show) SHOW=1; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "error: unknown argument: $1 (see --help)" >&2; exit 1 ;;
    esac
done

log() { printf '==> %s\n' "$*" >&2; }
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
q() {
    local db=$1
    shift
    PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" \
        "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres -d "$db" "$@"
}
ident() { printf '"%s"' "${1//\"/\"\"}"; }

START=$(date +%s%N)
exists=$(q postgres -At -v db="$DB" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db'")
if [[ $FRESH -eq 1 && $exists -eq 1 ]]; then
    log "dropping $DB"
    q postgres -c "DROP DATABASE $(ident "$DB")"
    exists=0
fi
if [[ $exists -eq 0 ]]; then
    log "copying $FROM to $DB"
    q postgres -c "CREATE DATABASE $(ident "$DB") TEMPLATE $(ident "$FROM")"
fi

SHA=$(sha256sum "$HERE/corpus.sql" | cut -c1-12)
planted=$(q "$DB" -At <<<"SELECT coalesce((SELECT value FROM bench.meta WHERE key = 'relevance_corpus'), '')")
if [[ "$planted" != "$SHA" ]]; then
    log "planting the corpus ($SHA) in $DB"
    q "$DB" -v corpus_sha="$SHA" -f "$HERE/corpus.sql" >/dev/null
fi

log "running $(grep -cv -e '^#' -e '^[[:space:]]*$' "$HERE/labels.tsv") labelled queries"
{
    echo "CREATE TEMP TABLE labels (query text NOT NULL, p_type text, meant text, relevant text NOT NULL);"
    echo "COPY labels FROM STDIN WITH (FORMAT text, NULL '');"
    grep -v -e '^#' -e '^[[:space:]]*$' "$HERE/labels.tsv"
    echo '\.'
    cat <<SQL
\\set reference $REFERENCE
\\set show $SHOW
SQL
    cat <<'SQL'
\pset footer off
\pset tuples_only on
\pset format unaligned
CREATE TEMP TABLE label AS
SELECT row_number() OVER () AS k, l.query, l.p_type, coalesce(l.meant, l.query) AS words,
       l.meant IS NOT NULL AS typo,
       ARRAY(SELECT md5('rel-c' || n)::uuid FROM unnest(string_to_array(btrim(l.relevant), ' ')) n) AS relevant
  FROM labels l;
CREATE TEMP TABLE result (k bigint PRIMARY KEY, got uuid[], ms float8, ref uuid[], matches bigint, est float8);

-- Each query as PostgREST runs a visitor's request: role anon and its JWT
-- claims, scoped to the transaction (set_config(..., true)); back to the
-- superuser to record the result.
DO $search$
DECLARE
    l record;
    t0 timestamptz;
    t1 timestamptz;
    found uuid[];
BEGIN
    FOR l IN SELECT * FROM label ORDER BY k LOOP
        PERFORM set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true);
        t0 := clock_timestamp();
        SELECT coalesce(array_agg(r.id ORDER BY r.ordinality), '{}') INTO found
          FROM public.search_creations(p_query => l.query, p_type => l.p_type, p_limit => 10) WITH ORDINALITY r;
        t1 := clock_timestamp();
        PERFORM set_config('role', 'none', true), set_config('request.jwt.claims', '', true);
        INSERT INTO pg_temp.result (k, got, ms) VALUES (l.k, found, 1000 * extract(epoch FROM t1 - t0));
    END LOOP;
END
$search$;

-- The reference.  As the table owner, with the rows the anon policy lets
-- through (published, public, an active author) spelt out: through RLS the
-- policy's OR keeps the planner off the search index, twice as slow for the
-- same rows.
\if :reference
UPDATE pg_temp.result r
   SET ref = (SELECT coalesce(array_agg(top.id), '{}') FROM (
                  SELECT c.id FROM public.creations c
                    JOIN public.profiles p ON p.id = c.user_id AND p.is_active,
                         websearch_to_tsquery('english', l.query) query
                   WHERE c.status = 'published' AND c.is_public AND (l.p_type IS NULL OR c.type = l.p_type)
                     AND c.search_vector @@ query
                   ORDER BY ts_rank(c.search_vector, query) DESC, c.created_at DESC, c.id DESC
                   LIMIT 10) top)
  FROM pg_temp.label l WHERE l.k = r.k;
\endif

-- Matches, for the band: the words against search_vector, stemmed or
-- verbatim, or the query as an exact tag (what search_creations matches).
CREATE TEMP TABLE band AS
SELECT w.words,
       (SELECT count(*) FROM public.creations c
         WHERE c.status = 'published' AND c.is_public
           AND (c.search_vector @@ (websearch_to_tsquery('english', w.words) || websearch_to_tsquery('simple', w.words))
                OR c.tags @> ARRAY[lower(btrim(w.words))])) AS matches
  FROM (SELECT DISTINCT words FROM pg_temp.label) w;
UPDATE pg_temp.result r SET matches = b.matches FROM pg_temp.label l JOIN pg_temp.band b USING (words) WHERE l.k = r.k;

-- The planner's estimate, as search_creations computes it (for the path).
DO $estimate$
DECLARE
    l record;
    plan json;
BEGIN
    IF to_regprocedure('arcanea.search_query(text)') IS NULL THEN
        RETURN;
    END IF;
    FOR l IN SELECT * FROM pg_temp.label LOOP
        EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM public.creations c
                         WHERE c.status = ''published'' AND c.is_public
                           AND c.search_vector @@ arcanea.search_query(%L)', l.words) INTO plan;
        UPDATE pg_temp.result SET est = (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8 WHERE k = l.k;
    END LOOP;
END
$estimate$;

CREATE TEMP TABLE scored AS
SELECT l.k, l.query, l.p_type, l.typo, l.relevant, r.got, r.ref, r.ms, r.matches, r.est,
       r.matches::float8 / (SELECT count(*) FROM public.creations WHERE status = 'published' AND is_public) AS share,
       cardinality(ARRAY(SELECT unnest(r.got) INTERSECT SELECT unnest(l.relevant)))::float8
           / least(10, cardinality(l.relevant)) AS p10,
       cardinality(ARRAY(SELECT unnest(r.ref) INTERSECT SELECT unnest(l.relevant)))::float8
           / least(10, cardinality(l.relevant)) AS ref_p10
  FROM label l JOIN result r USING (k);
ALTER TABLE scored ADD COLUMN band text;
UPDATE scored SET band = CASE WHEN share < 0.001 THEN 'rare' WHEN share < 0.025 THEN 'middling' ELSE 'common' END;

SELECT format('Database %s (scale %s, seed %s), arcanea %s, %s published public creations, %s.',
              current_database(), (SELECT value FROM bench.meta WHERE key = 'scale'),
              (SELECT value FROM bench.meta WHERE key = 'seed'),
              (SELECT extversion FROM pg_extension WHERE extname = 'arcanea'),
              (SELECT count(*) FROM public.creations WHERE status = 'published' AND is_public),
              to_char(now(), 'YYYY-MM-DD HH24:MI TZ'));
SELECT '';
SELECT '| # | query | p_type | band | matches | path | P@10 |' || CASE WHEN :reference = 1 THEN ' reference P@10 |' ELSE '' END || ' ms |';
SELECT '|--:|---|---|---|--:|---|--:|' || CASE WHEN :reference = 1 THEN '--:|' ELSE '' END || '--:|';
SELECT format('| %s | %s | %s | %s | %s%% | %s | %s |', k, replace(query, '|', '\|') || CASE WHEN typo THEN ' (typo)' ELSE '' END,
              coalesce(p_type, ''), band, to_char(100 * share, 'FM990.000'),
              CASE WHEN est IS NULL THEN '?' WHEN est > 20000 THEN 'recent' ELSE 'all' END,
              to_char(p10, 'FM0.00'))
       || CASE WHEN :reference = 1 THEN format(' %s |', to_char(ref_p10, 'FM0.00')) ELSE '' END
       || format(' %s |', round(ms::numeric, 1))
  FROM scored ORDER BY k;
SELECT format('| | **mean** (%s queries) | | | | | **%s** |', count(*), to_char(avg(p10), 'FM0.000'))
       || CASE WHEN :reference = 1 THEN format(' **%s** |', to_char(avg(ref_p10), 'FM0.000')) ELSE '' END
       || format(' %s |', round(avg(ms)::numeric, 1))
  FROM scored;
SELECT format('| | mean, %s (%s) | | | | | %s |', band, count(*), to_char(avg(p10), 'FM0.000'))
       || CASE WHEN :reference = 1 THEN format(' %s |', to_char(avg(ref_p10), 'FM0.000')) ELSE '' END
       || format(' %s |', round(avg(ms)::numeric, 1))
  FROM scored GROUP BY band ORDER BY min(share);

\if :show
SELECT '';
SELECT format(E'#%s %s%s: P@10 %s; top 10 (* relevant):\n', s.k, s.query, coalesce(' [' || s.p_type || ']', ''),
              to_char(s.p10, 'FM0.00'))
       || coalesce((SELECT string_agg(format('  %2s %s %s  {%s}  %s days', g.n, CASE WHEN g.id = ANY (s.relevant) THEN '*' ELSE ' ' END,
                                    c.title, array_to_string(c.tags, ','),
                                    round(extract(epoch FROM bench.t0() - c.created_at)::numeric / 86400)),
                             E'\n' ORDER BY g.n)
             FROM unnest(s.got) WITH ORDINALITY g(id, n) JOIN public.creations c ON c.id = g.id), '  (no results)')
       || E'\n  missed: '
       || (SELECT string_agg(format('%s (%s days)', c.title, round(extract(epoch FROM bench.t0() - c.created_at)::numeric / 86400)),
                             '; ' ORDER BY c.created_at DESC)
             FROM public.creations c WHERE c.id = ANY (s.relevant) AND NOT c.id = ANY (s.got))
  FROM scored s WHERE s.p10 < 1 ORDER BY s.k;
\endif
SQL
} | q "$DB" -At -f -
log "done in $(( ($(date +%s%N) - START) / 1000000 )) ms"
