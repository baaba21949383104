#include "geo/wkb.h"

#include <memory>

namespace truceline::geo {
namespace {

// The writer and reader of one context, released however the call ends.
struct WriterOf {
  GEOSContextHandle_t h;
  void operator()(GEOSWKBWriter* w) const { GEOSWKBWriter_destroy_r(h, w); }
};
struct ReaderOf {
  GEOSContextHandle_t h;
  void operator()(GEOSWKBReader* r) const { GEOSWKBReader_destroy_r(h, r); }
};
struct BufferOf {
  GEOSContextHandle_t h;
  void operator()(unsigned char* p) const { GEOSFree_r(h, p); }
};

}  // namespace

std::string to_wkb(const Geom& g) {
  std::unique_ptr<GEOSWKBWriter, WriterOf> w(GEOSWKBWriter_create_r(g.h()), WriterOf{g.h()});
  if (!w) throw GeometryError("GEOS cannot create a WKB writer");
  GEOSWKBWriter_setByteOrder_r(g.h(), w.get(), GEOS_WKB_NDR);
  size_t size = 0;
  std::unique_ptr<unsigned char, BufferOf> wkb(GEOSWKBWriter_write_r(g.h(), w.get(), g.get(), &size), BufferOf{g.h()});
  if (!wkb) throw GeometryError("GEOS cannot write WKB: " + g.ctx().last_error());
  return std::string(reinterpret_cast<const char*>(wkb.get()), size);
}

Geom from_wkb(const Context& ctx, std::string_view wkb) {
  std::unique_ptr<GEOSWKBReader, ReaderOf> r(GEOSWKBReader_create_r(ctx.handle()), ReaderOf{ctx.handle()});
  if (!r) throw GeometryError("GEOS cannot create a WKB reader");
  GEOSGeometry* g = GEOSWKBReader_read_r(ctx.handle(), r.get(), reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
  if (!g) throw GeometryError("GEOS cannot read WKB: " + ctx.last_error());
  return Geom(ctx, g);
}

}  // namespace truceline::geo
