#pragma once
// MGRS grid references → WGS84 lon/lat, through GeographicLib::MGRS and UTMUPS.
//
// A reference names a square (1 m to 100 km, by its number of digits); the result is the square's
// centre, so the position error is up to half the square's side (0.7 m for a 10-digit reference).
// Thread safety: stateless, safe from any thread.
#include <string>
#include <string_view>

#include "geo/geos.h"

namespace truceline::geo {

// Position of an MGRS reference such as "37UCQ1234567890" or "37U CQ 12345 67890" (spaces,
// tabs and letter case are ignored). Throws InputError (empty `where`) when the reference is not
// valid MGRS, names only a grid zone ("37U"), or lies outside the zone it names.
LonLat mgrs_to_lonlat(std::string_view mgrs);

}  // namespace truceline::geo
