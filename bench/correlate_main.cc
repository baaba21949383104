// Offline correlation at scale: simulate a long, dense observation stream on the default plan and
// time `monitor::correlate_all` alone (simulation outside the clock). The bar: 1,000,000
// observations in under 10 s on the project's 2-core machine. Results go to docs/benchmarks.md.
//
//   build/bench/truceline_bench_correlate [EVENTS] [SEED]   (DEFAULT: 660,000 events, seed 2025)
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "index/locator.h"
#include "monitor/correlate.h"
#include "monitor/simulate.h"
#include "plan/compiler.h"

using namespace truceline;

int main(int argc, char** argv) {
  const char* root = std::getenv("TRUCELINE_ROOT");
  const std::string plan_path = std::string(root ? root : TRUCELINE_SOURCE_DIR) + "/plans/kellogg-2025-04.toml";
  const plan::ZoneMap map = plan::compile(plan::parse_plan(plan_path), nullptr);
  const index::Locator locator(map);
  monitor::SimOptions opt;
  opt.events = argc > 1 ? std::atoi(argv[1]) : 660'000;
  opt.seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2025;
  // About 14 times the simulator's default rate of 1,000 events a day: a dense stream.
  opt.hours = 24.0 * 45 * opt.events / 660'000;
  const monitor::Simulation sim = monitor::simulate(map, opt);
  const auto t0 = std::chrono::steady_clock::now();
  const auto incidents = monitor::correlate_all(sim.observations, map, locator);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%zu observations -> %zu incidents in %.2f s (%.0f observations/s)\n", sim.observations.size(),
              incidents.size(), s, sim.observations.size() / s);
  return 0;
}
