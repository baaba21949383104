#pragma once
// Force sizing (docs/forces.md): how many observation posts, patrol bases and troops each party
// needs to hold its zones of a compiled plan, by the plan's [forces] rates.
#include <string>
#include <vector>

#include "plan/zone_map.h"

namespace truceline::plan {

struct ZoneForces {
  std::string zone, responsible;
  double front_km = 0;  // boundary with zones of other parties and other kinds
  double patrolled_km2 = 0;  // front × patrol depth, at most the zone's area
  int posts = 0, bases = 0;
  long on_line = 0, deployed = 0;  // troops in the posts; in posts and bases
};

struct PartyForces {
  std::string party;
  int posts = 0, bases = 0;
  long on_line = 0, deployed = 0, total = 0;  // total: deployed × rotation, rounded up
};

struct ForceSizing {
  std::vector<ZoneForces> zones;        // in the map's zone order
  std::vector<PartyForces> parties;     // in the order of their first zone
};

// A zone's front: the length of its boundary shared with zones of another responsible party and
// another kind (two allied sectors side by side share a seam, not a front; the area's outline is
// no front either). Geodesic km.
double front_km(const ZoneMap& map, int zone);

ForceSizing size_forces(const ZoneMap& map, const Forces& f);

// The zone table's lines for it, and the comparison of two plans' parties.
std::string forces_text(const ForceSizing& s, const Forces& f);
std::string forces_comparison_text(const ForceSizing& a, const ForceSizing& b);

}  // namespace truceline::plan
