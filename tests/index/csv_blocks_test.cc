// Blocks of whole records and their fields, cross-checked against io::CsvReader on random CSV text.
#include "index/csv_blocks.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "io/csv.h"

namespace truceline::index {
namespace {

// CSV text with what makes cutting hard: quoted commas and line breaks, doubled quotes, CRLF,
// blank lines, stray CRs, quotes in the middle of fields, and no final newline.
std::string awkward_csv(unsigned seed, int records) {
  std::mt19937 rng(seed);
  const std::vector<std::string> pieces = {"a",   "12.5", "\"x, y\"", "\"two\nlines\"", "\"say \"\"hi\"\"\"",
                                           "",    " ",    "b\rc",     "\"crlf\r\nin\"",  "ab\"c,d\"e"};
  std::string out;
  for (int r = 0; r < records; ++r) {
    const int fields = static_cast<int>(rng() % 4);
    for (int f = 0; f <= fields; ++f) {
      if (f) out += ',';
      out += pieces[rng() % pieces.size()];
    }
    out += rng() % 3 ? "\n" : "\r\n";
  }
  out += "last,\"record\"";
  return out;
}

std::vector<std::vector<std::string>> reference_records(const std::string& csv) {
  std::istringstream in(csv);
  io::CsvReader reader(in, "ref");
  std::vector<std::vector<std::string>> out;
  for (std::vector<std::string> f; reader.next(f);) out.push_back(f);
  return out;
}

// Records of a block through RecordCursor and split_plain / split_quoted.
void block_records(std::string_view block, std::vector<std::vector<std::string>>& out) {
  RecordCursor cursor(block);
  std::vector<std::string_view> views;
  std::vector<std::string> owned;
  for (RecordText rec; cursor.next(rec);) {
    if (rec.quoted) {
      ASSERT_TRUE(split_quoted(rec.text, owned)) << rec.text;
      out.push_back(owned);
    } else {
      split_plain(rec.text, views);
      out.emplace_back(views.begin(), views.end());
    }
  }
}

TEST(ClassifyCsvBlocks, BlocksHoldWholeRecordsWhateverTheirSize) {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    const std::string csv = awkward_csv(seed, 300);
    const auto expect = reference_records(csv);
    for (size_t block_bytes : {1, 2, 7, 64, 1000, 1 << 20}) {
      std::istringstream in(csv);
      CsvBlockReader reader(in, "test", block_bytes);
      std::string joined;
      std::vector<std::vector<std::string>> got;
      for (std::string block; reader.next(block);) {
        joined += block;
        block_records(block, got);
      }
      EXPECT_EQ(joined, csv) << "seed " << seed << ", block_bytes " << block_bytes;
      EXPECT_EQ(got, expect) << "seed " << seed << ", block_bytes " << block_bytes;
    }
  }
}

TEST(ClassifyCsvBlocks, CursorCountsLinesInsideQuotes) {
  RecordCursor cursor("a\n\"b\nc\",d\n\ne");
  RecordText rec;
  std::vector<long> lines;
  while (cursor.next(rec)) lines.push_back(rec.line);
  EXPECT_EQ(lines, (std::vector<long>{0, 1, 3, 4}));
  EXPECT_EQ(cursor.lines(), 4);
}

TEST(ClassifyCsvBlocks, WholeRecordsLengthIgnoresQuotedNewlines) {
  EXPECT_EQ(whole_records_length("a,b\nc,d"), 4u);
  EXPECT_EQ(whole_records_length("a,\"b\nc"), 0u);
  EXPECT_EQ(whole_records_length("x\na,\"b\nc\"\nd"), 10u);
  EXPECT_EQ(whole_records_length(""), 0u);
}

TEST(ClassifyCsvBlocks, PlainFieldsAreViewsAndSayWhetherTheyNeedQuoting) {
  std::vector<std::string_view> f;
  EXPECT_TRUE(split_plain("a,,b\r", f));
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_FALSE(split_plain("a\rb,c", f));  // a CR inside a field is quoted on output
  EXPECT_EQ(f.size(), 2u);
}

TEST(ClassifyCsvBlocks, UnterminatedQuoteIsReported) {
  std::vector<std::string> f;
  EXPECT_FALSE(split_quoted("a,\"open", f));
  EXPECT_FALSE(split_quoted("\"x\"\"", f));
  EXPECT_TRUE(split_quoted("\"x\"\"\"", f));
  EXPECT_EQ(f, (std::vector<std::string>{"x\""}));
}

}  // namespace
}  // namespace truceline::index
