#include "geo/buffer.h"

#include <GeographicLib/AzimuthalEquidistant.hpp>
#include <GeographicLib/Geodesic.hpp>

#include "geo/geodesy.h"

namespace truceline::geo {
namespace {

// Splits a densified polyline into consecutive pieces of about piece_m, sharing end vertices.
std::vector<std::vector<LonLat>> split_pieces(const std::vector<LonLat>& line, double piece_m) {
  std::vector<std::vector<LonLat>> pieces(1);
  double run = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (i > 0) run += distance_m(line[i - 1], line[i]);
    pieces.back().push_back(line[i]);
    if (run >= piece_m && i + 1 < line.size()) {
      pieces.emplace_back(std::vector<LonLat>{line[i]});
      run = 0;
    }
  }
  return pieces;
}

Geom buffer_piece(const Context& ctx, const std::vector<LonLat>& piece, double distance_m,
                  const BufferOptions& opt) {
  const LonLat centre = piece[piece.size() / 2];
  const GeographicLib::AzimuthalEquidistant aeqd(GeographicLib::Geodesic::WGS84());
  Geom line = make_line(ctx, piece.size() == 1 ? std::vector<LonLat>{piece[0], piece[0]} : piece);
  Geom projected = transform(line, [&](double& x, double& y) {
    double px, py;
    aeqd.Forward(centre.lat, centre.lon, y, x, px, py);
    x = px;
    y = py;
    return true;
  });
  GEOSBufferParams* params = GEOSBufferParams_create_r(ctx.handle());
  GEOSBufferParams_setQuadrantSegments_r(ctx.handle(), params, opt.quadrant_segments);
  GEOSBufferParams_setEndCapStyle_r(ctx.handle(), params, GEOSBUF_CAP_ROUND);
  GEOSBufferParams_setJoinStyle_r(ctx.handle(), params, GEOSBUF_JOIN_ROUND);
  GEOSGeometry* raw = GEOSBufferWithParams_r(ctx.handle(), projected.get(), params, distance_m);
  GEOSBufferParams_destroy_r(ctx.handle(), params);
  Geom buffered = densify_planar(Geom(ctx, raw), opt.max_edge_m);
  return transform(buffered, [&](double& x, double& y) {
    double lat, lon;
    aeqd.Reverse(centre.lat, centre.lon, x, y, lat, lon);
    x = lon;
    y = lat;
    return true;
  });
}

}  // namespace

Geom geodesic_buffer(const Geom& lineal, double distance, const BufferOptions& opt) {
  if (!(distance > 0)) throw GeometryError("buffer distance must be positive");
  std::vector<Geom> parts;
  for (const auto& line : line_parts(lineal)) {
    if (line.empty()) continue;
    // Densify first so that no single edge is longer than a tenth of a piece.
    for (const auto& piece : split_pieces(densify(line, opt.piece_m / 10), opt.piece_m))
      parts.push_back(buffer_piece(lineal.ctx(), piece, distance, opt));
  }
  return unary_union(lineal.ctx(), std::move(parts));
}

}  // namespace truceline::geo
