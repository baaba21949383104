// truceline_compare: truceline's Locator against GEOS prepared geometries, in one process, on the
// same random points over the default plan's area (bench_support.h), on 1 and 2 threads.
//
//   truceline_compare [--points N] [--csv PATH] [--dist-csv PATH --dist-points K]
//
// Prints a table for people and `RESULT key value` lines for bench/compare.sh, which adds PostGIS
// and the end-to-end `truceline classify` run and writes docs/benchmarks.md.
//   --csv PATH        also write the points as `id,lat,lon` (id from 1), for classify and PostGIS
//   --dist-csv PATH   also write `id,dist_m` (truceline's geodesic distance) for the first K points,
//                     so that the script can hold PostGIS's geography distance against it
//
// Timing: each measurement passes over all points until a second has gone by (at most 15 passes)
// and reports the median pass. Threads split the points into equal contiguous ranges; the
// Locator is shared, GEOS gets one context and one set of prepared zones per thread.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "index/locator.h"

namespace truceline::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Args {
  size_t points = 10'000'000;
  std::string csv, dist_csv;
  size_t dist_points = 100'000;
  // Plain GEOSDistance_r is slow enough to run on a prefix only.
  size_t plain_distance_points = 200'000;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(k + " needs a value");
      return argv[++i];
    };
    if (k == "--points") a.points = std::stoul(value());
    else if (k == "--csv") a.csv = value();
    else if (k == "--dist-csv") a.dist_csv = value();
    else if (k == "--dist-points") a.dist_points = std::stoul(value());
    else throw std::runtime_error("unknown option " + k + " (see the comment at the top of compare_main.cc)");
  }
  return a;
}

// Linux memory counters of this process in kB: VmRSS now, VmHWM the peak since the last reset.
long status_kb(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::strlen(key) + 1));
  return -1;
}
// Writing 5 to clear_refs resets VmHWM to VmRSS (Linux ≥ 4.0), so a peak can be taken per phase.
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

// Runs fn(begin, end, thread) over [0, n) split into `threads` contiguous ranges.
void run_split(size_t n, unsigned threads, const std::function<void(size_t, size_t, unsigned)>& fn) {
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(fn, n * t / threads, n * (t + 1) / threads, t);
  fn(0, n / threads, 0);
  for (auto& th : pool) th.join();
}

