// GeoJSON layers (io::read_geojson): every feature is read and validated, or the file is refused
// with InputError or GeometryError; what was read writes back out as GeoJSON.
#include <fstream>

#include "fuzz_support.h"
#include "geo/errors.h"
#include "io/geojson.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const truceline::geo::Context ctx;
  // The reader takes a path, as plans name their layers.
  static const std::string path = (truceline::fuzz::scratch_dir() / "layer.geojson").string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto features = truceline::io::read_geojson(ctx, path, [](const std::string&) {});
    for (const auto& f : features) (void)truceline::io::geometry_to_json(f.geom).dump();
  } catch (const truceline::InputError&) {
  } catch (const truceline::GeometryError&) {
  }
  return 0;
}
