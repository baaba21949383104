#include "io/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace truceline::io {
namespace {

TEST(ProgressTest, FormatsABarWithPercentRateAndEta) {
  ProgressOptions opt{"classify", 27'100'000, true, "rows", 0.1, 80};
  const std::string line = format_progress(opt, 12'300'000, 4.0);
  EXPECT_EQ(line.size(), 80u) << line;
  EXPECT_EQ(line.rfind("classify [####", 0), 0u) << line;
  EXPECT_NE(line.find("  45%  12.3 MB / 27.1 MB  3.1 MB/s  ETA 0:05"), std::string::npos) << line;
  // 45 % of the bar is filled.
  const size_t open = line.find('['), close = line.find(']');
  const std::string bar = line.substr(open + 1, close - open - 1);
  EXPECT_EQ(std::count(bar.begin(), bar.end(), '#'), static_cast<long>(12.3 / 27.1 * static_cast<double>(bar.size())));
}

TEST(ProgressTest, CountsWithoutATotalShowNoBarAndNoEta) {
  ProgressOptions opt{"import", 0, false, "rows", 0.1, 80};
  EXPECT_EQ(format_progress(opt, 1'234'567, 2.0), "import  1.23 M rows  617.3 k rows/s");
}

TEST(ProgressTest, FinishedWorkShowsTheElapsedTime) {
  ProgressOptions opt{"import", 5000, false, "rows", 0.1, 60};
  const std::string line = format_progress(opt, 5000, 3725.0);
  EXPECT_NE(line.find("100%  5000 rows / 5000 rows  1 rows/s  1:02:05"), std::string::npos) << line;
  EXPECT_EQ(line.find("ETA"), std::string::npos);
}

TEST(ProgressTest, SilentWhenDisabled) {
  std::ostringstream out;
  {
    Progress p({"classify", 100, true, "rows", 0, 80}, false, &out);
    for (uint64_t i = 0; i <= 100; ++i) p.update(i);
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressTest, RedrawsInPlaceAndEndsTheLine) {
  std::ostringstream out;
  {
    Progress p({"classify", 100, true, "rows", 0, 80}, true, &out);
    p.update(50);
    p.update(100);
  }
  const std::string s = out.str();
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 3);  // two updates and the final draw
  EXPECT_EQ(s.back(), '\n');
  EXPECT_NE(s.find(" 50%"), std::string::npos);
  EXPECT_NE(s.find("100%"), std::string::npos);
}

TEST(ProgressTest, ClearErasesTheBarForAMessage) {
  std::ostringstream out;
  Progress p({"import", 100, true, "rows", 0, 80}, true, &out);
  p.clear();
  EXPECT_EQ(out.str(), "");  // nothing drawn, nothing to erase
  p.update(10);
  p.clear();
  EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\x1b[K");
}

TEST(ProgressTest, ShortWorkLeavesTheTerminalUntouched) {
  std::ostringstream out;
  {
    Progress p({"classify", 100, true, "rows", 3600, 80}, true, &out);
    p.update(100);
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressTest, CountingStreamPassesEveryByteThrough) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "row " + std::to_string(i) + "\n";
  std::istringstream src(text);
  std::ostringstream out;
  Progress p({"read", text.size(), true, "rows", 0, 80}, true, &out);
  CountingStream in(src, p);
  std::string line, got;
  std::getline(in, line);  // characters through the stream's own buffer
  got = line + "\n";
  std::string rest(text.size(), '\0');
  in.read(rest.data(), static_cast<std::streamsize>(rest.size()));  // and a bulk read
  rest.resize(static_cast<size_t>(in.gcount()));
  EXPECT_EQ(got + rest, text);
  EXPECT_EQ(in.bytes(), text.size());
  EXPECT_NE(out.str().find("100%"), std::string::npos);
}

}  // namespace
}  // namespace truceline::io
