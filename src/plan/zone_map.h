#pragma once
// The compiled form of a plan: a partition of the area into zones, and the plan's lines. One
// ZoneMap, built once, is what every other part of truceline reads.
#include <memory>
#include <string>
#include <vector>

#include "geo/geos.h"
#include "plan/plan.h"

namespace truceline::plan {

struct Settlement {
  std::string name, admin;
  geo::LonLat pos;
  long population = 0;
  int zone = -1;  // index into ZoneMap::zones, -1 when outside every zone
};

struct Zone {
  std::string id, name, kind, responsible, colour;
  geo::Geom geom;  // lon/lat polygons
  double area_km2 = 0;
  long population = 0;  // sum over the settlements in the zone
};

struct Line {
  std::string kind;  // line_of_contact, dividing_line, dmz_edge, withdrawal_line
  std::string name;
  std::string side;  // for edges and withdrawal lines: the side of the line of contact
  std::string weapon_class;
  double offset_km = 0;  // distance from the line of contact (edges, withdrawal lines)
  geo::Geom geom;        // lon/lat lines
  double length_km = 0;
};

struct ZoneMap {
  // Declared first so that it is destroyed last: every geometry below refers to it.
  std::unique_ptr<geo::Context> ctx;
  Plan plan;
  geo::Geom area;
  double area_km2 = 0;
  std::vector<Zone> zones;  // in precedence order
  std::vector<Line> lines;
  std::vector<std::pair<std::string, double>> shape_area_km2;  // the line's inside shape, ∩ area
  std::vector<Settlement> settlements;                         // by population, largest first
  std::vector<std::string> warnings;

  const Line* find_line(const std::string& kind) const;
  int zone_index(const std::string& id) const;
};

}  // namespace truceline::plan
