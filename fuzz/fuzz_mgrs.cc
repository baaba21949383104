// MGRS grid references (geo::mgrs_to_lonlat): any string is a position inside the zone it names,
// or InputError.
#include <cmath>
#include <cstdlib>

#include "fuzz_support.h"
#include "geo/errors.h"
#include "geo/mgrs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const truceline::geo::LonLat p = truceline::geo::mgrs_to_lonlat(truceline::fuzz::text(data, size));
    // A position that is not on the Earth is a bug, not a refusal.
    if (!(std::abs(p.lat) <= 90 && std::abs(p.lon) <= 180)) std::abort();
  } catch (const truceline::InputError&) {
  }
  return 0;
}
