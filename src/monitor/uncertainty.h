#pragma once
// The uncertainties assumed where a report states none (docs/observations.md), each written once
// for placement (one report's position), the locator (an incident's fix from all its reports) and
// the correlator's inputs (monitor/sighting.h).
#include <algorithm>
#include <string>

namespace truceline::monitor {

struct RangeBand {
  double min_m, max_m;
};

// The band of a bearing reported without one. Small arms, vehicles, troops and small drones:
// where a patrol notices them at all, seen (or recorded) up to about 4 km and heard (or mode not
// given) up to about 8 km, the OSCE's practice and the simulator's — 0–4 km and 0–8 km; a 0–2 km
// band split their reports from those of other patrols. Explosions, flashes, flares, aircraft and
// the rest carry far in every mode (OSCE monitors routinely reported them at 3–10 km): 1–9 km.
inline RangeBand default_band(const std::string& event, const std::string& mode) {
  for (const char* near : {"shot", "burst", "armour", "troops", "uav"})
    if (event == near) return mode == "saw" || mode == "recorded" ? RangeBand{0, 4000} : RangeBand{0, 8000};
  return {1000, 9000};
}

// A bearing's σ: by eye, compass or camera (saw, recorded) `saw_deg`; by ear `heard_deg`, and so
// for a bearing of unknown mode: claiming a visual fix nobody reported would draw the located
// position too tightly.
inline double bearing_sigma_deg(const std::string& mode, double saw_deg, double heard_deg) {
  return mode == "saw" || mode == "recorded" ? saw_deg : heard_deg;
}

// σ of the position an ACLED event gives, from its geo_precision (docs/formats.md): 1 → 2 km (a
// town), 2 → 10 km (near a town, part of a district), 3 → 50 km (a region).
inline double acled_position_sigma_m(int geo_precision) {
  constexpr double kSigmaByPrecision[] = {2'000, 10'000, 50'000};
  return kSigmaByPrecision[std::clamp(geo_precision, 1, 3) - 1];
}

// Events that happen where the observer stands: a checkpoint that stops the patrol, a holding area
// it inspects. Reported without a position or bearing of their own, they are placed at the
// observer, with kAtObserverSigmaM: the patrol reports where it stood, and the checkpoint or the
// site's gate is within a few hundred metres of that.
inline bool at_observer(const std::string& event) { return event == "restriction" || event == "weapons_site"; }
inline constexpr double kAtObserverSigmaM = 250;

}  // namespace truceline::monitor
