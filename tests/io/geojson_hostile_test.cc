// read_geojson on inputs the fuzzer (fuzz/fuzz_geojson.cc) found or that stand near them: each is
// refused with an InputError naming the file, never an escaping JSON exception.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "geo/errors.h"
#include "io/geojson.h"

namespace truceline::io {
namespace {

std::string error_reading(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("truceline-hostile-" + std::to_string(getpid()) + ".geojson");
  std::ofstream(path) << text;
  static const geo::Context ctx;
  std::string message;
  try {
    read_geojson(ctx, path.string(), [](const std::string&) {});
  } catch (const InputError& e) {
    message = e.what();
  }
  std::filesystem::remove(path);
  return message;
}

// Found by fuzz_geojson from the Dnieper layer: a coordinate mutated to 50.4E8054 made
// nlohmann::json throw out_of_range (number overflow), which read_geojson let escape.
TEST(GeojsonHostileTest, NumberBeyondADoubleIsAnInputError) {
  const std::string msg = error_reading(
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Dnieper"},)"
      R"("geometry":{"type":"LineString","coordinates":[[30.519801,51.284182],[30.558328,50.4E8054]]}}]})");
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
}

TEST(GeojsonHostileTest, JsonThatIsNotAnObjectIsAnInputError) {
  for (const char* text : {"[1, 2]", "17", "\"FeatureCollection\"", "null"}) {
    const std::string msg = error_reading(text);
    EXPECT_NE(msg.find("not a GeoJSON object"), std::string::npos) << text << ": " << msg;
  }
}

// Found by fuzz_geojson in a 60 s run: members of the wrong JSON type (a geometry type that is
// not a string, a document type that is not a string, coordinates of the wrong shape) made
// nlohmann::json throw type_error out of read_geojson.
TEST(GeojsonHostileTest, MembersOfTheWrongTypeAreInputErrors) {
  for (const char* text : {
           R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":7,"coordinates":[1,2]}}]})",
           R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":["Point"]}}]})",
           R"({"type":"Feature","geometry":{"type":"Point","coordinates":{"x":1}}})",
           R"({"type":"Feature","geometry":{"type":"Polygon","coordinates":[[["a","b"]]]}})",
           R"({"type":{"nested":1},"coordinates":[1,2]})"}) {
    const std::string msg = error_reading(text);
    EXPECT_FALSE(msg.empty()) << text;
    EXPECT_NE(msg.find("truceline-hostile-"), std::string::npos) << text << ": " << msg;
  }
}

}  // namespace
}  // namespace truceline::io
