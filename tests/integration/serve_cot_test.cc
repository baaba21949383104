// `serve --cot-listen` as a process: a bad address is refused naming the option; an analyst's
// CoT connection gets the incident an observer's report makes; SIGTERM ends the server cleanly
// with the CoT client still connected (the engine's thread stops before the feed it calls goes).
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "integration/process.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;

TEST(ServeCotTest, ABadAddressIsRefusedNamingTheOption) {
  const fs::path dir = scratch_dir("serve-cot-bad");
  const RunResult r = run_cli("serve --plan '" + (root() / "plans/kellogg-2025-04.toml").string() + "' --db '" +
                                  (dir / "record.sqlite").string() + "' --listen 127.0.0.1:0 --cot-listen nowhere",
                              dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--cot-listen"), std::string::npos) << r.err;
}

TEST(ServeCotTest, AnAnalystGetsTheIncidentAndSigtermEndsCleanly) {
  const fs::path dir = scratch_dir("serve-cot");
  const fs::path db = dir / "record.sqlite";
  const std::string observer = cli_token(db, dir, "observer"), analyst = cli_token(db, dir, "analyst");
  Process server({"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(), "--listen",
                  "127.0.0.1:0", "--cot-listen", "127.0.0.1:0"},
                 dir / "serve.out");
  ASSERT_TRUE(server.started());
  const std::string out = server.wait_for("http://");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("CoT on tcp://127\\.0\\.0\\.1:(\\d+)"))) << out;
  const int fd = connect_loopback(std::stoi(m[1]), 60);
  ASSERT_GE(fd, 0);
  const std::string line = "token " + analyst + "\n";
  ASSERT_EQ(send(fd, line.data(), line.size(), MSG_NOSIGNAL), static_cast<ssize_t>(line.size()));

  httplib::Client http("127.0.0.1", served_port(out));
  const nlohmann::json obs{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", "P-7"}, {"observer_kind", "uav"},
                           {"mode", "recorded"}, {"event", "explosion"}, {"explosion_type", "impact"},
                           {"lat", 47.62}, {"lon", 36.28}};
  auto r = http.Post("/v1/observations", {{"Authorization", "Bearer " + observer}}, obs.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;

  // The incident arrives (recv gives up after 60 s: a bound for a hung test).
  const std::string wanted = "uid=\"truceline.kellogg-2025-04.incident.i-1\" type=\"a-u-G\" how=\"m-i\"";
  std::string got;
  char buf[65536];
  while (got.find(wanted) == std::string::npos) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0) << "the stream ended without the incident";
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(server.kill(SIGTERM), 0);
  close(fd);
}

}  // namespace
}  // namespace truceline::testing
