#pragma once
// The one way a command gets its plan: from a .tlplan file as it is, or from a TOML through the
// cache (compiled/cache.h), compiling only when no cached plan was made from the same files.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "compiled/compiled_plan.h"
#include "io/geojson.h"
#include "plan/compiler.h"

namespace truceline::compiled {

struct LoadOptions {
  // The compiler's warnings. A plan from the cache gives its stored warnings again, so that a run
  // says the same whether it compiled or not. DEFAULT: none.
  io::Warn warn;
  // One line saying what a .tlplan given directly holds (its plan, date and sources, which cannot
  // be checked without them). DEFAULT: none.
  io::Warn note;
  // DEFAULT: default_cache_dir(). An empty path turns the cache off.
  std::optional<std::filesystem::path> cache_dir;
};

// `path` is a compiled plan (by its magic number, whatever its name) or a plan's TOML. Throws
// InputError as parse_plan, compile and read_plan_file do. A cache that cannot be read or written
// is a warning, never an error.
std::unique_ptr<CompiledPlan> load(const std::string& path, const LoadOptions& opt = {});

// A plan already parsed, and perhaps changed since (a --layer override, a date picking one layer
// of a series): the cache entry follows its layer paths as they are now and the plan file's hash,
// and is used only when its Plan equals this one.
std::unique_ptr<CompiledPlan> load_or_compile(const plan::Plan& plan, const LoadOptions& opt = {});

// Compiles now whatever the cache holds, and stores the result there (`plan compile`).
std::unique_ptr<CompiledPlan> compile_and_cache(const plan::Plan& plan, const LoadOptions& opt = {});

}  // namespace truceline::compiled
