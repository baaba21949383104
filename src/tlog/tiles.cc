#include "tlog/tiles.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace truceline::tlog {
namespace {

std::optional<int64_t> number(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::string encode_tile_index(int64_t n) {
  std::string out;
  char group[8];
  std::snprintf(group, sizeof group, "%03d", static_cast<int>(n % 1000));
  out = group;
  for (n /= 1000; n > 0; n /= 1000) {
    std::snprintf(group, sizeof group, "x%03d/", static_cast<int>(n % 1000));
    out = group + out;
  }
  return out;
}

std::optional<TilePath> parse_tile_path(std::string_view path) {
  const std::string_view original = path;
  if (path.substr(0, 5) != "tile/") return std::nullopt;
  path.remove_prefix(5);
  TilePath t;
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view first = path.substr(0, slash);
  if (first == "entries") {
    t.entries = true;
  } else {
    const auto level = number(first, 2);
    if (!level || *level > 63 || (first.size() > 1 && first[0] == '0')) return std::nullopt;
    t.level = static_cast<int>(*level);
  }
  path.remove_prefix(slash + 1);
  if (const size_t p = path.find(".p/"); p != std::string_view::npos) {
    const std::string_view w = path.substr(p + 3);
    const auto width = number(w, 3);
    if (!width || *width < 1 || *width > 255 || w[0] == '0') return std::nullopt;
    t.width = static_cast<int>(*width);
    path = path.substr(0, p);
  }
  int64_t index = 0;
  for (;;) {
    const size_t s = path.find('/');
    const bool last = s == std::string_view::npos;
    std::string_view group = last ? path : path.substr(0, s);
    if (!last) {
      if (group.size() != 4 || group[0] != 'x') return std::nullopt;
      group.remove_prefix(1);
    }
    const auto g = group.size() == 3 ? number(group, 3) : std::nullopt;
    if (!g || index > (INT64_MAX - *g) / 1000) return std::nullopt;
    index = index * 1000 + *g;
    if (last) break;
    path.remove_prefix(s + 1);
  }
  t.index = index;
  // One spelling per tile: "x000/001" is not tile 1, nor "0/x001/000" level 00's.
  if (tile_path(t) != original) return std::nullopt;
  return t;
}

std::string tile_path(const TilePath& t) {
  std::string out = "tile/" + (t.entries ? std::string("entries") : std::to_string(t.level)) + "/" + encode_tile_index(t.index);
  if (t.width < kTileWidth) out += ".p/" + std::to_string(t.width);
  return out;
}

int available_width(int level, int64_t index, int64_t size) {
  if (level < 0 || level > 7 || index < 0) return 0;  // 256^8 leaves is beyond any int64 tree
  const int64_t hashes = size >> (kTileHeight * level);
  const int64_t start = index * kTileWidth;
  if (hashes <= start) return 0;
  return static_cast<int>(std::min<int64_t>(kTileWidth, hashes - start));
}

std::string hash_tile(HashReader& reader, int level, int64_t index, int width) {
  std::string out;
  out.reserve(32 * static_cast<size_t>(width));
  for (const Hash& h : reader.range(kTileHeight * level, index * kTileWidth, width)) out += bytes_of(h);
  return out;
}

std::string entry_bundle(const std::vector<std::string>& entries) {
  std::string out;
  for (const std::string& e : entries) {
    if (e.size() > 0xffff) throw std::invalid_argument("a log entry is at most 65,535 bytes");
    out += static_cast<char>(e.size() >> 8);
    out += static_cast<char>(e.size() & 255);
    out += e;
  }
  return out;
}

std::vector<std::string> parse_entry_bundle(std::string_view bundle) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < bundle.size()) {
    if (at + 2 > bundle.size()) throw std::invalid_argument("entry bundle: a length prefix is cut off");
    const size_t len = static_cast<unsigned char>(bundle[at]) << 8 | static_cast<unsigned char>(bundle[at + 1]);
    at += 2;
    if (at + len > bundle.size()) throw std::invalid_argument("entry bundle: an entry runs past the end");
    out.emplace_back(bundle.substr(at, len));
    at += len;
  }
  return out;
}

}  // namespace truceline::tlog
