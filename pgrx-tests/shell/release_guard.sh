#!/usr/bin/env bash
# Released versions stay as they were released (sql/released/releases.txt):
#   - sql/released/arcanea--V.sql, the install script every package ships
#     for release V, is the one V's commit generates (the same statements;
#     pgrx orders independent blocks differently from build to build, so
#     the blocks are compared as a set);
#   - every upgrade or downgrade script that existed at a release's commit
#     is unchanged: once released, a path between versions is frozen;
#   - the version being built (Cargo.toml) is either a released one, whose
#     generated install script must then equal the frozen one, or newer,
#     with an upgrade script from the last release and a way back.
# That the new version's fresh install equals old + upgrade script is
# upgrade.sh's catalog parity.  Prints TAP; needs no database.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$HERE/../.." && pwd)}
# shellcheck source=scripts/lib.sh
source "$ARCANEA_ROOT/scripts/lib.sh"
# shellcheck source=pgrx-tests/shell/lib/tap.sh
source "$HERE/lib/tap.sh"

WORK=$(mktemp -d)
trap 'rm -rf -- "$WORK"' EXIT

mapfile -t VERSIONS < <(release_versions)
NEW=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ARCANEA_ROOT/Cargo.toml" | head -n 1)
LAST=${VERSIONS[-1]}
tap_plan $((2 * ${#VERSIONS[@]} + 2))

# The statements of a pgrx install script, one block per line, sorted.
blocks() {
    awk 'BEGIN { RS = "/\\* <begin connected objects> \\*/\n" } NR > 1 { gsub(/\n/, "\\n"); print }' "$1" | sort
}
same_blocks() { # same_blocks DESC A B
    local a=$WORK/a b=$WORK/b n
    blocks "$2" >"$a"
    blocks "$3" >"$b"
    n=$(wc -l <"$a")
    if cmp -s "$a" "$b" && ((n > 0)); then
        tap_is "$1 ($n blocks)" same same
    else
        tap_is "$1" "differs" same
        diff "$a" "$b" | cut -c1-200 | head -n 20 | tap_diag
    fi
}

for v in "${VERSIONS[@]}"; do
    commit=$(release_commit "$v")
    pkg=$(release_package "$v" 2>"$WORK/build.log") || { tap_diag <"$WORK/build.log"; tap_bail "cannot build release $v"; }
    same_blocks "sql/released/arcanea--$v.sql is what release $v (${commit:0:12}) installs" \
        "$ARCANEA_ROOT/sql/released/arcanea--$v.sql" "$pkg/extension/arcanea--$v.sql"
    changed=()
    while read -r path; do
        if ! git -C "$ARCANEA_ROOT" show "$commit:$path" | cmp -s - "$ARCANEA_ROOT/$path"; then
            changed+=("$path")
        fi
    done < <(git -C "$ARCANEA_ROOT" ls-tree --name-only "$commit" sql/ | grep -E '^sql/arcanea--[^/]+--[^/]+\.sql$' || true)
    tap_is "the upgrade scripts released with $v are unchanged" "${changed[*]:-}" ""
done

if [[ " ${VERSIONS[*]} " == *" $NEW "* ]]; then
    stage=$(ls -d "$ARCANEA_ROOT"/target/arcanea-install-stage/usr/share/postgresql/*/extension 2>/dev/null | head -n 1)
    [[ -f "$stage/arcanea--$NEW.sql" ]] || tap_bail "no staged build of $NEW: run pgrx_install"
    same_blocks "the source builds released version $NEW, and installs what $NEW installs" \
        "$ARCANEA_ROOT/sql/released/arcanea--$NEW.sql" "$stage/arcanea--$NEW.sql"
    tap_is "(no upgrade script needed for a released version)" ok ok
else
    newest=$(printf '%s\n' "${VERSIONS[@]}" "$NEW" | sort -V | tail -n 1)
    tap_is "the version being built ($NEW) is newer than every release" "$newest" "$NEW"
    missing=()
    for f in "arcanea--$LAST--$NEW.sql" "arcanea--$NEW--$LAST.sql"; do
        [[ -f "$ARCANEA_ROOT/sql/$f" ]] || missing+=("sql/$f")
    done
    tap_is "an upgrade from $LAST to $NEW and a way back exist" "${missing[*]:-}" ""
fi
tap_done
