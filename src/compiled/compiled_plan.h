#pragma once
// A plan ready to use: its ZoneMap and the Locator over it, with where it came from. What every
// command that reads a plan gets (compiled/load.h), whether the plan was compiled just now, read
// from the cache or from a .tlplan file (compiled/plan_file.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/locator.h"
#include "io/binary.h"
#include "plan/zone_map.h"

namespace truceline::compiled {

// A file the compiled plan was made from, as it was then.
struct FileHash {
  std::string path;    // as the plan names it, resolved against the plan's folder
  uint64_t bytes = 0;
  std::string sha256;  // lowercase hex

  bool operator==(const FileHash&) const = default;
};

struct Provenance {
  FileHash plan;                  // the TOML file
  std::vector<FileHash> layers;   // plan::Plan::layer_paths(), in that order
  std::string compiled_at;        // UTC, ISO 8601, when it was compiled
  std::string build;              // the program that compiled it (compiled/build_id.h)

  // Same inputs and same program: a compiled plan made from `other`'s would be this one.
  bool same_inputs(const Provenance& other) const {
    return plan == other.plan && layers == other.layers && build == other.build;
  }
};

// The plan file (its text as read) and every layer it names, hashed now. Throws InputError naming
// a layer that cannot be read. Tens of milliseconds at most: the layers are a few MB.
Provenance provenance_of(const plan::Plan& plan, std::string_view plan_text);
// SHA-256 of a file's contents, with its size; InputError naming it when it cannot be read.
FileHash hash_file(const std::string& path);

// Where a loaded plan came from (compiled/load.h).
enum class Origin { compiled, cache, file };

// Neither copied nor moved: the Locator refers to the map. Immutable; share it between threads.
class CompiledPlan {
 public:
  // Builds the Locator's index.
  CompiledPlan(plan::ZoneMap map, Provenance provenance);
  // Reads the index saved with Locator::save for this map (throws io::DecodeError).
  CompiledPlan(plan::ZoneMap map, Provenance provenance, io::ByteReader& index);
  CompiledPlan(const CompiledPlan&) = delete;
  CompiledPlan& operator=(const CompiledPlan&) = delete;

  const plan::ZoneMap& map() const { return map_; }
  const index::Locator& locator() const { return locator_; }
  const Provenance& provenance() const { return provenance_; }

  // Set by compiled/load.h; DEFAULT: compiled, or file when read from bytes.
  Origin origin;

 private:
  plan::ZoneMap map_;  // before locator_, which refers to it
  Provenance provenance_;
  index::Locator locator_;
};

}  // namespace truceline::compiled
