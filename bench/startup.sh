#!/usr/bin/env bash
# Measures start-up time, resident memory and import time of the release binary, with the demo
# country and with a generated national-scale dataset, on SQLite and (when AGENDA_TEST_POSTGRES_URL
# is set) PostgreSQL. Each database is started twice: first with no snapshot file (every record
# read from the database; the server then writes its snapshot file), then from that file.
# With BASELINE=/path/to/an/older/agenda, that binary is started on the same databases in the
# same run, for a ratio. Prints a Markdown table for BENCHMARKS.md.
#
#   [BASELINE=…] bench/startup.sh [SERVICES] [OBSERVATIONS]      (defaults: 100000 1000000)
#
# Only loopback traffic; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${1:-100000}
OBSERVATIONS=${2:-1000000}
cargo build --release -q -p agenda-cli
BIN=$PWD/target/release/agenda
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export AGENDA_LOG=warn,agenda_store=info
BASELINE=${BASELINE:-}

now_ms() { date +%s%3N; }

# start_and_measure BIN URL → "startup_ms rss_mb source": time from exec to the first 200 of
# /healthz, resident memory once it answers, and where the snapshot came from (file or
# database). The server is stopped with SIGTERM, so it finishes writing its snapshot file.
start_and_measure() {
  local bin=$1 url=$2
  local out=$WORK/serve.out
  local t0; t0=$(now_ms)
  AGENDA_DATA_DIR=$WORK/data AGENDA_DATABASE_URL=$url "$bin" serve --addr 127.0.0.1:0 >"$out" 2>&1 &
  local pid=$!
  local base=""
  for _ in $(seq 1 6000); do
    base=$(sed -n 's/^agenda listening on //p' "$out" 2>/dev/null || true)
    if [ -n "$base" ] && curl -fs "$base/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.005
  done
  local t1; t1=$(now_ms)
  curl -fs "$base/api/v1/services?per_page=1" >/dev/null
  local rss_kb; rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true
  local source=database
  grep 'snapshot loaded' "$out" | grep -q '"file"' && source=file
  echo "$((t1 - t0)) $((rss_kb / 1024)) $source"
}

pg_fresh() {
  local name="agenda_bench_$1_$$"
  psql "$AGENDA_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
  psql "$AGENDA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $name" >/dev/null
  echo "${AGENDA_TEST_POSTGRES_URL%/*}/$name"
}

backends=("sqlite")
[ -n "${AGENDA_TEST_POSTGRES_URL:-}" ] && backends+=("postgres")

"$BIN" generate --services "$SERVICES" --observations "$OBSERVATIONS" --out "$WORK/national" >/dev/null
rows=$(cat "$WORK"/national/*.csv | wc -l)

echo "| backend | dataset | binary | import (s) | start-up (ms) | resident memory (MB) | snapshot from |"
echo "| --- | --- | --- | ---: | ---: | ---: | --- |"
row() { # backend label binary import_ms startup rss source
  awk -v b="$1" -v l="$2" -v bin="$3" -v ms="$4" -v s="$5" -v r="$6" -v src="$7" \
    'BEGIN { printf "| %s | %s | %s | %s | %s | %s | %s |\n", b, l, bin, (ms == "" ? "" : sprintf("%.1f", ms / 1000)), s, r, src }'
}
for b in "${backends[@]}"; do
  for dataset in demo national; do
    if [ "$b" = sqlite ]; then url="sqlite://$WORK/$dataset.db"; else url=$(pg_fresh "$dataset"); fi
    src=$PWD/data/demo; [ "$dataset" = national ] && src=$WORK/national
    # The import must not start from a file the previous dataset left.
    rm -rf "$WORK/data" "$WORK"/*.snapshot
    t0=$(now_ms); AGENDA_DATA_DIR=$WORK/data AGENDA_DATABASE_URL=$url "$BIN" import "$src" >/dev/null; t1=$(now_ms)
    label="demo (90 services, 336 observations)"
    [ "$dataset" = national ] && label="generated ($SERVICES services, $OBSERVATIONS observations, $rows CSV lines)"
    if [ -n "$BASELINE" ]; then
      read -r startup rss source < <(start_and_measure "$BASELINE" "$url")
      row "$b" "$label" baseline "" "$startup" "$rss" "database"
    fi
    read -r startup rss source < <(start_and_measure "$BIN" "$url")
    row "$b" "$label" current "$((t1 - t0))" "$startup" "$rss" "$source"
    read -r startup rss source < <(start_and_measure "$BIN" "$url")
    row "$b" "$label" current "" "$startup" "$rss" "$source"
  done
done
