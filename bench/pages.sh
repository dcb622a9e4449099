#!/usr/bin/env bash
# Size and time of every public list and analysis page at national scale: generates SERVICES
# services (`agenda generate`, with few observations: the pages measured are the catalogue's),
# imports them into SQLite, starts the release binary and fetches each page twice (the second
# answer comes from the page cache). Every page must answer 200 in under 200 KB. Prints a
# Markdown table for BENCHMARKS.md.
#
#   bench/pages.sh [SERVICES]      (default: 100000)
#
# Only loopback traffic; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${1:-100000}
cargo build --release -q -p agenda-cli
BIN=$PWD/target/release/agenda
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export AGENDA_LOG=warn
URL="sqlite:$WORK/national.db?mode=rwc"

"$BIN" generate --services "$SERVICES" --observations 1000 --out "$WORK/national" >/dev/null
AGENDA_DATABASE_URL=$URL "$BIN" import "$WORK/national" >/dev/null
AGENDA_DATA_DIR=$WORK/data AGENDA_DATABASE_URL=$URL "$BIN" serve --addr 127.0.0.1:0 >"$WORK/serve.out" 2>&1 &
base=""
for _ in $(seq 1 600); do
  base=$(sed -n 's/^agenda listening on //p' "$WORK/serve.out" 2>/dev/null || true)
  if [ -n "$base" ] && curl -fs "$base/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
[ -n "$base" ] || { cat "$WORK/serve.out" >&2; exit 1; }

PAGES=(
  /services "/services?page=500" "/services?owner=MOI" "/services?life_event=LE-CHILD"
  "/services?maturity=4" "/services?audience=government" "/services?q=fishing+permit"
  /analysis/once-only "/analysis/once-only?page=50" /analysis/priorities /analysis/roadmap
  /analysis/standard /analysis/freshness "/analysis/freshness?page=20" /analysis/systems
  /building-blocks/BB-ID "/building-blocks/BB-ID?page=10" /life-events/LE-CHILD
  /organisations/MOI "/search?q=renew+a+driving+licence" /kpis / /roadmap
)
fail=0
echo "| page | status | size (KB) | first answer (ms) | from the cache (ms) |"
echo "| --- | ---: | ---: | ---: | ---: |"
for p in "${PAGES[@]}"; do
  read -r code size t1 < <(curl -s -o /dev/null -w "%{http_code} %{size_download} %{time_total}\n" "$base$p")
  read -r _ _ t2 < <(curl -s -o /dev/null -w "%{http_code} %{size_download} %{time_total}\n" "$base$p")
  printf "| \`%s\` | %s | %.1f | %.0f | %.0f |\n" "$p" "$code" "$(awk -v s="$size" 'BEGIN{print s/1024}')" \
    "$(awk -v t="$t1" 'BEGIN{print t*1000}')" "$(awk -v t="$t2" 'BEGIN{print t*1000}')"
  if [ "$code" != 200 ] || [ "$size" -ge 204800 ]; then fail=1; fi
done
exit $fail
