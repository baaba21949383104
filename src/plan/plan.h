#pragma once
// A ceasefire plan as declared in its TOML file (docs/plan-format.md). Parsing checks every key
// and value and resolves layer paths against the plan's folder; it reads no layer.
#include <optional>
#include <string>
#include <vector>

#include "geo/geos.h"

namespace truceline::plan {

struct Party {
  std::string id, name, lead, colour;
  std::string role;  // "party", "contingent" or "mission"
};

// A named area built from layers, regions or other shapes. Exactly one source is set.
struct ShapeDef {
  std::string id;
  std::string layer;                               // polygon GeoJSON file (from a series: the one picked)
  std::string series;                              // a folder of dated layers (plan/series.h) …
  std::string series_date;                         // … and the date whose layer was picked
  std::vector<std::string> regions;                // region ids of the area layer
  std::vector<std::vector<geo::LonLat>> polygon;   // inline rings, [lon, lat]
  std::vector<std::string> union_of;               // other shapes
};

struct LineOfContact {
  std::string boundary_of;  // shape whose boundary inside the area is the line
  std::string layer;        // or a line given directly (GeoJSON LineString/MultiLineString)
  double tolerance_m = 3000;
  double min_piece_m = 5000;
  std::string inside = "inside";    // name of the side within `boundary_of` (or left of a given line)
  std::string outside = "outside";  // name of the other side
};

struct Dmz {
  double inside_m = 0, outside_m = 0;
};

struct Divide {
  std::string layer;            // GeoJSON line crossing the area
  std::string left = "left";    // side on the left when following the line, as a river's left bank
  std::string right = "right";
};

struct ZoneDef {
  std::string id, name, kind, responsible, colour;
  std::vector<std::string> within;  // intersection of these shapes; empty = the whole area
};

// Weapons of a class stay this far from the line of contact on each side.
struct Withdrawal {
  std::string weapon_class, label;
  double inside_m = 0, outside_m = 0;
};

// A part of a zone that lies apart from the zone's main body on purpose (an exclave, a pocket held
// across the line): declared so that the seam step (plan/seams.h) leaves it to its zone.
struct Enclave {
  std::string name;  // for reports; DEFAULT: the zone id
  geo::LonLat at;    // a point inside it
  std::string zone;  // zone id it belongs to
};

// A rule of the ceasefire that incidents are checked against.
struct Rule {
  std::string id;
  std::string kind;      // fire_across_line, weapon_in_dmz, weapon_in_band, air_over_dmz, restriction
                         // (of the monitors' movement, by a party), weapons_missing (at a holding area)
  std::string severity;  // low, medium, high, critical
  std::vector<std::string> weapon_classes;  // empty: every class
};

// How observations are read: bearing uncertainty by mode, in degrees.
struct MonitoringDefaults {
  double bearing_sigma_saw_deg = 3;     // DEFAULT: 3° for saw and recorded
  double bearing_sigma_heard_deg = 10;  // DEFAULT: 10° for heard
};

// Alert when a zone sees this many incidents breaking a rule within the window: a "threshold"
// alert to the zone's responsible contingent.
struct Threshold {
  std::string zone;                  // zone id
  int violations = 10;               // DEFAULT: 10 violating incidents …
  int window_minutes = 60;           // DEFAULT: … within an hour
  std::string min_severity = "low";  // DEFAULT: low — every broken rule counts
};

// When the service alerts a contingent (docs/plan-format.md, [alerts]).
struct AlertRules {
  // An incident breaking a rule of at least this severity alerts its responsible contingent
  // ("violation"). DEFAULT: high.
  std::string violation_severity = "high";
  std::vector<Threshold> thresholds;  // DEFAULT: none
};

struct Plan {
  std::string path;  // the TOML file
  std::string name, date, description, source;
  std::string area_layer;
  std::vector<std::string> area_regions;
  // Gaps narrower than this between a layer shape and the area's outline go to the shape
  // (plan/seams.h). DEFAULT: 2 km.
  double gap_tolerance_m = 2000;
  // The area's land border as lines (the outline less its coasts): points up to border_snap_m
  // beyond it take the nearest zone, with their distance outside (index/locator.h). DEFAULT: none.
  std::string land_border_layer;
  double border_snap_m = 0;  // DEFAULT: 1.5 km when land_border is given
  std::vector<Enclave> enclaves;
  std::string settlements_layer;
  std::vector<Party> parties;
  std::vector<ShapeDef> shapes;
  LineOfContact line;
  std::optional<Dmz> dmz;
  std::optional<Divide> divide;
  std::vector<ZoneDef> zones;  // in precedence order: each takes what earlier zones left
  std::vector<Withdrawal> withdrawals;
  std::vector<Rule> rules;
  MonitoringDefaults monitoring;
  AlertRules alerts;
  std::vector<std::string> warnings;  // from parsing (a date past a series' end); compile reports them

  const Party* party(const std::string& id) const;
};

struct ParseOptions {
  // The plan on another date: each series shape takes its layer of this date (YYYY-MM-DD), and the
  // plan's `date` becomes it. DEFAULT: none (a shape's own `date`, else the plan's).
  std::string date;
};

// Parses and checks a plan file. Throws InputError naming the file, the line and the key.
Plan parse_plan(const std::string& path, const ParseOptions& opt = {});
// Same, from text; `path` names it in errors and anchors relative layer paths.
Plan parse_plan_text(const std::string& text, const std::string& path, const ParseOptions& opt = {});

}  // namespace truceline::plan
