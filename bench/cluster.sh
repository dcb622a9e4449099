#!/usr/bin/env bash
# A national deployment on one machine: 1, 2 and 3 `agenda serve` nodes on one PostgreSQL
# database behind nginx (Debian's package, passive health checks and failover as in
# docs/deployment.md), loaded with a national-peak mix (bench/cluster.lua: public pages, finder
# questions, API reads, API-token writes and form writes). Then a node is killed (kill -9) in
# the middle of a run: errors are counted per second, the node is restarted and must catch up,
# and the audit chain and the database's integrity are checked. Prints Markdown for
# BENCHMARKS.md.
#
#   bench/cluster.sh
#
# Environment: AGENDA_TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test; a database of
# its own is created next to it and dropped at the end), NODES ("1 2 3"), CONNECTIONS (64),
# THREADS (2), DURATION (15, seconds), AGENDA_BIN (an existing binary instead of the release
# build). Only loopback traffic; every wait and every run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN_URL=${AGENDA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
NODES=${NODES:-"1 2 3"}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-15}
TODAY=2026-11-26

die() { echo "bench/cluster.sh: $*" >&2; exit 1; }

if ! command -v nginx >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx wrk >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "${AGENDA_BIN:-}" ]; then
  cargo build --release -q -p agenda-cli
  AGENDA_BIN=$PWD/target/release/agenda
fi

WORK=$(mktemp -d)
chmod 755 "$WORK"
DB_NAME=agenda_cluster_$$
DB_URL="${ADMIN_URL%/*}/$DB_NAME"
declare -A NODE_PID=()
declare -A NODE_PORT=()
NGINX_PID=""
cleanup() {
  for pid in "${NODE_PID[@]}" $NGINX_PID; do kill "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PID[@]}" $NGINX_PID; do wait "$pid" 2>/dev/null || true; done
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export AGENDA_LOG=warn

psql -q "$ADMIN_URL" -c "CREATE DATABASE $DB_NAME" >/dev/null || die "cannot create $DB_NAME"

free_port() {
  local p
  for p in $(seq "$1" $(($1 + 100))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port from $1"
}

# start_node I [--demo]: starts node I on a port of its own and waits for /healthz.
start_node() {
  local i=$1; shift
  local port=${NODE_PORT[$i]:-$(free_port $((18200 + i * 10)))}
  NODE_PORT[$i]=$port
  AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" serve --addr "127.0.0.1:$port" --today "$TODAY" "$@" \
    >"$WORK/node$i.out" 2>>"$WORK/node$i.err" &
  NODE_PID[$i]=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return
    kill -0 "${NODE_PID[$i]}" 2>/dev/null || die "node $i exited: $(cat "$WORK/node$i.err")"
    sleep 0.1
  done
  die "node $i did not answer within 60 s"
}

version_of() { curl -fs "http://127.0.0.1:${NODE_PORT[$1]}/healthz" | sed -n 's/.*"version":\([0-9]*\).*/\1/p'; }

# nginx in front of nodes 1..N.
NGINX_PORT=$(free_port 18100)
mkdir -p "$WORK/nginx/tmp"
front() {
  local n=$1 servers=""
  for i in $(seq 1 "$n"); do
    servers+="    server 127.0.0.1:${NODE_PORT[$i]} max_fails=2 fail_timeout=5s;
"
  done
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  upstream agenda {
$servers    keepalive 64;
    keepalive_timeout 20s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://agenda;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
    }
  }
}
EOF
  if [ -n "$NGINX_PID" ]; then
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  fi
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
  NGINX_PID=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/healthz" 2>/dev/null && return
    sleep 0.1
  done
  die "nginx did not start: $(cat "$WORK/nginx/error.log")"
}

# --- the demo, accounts, a token and a session ------------------------------------------------
start_node 1 --demo
BASE=http://127.0.0.1:${NODE_PORT[1]}
OWNER=$(curl -fs "$BASE/api/v1/kpis/KPI-01" | sed -n 's/.*"owner_org":"\([^"]*\)".*/\1/p')
[ -n "$OWNER" ] || die "KPI-01 has no owner"
export AGENDA_PASSWORD="a long enough password for the bench"
AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" user add lead --role entity --organisation "$OWNER" >/dev/null
AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" user add ed --role editor >/dev/null

