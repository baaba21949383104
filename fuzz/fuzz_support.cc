#include "fuzz_support.h"

#include <unistd.h>

#include <cstdlib>

#include "plan/compiler.h"
#include "plan/plan.h"

namespace truceline::fuzz {
namespace {

std::filesystem::path root() {
  if (const char* r = std::getenv("TRUCELINE_ROOT")) return r;
  return TRUCELINE_SOURCE_DIR;
}

struct Scratch {
  std::filesystem::path dir;
  Scratch() : dir(std::filesystem::temp_directory_path() / ("truceline-fuzz-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

const plan::ZoneMap& default_map() {
  static const plan::ZoneMap map =
      plan::compile(plan::parse_plan((root() / "plans/kellogg-2025-04.toml").string()), nullptr);
  return map;
}

const plan::ZoneMap& square_map() {
  static const plan::ZoneMap map = plan::compile(plan::parse_plan_text(R"(
name = "square"
[area]
layer = "area.geojson"
[[parties]]
id = "north"
name = "North"
[[parties]]
id = "south"
name = "South"
[line_of_contact]
layer = "line.geojson"
inside = "west"
outside = "east"
[dmz]
width = "2 km"
[[zones]]
id = "dmz"
within = ["dmz"]
[[zones]]
id = "w"
within = ["west"]
responsible = "north"
[[zones]]
id = "e"
within = ["east"]
responsible = "south"
)", (root() / "tests/fixtures/square/plan.toml").string()), nullptr);
  return map;
}

const std::filesystem::path& scratch_dir() {
  static const Scratch s;
  return s.dir;
}

}  // namespace truceline::fuzz
