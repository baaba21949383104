#include "report/place_phrase.h"

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace truceline::report {
namespace {

constexpr std::array<const char*, 16> kRose16 = {
    "north", "north-north-east", "north-east", "east-north-east", "east", "east-south-east", "south-east", "south-south-east",
    "south", "south-south-west", "south-west", "west-south-west", "west", "west-north-west", "north-west", "north-north-west"};

constexpr double kPi = 3.14159265358979323846;
constexpr double kEarthRadiusM = 6'371'008.8;  // mean radius: for the coarse pre-selection only

// Squared distance on an equirectangular plane centred at the query's latitude. Within 1 % of
// the geodesic distance for the tens of kilometres that separate settlements; only used to
// pick the few candidates measured exactly.
double rough_m2(geo::LonLat a, geo::LonLat b, double cos_lat) {
  const double dx = std::remainder(a.lon - b.lon, 360.0) * cos_lat, dy = a.lat - b.lat;
  const double m_per_deg = kEarthRadiusM * kPi / 180;
  return (dx * dx + dy * dy) * m_per_deg * m_per_deg;
}

}  // namespace

std::string compass_name(double azimuth_deg, int points) {
  if (points != 4 && points != 8 && points != 16)
    throw std::invalid_argument("compass_name: points must be 4, 8 or 16, not " + std::to_string(points));
  const double width = 360.0 / points;
  double a = std::fmod(azimuth_deg, 360.0);
  if (a < 0) a += 360;
  const int sector = static_cast<int>(std::floor((a + width / 2) / width)) % points;
  return kRose16[static_cast<size_t>(sector * (16 / points))];
}

PlaceNamer::PlaceNamer(const std::vector<plan::Settlement>& settlements, const PlacePhraseOptions& opt)
    : opt_(opt) {
  compass_name(0, opt.points);  // rejects a bad rose now rather than at the first phrase
  for (const auto& s : settlements)
    if (s.population >= opt.min_population) settlements_.push_back(s);
}

Place PlaceNamer::describe(geo::LonLat p) const {
  Place out;
  if (settlements_.empty()) return out;
  const double cos_lat = std::cos(p.lat * kPi / 180);
  double best_rough = std::numeric_limits<double>::max();
  for (const auto& s : settlements_) best_rough = std::min(best_rough, rough_m2(p, s.pos, cos_lat));
  // Every settlement that might be nearest once measured exactly: the rough distance errs by
  // well under 10 % here, and 2 km more covers settlements a few hundred metres apart.
  const double limit = std::pow(std::sqrt(best_rough) * 1.1 + 2000, 2);
  const auto& g = GeographicLib::Geodesic::WGS84();
  double best = std::numeric_limits<double>::max();
  for (const auto& s : settlements_) {
    if (rough_m2(p, s.pos, cos_lat) > limit) continue;
    double d = 0, azi1 = 0, azi2 = 0;
    g.Inverse(s.pos.lat, s.pos.lon, p.lat, p.lon, d, azi1, azi2);
    if (d >= best) continue;
    best = d;
    out.settlement = s.name, out.settlement_pos = s.pos;
    out.distance_km = d / 1000;
    out.azimuth_deg = azi1 < 0 ? azi1 + 360 : azi1;
  }
  if (out.distance_km < opt_.in_settlement_km) {
    out.phrase = "in " + out.settlement;
    return out;
  }
  out.direction = compass_name(out.azimuth_deg, opt_.points);
  // Whole kilometres, at least one: "0 km north of" reads as a contradiction.
  const long km = std::max(1L, std::lround(out.distance_km));
  out.phrase = std::to_string(km) + " km " + out.direction + " of " + out.settlement;
  return out;
}

}  // namespace truceline::report
