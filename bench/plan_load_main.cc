// truceline_bench_plan_load: what loading a compiled plan costs against compiling it, in one
// process (no program start-up, which is the same for both).
//
//   truceline_bench_plan_load [PLAN.toml] [--runs N]      DEFAULT: plans/kellogg-2025-04.toml, 15 runs
//
// Compiles the plan once (timed), writes its .tlplan to a temporary folder, then times, N times
// each and reporting the median: reading the file; its SHA-256 checksum; the whole load
// (read, checksum, decode of the map, WKB, the Locator's index); hashing the plan and its layers
// (what the cache key costs a TOML); and compiled::load of the TOML through a warm cache.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench_support.h"
#include "compiled/load.h"
#include "compiled/plan_file.h"
#include "io/output.h"
#include "plan/compiler.h"
#include "tlog/hash.h"

namespace truceline::bench {
namespace {

using Clock = std::chrono::steady_clock;

double time_once(const std::function<void()>& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median_of(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) t.push_back(time_once(f));
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int run(int argc, char** argv) {
  std::string plan_path = repo_root() + "/plans/kellogg-2025-04.toml";
  int runs = 15;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
    else plan_path = a;
  }
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("truceline-bench-plan-load-" + std::to_string(getpid()));
  fs::create_directories(dir);
  compiled::LoadOptions opt;
  opt.cache_dir = dir / "cache";

  const plan::Plan plan = plan::parse_plan(plan_path);
  std::unique_ptr<compiled::CompiledPlan> c;
  const double compile_s = time_once([&] { c = compiled::compile_and_cache(plan, opt); });
  const fs::path file = dir / "plan.tlplan";
  compiled::write_plan_file(file, *c);
  const auto bytes = fs::file_size(file);

  std::string data;
  const double read_s = median_of(runs, [&] { data = io::read_file(file); });
  const double sum_s = median_of(runs, [&] { (void)tlog::sha256(data); });
  const double load_s = median_of(runs, [&] { c = compiled::read_plan_file(file); });
  const double hash_s = median_of(runs, [&] { (void)compiled::provenance_of(plan, io::read_file(plan_path)); });
  const double cached_s = median_of(runs, [&] { c = compiled::load(plan_path, opt); });
  fs::remove_all(dir);

  std::printf("plan %s: %.1f MB compiled, %zu zones\n", plan_path.c_str(), bytes / 1e6, c->map().zones.size());
  std::printf("%-58s %10.1f ms\n", "compile (parse, layers, zones, Locator index), once", compile_s * 1e3);
  std::printf("%-58s %10.1f ms\n", "load plan.tlplan (read_plan_file), median", load_s * 1e3);
  std::printf("%-58s %10.1f ms\n", "  of which: read the file", read_s * 1e3);
  std::printf("%-58s %10.1f ms\n", "  of which: SHA-256 checksum", sum_s * 1e3);
  std::printf("%-58s %10.1f ms\n", "hash the plan and its layers (the cache key)", hash_s * 1e3);
  std::printf("%-58s %10.1f ms\n", "load the TOML through a warm cache (compiled::load)", cached_s * 1e3);
  std::printf("RESULT compile_ms %.1f\nRESULT load_ms %.1f\nRESULT hash_ms %.1f\nRESULT cached_ms %.1f\n", compile_s * 1e3,
              load_s * 1e3, hash_s * 1e3, cached_s * 1e3);
  return 0;
}

}  // namespace
}  // namespace truceline::bench

int main(int argc, char** argv) { return truceline::bench::run(argc, argv); }
