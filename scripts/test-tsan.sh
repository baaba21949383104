#!/usr/bin/env bash
# The server and store tests under ThreadSanitizer (`make test-tsan`, docs/testing.md).
#
#   scripts/test-tsan.sh [BUILD_DIR] [JOBS]      BUILD_DIR defaults to build-tsan (preset tsan)
#
# Runs, from a tree built with the `tsan` preset:
#   - the unit tests of the HTTP server, the service's routes, the incident engine, the live
#     streams, both stores, the outbox and webhooks, and the log's store and routes
#     (TSAN_UNIT_FILTER below), in JOBS GoogleTest shards at once;
#   - the integration test ServeTest.* (a `serve` process, itself built with TSan, killed with
#     SIGKILL mid-stream by a client thread).
# The other tests are single-threaded code under a gtest and would only cost time here.
# One throwaway PostgreSQL server (scripts/pg-local.sh) serves the PostgreSQL tests, stopped
# however the run ends. Any TSan report aborts its process (halt_on_error=1), which fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$(realpath "${1:-build-tsan}")
jobs=${2:-$(nproc)}

# The suites that run threads: the server (src/http, src/server), the stores (src/store) and
# the alerting outbox (src/alert). Check the names with `truceline_unit_tests --gtest_list_tests`.
TSAN_UNIT_FILTER='ServerTest.*:ServerTls.*'
TSAN_UNIT_FILTER+=':ApiTest.*:LimitsTest.*:IncidentRoutesTest.*:IncidentEngine*.*:SseHub.*:EventStream.*'
TSAN_UNIT_FILTER+=':StaticRoutesTest.*:LogApi*.*'
TSAN_UNIT_FILTER+=':*Store*.*:Sqlite*.*:Pg*.*:*Outbox*.*:Webhook*.*:LogStore*.*'
TSAN_INTEGRATION_FILTER='ServeTest.*'

# second_deadlock_stack: both stacks of a lock-order inversion, not only the second.
# tests/tsan.supp: false positives in uninstrumented third-party code only, each explained there.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
export TRUCELINE_ROOT=$root

pgdir=/tmp/truceline-tsan-pg-$$
uri=$(bash scripts/pg-local.sh start "$pgdir")
trap 'bash "$root/scripts/pg-local.sh" stop "$pgdir"' EXIT
export TRUCELINE_TEST_PG_URI=$uri

logs=$(mktemp -d /tmp/truceline-tsan-logs.XXXXXX)
t0=$SECONDS
pids=()
for ((i = 0; i < jobs; i++)); do
  GTEST_TOTAL_SHARDS=$jobs GTEST_SHARD_INDEX=$i timeout 1200 \
    "$build/truceline_unit_tests" --gtest_brief=1 --gtest_filter="$TSAN_UNIT_FILTER" \
    >"$logs/unit.$i.log" 2>&1 &
  pids+=($!)
done
fail=0
for ((i = 0; i < jobs; i++)); do
  if wait "${pids[$i]}"; then
    echo "tsan: unit shard $i/$jobs passed"
  else
    echo "tsan: unit shard $i/$jobs FAILED:"
    cat "$logs/unit.$i.log"
    fail=1
  fi
done
echo "tsan: unit tests took $((SECONDS - t0)) s"

# The `serve` processes these tests start inherit TSAN_OPTIONS; their reports go to files
# (log_path) rather than into output files that a passing test deletes, and any such file fails
# the run: a server that a race aborts looks to SigkillLosesNoAcknowledgedObservation much like
# the SIGKILL it expects.
t0=$SECONDS
if TSAN_OPTIONS="$TSAN_OPTIONS:log_path=$logs/tsan-report" timeout 900 \
  "$build/truceline_integration_tests" --gtest_brief=1 --gtest_filter="$TSAN_INTEGRATION_FILTER" \
  >"$logs/integration.log" 2>&1 && ! compgen -G "$logs/tsan-report.*" >/dev/null; then
  echo "tsan: $TSAN_INTEGRATION_FILTER passed"
else
  echo "tsan: $TSAN_INTEGRATION_FILTER FAILED:"
  cat "$logs/integration.log"
  for f in "$logs"/tsan-report.*; do
    if [[ -e $f ]]; then echo "--- $f"; cat "$f"; fi
  done
  fail=1
fi
echo "tsan: integration tests took $((SECONDS - t0)) s"
rm -rf "$logs"
exit $fail
