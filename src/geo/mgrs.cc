#include "geo/mgrs.h"

#include <GeographicLib/Constants.hpp>
#include <GeographicLib/MGRS.hpp>
#include <GeographicLib/UTMUPS.hpp>

#include <cctype>

#include "geo/errors.h"

namespace truceline::geo {

namespace {
// GeographicLib wants one unbroken token; people write references with spaces between the parts.
std::string compact(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

LonLat mgrs_to_lonlat(std::string_view mgrs) {
  const std::string ref = compact(mgrs);
  const std::string quoted = "mgrs '" + std::string(mgrs) + "'";
  if (ref.empty()) throw InputError("", "mgrs is empty", "give a grid reference such as 37UCQ1234567890");
  // "INV…" is GeographicLib's own marker for an invalid position; it would come back as NaN.
  if (ref.rfind("INV", 0) == 0) throw InputError("", quoted + " is not a valid grid reference");
  int zone = 0, prec = 0;
  bool northp = false;
  double x = 0, y = 0, lat = 0, lon = 0;
  try {
    GeographicLib::MGRS::Reverse(ref, zone, northp, x, y, prec);
    // A bare grid zone ("37U") is a 6°×8° cell: GeographicLib returns an arbitrary point in it,
    // which would classify as if it were a position.
    if (prec < 0)
      throw InputError("", quoted + " names only a grid zone", "add the 100 km square and the digits");
    // mgrslimits: reject eastings/northings that MGRS allows only as slop beyond the zone.
    GeographicLib::UTMUPS::Reverse(zone, northp, x, y, lat, lon, true);
  } catch (const GeographicLib::GeographicErr& e) {
    throw InputError("", quoted + " is not a valid grid reference (" + e.what() + ")");
  }
  return {lon, lat};
}

}  // namespace truceline::geo
