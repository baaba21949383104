#pragma once
// The line's movement over a dated series of occupied-territory layers (plan/series.h): for each
// date the occupied area, what was taken and given back since the date before (as dissolved
// polygons, slivers below a threshold dropped as digitising noise), the settlements that changed
// hands and, given a plan, the length of its line of contact on that date.
#include <functional>
#include <string>
#include <vector>

#include "geo/geos.h"
#include "io/geojson.h"
#include "plan/series.h"
#include "plan/zone_map.h"

namespace truceline::plan {

struct TimelineOptions {
  // A piece of a difference smaller than this is digitising noise (two tracings of one line),
  // not ground taken. DEFAULT: 0.5 km², a square 700 m on a side; docs/timeline.md measures its
  // effect on the series.
  double sliver_km2 = 0.5;
};

// A settlement that changed hands between two dates of the series.
struct SettlementMove {
  std::string name;
  long population = 0;
  geo::LonLat pos;
  bool taken = false;  // true: now in the occupied territory; false: no longer
};

struct TimelineStep {
  std::string date, path;
  double area_km2 = 0;                  // geodesic area of the layer
  double taken_km2 = 0, returned_km2 = 0;  // since the date before, slivers dropped
  double dropped_km2 = 0;               // the slivers' area, both ways
  int taken_pieces = 0, returned_pieces = 0, dropped_pieces = 0;
  geo::Geom taken, returned;            // MultiPolygons, empty on the first date
  std::vector<SettlementMove> settlements;  // changes since the date before
  double line_km = -1;                  // the plan's line of contact on the date; -1 without a plan
};

// One step per layer of `series` (oldest first). `settlements` are tested against each layer;
// `line_km(date)`, when set, gives the length of the line of contact on that date (the plan
// compiled on it). Repairs of invalid features go to `warn`. The geometries live in `ctx`.
std::vector<TimelineStep> timeline(const geo::Context& ctx, const std::vector<SeriesLayer>& series,
                                   const std::vector<Settlement>& settlements, const TimelineOptions& opt = {},
                                   const std::function<double(const std::string& date)>& line_km = {},
                                   const io::Warn& warn = {});

// The layer's polygons as one valid MultiPolygon. Throws InputError naming the file.
geo::Geom read_territory(const geo::Context& ctx, const std::string& path, const io::Warn& warn = {});

// `after` less `before`, as pieces: those of at least `sliver_km2` dissolved into `kept`, the
// rest counted as dropped.
struct Difference {
  geo::Geom kept;
  double kept_km2 = 0, dropped_km2 = 0;
  int kept_pieces = 0, dropped_pieces = 0;
};
Difference difference_pieces(const geo::Geom& after, const geo::Geom& before, double sliver_km2);

}  // namespace truceline::plan
