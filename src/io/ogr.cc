// OGR through its C API, each handle in a small owner so that an exception between creation and
// release leaks nothing. Datasets are written into GDAL's in-memory file system (/vsimem/) and
// copied out as bytes: the caller's atomic writers then put them on disk, and a failed export never
// leaves a half-written GeoPackage where QGIS would open it.
#include "io/ogr.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "geo/errors.h"
#include "geo/wkb.h"

namespace truceline::io::ogr {

namespace {

void register_drivers() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

// GDAL reports errors through a per-thread handler stack; while one of these lives, messages are
// kept for our exceptions instead of being printed to stderr.
class QuietErrors {
 public:
  QuietErrors() { CPLPushErrorHandler(CPLQuietErrorHandler), CPLErrorReset(); }
  ~QuietErrors() { CPLPopErrorHandler(); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;
};

std::string last_error(const std::string& what) {
  const char* msg = CPLGetLastErrorMsg();
  return what + (msg && *msg ? ": " + std::string(msg) : "");
}

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("OGR: " + last_error(what)); }

struct DatasetCloser {
  void operator()(void* ds) const { GDALClose(ds); }
};
using Dataset = std::unique_ptr<void, DatasetCloser>;

struct FeatureDestroyer {
  void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
using FeaturePtr = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDestroyer>;

struct GeometryDestroyer {
  void operator()(OGRGeometryH g) const { OGR_G_DestroyGeometry(g); }
};
using GeometryPtr = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, GeometryDestroyer>;

struct FieldDestroyer {
  void operator()(OGRFieldDefnH f) const { OGR_Fld_Destroy(f); }
};
using FieldPtr = std::unique_ptr<std::remove_pointer_t<OGRFieldDefnH>, FieldDestroyer>;

// OSR objects are reference-counted; OSRRelease drops ours.
struct SrsReleaser {
  void operator()(OGRSpatialReferenceH s) const { OSRRelease(s); }
};
using SrsPtr = std::unique_ptr<std::remove_pointer_t<OGRSpatialReferenceH>, SrsReleaser>;

SrsPtr wgs84() {
  SrsPtr srs(OSRNewSpatialReference(nullptr));
  if (!srs || OSRImportFromEPSG(srs.get(), 4326) != OGRERR_NONE) fail("cannot build EPSG:4326");
  // lon/lat, as everywhere in truceline, not the EPSG definition's lat/lon.
  OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

// A file in /vsimem/ removed when this goes out of scope.
class MemFile {
 public:
  explicit MemFile(const std::string& ext) {
    static std::atomic<uint64_t> counter{0};
    path_ = "/vsimem/truceline-" + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) + "-" +
            std::to_string(counter++) + "." + ext;
  }
  ~MemFile() { VSIUnlink(path_.c_str()); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  const std::string& path() const { return path_; }
  std::string bytes() const {
    vsi_l_offset len = 0;
    const GByte* data = VSIGetMemFileBuffer(path_.c_str(), &len, FALSE);
    if (!data) fail("the dataset was not written");
    return std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  }

 private:
  std::string path_;
};

std::string extension_for(const std::string& driver) {
  if (driver == "GPKG") return "gpkg";
  if (driver == "LIBKML" || driver == "KML") return "kml";
  if (driver == "GeoJSON") return "geojson";
  return "dat";
}

OGRFieldType ogr_type(FieldType t) {
  switch (t) {
    case FieldType::kInteger: return OFTInteger64;
    case FieldType::kReal: return OFTReal;
    case FieldType::kDateTime: return OFTDateTime;
    case FieldType::kString: break;
  }
  return OFTString;
}

GeometryPtr to_ogr(const geo::Geom& g, OGRSpatialReferenceH srs, int layer_type) {
  const std::string wkb = geo::to_wkb(g);
  OGRGeometryH raw = nullptr;
  const OGRErr err = OGR_G_CreateFromWkb(wkb.data(), srs, &raw, static_cast<int>(wkb.size()));
  GeometryPtr geom(raw);
  if (err != OGRERR_NONE || !geom) fail("cannot convert a geometry to OGR");
  // A polygon in a multipolygon layer (and a line in a multiline one) is promoted; GeoPackage
  // readers expect the layer's declared type.
  if (layer_type != wkbUnknown && static_cast<int>(OGR_G_GetGeometryType(geom.get())) != layer_type)
    geom.reset(OGR_G_ForceTo(geom.release(), static_cast<OGRwkbGeometryType>(layer_type), nullptr));
  if (!geom) fail("cannot convert a geometry to the layer's type");
  return geom;
}

void set_value(OGRFeatureH f, int i, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) OGR_F_SetFieldNull(f, i);
  else if (const auto* s = std::get_if<std::string>(&v)) OGR_F_SetFieldString(f, i, s->c_str());
  else if (const auto* n = std::get_if<int64_t>(&v)) OGR_F_SetFieldInteger64(f, i, *n);
  else OGR_F_SetFieldDouble(f, i, std::get<double>(v));
}

void write_layer(GDALDatasetH ds, OGRSpatialReferenceH srs, const Layer& spec) {
  OGRLayerH layer = GDALDatasetCreateLayer(ds, spec.name.c_str(), srs,
                                           static_cast<OGRwkbGeometryType>(spec.geometry_type), nullptr);
  if (!layer) fail("cannot create layer " + spec.name);
  for (const auto& field : spec.fields) {
    FieldPtr defn(OGR_Fld_Create(field.name.c_str(), ogr_type(field.type)));
    if (OGR_L_CreateField(layer, defn.get(), TRUE) != OGRERR_NONE) fail("cannot create field " + field.name);
  }
  for (const auto& feat : spec.features) {
    if (feat.values.size() != spec.fields.size())
      throw std::logic_error("layer " + spec.name + ": a feature has " + std::to_string(feat.values.size()) +
                             " values for " + std::to_string(spec.fields.size()) + " fields");
    FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(layer)));
    for (size_t i = 0; i < feat.values.size(); ++i) set_value(f.get(), static_cast<int>(i), feat.values[i]);
    if (feat.geom && *feat.geom) OGR_F_SetGeometryDirectly(f.get(), to_ogr(*feat.geom, srs, spec.geometry_type).release());
    if (!feat.style.empty()) OGR_F_SetStyleString(f.get(), feat.style.c_str());
    if (OGR_L_CreateFeature(layer, f.get()) != OGRERR_NONE) fail("cannot write a feature of layer " + spec.name);
  }
}

geo::Geom to_geos(const geo::Context& ctx, OGRGeometryH g, const std::string& where) {
  OGR_G_FlattenTo2D(g);  // KML carries altitudes; truceline's geometry is 2D
  std::string wkb(static_cast<size_t>(OGR_G_WkbSize(g)), '\0');
  if (OGR_G_ExportToWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(wkb.data())) != OGRERR_NONE)
    throw InputError(where, last_error("cannot export a geometry"));
  try {
    return geo::from_wkb(ctx, wkb);
  } catch (const GeometryError& e) {
    throw InputError(where, e.what());
  }
}

