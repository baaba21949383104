#!/usr/bin/env bash
# Ingest benchmark: how many observations `truceline serve` takes in per second, and whether every
# acknowledged one is durable, on SQLite and on PostgreSQL, in one run. For each backend it starts
# the server, loads it with bench/ingest_main.cc (keep-alive connections on loopback, one thread
# each) in two cases — (a) one observation per POST, (b) batches of 100 per POST — then kills the
# server with SIGKILL, recomputes the chain with `truceline verify`, restarts the server and looks
# up every acknowledged id through GET /v1/observations. Prints a table and appends a dated section
# with the machine, the load, the numbers and this command to docs/benchmarks.md.
#
#   bash bench/ingest.sh [--duration S] [--connections N] [--batch-connections N] [--backends LIST] [--no-docs]
#
#   --duration S            seconds per case (DEFAULT: 20)
#   --connections N         concurrent connections for single posts (DEFAULT: 64)
#   --batch-connections N   concurrent connections for batches of 100 (DEFAULT: 12)
#   --backends LIST         sqlite,postgresql (DEFAULT: both)
#   --no-docs               print only; leave docs/benchmarks.md alone
# Environment: BUILD (DEFAULT: build-ingest), SERVE_ARGS (extra `truceline serve` options),
#              SKIP_BUILD=1 (use the binaries already in $BUILD).
#
# Takes about 3 minutes. The SQLite file and the PostgreSQL server live under /tmp and are removed
# at the end; the log stays in $BUILD/ingest/ingest.log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COMMAND="bash bench/ingest.sh${*:+ $*}"
DURATION=20
CONNS=64
BATCH_CONNS=12
BATCH=100
BACKENDS=sqlite,postgresql
DOCS=1
while (($#)); do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --batch-connections) BATCH_CONNS=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --no-docs) DOCS=0; shift ;;
    *) echo "usage: bash bench/ingest.sh [--duration S] [--connections N] [--batch-connections N] [--backends LIST] [--no-docs]" >&2; exit 2 ;;
  esac
done
BUILD=${BUILD:-build-ingest}
SERVE_ARGS=${SERVE_ARGS:-}
PLAN=plans/kellogg-2025-04.toml
LOGDIR=$ROOT/$BUILD/ingest
WORK=$(mktemp -d /tmp/truceline-ingest.XXXXXX)
# Not inside WORK: as root, pg-local.sh hands its directory to the postgres user, who must reach it.
PG_DIR=$(mktemp -u /tmp/tl-ingest-pg.XXXXXX)
SERVER_PID=
BENCH_START=$(date +%s)

cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  bash scripts/pg-local.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$LOGDIR"
exec > >(tee "$LOGDIR/ingest.log") 2>&1

# --- build ---------------------------------------------------------------------------------

if [[ ",$BACKENDS," == *,postgresql,* && ! -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then bash scripts/setup.sh --bench; fi
[[ ${SKIP_BUILD:-0} == 1 ]] || { cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$BUILD" -j "$(nproc)" --target truceline truceline_ingest; } \
  >"$LOGDIR/build.log" 2>&1 || { tail -40 "$LOGDIR/build.log"; exit 1; }
TL=$BUILD/truceline
GEN=$BUILD/bench/truceline_ingest

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START=$(loadavg)

# CPU seconds (user + system) a process has used so far.
cpu_of() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }

# start_server DB: starts `truceline serve` on a free loopback port; sets SERVER_PID and URL.
start_server() {
  local log=$WORK/serve.log port=
  # shellcheck disable=SC2086
  "$TL" serve --plan "$PLAN" --db "$1" --listen 127.0.0.1:0 $SERVE_ARGS >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    port=$(sed -n 's|^truceline: serving .* on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$log")
    [[ -n "$port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log"; echo "ingest: the server did not start" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$log"; echo "ingest: the server printed no port within 60 s" >&2; exit 1; }
  URL=http://127.0.0.1:$port
}

stop_server() {  # stop_server SIGNAL
  kill "-$1" "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# make_tokens DB ROLE PREFIX N FILE: N tokens, one a line.
make_tokens() {
  : >"$5"
  for i in $(seq 1 "$4"); do "$TL" token create --db "$1" --role "$2" --name "$3-$i" 2>/dev/null | tail -1 >>"$5"; done
}

declare -A R  # R[backend.case.key]
CASES=(single batch)
declare -A CASE_CONNS=([single]=$CONNS [batch]=$BATCH_CONNS)
declare -A CASE_BATCH=([single]=1 [batch]=$BATCH)

run_backend() {
  local be=$1 db
  echo
  echo "=== $be ==="
  if [[ $be == sqlite ]]; then
    db=$WORK/ingest.db
  else
    db=$(bash scripts/pg-local.sh start "$PG_DIR" | tail -1)
  fi
  for c in "${CASES[@]}"; do make_tokens "$db" observer "ingest-$c" "${CASE_CONNS[$c]}" "$WORK/$be.$c.tokens"; done
  make_tokens "$db" analyst ingest-check 1 "$WORK/$be.analyst.token"
  start_server "$db"
  for c in "${CASES[@]}"; do
    sync  # what the last case or backend left in the page cache is on disk before this one starts
    echo
    echo "--- $be, case $c: load $(loadavg)"
    local cpu0 cpu1
    cpu0=$(cpu_of "$SERVER_PID")
    "$GEN" load --url "$URL" --tokens "$WORK/$be.$c.tokens" --connections "${CASE_CONNS[$c]}" \
      --batch "${CASE_BATCH[$c]}" --duration "$DURATION" --acked "$WORK/$be.$c.acked" | tee "$WORK/$be.$c.out" | grep -v '^RESULT '
    cpu1=$(cpu_of "$SERVER_PID")
    while read -r _ k v; do R[$be.$c.$k]=$v; done < <(grep '^RESULT ' "$WORK/$be.$c.out")
    R[$be.$c.server_cpu_pct]=$(calc "100 * ($cpu1 - $cpu0) / ${R[$be.$c.elapsed_s]}")
    R[$be.$c.generator_cpu_pct]=$(calc "100 * ${R[$be.$c.generator_cpu_s]} / ${R[$be.$c.elapsed_s]}")
    R[$be.$c.load]=$(loadavg)
    echo "  server CPU ${R[$be.$c.server_cpu_pct]}% of one core; load after $(loadavg)"
    # The incident engine defers while submissions are written; the next case starts once it has
    # caught up, so that neither case carries the other's backlog.
    "$GEN" catch-up --url "$URL" --token "$(cat "$WORK/$be.analyst.token")" | tee "$WORK/$be.$c.catchup" | grep -v '^RESULT '
    while read -r _ k v; do R[$be.$c.$k]=$v; done < <(grep '^RESULT ' "$WORK/$be.$c.catchup")
  done
  # Durability: no clean shutdown, then a fresh process reads the database.
  stop_server KILL
  echo
  echo "--- $be: durability after SIGKILL"
  local v
  v=$("$TL" verify --db "$db") || true
  echo "  truceline verify: $v"
  R[$be.verify]=$v
  R[$be.verify_count]=$(awk '$1 == "ok" { print $2 }' <<<"$v")
  start_server "$db"
  "$GEN" check --url "$URL" --token "$(cat "$WORK/$be.analyst.token")" \
    --acked "$WORK/$be.single.acked" "$WORK/$be.batch.acked" | sed "s|$WORK/||" | tee "$WORK/$be.check.out" | grep -v '^RESULT ' || true
  while read -r _ k v; do R[$be.check.$k]=$v; done < <(grep '^RESULT ' "$WORK/$be.check.out")
  stop_server TERM
  # The next backend starts on a quiet disk: this one's files go, not written back under its load.
  if [[ $be == postgresql ]]; then bash scripts/pg-local.sh stop "$PG_DIR"; else rm -f "$db"*; fi
  sync
  return 0
}

IFS=, read -ra BE_LIST <<<"$BACKENDS"
for be in "${BE_LIST[@]}"; do
  case "$be" in sqlite | postgresql) run_backend "$be" ;; *) echo "ingest: unknown backend $be" >&2; exit 2 ;; esac
done
LOAD_END=$(loadavg)
ELAPSED=$(($(date +%s) - BENCH_START))

# --- report --------------------------------------------------------------------------------

label() { [[ $1 == single ]] && echo "1 observation/POST, ${CASE_CONNS[$1]} conns" || echo "$BATCH observations/POST, ${CASE_CONNS[$1]} conns"; }
TABLE="| backend | case | requests/s | observations/s | p50 ms | p99 ms | max ms | not 201 | server CPU | generator CPU | load after | incidents caught up |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |"
for be in "${BE_LIST[@]}"; do
  for c in "${CASES[@]}"; do
    k=$be.$c
    TABLE+=$'\n'"| $be | $(label "$c") | ${R[$k.rps]} | ${R[$k.ops]} | ${R[$k.p50_ms]} | ${R[$k.p99_ms]} | ${R[$k.max_ms]} | ${R[$k.errors]} | ${R[$k.server_cpu_pct]} % | ${R[$k.generator_cpu_pct]} % | ${R[$k.load]} | ${R[$k.catch_up_s]:-?} s |"
  done
done
DURABLE="| backend | acknowledged | stored (GET, after SIGKILL) | missing | stored, not acknowledged | \`truceline verify\` |
| --- | ---: | ---: | ---: | ---: | --- |"
ALL_DURABLE=met
for be in "${BE_LIST[@]}"; do
  DURABLE+=$'\n'"| $be | ${R[$be.check.acked]:-?} | ${R[$be.check.stored]:-?} | ${R[$be.check.missing]:-?} | ${R[$be.check.unacked]:-?} | \`${R[$be.verify]}\` |"
  if [[ "${R[$be.check.missing]:-1}" != 0 || "${R[$be.check.duplicates]:-1}" != 0 || -z "${R[$be.verify_count]:-}" ||
        "${R[$be.verify_count]:-0}" -lt "${R[$be.check.stored]:-1}" ]]; then
    ALL_DURABLE="**not met**"
  fi
done

verdict() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? a >= b : a < b; print ok ? "met" : "**not met**" }'; }
BARS="| bar | measured | |
| --- | --- | --- |"
for be in "${BE_LIST[@]}"; do
  BARS+=$'\n'"| $be: ≥ 5,000 single-observation posts/s | ${R[$be.single.rps]}/s | $(verdict "${R[$be.single.rps]}" 5000 '>=') |"
  BARS+=$'\n'"| $be: ≥ 50,000 observations/s in batches of $BATCH | ${R[$be.batch.ops]}/s | $(verdict "${R[$be.batch.ops]}" 50000 '>=') |"
  for c in "${CASES[@]}"; do
    BARS+=$'\n'"| $be: p99 < 50 ms, $(label "$c") | ${R[$be.$c.p99_ms]} ms | $(verdict "${R[$be.$c.p99_ms]}" 50 '<') |"
  done
done
BARS+=$'\n'"| every acknowledged observation durable | see above | $ALL_DURABLE |"

echo
echo "$TABLE"
echo
echo "$DURABLE"
echo
echo "$BARS"
echo
echo "whole run ${ELAPSED} s; load at the start $LOAD_START, at the end $LOAD_END"

if ((DOCS)); then
  MEM_GIB=$(awk '/MemTotal/ { printf "%d", $2 / 1048576 + 0.5 }' /proc/meminfo)
  CPU_MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
  OS=$(. /etc/os-release && echo "$PRETTY_NAME")
  CXX_VERSION=$(sed -n 's/^CMAKE_CXX_COMPILER:[^=]*=//p' "$BUILD/CMakeCache.txt" | xargs -r -I{} sh -c '{} --version | head -1')
  TREE=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD -- src bench 2>/dev/null && [[ -z "$(git ls-files --others --exclude-standard src bench 2>/dev/null)" ]] ||
    TREE+=" + uncommitted changes in src/ or bench/"
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — ingest: POST /v1/observations, SQLite and PostgreSQL"
    echo
    echo "Machine: $CPU_MODEL, $(nproc) cores, $MEM_GIB GiB; $OS, $CXX_VERSION. Server, generator and"
    echo "PostgreSQL share the two cores. Load average (1, 5, 15 min) at the start $LOAD_START, at the end $LOAD_END."
    echo "Tree: $TREE. Command: \`$COMMAND\` (whole run $ELAPSED s; ${DURATION} s per case)."
    echo "Each connection is one thread of \`bench/ingest_main.cc\` with its own observer token (the server"
    echo "allows 500 requests/s per token); latency is from the first byte sent to the last byte received."
    echo "The incident engine runs in the server; it defers while submissions are being written and catches up"
    echo "after: \"incidents caught up\" is how long after the load it had read through the chain's head as"
    echo "it was when the load ended (the next case starts then)."
    [[ -n "$SERVE_ARGS" ]] && echo "Server options: \`$SERVE_ARGS\`."
    echo
    echo "$TABLE"
    echo
    echo "Durability: after the load the server is killed (SIGKILL), \`truceline verify\` recomputes the chain in a"
    echo "fresh process, a restarted server lists every stored observation (GET, analyst token) and each"
    echo "acknowledged id is looked up. The chain also holds the incident engine's records (kind"
    echo "\`incident\`), so verify's count exceeds the observations stored."
    echo
    echo "$DURABLE"
    echo
    echo "$BARS"
  } >>docs/benchmarks.md
  echo "appended to docs/benchmarks.md"
fi
