// In-database tests (`cargo pgrx test`): what only a running backend shows.
// The behaviour of every RPC as PostgREST calls it is covered by the pgTAP
// suites in pgrx-tests/sql; these pin the machinery underneath.

use pgrx::prelude::*;

/// The SQLSTATE a statement raises, as a PL/pgSQL exception handler sees it.
/// Call it once as the superuser before switching roles: it defines the
/// catcher the first time.
fn sqlstate_of(statement: &str) -> String {
    Spi::run(
        "DO $$ BEGIN
             IF to_regprocedure('pg_temp.sqlstate_of(text)') IS NULL THEN
                 CREATE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $f$
                 BEGIN EXECUTE q; RETURN '00000'; EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE; END $f$;
             END IF;
         END $$",
    )
    .unwrap();
    Spi::get_one_with_args::<String>("SELECT pg_temp.sqlstate_of($1)", &[statement.into()])
        .unwrap()
        .unwrap()
}

fn seed_user(id: &str, username: &str) {
    Spi::run_with_args(
        "INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES ($1::uuid, $2 || '@t.io', jsonb_build_object('username', $2))",
        &[id.into(), username.into()],
    )
    .unwrap();
}

#[pg_test]
fn auth_uid_reads_postgrest_12_json_claims() {
    Spi::run("SELECT set_config('request.jwt.claims', '{\"sub\":\"6f1c1c2e-0000-4000-8000-000000000001\"}', true)").unwrap();
    let uid = Spi::get_one::<String>("SELECT auth.uid()::text").unwrap();
    assert_eq!(uid.as_deref(), Some("6f1c1c2e-0000-4000-8000-000000000001"));
}

#[pg_test]
fn auth_uid_reads_the_legacy_claim_first_and_is_null_without_claims() {
    assert_eq!(Spi::get_one::<String>("SELECT auth.uid()::text").unwrap(), None);
    Spi::run("SELECT set_config('request.jwt.claims', '{\"sub\":\"6f1c1c2e-0000-4000-8000-000000000001\"}', true)").unwrap();
    Spi::run("SELECT set_config('request.jwt.claim.sub', '6f1c1c2e-0000-4000-8000-000000000002', true)").unwrap();
    let uid = Spi::get_one::<String>("SELECT auth.uid()::text").unwrap();
    assert_eq!(uid.as_deref(), Some("6f1c1c2e-0000-4000-8000-000000000002"));
}

#[pg_test]
fn not_found_is_raised_as_pt404_and_the_rewrite_does_not_leak() {
    seed_user("00000000-0000-4000-8000-000000000001", "tester");
    let missing = "SELECT toggle_like('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000ff')";
    assert_eq!(sqlstate_of(missing), "PT404");
    // The next errors, ours or Postgres', keep their own codes.
    assert_eq!(sqlstate_of("SELECT 1 / 0"), "22012");
    assert_eq!(sqlstate_of("SELECT toggle_like('00000000-0000-4000-8000-000000000001')"), "22004");
    assert_eq!(sqlstate_of(missing), "PT404");
    // A plain no_data_found from elsewhere is not turned into PT404.
    assert_eq!(sqlstate_of("DO $$ BEGIN RAISE no_data_found; END $$"), "P0002");
}

#[pg_test]
fn signup_creates_exactly_one_profile() {
    seed_user("00000000-0000-4000-8000-000000000001", "neo");
    let (username, arcanean_id) = Spi::get_two::<String, String>(
        "SELECT username, arcanean_id FROM public.profiles WHERE id = '00000000-0000-4000-8000-000000000001'",
    )
    .unwrap();
    assert_eq!(username.as_deref(), Some("neo"));
    assert!(arcanean_id.unwrap().starts_with("ARC-"));
}

#[pg_test]
fn trusted_and_anonymous_callers_are_told_apart() {
    seed_user("00000000-0000-4000-8000-000000000001", "alice");
    // A superuser is trusted and must name the user.
    assert_eq!(sqlstate_of("SELECT update_last_active()"), "22004");
    Spi::run("SET LOCAL ROLE service_role").unwrap();
    assert_eq!(sqlstate_of("SELECT update_last_active('00000000-0000-4000-8000-000000000001')"), "00000");
    Spi::run("RESET ROLE").unwrap();
    Spi::run("SET LOCAL ROLE authenticated").unwrap();
    assert_eq!(sqlstate_of("SELECT update_last_active()"), "42501");
    Spi::run("RESET ROLE").unwrap();
}

#[pg_test]
fn kept_plans_survive_the_extension_being_dropped_and_created_again() {
    // Plans are kept per backend; after DROP/CREATE EXTENSION every table
    // has a new OID, and the kept plans must re-plan, not fail.
    let count = "SELECT count(*) FROM search_creations('dragon')";
    assert_eq!(Spi::get_one::<i64>(count).unwrap(), Some(0));
    Spi::run("SET LOCAL arcanea.allow_drop = on").unwrap();
    Spi::run("DROP EXTENSION arcanea CASCADE").unwrap();
    Spi::run("CREATE EXTENSION arcanea").unwrap();
    seed_user("00000000-0000-4000-8000-000000000001", "alice");
    Spi::run(
        "INSERT INTO public.creations (user_id, title, type, status, published_at)
         VALUES ('00000000-0000-4000-8000-000000000001', 'Dragon', 'image', 'published', now())",
    )
    .unwrap();
    assert_eq!(Spi::get_one::<i64>(count).unwrap(), Some(1));
}