ReadLayer read_layer(const geo::Context& ctx, OGRLayerH layer, const std::string& path) {
  ReadLayer out{OGR_L_GetName(layer), {}};
  OGR_L_ResetReading(layer);
  for (FeaturePtr f(OGR_L_GetNextFeature(layer)); f; f.reset(OGR_L_GetNextFeature(layer))) {
    ReadFeature rf;
    for (int i = 0; i < OGR_F_GetFieldCount(f.get()); ++i)
      if (OGR_F_IsFieldSetAndNotNull(f.get(), i))
        rf.values.emplace_back(OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f.get(), i)), OGR_F_GetFieldAsString(f.get(), i));
    if (OGRGeometryH g = OGR_F_GetGeometryRef(f.get()))
      rf.geom = to_geos(ctx, g, path + ": layer " + out.name + ", feature " + std::to_string(OGR_F_GetFID(f.get())));
    out.features.push_back(std::move(rf));
  }
  return out;
}

}  // namespace

std::string write_layers(const std::string& driver_name, const std::vector<Layer>& layers) {
  register_drivers();
  const QuietErrors quiet;
  GDALDriverH driver = GDALGetDriverByName(driver_name.c_str());
  if (!driver) fail("no driver " + driver_name + " in this GDAL build");
  const MemFile file(extension_for(driver_name));
  const SrsPtr srs = wgs84();
  {
    Dataset ds(GDALCreate(driver, file.path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) fail("cannot create a " + driver_name + " dataset");
    // One transaction per dataset: a GeoPackage otherwise commits every feature on its own.
    const bool tx = GDALDatasetStartTransaction(ds.get(), FALSE) == OGRERR_NONE;
    for (const auto& layer : layers) write_layer(ds.get(), srs.get(), layer);
    if (tx && GDALDatasetCommitTransaction(ds.get()) != OGRERR_NONE) fail("cannot commit the " + driver_name + " dataset");
    // Closing flushes: drivers such as libkml write the whole file only now, so check for errors.
    CPLErrorReset();
  }
  if (CPLGetLastErrorType() >= CE_Failure) fail("cannot finish the " + driver_name + " dataset");
  return file.bytes();
}

// Case-insensitive: the KML driver reads a placemark's name back as the field "Name".
std::string ReadFeature::value(const std::string& name) const {
  for (const auto& [k, v] : values)
    if (EQUAL(k.c_str(), name.c_str())) return v;
  return {};
}

std::vector<ReadLayer> read_layers(const geo::Context& ctx, const std::string& path) {
  register_drivers();
  const QuietErrors quiet;
  Dataset ds(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) throw InputError(path, last_error("GDAL cannot open the file as a vector dataset"), "check the path and the format");
  std::vector<ReadLayer> out;
  for (int i = 0; i < GDALDatasetGetLayerCount(ds.get()); ++i)
    out.push_back(read_layer(ctx, GDALDatasetGetLayer(ds.get(), i), path));
  return out;
}

}  // namespace truceline::io::ogr