# sign_in USER → prints "COOKIE CSRF" of a new session.
sign_in() {
  local jar=$WORK/jar.$1 form token session csrf
  form=$(curl -fs -c "$jar" "$BASE/login")
  token=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$form" | head -n1)
  curl -fs -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$token" \
    --data-urlencode "username=$1" --data-urlencode "password=$AGENDA_PASSWORD" \
    --data-urlencode "next=/admin" "$BASE/login"
  session=$(awk '$6 == "agenda_session" { print $7 }' "$jar")
  [ -n "$session" ] || die "sign-in of $1 failed"
  csrf=$(curl -fs -b "agenda_session=$session" "$BASE/admin" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
  echo "agenda_session=$session $csrf"
}
read -r LEAD_COOKIE LEAD_CSRF <<<"$(sign_in lead)"
AGENDA_TOKEN=$(curl -fs -b "$LEAD_COOKIE" --data-urlencode "csrf=$LEAD_CSRF" \
  --data-urlencode "name=bench" "$BASE/admin/tokens" | grep -o '<code>agt_[0-9a-f_]*<' | sed 's/^<code>//; s/<$//' | awk 'length($0) > 40' | head -n1)
[ -n "$AGENDA_TOKEN" ] || die "no API token"
read -r AGENDA_COOKIE AGENDA_CSRF <<<"$(sign_in ed)"
export AGENDA_TOKEN AGENDA_COOKIE AGENDA_CSRF AGENDA_KPI=KPI-01

# run_mix SECONDS [KILL_NODE KILL_AT] → wrk's output in $WORK/mix.out
run_mix() {
  local secs=$1 kill_node=${2:-} kill_at=${3:-}
  timeout $((secs + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency \
    -s bench/cluster.lua "http://127.0.0.1:$NGINX_PORT" >"$WORK/mix.out" 2>&1 &
  local wrk_pid=$!
  if [ -n "$kill_node" ]; then
    sleep "$kill_at"
    kill -9 "${NODE_PID[$kill_node]}"
    wait "${NODE_PID[$kill_node]}" 2>/dev/null || true
  fi
  wait "$wrk_pid" || die "wrk failed: $(cat "$WORK/mix.out")"
}

field() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/mix.out"; }
mix() { sed -n "s/^mix: .*$1=\([0-9]*\).*/\1/p" "$WORK/mix.out"; }

echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s -s bench/cluster.lua through $("$NGINX" -v 2>&1 | sed 's/^nginx version: //') on 127.0.0.1, $(nproc) cores shared by nginx, the nodes, PostgreSQL and wrk"
echo
echo "| nodes | requests/s | ratio to 1 node | p50 | p99 | answers | errors (5xx + socket) | writes |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
ONE=""
for n in $NODES; do
  for i in $(seq 1 "$n"); do
    [ -n "${NODE_PID[$i]:-}" ] || start_node "$i"
  done
  front "$n"
  timeout 30 wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$NGINX_PORT/" >/dev/null
  run_mix "$DURATION"
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/mix.out")
  [ -n "$ONE" ] || ONE=$rps
  errors=$(( $(mix errors) + $(mix socket_errors) ))
  printf '| %s | %.0f | %.2f | %s | %s | %s | %s | %s |\n' "$n" "$rps" "$(awk -v a="$rps" -v b="$ONE" 'BEGIN { print a / b }')" \
    "$(field 50%)" "$(field 99%)" "$(mix ok)" "$errors" "$(mix writes)"
  grep '^statuses:' "$WORK/mix.out" >>"$WORK/statuses"
  # What nginx saw go wrong, for the reader of the figures.
  grep -v '^$' "$WORK/nginx/error.log" 2>/dev/null | sed 's/^.*\[error\] [0-9#]*: \*[0-9]* //' | cut -c1-160 | sort | uniq -c | sort -rn | head -n 3 >&2 || true
  : >"$WORK/nginx/error.log"
done
sed 's/^/    /' "$WORK/statuses"

# --- a node killed mid-run -------------------------------------------------------------------
LAST=$(echo "$NODES" | awk '{ print $NF }')
[ "$LAST" -ge 2 ] || exit 0
VICTIM=2
echo
echo "Node $VICTIM of $LAST killed with \`kill -9\` after $((DURATION / 2)) s of a ${DURATION}-second run; answers and errors per second (through nginx):"
echo
run_mix "$DURATION" "$VICTIM" $((DURATION / 2))
echo '```'
grep -E "^(second|statuses|mix:)" "$WORK/mix.out"
echo '```'
# The node comes back and catches up with what the others wrote meanwhile.
start_node "$VICTIM"
for _ in $(seq 1 50); do
  [ "$(version_of "$VICTIM")" = "$(version_of 1)" ] && break
  sleep 0.1
done
echo
echo "Restarted node $VICTIM: version $(version_of "$VICTIM"), node 1: version $(version_of 1)."
for i in "${!NODE_PID[@]}"; do kill "${NODE_PID[$i]}" 2>/dev/null || true; wait "${NODE_PID[$i]}" 2>/dev/null || true; done
NODE_PID=()
verify=$(AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" audit verify 2>&1) || die "audit verify failed: $verify"
echo "\`agenda audit verify\`: $(tail -n1 <<<"$verify")"
check=$(AGENDA_DATABASE_URL=$DB_URL "$AGENDA_BIN" check --today "$TODAY" 2>&1) || die "agenda check failed: $check"
echo "\`agenda check\`: $(grep -iE 'error' <<<"$check" | head -n1)"
