// OGC API – Features read by a client nobody here wrote: GDAL's OAPIF driver (ogrinfo, ogr2ogr
// from Debian's gdal-bin) against a `truceline serve` process. The counts it reads are checked
// against the API's own answers for the same token.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "integration/process.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string token(const fs::path& db, const fs::path& dir, const std::string& args) {
  const RunResult r = run_cli("token create --db '" + db.string() + "' " + args, dir);
  EXPECT_EQ(r.code, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class OgcGdalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_shell("command -v ogrinfo ogr2ogr", scratch_dir("ogc-gdal-probe")).code != 0)
      GTEST_SKIP() << "gdal-bin is not installed (scripts/setup.sh --test installs it)";
    dir_ = scratch_dir("ogc-gdal");
    const fs::path db = dir_ / "record.sqlite";
    observer_ = token(db, dir_, "--role observer --name patrol");
    analyst_ = token(db, dir_, "--role analyst --name analyst");
    uk_ = token(db, dir_, "--role contingent --contingent uk --name uk");
    server_ = std::make_unique<Process>(
        std::vector<std::string>{"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(),
                                 "--listen", "127.0.0.1:0"},
        dir_ / "serve.out");
    port_ = served_port(server_->wait_for("http://"));
    ASSERT_GT(port_, 0) << slurp(dir_ / "serve.out.err");
  }

  // Twelve incidents around Lviv (uk) and three artillery incidents in the DMZ (the monitors').
  void post_reports() {
    httplib::Client c("127.0.0.1", port_);
    json batch = json::array();
    for (int i = 0; i < 12; ++i)
      batch.push_back({{"time", "2025-04-12T06:30:00Z"}, {"observer_id", "P-" + std::to_string(i)}, {"observer_kind", "patrol"},
                       {"mode", "saw"}, {"event", "explosion"}, {"explosion_type", "impact"}, {"lat", 49.6 + 0.03 * i},
                       {"lon", 24.0 + 0.03 * i}});
    for (int i = 0; i < 3; ++i)
      batch.push_back({{"time", "2025-04-12T07:00:00Z"}, {"observer_id", "Q-" + std::to_string(i)}, {"observer_kind", "patrol"},
                       {"mode", "saw"}, {"event", "heavy_weapon"}, {"weapon_class", "artillery_ge_100"}, {"lat", 48.28},
                       {"lon", 37.18 + 0.1 * i}});
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + observer_}}, batch.dump(), "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    // The engine correlates off the ingest path: wait (a bound for a hung test) for all fifteen.
    for (int i = 0; i < 200 && incidents(analyst_).size() < 15; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(incidents(analyst_).size(), 15u);
  }

  json incidents(const std::string& who, const std::string& query = "") {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get("/v1/incidents?limit=1000" + query, {{"Authorization", "Bearer " + who}});
    return r && r->status == 200 ? json::parse(r->body)["incidents"] : json::array();
  }

  // ogrinfo on the service with the token in the connection URL, which GDAL adds to every request.
  RunResult ogrinfo(const std::string& who, const std::string& args) {
    return run_shell("ogrinfo -ro " + args + " 'OAPIF:http://127.0.0.1:" + std::to_string(port_) + "/ogc?access_token=" + who +
                         "' incidents",
                     dir_);
  }

  fs::path dir_;
  std::string observer_, analyst_, uk_;
  std::unique_ptr<Process> server_;
  int port_ = 0;
};

