#pragma once
// Places said the way ceasefire monitors say them: "3 km south-east of Huliaipole" — the
// distance and compass direction from the nearest settlement of the plan's settlements layer,
// as the OSCE Special Monitoring Mission located what it saw and heard in its daily reports.
//
// Distances and azimuths are geodesic on WGS84 (GeographicLib, exact to nanometres); the
// phrase rounds them to whole kilometres and a compass point, which is what a reader can use.
// Thread safety: a PlaceNamer is immutable after construction; share it between threads.
#include <string>
#include <vector>

#include "geo/geos.h"
#include "plan/zone_map.h"

namespace truceline::report {

// The name of the compass point nearest `azimuth_deg` (clockwise from true north, any value,
// taken modulo 360) on a rose of `points` (4, 8 or 16) directions: "north", "south-east",
// "north-north-west". Each sector is half-open, [centre − w/2, centre + w/2): an azimuth exactly
// on a boundary takes the next direction clockwise (22.5° on 8 points is "north-east").
// REQUIRES: points is 4, 8 or 16 (throws std::invalid_argument otherwise).
std::string compass_name(double azimuth_deg, int points = 8);

struct PlacePhraseOptions {
  int points = 8;  // DEFAULT: 8 compass points, as the OSCE reports; REQUIRES: 4, 8 or 16
  // Closer to a settlement's point than this is "in <settlement>": a settlement's coordinates
  // are its centre, and a direction from the centre of a town to a point inside it says nothing.
  double in_settlement_km = 0.5;  // DEFAULT: 0.5 km
  long min_population = 0;        // DEFAULT: every settlement of the layer can be named
};

struct Place {
  std::string settlement;   // "" when no settlement qualifies
  geo::LonLat settlement_pos;
  double distance_km = 0;   // geodesic, from the settlement to the point
  double azimuth_deg = 0;   // of the point seen from the settlement, [0, 360)
  std::string direction;    // compass name of azimuth_deg; "" when "in" the settlement
  std::string phrase;       // "3 km south-east of Huliaipole", "in Huliaipole", or "" with no settlement
};

class PlaceNamer {
 public:
  explicit PlaceNamer(const std::vector<plan::Settlement>& settlements, const PlacePhraseOptions& opt = {});
  // The nearest settlement (geodesic distance, exact) and the phrase for p.
  Place describe(geo::LonLat p) const;

 private:
  std::vector<plan::Settlement> settlements_;
  PlacePhraseOptions opt_;
};

}  // namespace truceline::report
