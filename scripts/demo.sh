#!/usr/bin/env bash
# `make run`, second half: the monitoring service on a simulated day, and its dashboard.
# A fresh record (OUT/demo.sqlite) with a fresh log key (OUT/log.key; docs/log.md), an admin token,
# a day of simulated observations posted through the API (the last ones a few seconds apart, so
# incidents are seen arriving), then the dashboard's address with the token. Runs until Ctrl-C,
# and ends with an audit of the published log, as a party would run it (OUT/audit-state).
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
rm -rf "$out/log.key" "$out/audit-state"
vkey=$("$bin" log keygen demo.truceline/log -o "$out/log.key" 2>/dev/null | tail -1)
audit() { "$bin" audit "$url" --log-vkey "$vkey" --state "$out/audit-state"; }
"$bin" simulate "$plan" --events 600 --seed 1 -o "$out/demo-observations.csv"

# In a session of its own, so that Ctrl-C reaches this script only, which audits before stopping it.
setsid "$bin" serve --plan "$plan" --db "$db" --listen "$listen" --log-key "$out/log.key" &
serve=$!
# The loader waits for the server itself, posts most of the day at once, then the last 150
# observations one every 4 s (ten minutes of arrivals).
node web/tools/post-observations.mjs --url "$url" --token "$token" --csv "$out/demo-observations.csv" \
  --live 150 --every 4 &
loader=$!
stop() {
  trap - EXIT INT TERM
  kill "$loader" 2>/dev/null || true
  if kill -0 "$serve" 2>/dev/null; then
    sleep 1.5  # the last checkpoint (one a second) covers what was posted
    echo
    audit || echo "demo: the audit failed" >&2
  fi
  kill "$serve" 2>/dev/null || true
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
echo "  public log: $url/log/checkpoint   (verifier key: $vkey)"
echo "  audit it:   $bin audit $url --log-vkey $vkey --state $out/audit-state"
echo "  (Ctrl-C stops the server after a last audit; the record stays in $db)"
echo
wait "$serve"
