#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (make fuzz; FUZZ_SECONDS, default 60).
#
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# Each target starts from its committed seeds (fuzz/corpus/<target>/) plus what earlier runs found
# (BUILD_DIR/fuzz/corpus/<target>/, where new inputs go, so the committed seeds stay as they are).
# A crash, sanitizer report, leak or hang (-timeout, seconds per input) leaves its input in
# BUILD_DIR/fuzz/artifacts/ and fails the run; replay one with `BUILD_DIR/fuzz/<target> <file>`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(fuzz_plan_toml fuzz_geojson fuzz_classify_csv fuzz_obs_csv fuzz_observation_json fuzz_mgrs fuzz_api_http fuzz_tlog)
fi
export TRUCELINE_ROOT=${TRUCELINE_ROOT:-$(dirname "$here")}
mkdir -p "$build/fuzz/artifacts" "$build/fuzz/logs"
failed=()
for t in "${targets[@]}"; do
  work="$build/fuzz/corpus/$t"
  mkdir -p "$work"
  log="$build/fuzz/logs/$t.log"
  # -max_len: the largest seed (a plan, a layer) sets it; 64 KiB keeps inputs that size mutable.
  "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$t-" "$work" "$here/corpus/$t" >"$log" 2>&1
  rc=$?
  stats=$(grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$log" | awk '{print $2}' | paste -sd/ -)
  if ((rc == 0)); then
    echo "fuzz: $t ok (${seconds} s, executions/new inputs: ${stats:-?})"
  else
    echo "fuzz: $t FAILED (exit $rc); log: $log" >&2
    grep -E 'ERROR:|SUMMARY:|Test unit written|runtime error' "$log" | head -8 >&2
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
