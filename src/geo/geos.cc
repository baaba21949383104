#include "geo/geos.h"

#include <cstdarg>
#include <cstdio>

namespace truceline::geo {
namespace {



void on_error(const char* message, void* userdata) {
  *static_cast<std::string*>(userdata) = message;
}

GEOSGeometry* check(const Context& ctx, GEOSGeometry* g, const char* op) {
  if (!g) throw GeometryError(std::string("GEOS ") + op + " failed: " + ctx.last_error());
  return g;
}

GEOSCoordSequence* make_seq(GEOSContextHandle_t h, const std::vector<LonLat>& pts) {
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(pts.size()), 2);
  for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(h, seq, i, pts[i].lon, pts[i].lat);
  return seq;
}

}  // namespace

Context::Context() : h_(GEOS_init_r()), last_error_(std::make_unique<std::string>()) {

  GEOSContext_setErrorMessageHandler_r(h_, on_error, last_error_.get());
}

Context::~Context() { GEOS_finish_r(h_); }

Geom::Geom(const Context& ctx, GEOSGeometry* g) : ctx_(&ctx), g_(g) {
  if (!g_) throw GeometryError("GEOS operation failed: " + ctx.last_error());
}

Geom& Geom::operator=(Geom&& o) noexcept {
  if (this != &o) {
    reset();
    ctx_ = o.ctx_;
    g_ = o.g_;
    o.g_ = nullptr;
  }
  return *this;
}

void Geom::reset() {
  if (g_) GEOSGeom_destroy_r(ctx_->handle(), g_);
  g_ = nullptr;
}

Geom Geom::clone() const { return Geom(*ctx_, GEOSGeom_clone_r(h(), g_)); }
bool Geom::empty() const { return GEOSisEmpty_r(h(), g_) == 1; }
int Geom::type() const { return GEOSGeomTypeId_r(h(), g_); }
int Geom::num_geometries() const { return GEOSGetNumGeometries_r(h(), g_); }
const GEOSGeometry* Geom::part(int i) const { return GEOSGetGeometryN_r(h(), g_, i); }

std::string Geom::wkt() const {
  GEOSWKTWriter* w = GEOSWKTWriter_create_r(h());
  GEOSWKTWriter_setRoundingPrecision_r(h(), w, 7);
  char* s = GEOSWKTWriter_write_r(h(), w, g_);
  std::string out = s ? s : "";
  GEOSFree_r(h(), s);
  GEOSWKTWriter_destroy_r(h(), w);
  return out;
}

Geom Geom::intersection(const Geom& o) const {
  return Geom(*ctx_, check(*ctx_, GEOSIntersection_r(h(), g_, o.g_), "intersection"));
}
Geom Geom::difference(const Geom& o) const {
  return Geom(*ctx_, check(*ctx_, GEOSDifference_r(h(), g_, o.g_), "difference"));
}
Geom Geom::union_with(const Geom& o) const {
  return Geom(*ctx_, check(*ctx_, GEOSUnion_r(h(), g_, o.g_), "union"));
}
Geom Geom::boundary() const { return Geom(*ctx_, check(*ctx_, GEOSBoundary_r(h(), g_), "boundary")); }
Geom Geom::make_valid() const {
  return Geom(*ctx_, check(*ctx_, GEOSMakeValid_r(h(), g_), "make_valid"));
}
Geom Geom::line_merge() const {
  return Geom(*ctx_, check(*ctx_, GEOSLineMerge_r(h(), g_), "line_merge"));
}
Geom Geom::point_on_surface() const {
  return Geom(*ctx_, check(*ctx_, GEOSPointOnSurface_r(h(), g_), "point_on_surface"));
}

bool Geom::is_valid(std::string* reason) const {
  if (GEOSisValid_r(h(), g_) == 1) return true;
  if (reason) {
    char* r = GEOSisValidReason_r(h(), g_);
    *reason = r ? r : "invalid";
    GEOSFree_r(h(), r);
  }
  return false;
}

bool Geom::intersects(const Geom& o) const { return GEOSIntersects_r(h(), g_, o.g_) == 1; }

double Geom::planar_area() const {
  double a = 0;
  GEOSArea_r(h(), g_, &a);
  return a;
}

Geom make_point(const Context& ctx, double lon, double lat) {
  return Geom(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), lon, lat));
}

Geom make_line(const Context& ctx, const std::vector<LonLat>& pts) {
  return Geom(ctx, GEOSGeom_createLineString_r(ctx.handle(), make_seq(ctx.handle(), pts)));
}

Geom make_polygon(const Context& ctx, const std::vector<std::vector<LonLat>>& rings) {
  auto h = ctx.handle();
  if (rings.empty()) return empty_polygon(ctx);
  GEOSGeometry* shell = GEOSGeom_createLinearRing_r(h, make_seq(h, rings[0]));
  if (!shell) throw GeometryError("bad polygon ring: " + ctx.last_error());
  std::vector<GEOSGeometry*> holes;
  for (size_t i = 1; i < rings.size(); ++i) {
    GEOSGeometry* r = GEOSGeom_createLinearRing_r(h, make_seq(h, rings[i]));
    if (!r) throw GeometryError("bad polygon hole: " + ctx.last_error());
    holes.push_back(r);
  }
  return Geom(ctx, GEOSGeom_createPolygon_r(h, shell, holes.data(), static_cast<unsigned>(holes.size())));
}

Geom make_collection(const Context& ctx, int type, std::vector<Geom> parts) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (auto& p : parts) raw.push_back(p.release());
  return Geom(ctx, GEOSGeom_createCollection_r(ctx.handle(), type, raw.data(),
                                               static_cast<unsigned>(raw.size())));
}

