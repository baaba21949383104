// Kernels of classification, truceline's and GEOS's side by side on the same points: the default
// plan compiled once, 2^20 random points over the area's bounding box (bench_support.h).
//
//   build-bench/bench/truceline_bench_locator [--benchmark_filter=...]
//
// items_per_second is points per second on one thread. The GEOS distance is planar in degrees
// (not geodesic): it is there as the speed of the usual alternative, not as a check of values.
#include <benchmark/benchmark.h>

#include "bench_support.h"
#include "index/locator.h"

namespace truceline::bench {
namespace {

constexpr size_t kPoints = size_t{1} << 20;

// Built on first use, shared by every benchmark of the run.
struct Setup {
  plan::ZoneMap map = compile_default_plan();
  index::Locator locator{map};
  std::vector<geo::LonLat> points = random_points(bounding_box(map.area), kPoints);
  GeosZones geos{map};
};
const Setup& setup() {
  static const Setup s;
  return s;
}

// Runs query over all points once per iteration; the result feeds DoNotOptimize so none is skipped.
template <class Query>
void over_points(benchmark::State& state, Query&& query) {
  const auto& pts = setup().points;
  for (auto _ : state)
    for (const auto& p : pts) benchmark::DoNotOptimize(query(p));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pts.size()));
}

void BM_ZoneGrid_zone_of(benchmark::State& state) {
  const index::ZoneGrid& grid = setup().locator.grid();
  over_points(state, [&](geo::LonLat p) { return grid.zone_of(p.lon, p.lat); });
}

void BM_GEOS_PreparedContains_zone(benchmark::State& state) {
  const GeosZones& geos = setup().geos;
  over_points(state, [&](geo::LonLat p) { return geos.zone_of(p); });
}

void BM_Locator_distance_to_line_m(benchmark::State& state) {
  const index::Locator& loc = setup().locator;
  over_points(state, [&](geo::LonLat p) { return loc.distance_to_line_m(p); });
}

// The zone as classify reads it: zone_of, and for a point outside every zone the snap to the land
// border (Locator::locate).
void BM_Locator_locate(benchmark::State& state) {
  const index::Locator& loc = setup().locator;
  over_points(state, [&](geo::LonLat p) { return loc.locate(p).zone; });
}

// What classify asks of every row: locate and the distance to the line.
void BM_Locator_locate_and_distance(benchmark::State& state) {
  const index::Locator& loc = setup().locator;
  over_points(state, [&](geo::LonLat p) { return loc.locate(p).zone + loc.distance_to_line_m(p); });
}

// Ten times fewer points per iteration for the slow GEOS distances, so a run stays short.
template <class Query>
void over_some_points(benchmark::State& state, Query&& query) {
  const auto& pts = setup().points;
  const size_t n = pts.size() / 10;
  for (auto _ : state)
    for (size_t i = 0; i < n; ++i) benchmark::DoNotOptimize(query(pts[i]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

void BM_GEOS_Distance_planar(benchmark::State& state) {
  const GeosZones& geos = setup().geos;
  over_some_points(state, [&](geo::LonLat p) { return geos.distance_deg(p); });
}

void BM_GEOS_PreparedDistance_planar(benchmark::State& state) {
  const GeosZones& geos = setup().geos;
  over_some_points(state, [&](geo::LonLat p) { return geos.prepared_distance_deg(p); });
}

// Index build: the zone grid (with its GEOS cell classification) and the line index.
void BM_Locator_build(benchmark::State& state) {
  const plan::ZoneMap& map = setup().map;
  size_t bytes = 0;
  for (auto _ : state) {
    index::Locator loc(map);
    bytes = loc.grid().memory_bytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["grid_MB"] = static_cast<double>(bytes) / 1e6;
}

BENCHMARK(BM_ZoneGrid_zone_of)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GEOS_PreparedContains_zone)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Locator_distance_to_line_m)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Locator_locate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Locator_locate_and_distance)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GEOS_Distance_planar)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GEOS_PreparedDistance_planar)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Locator_build)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace truceline::bench

BENCHMARK_MAIN();
