#!/usr/bin/env bash
# Measures start-up time, resident memory and import time of the release binary, with the demo
# country and with a generated national-scale dataset, on SQLite and (when AGENDA_TEST_POSTGRES_URL
# is set) PostgreSQL. Prints a Markdown table for BENCHMARKS.md.
#
#   bench/startup.sh [SERVICES] [OBSERVATIONS]      (defaults: 100000 1000000)
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
export AGENDA_LOG=warn

now_ms() { date +%s%3N; }

# start_and_measure URL [ARGS…] → "startup_ms rss_mb": time from exec to the first 200 of
# /healthz, and resident memory once it answers.
start_and_measure() {
  local url=$1; shift
  local out=$WORK/serve.out
  local t0; t0=$(now_ms)
  AGENDA_DATABASE_URL=$url "$BIN" serve --addr 127.0.0.1:0 "$@" >"$out" &
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
  echo "$((t1 - t0)) $((rss_kb / 1024))"
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

echo "| backend | dataset | import (s) | start-up (ms) | resident memory (MB) |"
echo "| --- | --- | ---: | ---: | ---: |"
for b in "${backends[@]}"; do
  for dataset in demo national; do
    if [ "$b" = sqlite ]; then url="sqlite://$WORK/$dataset.db"; else url=$(pg_fresh "$dataset"); fi
    src=$PWD/data/demo; [ "$dataset" = national ] && src=$WORK/national
    t0=$(now_ms); AGENDA_DATABASE_URL=$url "$BIN" import "$src" >/dev/null; t1=$(now_ms)
    read -r startup rss < <(start_and_measure "$url")
    label="demo (90 services, 336 observations)"
    [ "$dataset" = national ] && label="generated ($SERVICES services, $OBSERVATIONS observations, $rows CSV lines)"
    awk -v b="$b" -v l="$label" -v ms="$((t1 - t0))" -v s="$startup" -v r="$rss" \
      'BEGIN { printf "| %s | %s | %.1f | %s | %s |\n", b, l, ms / 1000, s, r }'
  done
done
