#pragma once
// RAII over the GEOS C API (reentrant `_r` functions). A Context owns one GEOSContextHandle_t;
// a Geom owns one GEOSGeometry and remembers its context. Neither is shared across threads:
// GEOS contexts and prepared geometries are not thread-safe (GEOS 3.11), so each thread builds its own.
#include <geos_c.h>

#include <memory>
#include <string>
#include <vector>

#include "geo/errors.h"

namespace truceline::geo {

class Context {
 public:
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  GEOSContextHandle_t handle() const { return h_; }
  // The last error GEOS reported through this context's handler.
  const std::string& last_error() const { return *last_error_; }

 private:
  GEOSContextHandle_t h_;
  std::unique_ptr<std::string> last_error_;
};

struct LonLat {
  double lon = 0;
  double lat = 0;

  bool operator==(const LonLat&) const = default;
};

class Geom {
 public:
  Geom() = default;
  Geom(const Context& ctx, GEOSGeometry* g);  // takes ownership; throws GeometryError on null
  ~Geom() { reset(); }
  Geom(Geom&& o) noexcept : ctx_(o.ctx_), g_(o.g_) { o.g_ = nullptr; }
  Geom& operator=(Geom&& o) noexcept;
  Geom(const Geom&) = delete;
  Geom& operator=(const Geom&) = delete;

  const GEOSGeometry* get() const { return g_; }
  GEOSGeometry* release() { auto* g = g_; g_ = nullptr; return g; }
  explicit operator bool() const { return g_ != nullptr; }
  const Context& ctx() const { return *ctx_; }
  GEOSContextHandle_t h() const { return ctx_->handle(); }

  Geom clone() const;
  bool empty() const;
  int type() const;  // GEOS_POINT, GEOS_POLYGON, ...
  int num_geometries() const;
  const GEOSGeometry* part(int i) const;  // borrowed
  std::string wkt() const;

  // Overlay and constructive operations (planar in whatever coordinates the geometry holds).
  Geom intersection(const Geom& o) const;
  Geom difference(const Geom& o) const;
  Geom union_with(const Geom& o) const;
  Geom boundary() const;
  Geom make_valid() const;
  Geom line_merge() const;
  Geom point_on_surface() const;
  bool is_valid(std::string* reason = nullptr) const;
  bool intersects(const Geom& o) const;
  double planar_area() const;

 private:
  void reset();
  const Context* ctx_ = nullptr;
  GEOSGeometry* g_ = nullptr;
};

// Builders.
Geom make_point(const Context& ctx, double lon, double lat);
Geom make_line(const Context& ctx, const std::vector<LonLat>& pts);
Geom make_polygon(const Context& ctx, const std::vector<std::vector<LonLat>>& rings);
Geom make_collection(const Context& ctx, int type, std::vector<Geom> parts);
Geom empty_polygon(const Context& ctx);
Geom unary_union(const Context& ctx, std::vector<Geom> parts);
Geom from_wkt(const Context& ctx, const std::string& wkt);

// Coordinates of a LineString or LinearRing.
std::vector<LonLat> coords(const Context& ctx, const GEOSGeometry* line);
// All LineStrings of a (multi)line or collection, flattened; polygons give their rings.
std::vector<std::vector<LonLat>> line_parts(const Geom& g);
// All polygons' rings: outer ring first, then holes, for each polygon part.
std::vector<std::vector<std::vector<LonLat>>> polygon_parts(const Geom& g);
// The polygons of a geometry, one Geom each: an overlay may also return lines or points where two
// areas touch, which are not area.
std::vector<Geom> polygons_of(const Geom& g);
// Polygons as one geometry: an empty polygon, the one polygon, or a MultiPolygon.
Geom multipolygon(const Context& ctx, std::vector<Geom> polys);
// multipolygon(polygons_of(g)): the area of g and nothing else.
Geom polygons_only(const Geom& g);

// Prepared geometry for repeated predicates against one geometry, which must outlive it.
// Not thread-safe.
class Prepared {
 public:
  explicit Prepared(const Geom& g);
  ~Prepared();
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  bool covers(const Geom& pt) const;
  bool intersects(const Geom& g) const;
  bool contains(const Geom& g) const;
  // Whether g comes within `distance` (the geometries' units) of the prepared geometry.
  bool within_distance(const Geom& g, double distance) const;
  double distance(const Geom& g) const;
  const Context& ctx() const { return *ctx_; }

 private:
  const Context* ctx_;
  GEOSContextHandle_t h_;
  const GEOSPreparedGeometry* p_;
};

}  // namespace truceline::geo

namespace truceline::geo {

// Applies fn(x, y) to every coordinate (GEOSGeom_transformXY). fn returns false to signal failure.
template <class Fn>
Geom transform(const Geom& g, Fn&& fn) {
  auto cb = [](double* x, double* y, void* ud) -> int { return (*static_cast<Fn*>(ud))(*x, *y) ? 1 : 0; };
  GEOSGeometry* out = GEOSGeom_transformXY_r(g.h(), g.get(), cb, &fn);
  if (!out) throw GeometryError("coordinate transform failed: " + g.ctx().last_error());
  return Geom(g.ctx(), out);
}

// Planar densification (GEOSDensify): no edge longer than max_edge in the geometry's own units.
Geom densify_planar(const Geom& g, double max_edge);

}  // namespace truceline::geo
