#!/usr/bin/env bash
# scripts/jwt.sh: mint HS256 JWTs with openssl, as Supabase's auth server does.
#
#   scripts/jwt.sh anon                 the anon API key
#   scripts/jwt.sh service_role         the service_role API key
#   scripts/jwt.sh user UUID [EMAIL]    a user access token (role/aud authenticated, 1 hour)
#   scripts/jwt.sh sign 'JSON'          sign any claims object
#
# The secret is $ARCANEA_JWT_SECRET, else the DEV-ONLY default that the dev
# stack's PostgREST uses (the Supabase CLI's well-known local secret). With
# it, `anon` and `service_role` print exactly the Supabase CLI's demo keys.
#
# Sourcing this file only defines the functions jwt_b64url, jwt_sign,
# jwt_anon_key, jwt_service_role_key and jwt_user_token.

# base64url without padding, from stdin.
jwt_b64url() {
    openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# jwt_sign CLAIMS_JSON [SECRET]: header.payload.signature (HS256).
jwt_sign() {
    local claims=$1
    local secret=${2:-${ARCANEA_JWT_SECRET:-super-secret-jwt-token-with-at-least-32-characters-long}}
    local header payload signature
    header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | jwt_b64url)
    payload=$(printf '%s' "$claims" | jwt_b64url)
    signature=$(printf '%s' "$header.$payload" \
        | openssl dgst -sha256 -mac HMAC -macopt "key:$secret" -binary | jwt_b64url)
    printf '%s.%s.%s\n' "$header" "$payload" "$signature"
}

# Long-lived API keys, claims exactly as in the Supabase CLI's demo keys.
jwt_anon_key() {
    jwt_sign '{"iss":"supabase-demo","role":"anon","exp":1983812996}' "$@"
}
jwt_service_role_key() {
    jwt_sign '{"iss":"supabase-demo","role":"service_role","exp":1983812996}' "$@"
}

# jwt_user_token UUID [EMAIL] [SECRET]: an access token like GoTrue issues.
jwt_user_token() {
    local sub=$1 email=${2:-} now
    now=$(date +%s)
    jwt_sign "{\"iss\":\"supabase-demo\",\"sub\":\"$sub\",\"aud\":\"authenticated\",\"role\":\"authenticated\",\"email\":\"$email\",\"iat\":$now,\"exp\":$((now + 3600))}" "${@:3}"
}

_jwt_main() {
    set -euo pipefail
    case "${1:-}" in
        anon) jwt_anon_key ;;
        service_role) jwt_service_role_key ;;
        user)
            [[ -n "${2:-}" ]] || { echo "usage: $0 user UUID [EMAIL]" >&2; exit 2; }
            jwt_user_token "$2" "${3:-}"
            ;;
        sign)
            [[ -n "${2:-}" ]] || { echo "usage: $0 sign 'JSON'" >&2; exit 2; }
            jwt_sign "$2"
            ;;
        *)
            sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
            exit 2
            ;;
    esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    _jwt_main "$@"
fi
