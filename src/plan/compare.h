#pragma once
// What changes between two compiled plans: area and population that change hands, the
// settlements that change zone, and the length of each plan's lines.
#include <string>
#include <vector>

#include "plan/zone_map.h"

namespace truceline::plan {

struct Transfer {
  std::string from_zone, from_kind, to_zone, to_kind;  // zone ids/kinds in A and in B
  double area_km2 = 0;
  long population = 0;  // settlements in the transferred area
};

struct SettlementChange {
  std::string name;
  long population = 0;
  geo::LonLat pos;
  std::string from_zone, to_zone;  // "" when outside every zone
};

struct LineLength {
  std::string kind, name;
  double a_km = 0, b_km = 0;  // 0 when the plan has no such line
};

struct Comparison {
  std::string a_name, b_name;
  std::vector<Transfer> transfers;              // largest area first; pairs whose kind or responsible differ
  std::vector<SettlementChange> settlements;    // largest population first
  std::vector<LineLength> lines;
  double a_area_km2 = 0, b_area_km2 = 0;
};

// Both maps should cover the same area; a settlement is matched by name and position.
Comparison compare(const ZoneMap& a, const ZoneMap& b);
std::string comparison_text(const Comparison& c, size_t max_settlements = 25);

}  // namespace truceline::plan
