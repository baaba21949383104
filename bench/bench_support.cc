#include "bench_support.h"

#include <cstdlib>
#include <random>
#include <stdexcept>

#include "plan/compiler.h"

namespace truceline::bench {

std::string repo_root() {
  if (const char* r = std::getenv("TRUCELINE_ROOT"); r && *r) return r;
  return TRUCELINE_SOURCE_DIR;
}

plan::ZoneMap compile_default_plan() {
  return plan::compile(plan::parse_plan(repo_root() + "/plans/kellogg-2025-04.toml"), nullptr);
}

Box bounding_box(const geo::Geom& g) {
  Box b{};
  GEOSGeom_getXMin_r(g.h(), g.get(), &b.lon0);
  GEOSGeom_getYMin_r(g.h(), g.get(), &b.lat0);
  GEOSGeom_getXMax_r(g.h(), g.get(), &b.lon1);
  GEOSGeom_getYMax_r(g.h(), g.get(), &b.lat1);
  return b;
}

std::vector<geo::LonLat> random_points(const Box& box, size_t n, uint64_t seed) {
  // Integer draws, not uniform_real_distribution: its algorithm is the library's choice, while
  // mt19937_64 and the arithmetic below give the same points with any standard library.
  std::mt19937_64 rng(seed);
  const auto lo_x = static_cast<int64_t>(box.lon0 * 1e7), lo_y = static_cast<int64_t>(box.lat0 * 1e7);
  const auto span_x = static_cast<uint64_t>(box.lon1 * 1e7 - lo_x) + 1;
  const auto span_y = static_cast<uint64_t>(box.lat1 * 1e7 - lo_y) + 1;
  std::vector<geo::LonLat> pts(n);
  for (auto& p : pts) {
    // Modulo bias is below span / 2^64, far under anything a benchmark could notice.
    p.lon = static_cast<double>(lo_x + static_cast<int64_t>(rng() % span_x)) / 1e7;
    p.lat = static_cast<double>(lo_y + static_cast<int64_t>(rng() % span_y)) / 1e7;
  }
  return pts;
}

namespace {
void quiet(const char*, void*) {}
}  // namespace

GeosZones::GeosZones(const plan::ZoneMap& map) : h_(GEOS_init_r()) {
  GEOSContext_setErrorMessageHandler_r(h_, quiet, nullptr);
  for (const auto& z : map.zones) {
    zones_.push_back(copy_in(map, z.geom.get()));
    prepared_.push_back(GEOSPrepare_r(h_, zones_.back()));
  }
  if (const plan::Line* l = map.find_line("line_of_contact")) {
    line_ = copy_in(map, l->geom.get());
    prepared_line_ = GEOSPrepare_r(h_, line_);
  }
  // Prepared geometries build their indexes on first use: do it here, outside any timing.
  for (const auto* z : zones_) {
    double x = 0, y = 0;
    GEOSGeom_getXMin_r(h_, z, &x);
    GEOSGeom_getYMin_r(h_, z, &y);
    zone_of({x + 0.01, y + 0.01});
    if (line_) prepared_distance_deg({x, y});
  }
}

GeosZones::~GeosZones() {
  for (const auto* p : prepared_) GEOSPreparedGeom_destroy_r(h_, p);
  for (auto* g : zones_) GEOSGeom_destroy_r(h_, g);
  if (prepared_line_) GEOSPreparedGeom_destroy_r(h_, prepared_line_);
  if (line_) GEOSGeom_destroy_r(h_, line_);
  GEOS_finish_r(h_);
}

// WKB through the map's context, read back in ours: no geometry is shared between contexts.
GEOSGeometry* GeosZones::copy_in(const plan::ZoneMap& map, const GEOSGeometry* g) const {
  const GEOSContextHandle_t src = map.ctx->handle();
  GEOSWKBWriter* w = GEOSWKBWriter_create_r(src);
  size_t size = 0;
  unsigned char* wkb = GEOSWKBWriter_write_r(src, w, g, &size);
  GEOSWKBWriter_destroy_r(src, w);
  GEOSWKBReader* r = GEOSWKBReader_create_r(h_);
  GEOSGeometry* out = wkb ? GEOSWKBReader_read_r(h_, r, wkb, size) : nullptr;
  GEOSWKBReader_destroy_r(h_, r);
  GEOSFree_r(src, wkb);
  if (!out) throw std::runtime_error("GEOS could not copy a zone geometry");
  return out;
}

int GeosZones::zone_of(geo::LonLat p) const {
  GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h_, p.lon, p.lat);
  int zone = -1;
  for (size_t i = 0; i < prepared_.size() && zone < 0; ++i)
    if (GEOSPreparedContains_r(h_, prepared_[i], pt) == 1) zone = static_cast<int>(i);
  GEOSGeom_destroy_r(h_, pt);
  return zone;
}

double GeosZones::distance_deg(geo::LonLat p) const {
  if (!line_) return -1;
  GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h_, p.lon, p.lat);
  double d = -1;
  GEOSDistance_r(h_, pt, line_, &d);
  GEOSGeom_destroy_r(h_, pt);
  return d;
}

double GeosZones::prepared_distance_deg(geo::LonLat p) const {
  if (!line_) return -1;
  GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h_, p.lon, p.lat);
  double d = -1;
  GEOSPreparedDistance_r(h_, prepared_line_, pt, &d);
  GEOSGeom_destroy_r(h_, pt);
  return d;
}

}  // namespace truceline::bench
