# pgrx-tests/bench/lib.sh: what the benchmark scripts share (scripts/bench.sh,
# upgrade_timing.sh, privacy_timing.sh).  Sourced after scripts/lib.sh.

# strip_comments FILE: an extension script's statements, comments and blank
# lines dropped, sorted: pgrx may order independent objects differently
# from one build to the next, so this is what identifies a build's SQL.
strip_comments() { grep -v -e '^--' -e '^[[:space:]]*$' "$1" | LC_ALL=C sort; }

# bench_cluster_up DATA PORT LIBDIR: start the cluster in DATA on PORT with
# the benchmarks' settings (memory for a data set of a few GB, no
# checkpoint in the middle of a run, JIT off: its compile time would only
# penalise the reference queries; lock waits over deadlock_timeout logged,
# so that a run's outliers can be told from waits afterwards) and LIBDIR
# first in dynamic_library_path, so that a private copy of arcanea.so is
# the one loaded.  Restarts it if a setting had to change.
bench_cluster_up() {
    local data=$1 port=$2 libdir=$3 k cur restart=0
    local -A want=(
        [shared_buffers]=2GB [effective_cache_size]=8GB [maintenance_work_mem]=1GB
        [max_wal_size]=4GB [checkpoint_timeout]=1h [jit]=off
        [log_lock_waits]=on
        [dynamic_library_path]="$libdir:\$libdir"
    )
    cluster_start "$data" "$port" --fast
    for k in "${!want[@]}"; do
        cur=$(cluster_psql "$port" postgres -At -c "SELECT coalesce((SELECT setting FROM pg_file_settings WHERE name = '$k' AND applied IS NOT NULL ORDER BY seqno DESC LIMIT 1), '')")
        if [[ "$cur" != "${want[$k]}" ]]; then
            cluster_psql "$port" postgres -c "ALTER SYSTEM SET $k = '${want[$k]}'"
            restart=1
        fi
    done
    if ((restart)); then
        cluster_stop "$data"
        cluster_start "$data" "$port" --fast
    fi
}

# upgrade_cluster SCALE SEED: the upgrade cluster, shared by upgrade_timing.sh
# (which makes its source database) and release_ab.sh. Sets PORT, DATA, LIB
# (the cluster's private library folder, first on its dynamic_library_path),
# OLD (the last release), NEW (this tree's version) and SOURCE_DB (the
# benchmark's data set at OLD, for SCALE and SEED).
upgrade_cluster() {
    PORT=${ARCANEA_UPGRADE_PG_PORT:-54353}
    DATA=$(stack_dir)/upgrade-pgdata
    LIB=$(stack_dir)/upgrade-lib
    OLD=$(release_versions | tail -n 1)
    NEW=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ARCANEA_ROOT/Cargo.toml" | head -n 1)
    SOURCE_DB=upgrade_source_$(tr . _ <<<"$1")_$2
}

# bench_dataset PORT DB SCALE SEED SQL_SHA FRESH: database DB holding the
# generator's data set (pgrx-tests/bench/generate.sql) at SCALE and SEED
# for the installed extension, whose SQL is identified by SQL_SHA
# (strip_comments | sha256sum).  An existing DB is reused when it is
# complete and was made for the same SQL by the same generator, unless
# FRESH is 1.  Sets
# BENCH_GEN_SECONDS (how long the generation took, then or now) and
# BENCH_REUSED (1 or 0); the generator's output goes to stderr.
bench_dataset() {
    local port=$1 db=$2 scale=$3 seed=$4 fresh=$6 meta t0 sql_sha
    # The generator is part of what made the data.
    sql_sha=$5-$(sha256sum "$ARCANEA_ROOT/pgrx-tests/bench/generate.sql" | cut -c1-8)
    BENCH_REUSED=0
    if [[ $(cluster_psql "$port" postgres -At -c "SELECT count(*) FROM pg_database WHERE datname = '$db'") == 1 ]] \
       && [[ "$fresh" != 1 ]]; then
        meta=$(cluster_psql "$port" "$db" -At -c "SELECT (SELECT value FROM bench.meta WHERE key = 'complete') || ' ' || coalesce((SELECT value FROM bench.meta WHERE key = 'sql_sha'), '-')" 2>/dev/null || true)
        [[ "$meta" == "true $sql_sha" ]] && BENCH_REUSED=1
    fi
    if ((BENCH_REUSED)); then
        BENCH_GEN_SECONDS=$(cluster_psql "$port" "$db" -At -c "SELECT value FROM bench.meta WHERE key = 'gen_seconds'")
        return 0
    fi
    cluster_psql "$port" postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    cluster_psql "$port" "$db" -c "CREATE EXTENSION arcanea"
    t0=$SECONDS
    cluster_psql "$port" "$db" -v scale="$scale" -v seed="$seed" -f "$ARCANEA_ROOT/pgrx-tests/bench/generate.sql" 2>&1 \
        | while IFS= read -r line; do printf '[gen %5ds] %s\n' $((SECONDS - t0)) "$line"; done >&2
    [[ ${PIPESTATUS[0]} -eq 0 ]] || die "data generation failed"
    BENCH_GEN_SECONDS=$((SECONDS - t0))
    cluster_psql "$port" "$db" -c "INSERT INTO bench.meta VALUES ('sql_sha', '$sql_sha'), ('gen_seconds', '$BENCH_GEN_SECONDS')"
}

