// The bar of the daily report: the report of a simulated day opens in headless Chromium, and a
// screenshot of it shows the map and the chart. The screenshot is decoded with GDAL and the two
// places where the page puts them (kHtmlMapBox, kHtmlTrendBox) must each hold many colours and
// many pixels that are not the page's white: a blank or broken page has one colour.
#include <gdal.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "index/locator.h"
#include "integration/cli_support.h"
#include "monitor/observation.h"
#include "monitor/simulate.h"
#include "report/daily_render.h"
#include "report/daily_test_support.h"
#include "store/store.h"
#include "support.h"

namespace truceline::report {
namespace {

namespace fs = std::filesystem;

// Debian's chromium, which scripts/setup.sh --test installs; TRUCELINE_CHROMIUM overrides.
std::string chromium() {
  if (const char* c = std::getenv("TRUCELINE_CHROMIUM")) return c;
  return "/usr/bin/chromium";
}

struct RegionStats {
  size_t colours = 0;
  double not_white = 0;  // fraction of pixels that are not (near) white
};

// Reads the RGB pixels of `box` from the PNG and counts what is there.
RegionStats region_stats(GDALDatasetH png, const PixelBox& box) {
  const int n = box.width * box.height;
  std::vector<unsigned char> rgb[3];
  for (int b = 0; b < 3; ++b) {
    rgb[b].resize(static_cast<size_t>(n));
    const CPLErr err = GDALRasterIO(GDALGetRasterBand(png, b + 1), GF_Read, box.x, box.y, box.width, box.height,
                                    rgb[b].data(), box.width, box.height, GDT_Byte, 0, 0);
    EXPECT_EQ(err, CE_None);
  }
  std::set<uint32_t> colours;
  size_t coloured = 0;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    colours.insert(uint32_t{rgb[0][i]} << 16 | uint32_t{rgb[1][i]} << 8 | rgb[2][i]);
    coloured += rgb[0][i] < 240 || rgb[1][i] < 240 || rgb[2][i] < 240;
  }
  return {colours.size(), static_cast<double>(coloured) / n};
}

TEST(DailyReportScreenshot, ShowsTheMapAndTheChart) {
  ASSERT_TRUE(fs::exists(chromium())) << chromium()
                                      << " is missing: run scripts/setup.sh --test to install Chromium for the tests";
  const auto dir = truceline::testing::scratch_dir("daily-screenshot");
  const auto& map = truceline::testing::default_map();
  const index::Locator locator(map);

  // Thirty days of simulated observations ending with the reported day, stored as the API would.
  monitor::SimOptions sim;
  sim.events = 3000;
  sim.seed = 20250412;
  sim.start_ms = *monitor::parse_time_ms("2025-03-14T00:00:00Z");
  sim.hours = 30 * 24;
  const monitor::Simulation s = monitor::simulate(map, sim);
  {
    auto store = store::open_store((dir / "record.sqlite").string());
    testing::store_sightings(*store, s.observations, map, locator);
  }

  const fs::path html = dir / "report.html", png = dir / "report.png";
  const auto r = truceline::testing::run_cli("report --plan plans/kellogg-2025-04.toml --db '" +
                                                 (dir / "record.sqlite").string() +
                                                 "' --day 2025-04-12 --cutoff now -o '" + html.string() + "'",
                                             dir);
  ASSERT_EQ(r.code, 0) << r.err;

  const int height = kHtmlTrendBox.y + kHtmlTrendBox.height + 40;
  const std::string cmd = "timeout 120 '" + chromium() +
                          "' --headless --no-sandbox --disable-gpu --disable-background-networking "
                          "--hide-scrollbars --force-device-scale-factor=1 --user-data-dir='" +
                          (dir / "profile").string() + "' --window-size=" + std::to_string(kHtmlPageWidth) + "," +
                          std::to_string(height) + " --screenshot='" + png.string() + "' 'file://" + html.string() +
                          "' >'" + (dir / "chromium.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << truceline::testing::slurp(dir / "chromium.log");
  ASSERT_TRUE(fs::exists(png)) << truceline::testing::slurp(dir / "chromium.log");

  GDALAllRegister();
  GDALDatasetH ds = GDALOpen(png.c_str(), GA_ReadOnly);
  ASSERT_NE(ds, nullptr) << "GDAL cannot read " << png;
  ASSERT_GE(GDALGetRasterCount(ds), 3);
  ASSERT_GE(GDALGetRasterXSize(ds), kHtmlMapBox.x + kHtmlMapBox.width);
  ASSERT_GE(GDALGetRasterYSize(ds), kHtmlTrendBox.y + kHtmlTrendBox.height);
  const RegionStats map_stats = region_stats(ds, kHtmlMapBox);
  const RegionStats chart_stats = region_stats(ds, kHtmlTrendBox);
  GDALClose(ds);

  // The map: translucent zones, lines, labels and markers — thousands of colours once
  // anti-aliased, a good part of the box painted (its title and legend are text on white). The
  // chart: bars, a line, axes and text on white. A blank page has one colour and 0 % painted.
  EXPECT_GE(map_stats.colours, 100u);
  EXPECT_GE(map_stats.not_white, 0.2);
  EXPECT_GE(chart_stats.colours, 20u);
  EXPECT_GE(chart_stats.not_white, 0.05);
  RecordProperty("map_colours", static_cast<int>(map_stats.colours));
  RecordProperty("chart_colours", static_cast<int>(chart_stats.colours));
  std::cerr << "screenshot " << png << ": map " << map_stats.colours << " colours, " << map_stats.not_white * 100
            << " % painted; chart " << chart_stats.colours << " colours, " << chart_stats.not_white * 100
            << " % painted\n";
}

}  // namespace
}  // namespace truceline::report