/// `SQLSTATE: message` of the error a statement raises ('00000' when none).
/// Like `sqlstate_of`, call it once before the transaction turns read-only.
fn error_of(statement: &str) -> String {
    Spi::run(
        "DO $$ BEGIN
             IF to_regprocedure('pg_temp.error_of(text)') IS NULL THEN
                 CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $f$
                 BEGIN EXECUTE q; RETURN '00000'; EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE || ': ' || SQLERRM; END $f$;
             END IF;
         END $$",
    )
    .unwrap();
    Spi::get_one_with_args::<String>("SELECT pg_temp.error_of($1)", &[statement.into()]).unwrap().unwrap()
}

#[pg_test]
fn a_writer_in_a_read_only_transaction_is_refused_with_25006_by_arcanea() {
    // A hot standby is read-only in every transaction; on a primary a
    // read-only transaction (a PostgREST GET) takes the same path in
    // db::write.  The message is arcanea's, not the executor's ("cannot
    // execute INSERT in a read-only transaction"): the refusal comes before
    // pgrx takes a transaction id, which a standby cannot give (XX000).
    seed_user("00000000-0000-4000-8000-000000000001", "alice");
    let like = "SELECT toggle_like('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000ff')";
    let views = "SELECT increment_creation_views('00000000-0000-4000-8000-0000000000ff')";
    assert_eq!(error_of(like), "PT404: creation not found");
    Spi::run("SET LOCAL transaction_read_only = on").unwrap();
    let refused = "25006: this function writes and cannot run in a read-only transaction";
    assert_eq!(error_of(like), refused);
    assert_eq!(error_of(views), refused);
    // Readers still run.
    assert_eq!(error_of("SELECT count(*) FROM search_creations('dragon')"), "00000");
}

/// arcanea.rank_cd (src/ranking.rs) is search's relevance as ts_rank_cd
/// computes it, for every query shape search makes: over creations' search
/// vectors built as creations_search_vector() builds them (title A, stemmed
/// and verbatim; tags B; description C), including descriptions long enough
/// to run out of positions and vectors stripped of positions, it returns
/// ts_rank_cd's value to the bit.
#[pg_test]
fn rank_cd_equals_ts_rank_cd() {
    let counts = Spi::get_two::<i64, i64>(
        "WITH words(w) AS (
             SELECT unnest('{neon,city,cities,dragon,dragons,ocean,the,of,silent,golden,forest,running,ran,sea}'::text[])),
         docs(n, title, tags, description) AS MATERIALIZED (
             SELECT n,
                    (SELECT string_agg(w, ' ') FROM (SELECT w FROM words ORDER BY md5(w || n || 't') LIMIT 1 + n % 4) x),
                    ARRAY(SELECT w FROM words ORDER BY md5(w || n || 'g') LIMIT n % 3),
                    CASE WHEN n % 300 = 0
                         THEN repeat('neon ocean of the city ', 3500)
                         ELSE (SELECT string_agg(w, ' ') FROM (SELECT w FROM words, generate_series(1, 1 + n % 5)
                                                                ORDER BY md5(w || n || 'd' || generate_series) LIMIT n % 40) y)
                    END
               FROM generate_series(1, 1500) AS n),
         vectors(v) AS MATERIALIZED (
             SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
                    || setweight(to_tsvector('simple', coalesce(title, '')), 'A')
                    || setweight(to_tsvector('simple', coalesce(array_to_string(tags, ' '), '')), 'B')
                    || setweight(to_tsvector('english', coalesce(description, '')), 'C')
               FROM docs
             UNION ALL  -- vectors without positions rank 0 in both
             SELECT strip(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, '')))
               FROM docs WHERE n <= 100),
         queries(q) AS MATERIALIZED (
             SELECT arcanea.search_query(t)
               FROM unnest('{neon,\"neon city\",neon city,cities of dragons,the dragon,dragon -city,
                             dragon or ocean,silent ocean running,the of,golden dragons sea forest ran}'::text[]) AS t
             UNION ALL
             SELECT unnest('{neon:*,neon:A,neon & !city,neon <-> city,(neon | city) & (sea | ocean) & the}'::tsquery[])),
         ranked AS (
             SELECT arcanea.rank_cd(v, q) AS ours, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', v, q, 32) AS theirs
               FROM vectors, queries)
         SELECT count(*) FILTER (WHERE ours IS DISTINCT FROM theirs), count(*) FILTER (WHERE theirs > 0)
           FROM ranked",
    )
    .unwrap();
    let (differ, ranked) = (counts.0.unwrap(), counts.1.unwrap());
    assert_eq!(differ, 0, "{differ} ranks differ from ts_rank_cd");
    assert!(ranked > 5_000, "only {ranked} pairs matched: the data no longer exercises the ranking");
}
