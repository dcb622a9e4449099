#!/usr/bin/env bash
# Faults a national deployment must survive, each checked, on PostgreSQL:
#
#  1. kill -9 of `agenda import` in the middle of a national import: the database is exactly as
#     before (same export, same audit head) and `agenda audit verify` passes;
#  2. kill -9 of a node while clients write through it: every write acknowledged to a client is
#     stored, the chain verifies, and the restarted node serves again;
#  3. PostgreSQL restarted under load: requests fail cleanly (503, no hang) while it is down,
#     the node reconnects by itself and writes again, nothing half-written;
#  4. the disk full during a backup: the command fails and the previous backup file is intact.
#
#   bench/faults.sh        (as root: fault 3 restarts the machine's PostgreSQL, fault 4 mounts a tmpfs)
#
# Environment: AGENDA_TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test; a database of
# its own is created next to it and dropped at the end), AGENDA_BIN. Prints one line per fault:
# `PASS …` or `FAIL …`, and exits 1 when one failed. Loopback only; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN_URL=${AGENDA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
TODAY=2026-11-26
if [ -z "${AGENDA_BIN:-}" ]; then
  cargo build --release -q -p agenda-cli
  AGENDA_BIN=$PWD/target/release/agenda
fi
command -v wrk >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

WORK=$(mktemp -d)
DB_NAME=agenda_faults_$$
DB_URL="${ADMIN_URL%/*}/$DB_NAME"
NODE_PID=""
MOUNTED=""
cleanup() {
  [ -z "$NODE_PID" ] || { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; }
  [ -z "$MOUNTED" ] || umount "$MOUNTED" 2>/dev/null || true
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export AGENDA_LOG=warn
FAILED=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; FAILED=1; }
agenda() { AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" "$@"; }
head_of() { psql -qtA "$DB_URL" -c "SELECT seq || ' ' || hash FROM audit_head"; }
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }

psql -q "$ADMIN_URL" -c "CREATE DATABASE $DB_NAME" >/dev/null

start_node() {
  # The binary itself in the background (not the shell function), so that $! is the node.
  AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" serve --addr 127.0.0.1:0 --today "$TODAY" "$@" \
    >"$WORK/node.out" 2>>"$WORK/node.err" &
  NODE_PID=$!
  BASE=""
  for _ in $(seq 1 600); do
    BASE=$(sed -n 's/^agenda listening on //p' "$WORK/node.out" 2>/dev/null || true)
    [ -n "$BASE" ] && curl -fs "$BASE/healthz" >/dev/null 2>&1 && return
    kill -0 "$NODE_PID" 2>/dev/null || { echo "node exited: $(cat "$WORK/node.err")" >&2; exit 1; }
    sleep 0.1
  done
  echo "node did not start" >&2; exit 1
}
stop_node() { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; NODE_PID=""; }

# The demo, an entity account of KPI-01's owner and its API token.
start_node --demo
OWNER=$(curl -fs "$BASE/api/v1/kpis/KPI-01" | sed -n 's/.*"owner_org":"\([^"]*\)".*/\1/p')
export AGENDA_PASSWORD="a long enough password for the faults"
agenda user add lead --role entity --organisation "$OWNER" >/dev/null
JAR=$WORK/jar
form=$(curl -fs -c "$JAR" "$BASE/login")
token=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$form" | head -n1)
curl -fs -o /dev/null -b "$JAR" -c "$JAR" --data-urlencode "csrf=$token" --data-urlencode "username=lead" \
  --data-urlencode "password=$AGENDA_PASSWORD" --data-urlencode "next=/admin" "$BASE/login"
csrf=$(curl -fs -b "$JAR" "$BASE/admin" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
TOKEN=$(curl -fs -b "$JAR" --data-urlencode "csrf=$csrf" --data-urlencode "name=faults" "$BASE/admin/tokens" \
  | grep -o '<code>agt_[0-9a-f_]*<' | sed 's/^<code>//; s/<$//' | awk 'length($0) > 40' | head -n1)
[ -n "$TOKEN" ] || { echo "no token" >&2; exit 1; }
stop_node

# post_figure N → the HTTP status of a new figure (disaggregation fault=N).
post_figure() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"period\": \"2025-Q1\", \"value\": 5, \"disaggregation\": \"fault=n$1\"}" \
    "$BASE/api/v1/kpis/KPI-01/observations") || true
  echo "${code:0:3}"
}

# --- 1. kill -9 during an import --------------------------------------------------------------
"$AGENDA_BIN" generate --services 20000 --observations 200000 --out "$WORK/national" >/dev/null
agenda export --format csv --out "$WORK/before" >/dev/null
before_head=$(head_of)
# The binary itself in the background, so that $! is the import (not a shell around it).
AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" import "$WORK/national" >/dev/null 2>&1 &
IMPORT_PID=$!
# Killed while its transaction is open: it reads and checks the files, then takes the write
# lock, checks again and writes, all in one transaction, which is what the kill must not break.
in_transaction=0
for _ in $(seq 1 1200); do
  kill -0 "$IMPORT_PID" 2>/dev/null || break
  n=$(psql -qtA "$ADMIN_URL" -c "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '$DB_NAME' AND xact_start IS NOT NULL AND pid <> pg_backend_pid()")
  if [ "$n" != 0 ]; then in_transaction=1; break; fi
  sleep 0.05
