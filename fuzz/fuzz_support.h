#pragma once
// What the fuzz targets share: the default plan compiled once per process, a scratch directory
// per process, and the input as a string.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "plan/zone_map.h"

namespace truceline::fuzz {

// plans/kellogg-2025-04.toml from the source tree (TRUCELINE_ROOT overrides), compiled on first use.
const plan::ZoneMap& default_map();
// A small synthetic plan over tests/fixtures/square (29–31°E, 47–49°N): a 2 km DMZ along the
// fixture's line and a zone each side. Cheap to index, for targets that build a Locator per input.
const plan::ZoneMap& square_map();
// A directory of this process under the system's temporary directory, removed at exit.
const std::filesystem::path& scratch_dir();

inline std::string text(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

}  // namespace truceline::fuzz
