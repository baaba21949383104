#pragma once
// What the benchmarks share: the default plan compiled once, the random points every contender
// classifies, and the GEOS baselines that truceline is measured against.
//
// Points: uniform over the bounding box of the plan's area from a fixed seed, in whole 1e-7
// degrees. A coordinate k / 1e7 prints with 7 decimals and parses back to the same double, so the
// in-memory runs, the CSV fed to `truceline classify` and the table loaded into PostGIS hold the
// very same points.
#include <cstdint>
#include <string>
#include <vector>

#include "geo/geos.h"
#include "plan/zone_map.h"

namespace truceline::bench {

// The repository: $TRUCELINE_ROOT, else the source tree this was built from.
std::string repo_root();
// plans/kellogg-2025-04.toml under repo_root(), compiled without printing warnings.
plan::ZoneMap compile_default_plan();

struct Box {
  double lon0, lat0, lon1, lat1;
};
Box bounding_box(const geo::Geom& g);

// DEFAULT seed of every benchmark, so that runs on different days see the same points.
constexpr uint64_t kSeed = 20250411;
std::vector<geo::LonLat> random_points(const Box& box, size_t n, uint64_t seed = kSeed);

// The GEOS way to answer the same questions, as an application using GEOS 3.11 would: the zones
// prepared once (GEOSPrepare_r), then per query a point made with GEOSGeom_createPointFromXY_r,
// tested with GEOSPreparedContains_r against each zone in precedence order until one holds it, and
// destroyed. GEOS 3.11 has no GEOSPreparedContainsXY (3.12), so the point object is part of the
// cost. Distance is GEOSDistance_r (or GEOSPreparedDistance_r) to the line of contact in planar
// lon/lat degrees: not geodesic, and not comparable in value, only a speed anchor.
//
// Thread safety: none. GEOS contexts and prepared geometries are not thread-safe in 3.11; build
// one GeosZones per thread. The geometries are copied into the object's own context via WKB; the
// copy reads the map's context, so construct every GeosZones on one thread, then hand each out.
class GeosZones {
 public:
  explicit GeosZones(const plan::ZoneMap& map);
  ~GeosZones();
  GeosZones(const GeosZones&) = delete;
  GeosZones& operator=(const GeosZones&) = delete;

  // Index of the first zone (precedence order) containing p, -1 when none does.
  int zone_of(geo::LonLat p) const;
  // Planar distance in degrees to the line of contact, plain and through a prepared line.
  double distance_deg(geo::LonLat p) const;
  double prepared_distance_deg(geo::LonLat p) const;

 private:
  GEOSGeometry* copy_in(const plan::ZoneMap& map, const GEOSGeometry* g) const;

  GEOSContextHandle_t h_;
  std::vector<GEOSGeometry*> zones_;
  std::vector<const GEOSPreparedGeometry*> prepared_;
  GEOSGeometry* line_ = nullptr;
  const GEOSPreparedGeometry* prepared_line_ = nullptr;
};

}  // namespace truceline::bench
