// io/toml.h: toml++ 3.3.0's whitespace table reached __builtin_unreachable for three blocks of
// code points (see the header). Every code point is asked here; under `make test-asan` the
// unpatched table makes UBSan report, and in an optimised build its answers may be anything.
#include "io/toml.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace truceline::io {
namespace {

// The whitespace toml++ accepts between tokens beyond ASCII: Unicode's Zs characters, the
// Mongolian vowel separator, zero-width space, word joiner and byte-order mark, as its table lists.
bool listed_whitespace(char32_t c) {
  static const std::set<char32_t> single = {0xA0, 0x1680, 0x180E, 0x202F, 0x3000, 0xFEFF};
  return single.count(c) || (c >= 0x2000 && c <= 0x200B) || (c >= 0x205F && c <= 0x2060);
}

TEST(TomlShim, EveryCodePointGetsAnAnswerAndOnlyTheListedOnesAreWhitespace) {
  int whitespace = 0;
  for (char32_t c = 0x80; c <= 0x10FFFF; ++c) {
    const bool got = toml::impl::is_non_ascii_horizontal_whitespace(c);
    ASSERT_EQ(got, listed_whitespace(c)) << std::hex << "U+" << static_cast<uint32_t>(c);
    whitespace += got;
  }
  EXPECT_EQ(whitespace, 20);  // "20 code units from 8 ranges", as the generated table says
}

TEST(TomlShim, CyrillicWhereWhitespaceMayStandIsAParseErrorNotACrash) {
  // Each places a code point from one of the missed blocks where the parser tests for whitespace.
  const char* texts[] = {
      "a = \"\"\"x\\\xD0\x9A\"\"\"\n",           // backslash then Cyrillic in a multi-line string
      "a = \"\"\"x\xD0\x9A\"\"\"\"\xD0\x9A\n",   // after a multi-line string closed by four quotes
      "a = 1\xE3\x80\x81\n",                     // U+3001 after a value
      "\xEF\xB9\xB0 = 1\n",                      // U+FE70 as a bare key
  };
  for (const std::string_view t : texts) {
    EXPECT_THROW((void)toml::parse(t), toml::parse_error) << t;
  }
  // Where a line-ending backslash skips indentation, a missed code point ends the skipping and
  // stays in the string.
  const toml::table t = toml::parse(std::string_view("a = \"\"\"x\\\n  \xD0\x9A\"\"\"\n"));
  EXPECT_EQ(t["a"].value_or(std::string()), "x\xD0\x9A");
}

}  // namespace
}  // namespace truceline::io
