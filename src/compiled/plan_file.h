#pragma once
// The compiled plan as a file, `plan.tlplan` (docs/plan-format.md, "The compiled plan"): the whole
// ZoneMap with its Plan, the Locator's index, and the hashes of the files it was made from, so
// that loading it costs reading it, not compiling.
//
//   offset  size  field
//   0       8     magic "\x89TLPLAN\n"
//   8       4     u32 format version (kFormatVersion)
//   12      4     u32 0 (reserved)
//   16      8     u64 N, the body's length
//   24      N     body: provenance, plan and zone map (plan/codec.h), Locator index (index/)
//   24 + N  32    SHA-256 of bytes 0 … 24 + N
//
// Every integer and double little-endian.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "compiled/compiled_plan.h"

namespace truceline::compiled {

// Raised whenever the encoding of the body changes (a field added to Plan, ZoneMap or the index).
constexpr uint32_t kFormatVersion = 2;
constexpr std::string_view kMagic{"\x89TLPLAN\n", 8};

std::string encode(const CompiledPlan& plan);
// The same from its parts: `locator` built over `map`.
std::string encode(const plan::ZoneMap& map, const index::Locator& locator, const Provenance& provenance);
// Throws InputError naming `name` when the bytes are not a whole compiled plan of this version:
// not one at all, another version, truncated, or corrupted (a checksum or consistency failure);
// the fix says to recompile.
std::unique_ptr<CompiledPlan> decode(std::string_view bytes, const std::string& name);

// Whether the file starts with the magic number (a .tlplan, whatever its name).
bool is_plan_file(const std::filesystem::path& path);
// Atomically (io::write_file_atomic).
void write_plan_file(const std::filesystem::path& path, const CompiledPlan& plan);
std::unique_ptr<CompiledPlan> read_plan_file(const std::filesystem::path& path);

}  // namespace truceline::compiled
