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
# Prints TAP; creates and drops its own database.
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
trap 'db_drop "$DB"' EXIT

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

tap_plan $((2 + 2 * ${#BOTH[@]}))

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

tap_done
