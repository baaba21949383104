#pragma once
// The compiled-plan cache (docs/plan-format.md, "The cache"): a plan given as TOML is compiled
// once per set of inputs and read back from DIR/KEY.tlplan afterwards. The key is a SHA-256 over
// the format version, the program's build, the plan file's absolute path, and the path and SHA-256
// of the plan file and of every layer as resolved — so a changed file, a layer picked by another
// date or override, or another build of truceline each give another key, and a cached plan is
// never stale. Entries are never cleaned up by truceline: remove the directory to clear it.
#include <filesystem>
#include <string>

#include "compiled/compiled_plan.h"

namespace truceline::compiled {

// $XDG_CACHE_HOME/truceline, else $HOME/.cache/truceline; empty when neither is set.
std::filesystem::path default_cache_dir();

// Hex SHA-256 key of the inputs in `p` (its compiled_at is not part of it).
std::string cache_key(const Provenance& p);

// DIR/KEY.tlplan.
std::filesystem::path cache_entry(const std::filesystem::path& dir, const Provenance& p);

}  // namespace truceline::compiled
