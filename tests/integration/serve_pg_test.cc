// Two `truceline serve` processes sharing one PostgreSQL database, both taking submissions at
// once: one linear chain holding every acknowledged observation, and `verify` passes.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "integration/log_support.h"
#include "integration/process.h"
#include "store/store_test_support.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ServePgTest, TwoServersShareOneChain) {
  const fs::path dir = scratch_dir("serve-pg");
  const std::string db = store::testing::fresh_pg_database();
  const RunResult t = run_cli("token create --db '" + db + "' --role observer --name patrol-9", dir);
  ASSERT_EQ(t.code, 0) << t.err;
  const std::string token = last_line(t.out);

  const std::string plan = (root() / "plans/kellogg-2025-04.toml").string();
  Process a({"serve", "--plan", plan, "--db", db, "--listen", "127.0.0.1:0"}, dir / "a.out");
  Process b({"serve", "--plan", plan, "--db", db, "--listen", "127.0.0.1:0"}, dir / "b.out");
  const int ports[] = {served_port(a.wait_for("http://")), served_port(b.wait_for("http://"))};
  ASSERT_GT(ports[0], 0) << slurp(dir / "a.out.err");
  ASSERT_GT(ports[1], 0) << slurp(dir / "b.out.err");

  std::atomic<int> acked{0};
  auto post_many = [&](int port, int base) {
    httplib::Client c("127.0.0.1", port);
    for (int i = 0; i < 150; ++i) {
      json o{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", "P-9"}, {"observer_kind", "patrol"}, {"mode", "saw"},
             {"event", "shot"}, {"lat", 48.0}, {"lon", 37.0}, {"source_ref", std::to_string(base + i)}};
      auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + token}}, o.dump(), "application/json");
      if (r && r->status == 201) ++acked;
    }
  };
  std::thread ta(post_many, ports[0], 0), tb(post_many, ports[1], 1000), tc(post_many, ports[0], 2000),
      td(post_many, ports[1], 3000);
  ta.join(), tb.join(), tc.join(), td.join();
  EXPECT_EQ(acked.load(), 600);

  const RunResult v = run_cli("verify --db '" + db + "'", dir);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  // 600 observations, and the incident engines' records beside them.
  ASSERT_EQ(v.out.rfind("ok ", 0), 0u) << v.out;
  EXPECT_GE(std::stoll(v.out.substr(3)), 600) << v.out;
  fs::remove_all(dir);
}

// Two servers with the log's key on one database: one signs (the leader the database elects), both
// serve the same published checkpoint, and an audit through either one passes with the same state.
TEST(ServePgTest, TwoServersPublishOneLog) {
  const fs::path dir = scratch_dir("serve-pg-log");
  const std::string db = store::testing::fresh_pg_database();
  const std::string token = make_token(db, dir, "patrol-4");
  const fs::path key = dir / "log.key";
  const std::string vkey = make_log_key("truceline.test/pg-log", key, dir);
  const std::string plan = (root() / "plans/kellogg-2025-04.toml").string();
  auto serve = [&](const char* name) {
    return std::make_unique<Process>(std::vector<std::string>{"serve", "--plan", plan, "--db", db, "--listen", "127.0.0.1:0",
                                                              "--log-key", key.string(), "--checkpoint-interval", "200"},
                                     dir / name);
  };
  auto a = serve("a.out"), b = serve("b.out");
  const int ports[] = {served_port(a->wait_for("http://")), served_port(b->wait_for("http://"))};
  ASSERT_GT(ports[0], 0) << slurp(dir / "a.out.err");
  ASSERT_GT(ports[1], 0) << slurp(dir / "b.out.err");
  std::thread ta([&] { post_observations(ports[0], token, "a", 0, 150); });
  std::thread tb([&] { post_observations(ports[1], token, "b", 0, 150); });
  ta.join(), tb.join();

  // Settled: both serve the same checkpoint, and it covers every record.
  const bool settled = wait_until(
      [&] {
        const auto ha = health(ports[0]), hb = health(ports[1]);
        if (!ha || !hb) return false;
        const int64_t records = number_or((*ha)["log"], "records");
        return records >= 300 && number_or((*ha)["log"], "published_size") == records &&
               number_or((*hb)["log"], "records") == records && checkpoint_note(ports[0]) == checkpoint_note(ports[1]);
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(settled) << health(ports[0])->dump() << "\n" << health(ports[1])->dump();
  const int leaders = (*health(ports[0]))["log"]["leader"].get<bool>() + (*health(ports[1]))["log"]["leader"].get<bool>();
  EXPECT_EQ(leaders, 1);

  const fs::path state = dir / "audit";
  for (int port : ports) {
    const RunResult r =
        run_cli("audit http://127.0.0.1:" + std::to_string(port) + " --log-vkey " + vkey + " --state '" + state.string() + "'", dir);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.rfind("audit ok truceline.test/pg-log size ", 0), 0u) << r.out;
  }
  const RunResult v = run_cli("verify --db '" + db + "'", dir);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  a.reset(), b.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
