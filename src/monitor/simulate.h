#pragma once
// Realistic observation streams for tests, benchmarks and demos: events along the line of
// contact (much of it fire across it), patrols at fixed posts that hear within about 8 km
// (bearing σ ≈ 10°) and see within about 4 km (σ ≈ 3°) and report range bands like "3–6 km",
// cameras, duplicates, a few false reports, and weapons of every class, some inside withdrawal
// bands. Deterministic for a seed.
#include <cstdint>
#include <string>
#include <vector>

#include "monitor/incident.h"
#include "plan/zone_map.h"

namespace truceline::monitor {

struct SimOptions {
  int events = 1000;
  uint64_t seed = 1;
  int64_t start_ms = 1744430400000;  // DEFAULT: 2025-04-12T04:00:00Z
  double hours = 24;                 // events spread over this long
  double false_report_rate = 0.02;   // DEFAULT: 2 % of observations report nothing that happened
};

// What really happened, for scoring.
struct TrueEvent {
  std::string id;
  int64_t time_ms = 0;
  geo::LonLat pos;                   // where it happened (the impact, or the weapon's position)
  std::string event, explosion_type, weapon_class;
  std::optional<geo::LonLat> origin; // for fire: where it was fired from
  std::vector<std::string> observation_ids;
};

struct Simulation {
  std::vector<Sighting> observations;  // in time order, ids "1", "2", …
  std::vector<TrueEvent> truth;
};

Simulation simulate(const plan::ZoneMap& map, const SimOptions& opt);

// TRUTH.csv: event_id,time,lat,lon,event,explosion_type,weapon_class,origin_lat,origin_lon,observation_ids
std::string truth_csv(const std::vector<TrueEvent>& truth);

}  // namespace truceline::monitor