done
sleep 0.3
if [ "$in_transaction" = 1 ] && kill -9 "$IMPORT_PID" 2>/dev/null; then
  wait "$IMPORT_PID" 2>/dev/null || true
  # PostgreSQL ends the killed client's transaction (and frees the write lock it held) once
  # the statement it was running notices the closed connection: until then writes wait.
  for _ in $(seq 1 600); do
    busy=$(psql -qtA "$ADMIN_URL" -c "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '$DB_NAME' AND pid <> pg_backend_pid()")
    [ "$busy" = 0 ] && break
    sleep 0.1
  done
  agenda export --format csv --out "$WORK/after" >/dev/null
  if diff -r -q "$WORK/before" "$WORK/after" >/dev/null && [ "$(head_of)" = "$before_head" ] \
     && agenda audit verify >/dev/null; then
    pass "kill -9 during an import of 20000 services and 200000 observations: same export, same audit head, chain verified"
  else
    fail "kill -9 during an import changed the database: head $before_head → $(head_of); $(diff -r -q "$WORK/before" "$WORK/after" | head -n 3 | tr '\n' ' ')"
  fi
else
  fail "the import finished before it could be killed: make the dataset larger"
fi

# --- 2. kill -9 of a node while clients write -------------------------------------------------
start_node
: >"$WORK/acked"
(
  for i in $(seq 1 20000); do
    code=$(post_figure "$i")
    [ "$code" = 201 ] && echo "$i" >>"$WORK/acked"
    [ "$code" = 000 ] && break
  done
) &
WRITER=$!
sleep 3
kill -9 "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true; NODE_PID=""
wait "$WRITER" 2>/dev/null || true
acked=$(wc -l <"$WORK/acked")
stored=$(psql -qtA "$DB_URL" -c "SELECT COUNT(*) FROM records WHERE kind = 'observation' AND code LIKE 'KPI-01:2025-Q1:fault=n%'")
missing=0
while read -r i; do
  n=$(psql -qtA "$DB_URL" -c "SELECT COUNT(*) FROM records WHERE kind = 'observation' AND code = 'KPI-01:2025-Q1:fault=n$i'")
  [ "$n" = 1 ] || missing=$((missing + 1))
done < <(tail -n 50 "$WORK/acked")
start_node
if [ "$acked" -gt 0 ] && [ "$missing" = 0 ] && [ "$stored" -ge "$acked" ] && [ "$stored" -le $((acked + 1)) ] \
   && agenda audit verify >/dev/null && [ "$(post_figure restarted)" = 201 ]; then
  pass "kill -9 of a node under writes: $acked writes acknowledged, $stored stored (at most the one in flight more), chain verified, the restarted node writes again"
else
  fail "kill -9 of a node: $acked acknowledged, $stored stored, $missing of the last 50 acknowledged missing"
fi

# --- 3. PostgreSQL restarted under load -------------------------------------------------------
if command -v pg_ctlcluster >/dev/null 2>&1 && pg_up; then
  CLUSTER=$(ls /etc/postgresql | head -n1)
  timeout 60 wrk -t2 -c16 -d12s "$BASE/api/v1/kpis/KPI-01" >"$WORK/wrk3.out" 2>&1 &
  WRK=$!
  sleep 3
  statuses=""
  pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main stop -m fast
  # While it is down: writes fail cleanly and quickly, pages from the snapshot still answer.
  down_write=$(post_figure down)
  down_page=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/kpis/KPI-01" || echo 000)
  pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main start
  for _ in $(seq 1 100); do pg_up && break; sleep 0.2; done
  wait "$WRK" 2>/dev/null || true
  up_write=000
  for _ in $(seq 1 50); do
    up_write=$(post_figure "up$RANDOM")
    [ "$up_write" = 201 ] && break
    sleep 0.2
  done
  if [ "$down_write" -ge 500 ] && [ "$down_write" != 000 ] && [ "$down_page" = 200 ] && [ "$up_write" = 201 ] \
     && agenda audit verify >/dev/null; then
    pass "PostgreSQL restarted under load: a write while it was down answered $down_write, a page 200; the node wrote again by itself; chain verified"
  else
    fail "PostgreSQL restart: write while down $down_write, page while down $down_page, write after $up_write"
  fi
else
  fail "PostgreSQL is not managed by pg_ctlcluster here: restart fault not run"
fi
stop_node

# --- 4. disk full during a backup -------------------------------------------------------------
MNT=$WORK/small
mkdir -p "$MNT"
agenda backup "$WORK/full.backup" >/dev/null
size=$(stat -c %s "$WORK/full.backup")
if mount -t tmpfs -o size=$((size + size / 2 + 65536)) tmpfs "$MNT" 2>/dev/null; then
  MOUNTED=$MNT
  cp "$WORK/full.backup" "$MNT/agenda.backup"
  sum_before=$(sha256sum "$MNT/agenda.backup" | cut -d' ' -f1)
  # The new backup needs as much room as the old one: there is only half of that left.
  if agenda backup "$MNT/agenda.backup" >/dev/null 2>"$WORK/backup.err"; then
    fail "a backup on a full disk succeeded"
  elif [ "$(sha256sum "$MNT/agenda.backup" | cut -d' ' -f1)" = "$sum_before" ] \
       && [ "$(ls "$MNT")" = agenda.backup ]; then
    pass "disk full during a backup: refused ($(head -c 120 "$WORK/backup.err" | tr '\n' ' ')), the previous backup intact, no partial file left"
  else
    fail "disk full during a backup: the previous file changed or a partial file was left"
  fi
else
  fail "cannot mount a tmpfs (not root?): disk-full fault not run"
fi
exit "$FAILED"