// Median seconds of passes of `pass`, repeated until a second has gone by (1 to 15 passes).
double median_pass(const std::function<void()>& pass) {
  std::vector<double> times;
  double total = 0;
  while (times.empty() || (total < 1.0 && times.size() < 15)) {
    const auto t0 = Clock::now();
    pass();
    times.push_back(seconds_since(t0));
    total += times.back();
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Sink for results that are summed rather than stored, so that no query is optimised away.
volatile double g_sink = 0;

struct Report {
  void rate(const std::string& key, const std::string& what, size_t n, double s) {
    const double mps = static_cast<double>(n) / s / 1e6;
    std::printf("  %-58s %10.3f M points/s  (%zu points, %.3f s)\n", what.c_str(), mps, n, s);
    std::printf("RESULT %s_mpps %.6f\n", key.c_str(), mps);
    std::fflush(stdout);
  }
  void value(const std::string& key, double v) { std::printf("RESULT %s %.6f\n", key.c_str(), v); }
};

void write_points_csv(const std::string& path, const std::vector<geo::LonLat>& pts) {
  std::ofstream out(path, std::ios::binary);
  std::string buf = "id,lat,lon\n";
  char num[32];
  auto put = [&](double v) {
    buf.append(num, std::to_chars(num, num + sizeof num, v, std::chars_format::fixed, 7).ptr);
  };
  for (size_t i = 0; i < pts.size(); ++i) {
    buf.append(num, std::to_chars(num, num + sizeof num, i + 1).ptr);
    buf += ',';
    put(pts[i].lat);
    buf += ',';
    put(pts[i].lon);
    buf += '\n';
    if (buf.size() > (1 << 20)) out.write(buf.data(), static_cast<std::streamsize>(buf.size())), buf.clear();
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

void write_distance_csv(const std::string& path, const index::Locator& loc, const std::vector<geo::LonLat>& pts,
                        size_t n) {
  std::ofstream out(path, std::ios::binary);
  out << "id,dist_m\n";
  char num[32];
  for (size_t i = 0; i < std::min(n, pts.size()); ++i) {
    const double d = loc.distance_to_line_m(pts[i]);
    out << i + 1 << ',' << std::string_view(num, std::to_chars(num, num + sizeof num, d, std::chars_format::fixed, 4).ptr - num) << '\n';
  }
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// Zone counts over the first `n` points, for the script to hold PostGIS's answer against.
void report_counts(const plan::ZoneMap& map, const std::vector<int8_t>& zones, size_t n) {
  std::vector<long> count(map.zones.size() + 1, 0);
  for (size_t i = 0; i < std::min(n, zones.size()); ++i) ++count[static_cast<size_t>(zones[i] + 1)];
  std::printf("RESULT count_%zu_outside %ld\n", n, count[0]);
  for (size_t z = 0; z < map.zones.size(); ++z)
    std::printf("RESULT count_%zu_%s %ld\n", n, map.zones[z].id.c_str(), count[z + 1]);
}

int run(const Args& args) {
  Report rep;
  std::printf("RESULT geos_version %s\n", GEOSversion());
  std::printf("truceline_compare: %zu points, seed %llu, plan plans/kellogg-2025-04.toml\n", args.points,
              static_cast<unsigned long long>(kSeed));

  auto t0 = Clock::now();
  const plan::ZoneMap map = compile_default_plan();
  std::printf("  plan compiled in %.2f s\n", seconds_since(t0));

  // Index build, with the memory it takes on top of the compiled plan.
  reset_peak();
  const long rss_before = status_kb("VmRSS:");
  t0 = Clock::now();
  auto locator = std::make_unique<index::Locator>(map);
  const double build_s = seconds_since(t0);
  const double build_peak_mb = static_cast<double>(status_kb("VmHWM:") - rss_before) / 1024;
  const double build_kept_mb = static_cast<double>(status_kb("VmRSS:") - rss_before) / 1024;
  std::printf("  index build (Locator): %.3f s, peak +%.1f MB, kept +%.1f MB (zone grid %.1f MB, %d x %d cells)\n",
              build_s, build_peak_mb, build_kept_mb, static_cast<double>(locator->grid().memory_bytes()) / 1e6,
              locator->grid().nx(), locator->grid().ny());
  rep.value("build_s", build_s);
  rep.value("build_peak_mb", build_peak_mb);
  rep.value("build_kept_mb", build_kept_mb);

  const Box box = bounding_box(map.area);
  const std::vector<geo::LonLat> pts = random_points(box, args.points);
  const size_t n = pts.size();
  std::printf("  points over lon %.4f..%.4f, lat %.4f..%.4f\n", box.lon0, box.lon1, box.lat0, box.lat1);
  if (!args.csv.empty()) write_points_csv(args.csv, pts);
  if (!args.dist_csv.empty()) write_distance_csv(args.dist_csv, *locator, pts, args.dist_points);

  const index::Locator& loc = *locator;
  std::vector<int8_t> ours(n), theirs(n);
  std::printf("\ntruceline (one Locator shared by the threads)\n");
  for (unsigned th : {1u, 2u}) {
    const double s = median_pass([&] {
      run_split(n, th, [&](size_t b, size_t e, unsigned) {
        for (size_t i = b; i < e; ++i) ours[i] = static_cast<int8_t>(loc.zone_of(pts[i]));
      });
    });
    rep.rate("truceline_zone_t" + std::to_string(th), "zone, " + std::to_string(th) + " thread(s)", n, s);
  }
  for (unsigned th : {1u, 2u}) {
    const double s = median_pass([&] {
      run_split(n, th, [&](size_t b, size_t e, unsigned) {
        double sum = 0;
        for (size_t i = b; i < e; ++i) {
          ours[i] = static_cast<int8_t>(loc.zone_of(pts[i]));
          sum += loc.distance_to_line_m(pts[i]);
        }
        g_sink = g_sink + sum;
      });
    });
    rep.rate("truceline_zone_dist_t" + std::to_string(th), "zone + geodesic distance, " + std::to_string(th) + " thread(s)",
             n, s);
  }

  std::printf("\nGEOS %s prepared geometries (one context and prepared set per thread)\n", GEOSversion());
  std::vector<std::unique_ptr<GeosZones>> geos;
  for (int t = 0; t < 2; ++t) geos.push_back(std::make_unique<GeosZones>(map));
  for (unsigned th : {1u, 2u}) {
    const double s = median_pass([&] {
      run_split(n, th, [&](size_t b, size_t e, unsigned t) {
        for (size_t i = b; i < e; ++i) theirs[i] = static_cast<int8_t>(geos[t]->zone_of(pts[i]));
      });
    });
    rep.rate("geos_zone_t" + std::to_string(th), "zone (GEOSPreparedContains_r), " + std::to_string(th) + " thread(s)", n, s);
  }
  for (unsigned th : {1u, 2u}) {
    const double s = median_pass([&] {
      run_split(n, th, [&](size_t b, size_t e, unsigned t) {
        double sum = 0;
        for (size_t i = b; i < e; ++i) {
          theirs[i] = static_cast<int8_t>(geos[t]->zone_of(pts[i]));
          sum += geos[t]->prepared_distance_deg(pts[i]);
        }
        g_sink = g_sink + sum;
      });
    });
    rep.rate("geos_zone_dist_t" + std::to_string(th),
             "zone + planar distance (GEOSPreparedDistance_r), " + std::to_string(th) + " thread(s)", n, s);
  }
  {
    const size_t m = std::min(n, args.plain_distance_points);
    const double s = median_pass([&] {
      double sum = 0;
      for (size_t i = 0; i < m; ++i) sum += geos[0]->distance_deg(pts[i]);
      g_sink = g_sink + sum;
    });
    rep.rate("geos_plain_dist_t1", "planar distance only (GEOSDistance_r), 1 thread, first " + std::to_string(m), m, s);
  }

  // The two must agree but for points within 1e-9 degrees of a boundary (index/zone_grid.h).
  size_t differ = 0;
  for (size_t i = 0; i < n; ++i) differ += ours[i] != theirs[i];
  std::printf("\nzones differing between truceline and GEOS: %zu of %zu\n", differ, n);
  rep.value("zone_mismatch", static_cast<double>(differ));
  for (size_t prefix : {size_t{100'000}, size_t{1'000'000}, n}) report_counts(map, ours, prefix);
  return 0;
}

}  // namespace
}  // namespace truceline::bench

int main(int argc, char** argv) {
  try {
    return truceline::bench::run(truceline::bench::parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "truceline_compare: %s\n", e.what());
    return 2;
  }
}