# lock_blocks MODE: what a table lock of MODE makes the app's requests wait
# for (the lock report of upgrade_timing.sh and privacy_timing.sh).
lock_blocks() {
    case $1 in
        AccessExclusiveLock) echo "reads and writes" ;;
        ExclusiveLock|ShareRowExclusiveLock|ShareLock) echo "writes" ;;
        ShareUpdateExclusiveLock) echo "other DDL and VACUUM" ;;
        *) echo "nothing the app does (only DDL waits)" ;;
    esac
}

# bench_build_library SO_ARG LIB WORK: the library a benchmark loads, put
# into its own folder LIB (dynamic_library_path), never the system's:
# SO_ARG when given (a path), else `cargo pgrx package` of the work tree
# into WORK/stage, whose SQL must be the installed one (CREATE EXTENSION
# reads the installed script; PostgreSQL 15 has no other place to read it
# from).  A debug build is refused.  Sets INSTALLED_SQL, GIT_REV (with any
# uncommitted change named), SO_DESC, SO_SHA and SQL_SHA for the report.
bench_build_library() {
    local so_arg=$1 lib=$2 work=$3 sharedir pkglib version so pkg_sql
    sharedir=$("$ARCANEA_PG_CONFIG" --sharedir)
    pkglib=$("$ARCANEA_PG_CONFIG" --pkglibdir)
    version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$sharedir/extension/arcanea.control" 2>/dev/null || true)
    INSTALLED_SQL=$sharedir/extension/arcanea--$version.sql
    [[ -n "$version" && -f "$INSTALLED_SQL" ]] || die "arcanea is not installed: run scripts/stack.sh up (or pgrx_install) first"
    GIT_REV=$(git -C "$ARCANEA_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [[ -n "$(git -C "$ARCANEA_ROOT" status --porcelain 2>/dev/null)" ]]; then
        if [[ -n "$(git -C "$ARCANEA_ROOT" status --porcelain -- src sql Cargo.toml Cargo.lock 2>/dev/null)" ]]; then
            GIT_REV="$GIT_REV + uncommitted (including changes in src/ or sql/)"
        else
            GIT_REV="$GIT_REV + uncommitted (none in src/ or sql/)"
        fi
    fi
    if [[ -n "$so_arg" ]]; then
        so=$so_arg
        [[ -f "$so" ]] || die "no library at $so"
        SO_DESC="\`$so\`"
    else
        log "cargo pgrx package (release build) of the work tree; the system install is left alone"
        rm -rf "$work/stage"
        (cd "$ARCANEA_ROOT" && cargo pgrx package --pg-config "$ARCANEA_PG_CONFIG" --out-dir "$work/stage") \
            >"$work/package.log" 2>&1 \
            || { tail -30 "$work/package.log" >&2; die "cargo pgrx package failed (log: $work/package.log)"; }
        so=$work/stage$pkglib/arcanea.so
        pkg_sql=$work/stage$sharedir/extension/$(basename "$INSTALLED_SQL")
        [[ -f "$so" && -f "$pkg_sql" ]] || die "cargo pgrx package did not produce $so and $pkg_sql"
        diff -q <(strip_comments "$pkg_sql") <(strip_comments "$INSTALLED_SQL") >/dev/null \
            || die "the installed extension SQL differs from the work tree's: install the same tree first (source scripts/lib.sh && pgrx_install --release)"
        SO_DESC="release build of the work tree"
    fi
    [[ "$(so_build "$so")" == release ]] || die "$so is a debug build: the benchmark measures release builds"
    install -d -m 0755 "$lib"
    put_library "$so" "$lib"
    SO_SHA=$(sha256sum "$lib/arcanea.so" | cut -c1-12)
    SQL_SHA=$(strip_comments "$INSTALLED_SQL" | sha256sum | cut -c1-12)
}

# replace_section NAME SECTION_FILE OUT: put SECTION_FILE (which begins with
# `<!-- NAME:begin -->` and ends with `<!-- NAME:end -->`) in place of that
# section of the report OUT, or at its end when OUT has none.  OUT is read
# again at this moment (another script may have written its own section
# meanwhile) and replaced in one rename; scripts/bench.sh keeps the sections.
replace_section() {
    local name=$1 section=$2 out=$3
    if [[ -f "$out" ]] && grep -q "^<!-- $name:begin -->\$" "$out"; then
        grep -q "^<!-- $name:end -->\$" "$out" || die "$out has <!-- $name:begin --> but no <!-- $name:end -->"
        awk -v section="$section" -v begin="<!-- $name:begin -->" -v end="<!-- $name:end -->" '
            $0 == begin { while ((getline line < section) > 0) print line; skip = 1; next }
            $0 == end { skip = 0; next }
            !skip' "$out" >"$out.$name.tmp"
    else
        { [[ -s "$out" ]] && cat "$out" && echo; cat "$section"; } >"$out.$name.tmp"
    fi
    mv "$out.$name.tmp" "$out"
}
