#include "compiled/cache.h"

#include <cstdlib>

#include "compiled/plan_file.h"
#include "io/binary.h"
#include "tlog/hash.h"

namespace truceline::compiled {

std::filesystem::path default_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  // The XDG base directory specification: a relative value is to be ignored.
  if (xdg && *xdg == '/') return std::filesystem::path(xdg) / "truceline";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::filesystem::path(home) / ".cache" / "truceline";
  return {};
}

std::string cache_key(const Provenance& p) {
  io::ByteWriter w;
  w.str("truceline compiled plan cache key");
  w.u32(kFormatVersion);
  w.str(p.build);
  std::error_code ec;
  w.str(std::filesystem::absolute(p.plan.path, ec).lexically_normal().string());
  w.str(p.plan.path);
  w.str(p.plan.sha256);
  w.u64(p.layers.size());
  for (const auto& l : p.layers) {
    // Relative layer paths are relative to the working directory, which the absolute plan path
    // above does not pin down: the absolute path of each layer goes in too.
    w.str(l.path);
    w.str(std::filesystem::absolute(l.path, ec).lexically_normal().string());
    w.str(l.sha256);
  }
  return tlog::hex(tlog::sha256(w.bytes()));
}

std::filesystem::path cache_entry(const std::filesystem::path& dir, const Provenance& p) {
  return dir / (cache_key(p) + ".tlplan");
}

}  // namespace truceline::compiled
