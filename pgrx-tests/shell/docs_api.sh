#!/usr/bin/env bash
# docs/api.md against the catalog.  Every function section of the API
# reference has the shape
#
#   ### `name`
#   `name(<pg_get_function_arguments>)` → <pg_get_function_result>
#   Roles: <the roles among anon, authenticated, service_role with EXECUTE>
#
# and this checks, in a fresh database with the extension:
#   - every such section has the three lines;
#   - the documented functions are exactly the functions of schema public
#     that belong to extension arcanea (pg_depend deptype 'e');
#   - each one's signature line equals what pg_get_function_arguments() and
#     pg_get_function_result() print (a plain string compare: write the
#     line as the catalog prints it, e.g. `p_user_id uuid DEFAULT NULL::uuid`);
#   - each one's Roles line lists exactly the roles among anon,
#     authenticated and service_role for which has_function_privilege(role,
#     oid, 'EXECUTE') is true.
# On a mismatch the diagnostics show the documented line and the catalog's.
#
# The sections of docs/api.md between "<!-- generated: NAME -->" and
# "<!-- end generated: NAME -->" are what docs_api/NAME.sql prints
# (privileges: the function and table/column privilege matrix; limits: the
# payload limits), in a bare database AND in one set up as Supabase sets up
# its own (pgrx-tests/fixtures/supabase.sql, whose default privileges hand
# every new object to the API roles): the model must be the same in both.
# `docs_api.sh --write` rewrites those sections from a bare database.
#
# Prints TAP; creates and drops its own databases.
#
# Env: PGHOST/PGPORT/PGUSER (a cluster with arcanea installed); ARCANEA_ROOT
# (the repo; default: from this file's path).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$HERE/../.." && pwd)}
# shellcheck source=pgrx-tests/shell/lib/tap.sh
source "$HERE/lib/tap.sh"

DOC=$ARCANEA_ROOT/docs/api.md
DB=arcanea_docs_api_$$
SB_DB=arcanea_docs_api_sb_$$
GENERATED=(privileges limits)
trap 'db_drop "$DB"; db_drop "$SB_DB"' EXIT

# doc_section NAME: the lines of docs/api.md between NAME's markers.
doc_section() {
    awk -v begin="<!-- generated: $1 -->" -v end="<!-- end generated: $1 -->" \
        '$0 == end { inside = 0 } inside { print } $0 == begin { inside = 1 }' "$DOC"
}
# generated NAME DB: what docs_api/NAME.sql prints in DB.
generated() { psql -qXAt -v ON_ERROR_STOP=1 -d "$2" -f "$HERE/docs_api/$1.sql"; }

if [[ "${1:-}" == --write ]]; then
    db_create "$DB" || tap_bail "cannot create database $DB with the extension"
    for name in "${GENERATED[@]}"; do
        grep -qxF "<!-- generated: $name -->" "$DOC" || { echo "no <!-- generated: $name --> marker in $DOC" >&2; exit 1; }
        generated "$name" "$DB" >"$DOC.$name"
        awk -v begin="<!-- generated: $name -->" -v end="<!-- end generated: $name -->" -v file="$DOC.$name" '
            $0 == begin { print; while ((getline line < file) > 0) print line; skip = 1; next }
            $0 == end { skip = 0 }
            !skip { print }' "$DOC" >"$DOC.new"
        mv "$DOC.new" "$DOC"
        rm -f "$DOC.$name"
        echo "docs/api.md: section $name rewritten from the catalog"
    done
    exit 0
fi

[[ -r "$DOC" ]] || tap_bail "cannot read $DOC"

# ---------------------------------------------------------------------------
# The document: name -> signature line, name -> roles
# ---------------------------------------------------------------------------
re_head='^### `([a-z_][a-z0-9_]*)`$'
re_sig='^`([a-z_][a-z0-9_]*)\((.*)\)` → (.+)$'
re_roles='^Roles: (.*)$'

