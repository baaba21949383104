#pragma once
// Map projections through the PROJ C API (PROJ 9). A Projection owns one PJ_CONTEXT and one PJ
// built from a PROJ string and maps WGS84 lon/lat in degrees to projected metres and back.
//
// Thread safety: a PROJ context and the operations made in it must not be used from two threads
// at once, so a Projection is neither copyable nor shared; build one per thread (construction is
// cheap: a few microseconds, no file access).
//
// No proj.db lookup and no network: the definition is wrapped in a pipeline that starts with
// `unitconvert` from degrees, so PROJ never has to resolve a CRS from its database.
#include <proj.h>

#include <string>

#include "geo/errors.h"
#include "geo/geos.h"

namespace truceline::geo {

struct XY {
  double x = 0;  // easting, metres
  double y = 0;  // northing, metres
};

struct LonLatBox {
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};

class Projection {
 public:
  // `definition` is a single PROJ operation, e.g.
  // "+proj=lcc +lat_1=45 +lat_2=51 +lat_0=48.5 +lon_0=31.5 +ellps=WGS84".
  // Throws GeometryError when PROJ rejects it or it has no inverse.
  explicit Projection(const std::string& definition);
  ~Projection();
  Projection(Projection&& o) noexcept;
  Projection& operator=(Projection&& o) noexcept;
  Projection(const Projection&) = delete;
  Projection& operator=(const Projection&) = delete;

  // Accuracy: that of PROJ's formulas; for lcc and the other conformal conics the round trip
  // forward∘inverse is exact to better than 1e-9 degrees (tested).
  // Both throw GeometryError for a point the projection cannot map (e.g. beyond its domain).
  XY forward(LonLat p) const;
  LonLat inverse(XY p) const;

  const std::string& definition() const { return definition_; }

 private:
  void reset() noexcept;
  std::string definition_;
  PJ_CONTEXT* ctx_ = nullptr;
  PJ* pj_ = nullptr;
};

// A Lambert conformal conic fitted to a lon/lat box on the WGS84 ellipsoid: standard parallels at
// 1/6 and 5/6 of the latitude span (the classic rule that halves the largest scale error over
// the box), latitude of origin and central meridian at the middle of the box. Scale error over
// a box 8° of latitude high (Ukraine) stays under 0.2 %. Throws GeometryError for an inverted box
// and for one centred on the equator, where the cone degenerates (PROJ rejects lat_1 = -lat_2).
std::string fitted_lcc_definition(const LonLatBox& box);
Projection fitted_lcc(const LonLatBox& box);

}  // namespace truceline::geo