TEST_F(OgcGdalTest, GdalListsTheCollectionsAndReadsWhatTheTokenMaySee) {
  post_reports();
  const std::string url = "'OAPIF:http://127.0.0.1:" + std::to_string(port_) + "/ogc?access_token=" + analyst_ + "'";
  const RunResult layers = run_shell("ogrinfo -ro -q " + url, dir_);
  ASSERT_EQ(layers.code, 0) << layers.err;
  for (const char* c : {"zones", "lines", "incidents", "observations", "alerts"})
    EXPECT_NE(layers.out.find(std::string(": ") + c + " "), std::string::npos) << c << "\n" << layers.out;

  // Every incident, a page of four at a time, for the analyst and for a contingent.
  const RunResult all = ogrinfo(analyst_, "-q --debug on -oo PAGE_SIZE=4");
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(count_of(all.out, "OGRFeature(incidents)"), incidents(analyst_).size());
  EXPECT_GE(count_of(all.err, "cursor=after-"), 3u) << "GDAL followed the next links";  // 15 features, 4 a page
  const RunResult mine = ogrinfo(uk_, "-q -oo PAGE_SIZE=4");
  EXPECT_EQ(count_of(mine.out, "OGRFeature(incidents)"), incidents(uk_).size());
  EXPECT_EQ(incidents(uk_).size(), 12u);

  // An attribute filter GDAL sends as a query parameter, since the OpenAPI document declares it.
  const RunResult dmz = ogrinfo(analyst_, "-q --debug on -where \"zone = 'dmz'\"");
  ASSERT_EQ(dmz.code, 0) << dmz.err;
  EXPECT_NE(dmz.err.find("&zone=dmz"), std::string::npos) << dmz.err;
  EXPECT_EQ(count_of(dmz.out, "OGRFeature(incidents)"), incidents(analyst_, "&zone=dmz").size());
  EXPECT_EQ(incidents(analyst_, "&zone=dmz").size(), 3u);

  // A box around the first six around Lviv: what the server's bbox matches and what lies inside.
  const double min_lon = 23.9, min_lat = 49.5, max_lon = 24.16, max_lat = 49.76;
  size_t inside = 0;
  for (const json& inc : incidents(analyst_))
    inside += inc["lon"] >= min_lon && inc["lon"] <= max_lon && inc["lat"] >= min_lat && inc["lat"] <= max_lat;
  const RunResult boxed = ogrinfo(analyst_, "-q --debug on -spat 23.9 49.5 24.16 49.76");
  EXPECT_EQ(count_of(boxed.out, "OGRFeature(incidents)"), inside);
  EXPECT_EQ(inside, 6u);
  EXPECT_NE(boxed.err.find("bbox="), std::string::npos) << "the box went to the server";

  // ogr2ogr into a GeoPackage, which opens with every incident.
  const std::string gpkg = (dir_ / "incidents.gpkg").string();
  const RunResult copy = run_shell("ogr2ogr -f GPKG '" + gpkg + "' " + url + " incidents", dir_);
  ASSERT_EQ(copy.code, 0) << copy.err;
  const RunResult opened = run_shell("ogrinfo -ro -so '" + gpkg + "' incidents", dir_);
  EXPECT_NE(opened.out.find("Feature Count: 15"), std::string::npos) << opened.out;

  // The layers as GDAL read them, drawn by GDAL alone for docs/ogc.md: the zones by kind, the
  // lines, and each incident as a dot (out/ogc/layers.png).
  const std::string layers_gpkg = (dir_ / "layers.gpkg").string(), tif = (dir_ / "layers.tif").string();
  ASSERT_EQ(run_shell("ogr2ogr -f GPKG '" + layers_gpkg + "' " + url + " zones lines", dir_).code, 0);
  const auto burn = [&](const std::string& rgb, const std::string& source) {
    std::istringstream in(rgb);
    std::string r, g, b;
    in >> r >> g >> b;
    return run_shell("gdal_rasterize -q -b 1 -b 2 -b 3 -burn " + r + " -burn " + g + " -burn " + b + " " + source + " '" + tif + "'", dir_).code;
  };
  ASSERT_EQ(run_shell("gdal_rasterize -q -ot Byte -ts 1100 640 -te 22 44.2 40.4 52.5 -init 255 -burn 225 -burn 225 -burn 225 -l zones '" +
                          layers_gpkg + "' '" + tif + "'", dir_).code, 0);
  for (const auto& [kind, rgb] : {std::pair{"dmz", "242 193 78"}, std::pair{"russian", "200 85 61"},
                                  std::pair{"ukraine", "120 160 220"}, std::pair{"allied", "121 180 115"}})
    EXPECT_EQ(burn(rgb, "-where \"kind = '" + std::string(kind) + "'\" -l zones '" + layers_gpkg + "'"), 0) << kind;
  EXPECT_EQ(burn("40 40 40", "-at -l lines '" + layers_gpkg + "'"), 0);
  EXPECT_EQ(burn("0 0 0", "-dialect SQLite -sql \"SELECT ST_Buffer(geom, 0.07) FROM incidents\" '" + gpkg + "'"), 0);
  const fs::path png = root() / "out" / "ogc" / "layers.png";
  fs::create_directories(png.parent_path());
  ASSERT_EQ(run_shell("gdal_translate -q -of PNG '" + tif + "' '" + png.string() + "'", dir_).code, 0);
  EXPECT_GT(fs::file_size(png), 10'000u);
}

}  // namespace
}  // namespace truceline::testing
