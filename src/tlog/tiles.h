#pragma once
// C2SP tlog-tiles: the tree served as static, cacheable files. A tile at level L holds up to 256
// consecutive hashes of tree height 8·L (leaf hashes at level 0); an entry bundle holds the entries
// of the level-0 tile with the same index, each prefixed by its big-endian uint16 length.
//   tile/<L>/<N>[.p/<W>]      tile/entries/<N>[.p/<W>]
// where N is written in 3-digit groups, all but the last prefixed with "x" (1234067 → x001/x234/067)
// and ".p/<W>" marks a partial tile of W (1–255) hashes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/tree.h"

namespace truceline::tlog {

inline constexpr int kTileHeight = 8;
inline constexpr int kTileWidth = 256;

struct TilePath {
  bool entries = false;  // an entry bundle rather than a hash tile
  int level = 0;
  int64_t index = 0;
  int width = kTileWidth;  // below 256 for a partial tile
  bool operator==(const TilePath&) const = default;
};

std::string encode_tile_index(int64_t n);
// "tile/…" as the spec writes it; nullopt for any other spelling (leading zeros, width 0 or 256…).
std::optional<TilePath> parse_tile_path(std::string_view path);
std::string tile_path(const TilePath& t);

// The number of hashes tile (level, index) has in a tree of `size` leaves: 256, fewer for the
// rightmost partial tile, 0 when it does not exist yet.
int available_width(int level, int64_t index, int64_t size);

// The tile's bytes: `width` hashes of tree level 8·level, from index·256.
std::string hash_tile(HashReader& reader, int level, int64_t index, int width);

std::string entry_bundle(const std::vector<std::string>& entries);
// Throws std::invalid_argument when a length runs past the end.
std::vector<std::string> parse_entry_bundle(std::string_view bundle);

}  // namespace truceline::tlog
