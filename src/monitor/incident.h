#pragma once
// Incidents: observations of one event merged, located, attributed and checked against the
// plan's rules. One explosion heard by three patrols is one incident.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geo/geos.h"

namespace truceline::monitor {

// One observation as the correlator sees it.
struct Sighting {
  std::string id;                       // observation id (CSV `id` column or 1-based row number)
  int64_t time_ms = 0;
  std::string event, explosion_type, mode, weapon, weapon_class, observer_id;
  std::string observer_kind;            // patrol, camera, uav, sensor, satellite, osint
  int count = 1;
  std::optional<geo::LonLat> observer;  // where it was observed from
  std::optional<double> bearing_deg;    // towards the event, clockwise from true north
  double bearing_sigma_deg = 10;        // 3 for saw/recorded, 10 for heard unless the plan says
  std::optional<double> range_min_m, range_max_m;
  std::optional<geo::LonLat> position;  // the event's own position, when given
  double position_sigma_m = 50;         // uncertainty of a given position
  // What the daily report's sections and the rules read of the other kinds (observation.h).
  std::string restriction_type, imposed_by;  // restriction: what, and the party that imposed it
  std::optional<int> duration_min;           // restriction: how long it held the monitors
  std::string site_id, site_status;          // weapons_site: which, and what the check found
  std::map<std::string, int> weapons;        // weapons_site: the weapons counted, by class
  int killed = 0, injured = 0;               // casualties the report gives
  bool civilian = true, corroborated = false;
  std::vector<std::string> damage;           // civilian objects damaged
};

// A 1σ error ellipse: semi-axes in metres, azimuth of the major axis clockwise from north.
struct Ellipse {
  double major_m = 0, minor_m = 0, azimuth_deg = 0;
};

struct Fix {
  bool ok = false;  // false when the sightings say nothing about the position
  geo::LonLat pos;
  Ellipse err;
  // "" when the position is estimated (bearings, range bands, observers' places); when every
  // sighting gave the event's position itself, the kind of observer that gave it ("patrol",
  // "uav", …) or "mixed" for several kinds. CoT's `how` tells the two apart (docs/cot.md).
  std::string given_by;
};

// A rule of the plan that an incident breaks.
struct Violation {
  std::string rule;      // rule id from the plan
  std::string severity;  // low, medium, high, critical
};

struct Incident {
  std::string id;
  int64_t first_ms = 0, last_ms = 0;
  std::string event;                      // the event type of its observations
  Fix fix;
  std::vector<std::string> observation_ids;
  std::string zone, zone_kind, responsible;
  std::string side;                       // side of the line of contact the incident lies on
  std::string origin_side;                // for directional fire: the side it came from
  bool crossed_line = false;              // fire that crossed the line of contact
  std::vector<Violation> violations;
};

}  // namespace truceline::monitor
