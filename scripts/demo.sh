#!/usr/bin/env bash
# `make run`, second half: the monitoring service on a simulated day, and its dashboard.
# A fresh record (OUT/demo.sqlite), an admin token, a day of simulated observations posted through
# the API (the last ones a few seconds apart, so incidents are seen arriving), then the dashboard's
# address with the token. Runs until Ctrl-C.
#
#   scripts/demo.sh [BINARY] [PLAN] [OUT]     DEFAULT: build/truceline plans/kellogg-2025-04.toml out
#   TRUCELINE_DEMO_LISTEN=127.0.0.1:8081 scripts/demo.sh     another address
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/truceline}
plan=${2:-plans/kellogg-2025-04.toml}
out=${3:-out}
listen=${TRUCELINE_DEMO_LISTEN:-127.0.0.1:8080}
url="http://$listen"

mkdir -p "$out"
db="$out/demo.sqlite"
rm -f "$db" "$db-wal" "$db-shm"
token=$("$bin" token create --db "$db" --role admin --name "demo admin" 2>/dev/null)
"$bin" simulate "$plan" --events 600 --seed 1 -o "$out/demo-observations.csv"

"$bin" serve --plan "$plan" --db "$db" --listen "$listen" &
serve=$!
# The loader waits for the server itself, posts most of the day at once, then the last 150
# observations one every 4 s (ten minutes of arrivals).
node web/tools/post-observations.mjs --url "$url" --token "$token" --csv "$out/demo-observations.csv" \
  --live 150 --every 4 &
loader=$!
stop() {
  trap - EXIT INT TERM
  kill "$loader" "$serve" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# Listening yet? (bash's /dev/tcp, so no HTTP client is needed.)
for _ in $(seq 600); do
  kill -0 "$serve" 2>/dev/null || { echo "demo: truceline serve stopped; is $listen taken?" >&2; exit 1; }
  (exec 3<>"/dev/tcp/${listen%:*}/${listen##*:}") 2>/dev/null && break
  sleep 0.2
done
echo
echo "  dashboard: $url/#token=$token"
echo "  (Ctrl-C stops the server; the record stays in $db)"
echo
wait "$serve"