std::vector<Geom> polygons_of(const Geom& g) {
  std::vector<Geom> out;
  for (const auto& rings : polygon_parts(g)) out.push_back(make_polygon(g.ctx(), rings));
  return out;
}

Geom multipolygon(const Context& ctx, std::vector<Geom> polys) {
  if (polys.empty()) return empty_polygon(ctx);
  if (polys.size() == 1) return std::move(polys[0]);
  return make_collection(ctx, GEOS_MULTIPOLYGON, std::move(polys));
}

Geom polygons_only(const Geom& g) { return multipolygon(g.ctx(), polygons_of(g)); }

Geom empty_polygon(const Context& ctx) { return Geom(ctx, GEOSGeom_createEmptyPolygon_r(ctx.handle())); }

Geom unary_union(const Context& ctx, std::vector<Geom> parts) {
  if (parts.empty()) return empty_polygon(ctx);
  Geom coll = make_collection(ctx, GEOS_GEOMETRYCOLLECTION, std::move(parts));
  return Geom(ctx, check(ctx, GEOSUnaryUnion_r(ctx.handle(), coll.get()), "unary_union"));
}

Geom from_wkt(const Context& ctx, const std::string& wkt) {
  GEOSWKTReader* r = GEOSWKTReader_create_r(ctx.handle());
  GEOSGeometry* g = GEOSWKTReader_read_r(ctx.handle(), r, wkt.c_str());
  GEOSWKTReader_destroy_r(ctx.handle(), r);
  return Geom(ctx, check(ctx, g, "WKT read"));
}

std::vector<LonLat> coords(const Context& ctx, const GEOSGeometry* line) {
  auto h = ctx.handle();
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, line);
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(h, seq, &n);
  std::vector<LonLat> out(n);
  for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(h, seq, i, &out[i].lon, &out[i].lat);
  return out;
}

namespace {
void collect_lines(const Context& ctx, const GEOSGeometry* g, std::vector<std::vector<LonLat>>& out) {
  auto h = ctx.handle();
  switch (GEOSGeomTypeId_r(h, g)) {
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      if (!GEOSisEmpty_r(h, g)) out.push_back(coords(ctx, g));
      break;
    case GEOS_POLYGON:
      if (GEOSisEmpty_r(h, g)) break;
      out.push_back(coords(ctx, GEOSGetExteriorRing_r(h, g)));
      for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i)
        out.push_back(coords(ctx, GEOSGetInteriorRingN_r(h, g, i)));
      break;
    case GEOS_MULTILINESTRING:
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION:
      for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i) collect_lines(ctx, GEOSGetGeometryN_r(h, g, i), out);
      break;
    default:
      break;
  }
}

void collect_polygons(const Context& ctx, const GEOSGeometry* g,
                      std::vector<std::vector<std::vector<LonLat>>>& out) {
  auto h = ctx.handle();
  int t = GEOSGeomTypeId_r(h, g);
  if (t == GEOS_POLYGON) {
    if (GEOSisEmpty_r(h, g)) return;
    std::vector<std::vector<LonLat>> rings;
    rings.push_back(coords(ctx, GEOSGetExteriorRing_r(h, g)));
    for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i)
      rings.push_back(coords(ctx, GEOSGetInteriorRingN_r(h, g, i)));
    out.push_back(std::move(rings));
  } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
    for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i) collect_polygons(ctx, GEOSGetGeometryN_r(h, g, i), out);
  }
}
}  // namespace

std::vector<std::vector<LonLat>> line_parts(const Geom& g) {
  std::vector<std::vector<LonLat>> out;
  collect_lines(g.ctx(), g.get(), out);
  return out;
}

std::vector<std::vector<std::vector<LonLat>>> polygon_parts(const Geom& g) {
  std::vector<std::vector<std::vector<LonLat>>> out;
  collect_polygons(g.ctx(), g.get(), out);
  return out;
}

Prepared::Prepared(const Geom& g) : ctx_(&g.ctx()), h_(g.h()), p_(GEOSPrepare_r(g.h(), g.get())) {
  if (!p_) throw GeometryError("GEOS prepare failed: " + g.ctx().last_error());
}
Prepared::~Prepared() { GEOSPreparedGeom_destroy_r(h_, p_); }
bool Prepared::covers(const Geom& pt) const { return GEOSPreparedCovers_r(h_, p_, pt.get()) == 1; }
bool Prepared::intersects(const Geom& g) const { return GEOSPreparedIntersects_r(h_, p_, g.get()) == 1; }
bool Prepared::contains(const Geom& g) const { return GEOSPreparedContains_r(h_, p_, g.get()) == 1; }
double Prepared::distance(const Geom& g) const {
  double d = 0;
  if (!GEOSPreparedDistance_r(h_, p_, g.get(), &d)) throw GeometryError("prepared distance failed: " + ctx_->last_error());
  return d;
}
bool Prepared::within_distance(const Geom& g, double distance) const {
  return GEOSPreparedDistanceWithin_r(h_, p_, g.get(), distance) == 1;
}

}  // namespace truceline::geo

namespace truceline::geo {
Geom densify_planar(const Geom& g, double max_edge) {
  GEOSGeometry* out = GEOSDensify_r(g.h(), g.get(), max_edge);
  if (!out) throw GeometryError("densify failed: " + g.ctx().last_error());
  return Geom(g.ctx(), out);
}
}  // namespace truceline::geo
