#!/usr/bin/env bash
# Realtime: the changes Supabase Realtime would stream to clients.
#
# The Realtime server (Elixir) cannot run here; what it reads can.  On its
# own cluster (wal_level = logical, port ARCANEA_REALTIME_PORT, default
# 54382) this test
#   - installs the extension in a bare database (which creates the
#     supabase_realtime publication) and in a Supabase-like one whose
#     publication already carries a project table (which stays);
#   - reads the publication's logical stream with pg_recvlogical and the
#     pgoutput plugin, as Realtime does, around a like (which notifies the
#     creation's owner) and a Luminor's reply: each insert appears, into
#     public.notifications and public.luminor_messages, with the columns a
#     client renders, and nothing of any other table of the extension;
#   - checks what Realtime's per-subscriber RLS check would allow: the
#     recipient reads the new notification and message, another user reads
#     neither;
#   - in the Supabase-like database (which has Realtime's realtime.send),
#     checks Broadcast: both rows are sent to the owner's private channel,
#     which the owner may join and another user may not; the bare database
#     has no Broadcast triggers.
# realtime/pgoutput.pl decodes the stream.  Prints TAP.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARCANEA_ROOT=${ARCANEA_ROOT:-$(cd "$HERE/../.." && pwd)}
# shellcheck source=scripts/lib.sh
source "$ARCANEA_ROOT/scripts/lib.sh"
# shellcheck source=pgrx-tests/shell/lib/tap.sh
source "$HERE/lib/tap.sh"
# shellcheck source=pgrx-tests/shell/lib/own_cluster.sh
source "$HERE/lib/own_cluster.sh"

own_cluster_start "${ARCANEA_REALTIME_PORT:-54382}" wal_level=logical
FIXTURES=$ARCANEA_ROOT/pgrx-tests/fixtures
tap_plan 17

psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE rt' -c 'CREATE DATABASE rt_supabase' >/dev/null
q rt "CREATE EXTENSION arcanea" >/dev/null
PGOPTIONS="-c client_min_messages=warning" psql -qX -v ON_ERROR_STOP=1 -d rt_supabase \
    -f "$FIXTURES/supabase.sql" \
    -c "CREATE TABLE public.todos (id bigint PRIMARY KEY, task text)" \
    -c "ALTER PUBLICATION supabase_realtime ADD TABLE public.todos" \
    -c "CREATE EXTENSION arcanea" >/dev/null 2>&1 || tap_bail "installing into the Supabase-like database failed"

members() { q "$1" "SELECT string_agg(schemaname || '.' || tablename, ' ' ORDER BY schemaname, tablename) FROM pg_publication_tables WHERE pubname = 'supabase_realtime'"; }
tap_is "bare database: the extension created supabase_realtime with its two tables" \
    "$(members rt)" "public.luminor_messages public.notifications"
tap_is "Supabase-like database: the two tables joined the existing publication, whose project table stays" \
    "$(members rt_supabase)" "public.luminor_messages public.notifications public.todos"

# The stream, from before the changes to just after them.
q rt "SELECT pg_create_logical_replication_slot('arcanea_rt', 'pgoutput')" >/dev/null
# The events: a like (which notifies the creation's owner) and a Luminor's
# reply, in database DB.
make_events() { # make_events DB
    q "$1" "
INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
    ('a1000000-0000-4000-8000-000000000001', 'owner@rt.test', '{\"username\": \"rt_owner\"}'),
    ('b2000000-0000-4000-8000-000000000002', 'fan@rt.test',   '{\"username\": \"rt_fan\"}');
INSERT INTO public.creations (id, user_id, title, type, status, published_at)
VALUES ('c3000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'Live light', 'image',
        'published', now());
INSERT INTO public.likes (user_id, creation_id)
VALUES ('b2000000-0000-4000-8000-000000000002', 'c3000000-0000-4000-8000-000000000003');
INSERT INTO public.luminor_conversations (id, user_id, luminor_id)
VALUES ('d4000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000001',
        '00000000-0000-4000-8000-00000000a001');
SELECT public.add_message_to_conversation(
    p_conversation_id => 'd4000000-0000-4000-8000-000000000004', p_user_id => 'a1000000-0000-4000-8000-000000000001',
    p_role => 'assistant', p_content => 'A live reply from Lumina', p_model => 'gpt-4o', p_tokens => 12);
" >/dev/null
}
make_events rt
# The insert position: with synchronous_commit off (a --fast cluster) the
# write position can lag behind the commit just made.
END_LSN=$(q rt "SELECT pg_current_wal_insert_lsn()")
recv_status=0
timeout 60 pg_recvlogical -d rt --slot arcanea_rt --start --no-loop --endpos "$END_LSN" \
    -o proto_version=1 -o publication_names=supabase_realtime -f "$OWN_WORK/stream.bin" 2>"$OWN_WORK/recv.err" \
    || recv_status=$?
tap_is "pg_recvlogical read the publication's stream up to the changes" "$recv_status" 0
[[ $recv_status -eq 0 ]] || tap_diag <"$OWN_WORK/recv.err"
decode_status=0
perl "$HERE/realtime/pgoutput.pl" <"$OWN_WORK/stream.bin" >"$OWN_WORK/stream.txt" 2>"$OWN_WORK/decode.err" || decode_status=$?
tap_is "the stream decodes as pgoutput ($(wc -l <"$OWN_WORK/stream.txt") messages)" "$decode_status" 0
[[ $decode_status -eq 0 ]] || tap_diag <"$OWN_WORK/decode.err"

