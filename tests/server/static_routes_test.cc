// The dashboard's static files: a real http::Server on a loopback port serving a small
// dashboard written to a temporary directory, beside a stand-in for the API's routes.
#include "server/static_routes.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "live_server.h"

namespace truceline::server {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

class StaticRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("truceline-static-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    write(dir_ / "dist" / "index.html", "<!doctype html><title>t</title>");
    write(dir_ / "dist" / "app.js", "console.log(1)");
    write(dir_ / "dist" / "app.css", "body{}");
  }
  void TearDown() override {
    http_.stop();
    fs::remove_all(dir_);
  }

  // Mounts the dashboard (or none) and an API stand-in at /v1/health, then listens.
  bool start(const std::optional<fs::path>& web) {
    http_.router.get("/v1/health", [](const http::Request&, http::Response& res) {
      res.set_content("{\"status\":\"ok\"}", "application/json");
    });
    if (!mount_dashboard(http_.router, web)) return false;
    http_.start();
    port_ = http_.port;
    return true;
  }

  httplib::Result get(const std::string& path) { return httplib::Client("127.0.0.1", port_).Get(path); }

  fs::path dir_;
  testing::LiveServer http_;
  int port_ = 0;
};

TEST_F(StaticRoutesTest, ServesTheFilesWithTheirTypesAndNoToken) {
  ASSERT_TRUE(start(dir_ / "dist"));
  auto r = get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<!doctype html><title>t</title>");
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  r = get("/app.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  r = get("/app.css");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/css; charset=utf-8");
  // The API's routes are untouched, and nothing outside the directory is reachable.
  r = get("/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "{\"status\":\"ok\"}");
  write(dir_ / "secret.txt", "no");
  r = get("/../secret.txt");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body, "no");
  r = get("/missing.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(StaticRoutesTest, TheObserverAppIsAtReport) {
  write(dir_ / "dist" / "report.html", "<!doctype html><title>report</title>");
  write(dir_ / "dist" / "report-sw.js", "self.addEventListener('fetch', () => {})");
  ASSERT_TRUE(start(dir_ / "dist"));
  for (const char* path : {"/report", "/report/", "/report.html"}) {
    auto r = get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->body, "<!doctype html><title>report</title>") << path;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8") << path;
  }
  // The service worker is a script of the same origin, revalidated on every update check.
  auto r = get("/report-sw.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  // Only those two addresses: neither a longer name nor a file under /report/ is the page.
  r = get("/reports");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = get("/report/app.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(StaticRoutesTest, NoDashboardAnswersHowToBuildItAndKeepsTheApi) {
  ASSERT_TRUE(start(std::nullopt));
  auto r = get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("make web"), std::string::npos);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  r = get("/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(StaticRoutesTest, ADirectoryWithoutIndexIsRefused) {
  fs::remove(dir_ / "dist" / "index.html");
  EXPECT_FALSE(mount_dashboard(http_.router, dir_ / "dist"));
}

TEST_F(StaticRoutesTest, FindsTheDashboardBesideTheBinaryFirst) {
  // A build directory in the source tree: <exe dir>/../web/dist.
  const fs::path bin = dir_ / "build";
  fs::create_directories(bin);
  write(dir_ / "web" / "dist" / "index.html", "x");
  auto found = find_dashboard(bin);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, fs::weakly_canonical(dir_ / "web" / "dist"));
  // An installed tree, <exe dir>/web, comes first.
  write(bin / "web" / "index.html", "x");
  found = find_dashboard(bin);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, fs::weakly_canonical(bin / "web"));
}

}  // namespace
}  // namespace truceline::server
