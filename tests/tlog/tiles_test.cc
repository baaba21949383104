// Tile paths as C2SP tlog-tiles spells them, and the spec's own example of which tiles a tree of
// 70,000 leaves has.
#include "tlog/tiles.h"

#include <gtest/gtest.h>

namespace truceline::tlog {
namespace {

TEST(Tiles, PathsFollowTheSpec) {
  EXPECT_EQ(encode_tile_index(1234067), "x001/x234/067");
  EXPECT_EQ(encode_tile_index(5), "005");
  EXPECT_EQ(tile_path({false, 0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(tile_path({true, 0, 3, 17}), "tile/entries/003.p/17");
  for (const char* p : {"tile/0/x001/x234/067", "tile/2/000.p/1", "tile/entries/x001/000.p/255", "tile/63/000"}) {
    const auto t = parse_tile_path(p);
    ASSERT_TRUE(t) << p;
    EXPECT_EQ(tile_path(*t), p);
  }
  for (const char* p : {"tile/00/000", "tile/0/1", "tile/0/x000/001", "tile/0/000.p/0", "tile/0/000.p/256",
                        "tile/0/000.p/017", "tile/64/000", "tile/0/001/002", "tile/data/000", "tile/0/x01/000"})
    EXPECT_FALSE(parse_tile_path(p)) << p;
}

TEST(Tiles, WidthsOfTheSpecsExampleTree) {
  // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile
  // of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial
  // level 2 tile of width 1."
  EXPECT_EQ(available_width(0, 272, 70'000), 256);
  EXPECT_EQ(available_width(0, 273, 70'000), 112);
  EXPECT_EQ(available_width(0, 274, 70'000), 0);
  EXPECT_EQ(available_width(1, 0, 70'000), 256);
  EXPECT_EQ(available_width(1, 1, 70'000), 17);
  EXPECT_EQ(available_width(2, 0, 70'000), 1);
  EXPECT_EQ(available_width(3, 0, 70'000), 0);
  EXPECT_EQ(available_width(1, 0, 256), 1);
}

TEST(Tiles, HashTilesHoldTheSubtreeRootsAndBundlesRoundTrip) {
  MemoryTree t;
  std::vector<std::string> entries;
  for (int i = 0; i < 600; ++i) entries.push_back("entry " + std::to_string(i)), t.append(entries.back());
  const std::string level1 = hash_tile(t, 1, 0, 2);
  ASSERT_EQ(level1.size(), 64u);
  EXPECT_EQ(level1.substr(32), bytes_of(subtree_hash(t, 256, 256)));
  const std::string level0 = hash_tile(t, 0, 2, 88);
  EXPECT_EQ(level0.substr(0, 32), bytes_of(leaf_hash(entries[512])));
  const std::vector<std::string> part(entries.begin(), entries.begin() + 5);
  EXPECT_EQ(parse_entry_bundle(entry_bundle(part)), part);
  EXPECT_THROW(parse_entry_bundle(std::string("\x00\x09short", 7)), std::invalid_argument);
}

}  // namespace
}  // namespace truceline::tlog
