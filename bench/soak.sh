#!/usr/bin/env bash
# Soak test: `truceline serve` under mixed traffic for a bounded time, on SQLite and on PostgreSQL,
# loopback only (bench/soak_main.cc has the traffic). For each backend it starts the server with
# short timeouts, makes the tokens, runs the soak (which samples the server's memory and reads every
# acknowledged observation back), stops the server with SIGTERM and runs `truceline verify`.
# Prints the figures and, unless --no-docs, appends a dated section to docs/benchmarks.md.
#
#   bash bench/soak.sh [--duration S] [--warmup S] [--rate R] [--backends LIST] [--no-docs]
#
#   --duration S     seconds of traffic per backend after the warm-up (DEFAULT: 600)
#   --warmup S       seconds of traffic before memory is measured (DEFAULT: 1320). The server's
#                    memory grows until its SQLite page caches are full and until the incident
#                    engine's first incidents close and are forgotten: an incident stays open 21 min
#                    of event time (docs/incidents.md, Memory), so the working set is reached after
#                    that; memory is then compared over the next --duration seconds.
#   --rate R         single, batch and query requests per second together (DEFAULT: 30)
#   --backends LIST  sqlite,postgresql (DEFAULT: both)
#   --no-docs        print only; leave docs/benchmarks.md alone
# Environment: BUILD (DEFAULT: build-soak), SKIP_BUILD=1 (use the binaries already in $BUILD).
#
# Exits 1 when a backend loses an acknowledged observation, answers 5xx, grows its memory more
# than 10 % after the warm-up, or fails verify. Stops by itself: the soak is bounded by --duration
# and the server is stopped at the end (and on any exit).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COMMAND="bash bench/soak.sh${*:+ $*}"
DURATION=600
WARMUP=1320
RATE=30
BACKENDS=sqlite,postgresql
DOCS=1
while (($#)); do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --no-docs) DOCS=0; shift ;;
    *) echo "usage: bash bench/soak.sh [--duration S] [--warmup S] [--rate R] [--backends LIST] [--no-docs]" >&2; exit 2 ;;
  esac
done
BUILD=${BUILD:-build-soak}
PLAN=plans/kellogg-2025-04.toml
LOGDIR=${LOGDIR:-$ROOT/$BUILD/soak}
WORK=$(mktemp -d /tmp/truceline-soak.XXXXXX)
PG_DIR=$(mktemp -u /tmp/tl-soak-pg.XXXXXX)
SERVER_PID=

cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  bash scripts/pg-local.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$LOGDIR"
exec > >(tee "$LOGDIR/soak.log") 2>&1

if [[ ",$BACKENDS," == *,postgresql,* && ! -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then bash scripts/setup.sh; fi
[[ ${SKIP_BUILD:-0} == 1 ]] || { cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build "$BUILD" -j "$(nproc)" --target truceline truceline_soak; } \
  >"$LOGDIR/build.log" 2>&1 || { tail -40 "$LOGDIR/build.log"; exit 1; }
TL=$BUILD/truceline
SOAK=$BUILD/bench/truceline_soak

# The server's limits during the soak: short timeouts so that the slow clients are cut off often.
SERVE_LIMITS=(--header-timeout 5 --keep-alive-timeout 5 --write-timeout 5)

start_server() {
  local log=$WORK/serve.log port=
  "$TL" serve --plan "$PLAN" --db "$1" --listen 127.0.0.1:0 "${SERVE_LIMITS[@]}" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    port=$(sed -n 's|^truceline: serving .* on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$log")
    [[ -n "$port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log"; echo "soak: the server did not start" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$log"; echo "soak: the server printed no port within 60 s" >&2; exit 1; }
  URL=http://127.0.0.1:$port
}

make_token() {  # make_token DB ROLE NAME
  "$TL" token create --db "$1" --role "$2" --name "$3" 2>/dev/null | tail -1
}

declare -A R
FAILED=0
run_backend() {
  local be=$1 db
  echo
  echo "=== $be: ${WARMUP} s warm-up and ${DURATION} s at ${RATE} requests/s, load $(cut -d' ' -f1-3 /proc/loadavg) ==="
  if [[ $be == sqlite ]]; then db=$WORK/soak.db; else db=$(bash scripts/pg-local.sh start "$PG_DIR" | tail -1); fi
  : >"$WORK/$be.observers"
  for i in 1 2 3 4 5 6; do make_token "$db" observer "soak-$i" >>"$WORK/$be.observers"; done
  local analyst
  analyst=$(make_token "$db" analyst soak-analyst)
  start_server "$db"
  local rc=0
  "$SOAK" --url "$URL" --observers "$WORK/$be.observers" --analyst "$analyst" --server-pid "$SERVER_PID" \
    --duration "$((WARMUP + DURATION))" --rate "$RATE" --warmup "$WARMUP" \
    | tee "$WORK/$be.out" | grep -v '^RESULT ' || rc=$?
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  local verify
  verify=$("$TL" verify --db "$db") || rc=1
  echo "  verify: $verify"
  R[$be.verify]=$verify
  R[$be.outcomes]=$(grep '^RESULT outcome ' "$WORK/$be.out" | sed 's/^RESULT outcome //' | paste -sd';' - | sed 's/;/; /g')
  while read -r _ k v; do R[$be.$k]=$v; done < <(grep '^RESULT ' "$WORK/$be.out" | grep -v '^RESULT outcome ')
  if ((rc != 0)); then
    echo "soak: $be FAILED" >&2
    FAILED=1
  fi
  if [[ $be == postgresql ]]; then bash scripts/pg-local.sh stop "$PG_DIR" >/dev/null; fi
}

IFS=, read -ra BES <<<"$BACKENDS"
for be in "${BES[@]}"; do run_backend "$be"; done

if ((DOCS)); then
  {
    echo
    echo "## Soak: $(date -u +'%Y-%m-%d %H:%M') UTC — ${WARMUP} s warm-up, then ${DURATION} s measured, per backend"
    echo
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))," \
      "shared with other work (load $(cut -d' ' -f1-3 /proc/loadavg) at the end). Server:" \
      "\`truceline serve ${SERVE_LIMITS[*]}\`. Traffic (bench/soak_main.cc): ${RATE} requests/s of single posts (60 %)," \
      "batches of 25 (10 %) and queries (30 %: observation pages, chain head, zones, incidents), 4 SSE readers of" \
      "/v1/incidents/stream, 8 slow clients (4 trickling headers a byte every 2 s, 4 silent), a client abandoning a" \
      "POST mid-body twice a second."
    echo
    echo "| backend | requests served | 5xx | p50 / p99 single post (ms) | p50 / p99 batch (ms) | p50 / p99 query (ms) | RSS first → last minute after warm-up, peak (MB) | acknowledged / missing | verify |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for be in "${BES[@]}"; do
      printf '| %s | %s | %s | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %s → %s (%+.1f %%), peak %s (%+.1f %%) | %s / %s | %s |\n' "$be" \
        "${R[$be.served]:-?}" "${R[$be.server_errors]:-?}" "${R[$be.p50_ms_single]:-0}" "${R[$be.p99_ms_single]:-0}" \
        "${R[$be.p50_ms_batch]:-0}" "${R[$be.p99_ms_batch]:-0}" "${R[$be.p50_ms_query]:-0}" "${R[$be.p99_ms_query]:-0}" \
        "${R[$be.rss_base_mb]:-?}" "${R[$be.rss_last_mb]:-?}" "${R[$be.rss_growth_pct]:-0}" "${R[$be.rss_peak_mb]:-?}" \
        "${R[$be.rss_peak_growth_pct]:-0}" "${R[$be.acked]:-?}" \
        "${R[$be.missing]:-?}" "${R[$be.verify]:-?}"
    done
    echo
    for be in "${BES[@]}"; do echo "Outcomes, $be: ${R[$be.outcomes]:-?}."; echo; done
    echo "Command: \`$COMMAND\`"
  } >>docs/benchmarks.md
  echo "soak: appended to docs/benchmarks.md"
fi
exit "$FAILED"