relation_columns() { sed -n "s/^R $1 //p" "$OWN_WORK/stream.txt" | head -n 1; }
has_columns() { # has_columns TABLE COL...: the relation message names each column
    local cols missing=()
    cols=",$(relation_columns "$1"),"
    shift
    for c in "$@"; do [[ $cols == *",$c,"* ]] || missing+=("$c"); done
    echo "${missing[*]:-}"
}
tap_is "public.notifications is described with the columns a client renders" \
    "$(has_columns public.notifications id user_id type title message action_url metadata is_read created_at)" ""
tap_is "a new notification is streamed: the like, for the creation's owner" \
    "$(grep -c '^I public.notifications .*user_id=a1000000-0000-4000-8000-000000000001|type=creation_liked|' "$OWN_WORK/stream.txt")" 1
tap_is "public.luminor_messages is described with the columns a client renders" \
    "$(has_columns public.luminor_messages id conversation_id user_id role content model created_at)" ""
tap_is "a new message is streamed: the Luminor's reply, with its content" \
    "$(grep -c '^I public.luminor_messages .*role=assistant|content=A live reply from Lumina|' "$OWN_WORK/stream.txt")" 1
# Both tables are partitioned by month and published through their root
# (publish_via_partition_root): every change carries the root's name.
# PostgreSQL 15's pgoutput also describes the partition a row went to in a
# relation message (R) before the root's; rows never carry its name.
tap_is "nothing of the other tables is streamed (likes, creations, profiles, conversations...)" \
    "$(grep -E '^[RIUD] ' "$OWN_WORK/stream.txt" | grep -vE '^[RIUD] public\.(notifications|luminor_messages) ' \
        | grep -vE '^R arcanea_partitions\.(notifications|luminor_messages)_(default|p[0-9]{4}_[0-9]{2}) ' \
        | cut -c1-80 | sort -u | paste -sd ' ' -)" ""
q rt "SELECT pg_drop_replication_slot('arcanea_rt')" >/dev/null

# Realtime checks each change against the subscriber's SELECT policies,
# running as the subscriber (role and JWT claims) as PostgREST does.
as_user_sees() { # as_user_sees SUB TABLE WHERE
    psql -qXAt -v ON_ERROR_STOP=1 -d rt <<SQL
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', '$1', 'role', 'authenticated')::text, true)
\g /dev/null
SELECT count(*) FROM $2 WHERE $3;
ROLLBACK;
SQL
}
tap_is "RLS for Realtime: the owner may read the notification streamed to them" \
    "$(as_user_sees a1000000-0000-4000-8000-000000000001 public.notifications "type = 'creation_liked'")" 1
tap_is "RLS for Realtime: another user may not" \
    "$(as_user_sees b2000000-0000-4000-8000-000000000002 public.notifications "type = 'creation_liked'")" 0
tap_is "RLS for Realtime: the owner may read the Luminor's reply, another user may not" \
    "$(as_user_sees a1000000-0000-4000-8000-000000000001 public.luminor_messages "role = 'assistant'") $(as_user_sees b2000000-0000-4000-8000-000000000002 public.luminor_messages "role = 'assistant'")" "1 0"

# Broadcast, inside Supabase (sql/70_realtime.sql): Supabase Realtime reads
# Postgres Changes through wal2json, which cannot deliver a partitioned
# table's rows, so each new notification and message is also sent with
# realtime.send to its owner's private channel.  Supabase-like database
# (the fixture has realtime.send and realtime.messages); none in the bare one.
broadcast_triggers() { q "$1" "SELECT coalesce(string_agg(tgname, ' ' ORDER BY tgname), '') FROM pg_trigger WHERE tgname LIKE '%_broadcast' AND tgparentid = 0"; }
tap_is "bare database: no Broadcast triggers (no realtime.send)" "$(broadcast_triggers rt)" ""
make_events rt_supabase
tap_is "Supabase-like database: Broadcast triggers on both tables" \
    "$(broadcast_triggers rt_supabase)" "luminor_messages_broadcast notifications_broadcast"
tap_is "the like's notification and Lumina's reply are broadcast to the owner's private channel" \
    "$(q rt_supabase "SELECT string_agg(event || ' ' || topic || ' ' || private || ' ' || coalesce(payload ->> 'type', payload ->> 'content'), '; ' ORDER BY event)
                      FROM realtime.messages WHERE extension = 'broadcast'")" \
    "message arcanea:user:a1000000-0000-4000-8000-000000000001 true A live reply from Lumina; notification arcanea:user:a1000000-0000-4000-8000-000000000001 true creation_liked"
# Realtime admits a user to a private channel when, as that user with
# realtime.topic set to the channel, a SELECT on realtime.messages finds rows.
joins_channel() { # joins_channel SUB TOPIC
    psql -qXAt -v ON_ERROR_STOP=1 -d rt_supabase <<SQL
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', json_build_object('sub', '$1', 'role', 'authenticated')::text, true),
       set_config('realtime.topic', '$2', true)
\g /dev/null
SELECT count(*) FROM realtime.messages WHERE topic = '$2';
ROLLBACK;
SQL
}
tap_is "the owner may join their channel (2 messages)" \
    "$(joins_channel a1000000-0000-4000-8000-000000000001 arcanea:user:a1000000-0000-4000-8000-000000000001)" 2
tap_is "another user may not join it" \
    "$(joins_channel b2000000-0000-4000-8000-000000000002 arcanea:user:a1000000-0000-4000-8000-000000000001)" 0

tap_done
