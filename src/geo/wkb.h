#pragma once
// Geometry as WKB (little-endian, 2D), through GEOS's reader and writer: the exact doubles of every
// coordinate, so a geometry read back is the one written, bit for bit.
#include <string>
#include <string_view>

#include "geo/geos.h"

namespace truceline::geo {

// Throws GeometryError when GEOS cannot write it.
std::string to_wkb(const Geom& g);
// Throws GeometryError when the bytes are not a geometry GEOS can read.
Geom from_wkb(const Context& ctx, std::string_view wkb);

}  // namespace truceline::geo