declare -A DOC_SIG=() DOC_ROLES=()
DOC_NAMES=()
PARSE_ERRORS=()
mapfile -t LINES <"$DOC"
for ((i = 0; i < ${#LINES[@]}; i++)); do
    line=${LINES[i]%$'\r'}
    [[ $line =~ $re_head ]] || continue
    name=${BASH_REMATCH[1]}
    if [[ -n "${DOC_SIG[$name]+set}" ]]; then
        PARSE_ERRORS+=("$name: documented twice (line $((i + 1)))")
        continue
    fi
    DOC_NAMES+=("$name")
    sig=${LINES[i + 1]:-}
    sig=${sig%$'\r'}
    roles=${LINES[i + 2]:-}
    roles=${roles%$'\r'}
    if [[ $sig =~ $re_sig && ${BASH_REMATCH[1]} == "$name" ]]; then
        DOC_SIG[$name]=$sig
    else
        DOC_SIG[$name]="(no signature line)"
        PARSE_ERRORS+=("$name: line $((i + 2)) is not \`$name(...)\` → result: $sig")
    fi
    if [[ $roles =~ $re_roles ]]; then
        # Compare as a set: sorted, ", "-separated.
        DOC_ROLES[$name]=$(tr ',' '\n' <<<"${BASH_REMATCH[1]}" | sed 's/^ *//; s/ *$//' | sed '/^$/d' \
            | LC_ALL=C sort | paste -sd ',' - | sed 's/,/, /g')
    else
        DOC_ROLES[$name]="(no Roles line)"
        PARSE_ERRORS+=("$name: line $((i + 3)) is not \"Roles: ...\": $roles")
    fi
done

# ---------------------------------------------------------------------------
# The catalog: name|arguments|result|roles, one line per function
# ---------------------------------------------------------------------------
db_create "$DB" || tap_bail "cannot create database $DB with the extension"
CATALOG=$(PGOPTIONS="-c search_path=public" q "$DB" "
SELECT p.proname,
       pg_catalog.pg_get_function_arguments(p.oid),
       pg_catalog.pg_get_function_result(p.oid),
       concat_ws(', ',
                 CASE WHEN has_function_privilege('anon', p.oid, 'EXECUTE') THEN 'anon' END,
                 CASE WHEN has_function_privilege('authenticated', p.oid, 'EXECUTE') THEN 'authenticated' END,
                 CASE WHEN has_function_privilege('service_role', p.oid, 'EXECUTE') THEN 'service_role' END)
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                             AND d.deptype = 'e'
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'arcanea'
 WHERE p.pronamespace = 'public'::regnamespace
 ORDER BY p.proname, 2")
[[ -n "$CATALOG" ]] || tap_bail "the extension has no functions in schema public"

declare -A CAT_SIG=() CAT_ROLES=()
CAT_NAMES=()
DUPLICATES=()
while IFS='|' read -r name args result roles; do
    if [[ -n "${CAT_SIG[$name]+set}" ]]; then
        DUPLICATES+=("$name")
        continue
    fi
    CAT_NAMES+=("$name")
    CAT_SIG[$name]="\`$name($args)\` → $result"
    CAT_ROLES[$name]=$roles
done <<<"$CATALOG"

# ---------------------------------------------------------------------------
# Compare
# ---------------------------------------------------------------------------
sorted() { printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort -u; }
only_doc=$(LC_ALL=C comm -23 <(sorted "${DOC_NAMES[@]}") <(sorted "${CAT_NAMES[@]}") | paste -sd ' ' -)
only_cat=$(LC_ALL=C comm -13 <(sorted "${DOC_NAMES[@]}") <(sorted "${CAT_NAMES[@]}") | paste -sd ' ' -)
both=$(LC_ALL=C comm -12 <(sorted "${DOC_NAMES[@]}") <(sorted "${CAT_NAMES[@]}"))
mapfile -t BOTH < <(sed '/^$/d' <<<"$both")

tap_plan $((2 + 2 * ${#BOTH[@]} + 2 * ${#GENERATED[@]}))

parse_errors=
for e in "${PARSE_ERRORS[@]}"; do
    parse_errors+="$e. "
done
tap_is "docs/api.md: every function section has its signature and Roles lines (${#DOC_NAMES[@]} sections)" \
    "$parse_errors" ""

set_diff=
[[ -z "$only_doc" ]] || set_diff+="documented but not in the catalog: $only_doc. "
[[ -z "$only_cat" ]] || set_diff+="in the catalog but not documented: $only_cat. "
[[ ${#DUPLICATES[@]} -eq 0 ]] || set_diff+="overloaded in the catalog: ${DUPLICATES[*]}. "
tap_is "the documented functions are exactly the extension's functions in public (${#CAT_NAMES[@]})" \
    "$set_diff" ""

for name in "${BOTH[@]}"; do
    tap_is "$name: the signature line is the catalog's" "${DOC_SIG[$name]}" "${CAT_SIG[$name]}"
    tap_is "$name: Roles lists the roles with EXECUTE" "${DOC_ROLES[$name]}" "${CAT_ROLES[$name]}"
done

# The generated sections, in both worlds.
PGOPTIONS="-c client_min_messages=warning" psql -qX -v ON_ERROR_STOP=1 -d postgres \
    -c "DROP DATABASE IF EXISTS $SB_DB" -c "CREATE DATABASE $SB_DB" >/dev/null
PGOPTIONS="-c client_min_messages=warning" psql -qX -v ON_ERROR_STOP=1 -d "$SB_DB" \
    -f "$ARCANEA_ROOT/pgrx-tests/fixtures/supabase.sql" -c 'CREATE EXTENSION arcanea' >/dev/null 2>&1 \
    || tap_bail "cannot create the Supabase-like database $SB_DB with the extension"
for name in "${GENERATED[@]}"; do
    documented=$(doc_section "$name")
    for world in bare supabase; do
        db=$DB
        [[ $world == supabase ]] && db=$SB_DB
        actual=$(generated "$name" "$db")
        if [[ -n "$documented" && "$documented" == "$actual" ]]; then
            tap_is "docs/api.md section $name is the catalog's, $world world ($(wc -l <<<"$actual") lines)" same same
        else
            tap_is "docs/api.md section $name is the catalog's, $world world (docs_api.sh --write regenerates it)" differs same
            # (diff exits 1 on a difference: under pipefail that would end the script here)
            { diff <(echo "$documented") <(echo "$actual") || true; } | head -n 20 | tap_diag
        fi
    done
done

tap_done
