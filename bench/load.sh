#!/usr/bin/env bash
# Requests per second and p99 latency of pages served by the release binary (`agenda serve
# --demo` on a fresh SQLite file), compared in the same run with nginx serving the very same
# bytes as static files at the same paths with the same content type. Prints a Markdown table
# for BENCHMARKS.md.
#
#   bench/load.sh [PATH…]      (default: / /action-lines/AL-1.1 /kpis/KPI-01)
#
# Environment: CONNECTIONS (64), THREADS (2), DURATION (10s) for each wrk run; AGENDA_BIN to
# measure an existing binary instead of building the release one. nginx and wrk are installed
# with apt when missing. Only loopback traffic; every wait and every load run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

PATHS=("$@")
[ ${#PATHS[@]} -gt 0 ] || PATHS=(/ /action-lines/AL-1.1 /kpis/KPI-01)
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10s}

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
AGENDA_PID=""
NGINX_PID=""
cleanup() {
  for pid in $AGENDA_PID $NGINX_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $AGENDA_PID $NGINX_PID; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# nginx's workers drop root privileges: let them read the copies.
chmod 755 "$WORK"
export AGENDA_LOG=warn

die() { echo "bench/load.sh: $*" >&2; exit 1; }

# A free loopback port for nginx (bounded search).
free_port() {
  local p
  for p in $(seq 18080 18180); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port in 18080-18180"
}

# --- agenda ---------------------------------------------------------------------------------
AGENDA_DATABASE_URL="sqlite://$WORK/agenda.db" "$AGENDA_BIN" serve --demo --addr 127.0.0.1:0 \
  >"$WORK/agenda.out" 2>"$WORK/agenda.err" &
AGENDA_PID=$!
AGENDA=""
for _ in $(seq 1 600); do
  AGENDA=$(sed -n 's/^agenda listening on //p' "$WORK/agenda.out" 2>/dev/null || true)
  if [ -n "$AGENDA" ] && curl -fs "$AGENDA/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$AGENDA_PID" 2>/dev/null || die "agenda exited: $(cat "$WORK/agenda.err")"
  AGENDA=""
  sleep 0.1
done
[ -n "$AGENDA" ] || die "agenda did not answer /healthz within 60 s"

# --- the same bytes for nginx ---------------------------------------------------------------
ROOT=$WORK/root
mkdir -p "$ROOT" "$WORK/nginx/tmp"
LOCATIONS=""
declare -a FILES=()
for i in "${!PATHS[@]}"; do
  path=${PATHS[$i]}
  case $path in /*) ;; *) die "a path starts with /: $path" ;; esac
  file=$ROOT/page$i.body
  FILES+=("$file")
  got=$(curl -sS -o "$file" -w '%{http_code} %{content_type}' "$AGENDA$path") || die "GET $path failed"
  read -r code ctype <<<"$got"
  [ "$code" = 200 ] || die "GET $AGENDA$path answered HTTP $code, not 200"
  [ -n "$ctype" ] || ctype=application/octet-stream
  LOCATIONS+="    location = $path { types { } default_type \"$ctype\"; rewrite ^ /page$i.body break; }
"
done
chmod -R a+rX "$ROOT"

NGINX_PORT=$(free_port)
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $ROOT;
$LOCATIONS  }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NGINX_PORT
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$NGINX_URL${PATHS[0]}" 2>/dev/null && break
  kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(cat "$WORK/nginx/error.log")"
  sleep 0.1
done

# Both servers must answer each path with identical bytes.
SIZES=""
for i in "${!PATHS[@]}"; do
  path=${PATHS[$i]}
  curl -fsS "$NGINX_URL$path" | cmp -s - "${FILES[$i]}" || die "nginx does not serve $path as agenda does"
  SIZES+=" $path=$(stat -c %s "${FILES[$i]}")B"
done

# --- load -----------------------------------------------------------------------------------
# run_wrk URL → "requests_per_second p99"; fails when a response is not 2xx/3xx or a socket fails.
run_wrk() {
  local out
  out=$(timeout 600 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1") \
    || die "wrk failed on $1"
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    die "errors while loading $1:"$'\n'"$out"
  fi
  awk '/^Requests\/sec:/ { rps = $2 } $1 == "99%" { p99 = $2 } END { print rps, p99 }' <<<"$out"
}

# A short warm-up of both servers, outside the figures.
timeout 30 wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$AGENDA${PATHS[0]}" >/dev/null
timeout 30 wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "$NGINX_URL${PATHS[0]}" >/dev/null

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on 127.0.0.1, $(nproc) cores; $("$NGINX" -v 2>&1 | sed 's/^nginx version: //') with worker_processes 2; response sizes:$SIZES"
echo
echo "| page | agenda req/s | nginx req/s | agenda / nginx | agenda p99 | nginx p99 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for path in "${PATHS[@]}"; do
  a=$(run_wrk "$AGENDA$path")
  n=$(run_wrk "$NGINX_URL$path")
  read -r a_rps a_p99 <<<"$a"
  read -r n_rps n_p99 <<<"$n"
  awk -v p="$path" -v ar="$a_rps" -v nr="$n_rps" -v ap="$a_p99" -v np="$n_p99" \
    'BEGIN { printf "| `%s` | %.0f | %.0f | %.2g | %s | %s |\n", p, ar, nr, (nr > 0 ? ar / nr : 0), ap, np }'
done
