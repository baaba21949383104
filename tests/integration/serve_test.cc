// The service as a process: kill it mid-stream and check that every acknowledged observation is
// there exactly once, none that was refused is, and the chain verifies; then tamper with a byte.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>

#include "integration/process.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string make_token(const fs::path& db, const fs::path& dir) {
  const RunResult r = run_cli("token create --db '" + db.string() + "' --role observer --name patrol-7", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

json observation(int i, bool valid) {
  json o{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", "P-7"}, {"observer_kind", "patrol"}, {"mode", "heard"},
         {"event", "explosion"}, {"lat", 48.0 + i * 1e-4}, {"lon", 37.0}, {"source_ref", "stream-" + std::to_string(i)}};
  if (!valid) o["lat"] = 123.0;  // refused: out of range
  return o;
}

// Posts observations one by one until the server dies; returns the refs acknowledged and refused.
// The sets belong to this thread until it is joined; `acked_count` is what another thread may
// watch meanwhile (reading acked.size() during an insert is a data race: ThreadSanitizer).
void stream(int port, const std::string& token, std::set<std::string>& acked, std::set<std::string>& refused,
            std::atomic<std::size_t>& acked_count) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  for (int i = 0; i < 100000; ++i) {
    const bool valid = i % 10 != 7;
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + token}}, observation(i, valid).dump(), "application/json");
    if (!r) return;  // the server is gone
    const std::string ref = "stream-" + std::to_string(i);
    if (r->status == 201) {
      acked.insert(ref);
      acked_count.store(acked.size(), std::memory_order_relaxed);
    }
    if (r->status == 422) refused.insert(ref);
  }
}

TEST(ServeTest, SigkillLosesNoAcknowledgedObservation) {
  const fs::path dir = scratch_dir("serve");
  const fs::path db = dir / "record.sqlite";
  const std::string token = make_token(db, dir);
  ASSERT_EQ(token.rfind("tl_", 0), 0u) << token;

  std::set<std::string> acked, refused;
  std::atomic<std::size_t> acked_count{0};
  {
    Process server({"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(), "--listen",
                    "127.0.0.1:0"},
                   dir / "serve.out");
    ASSERT_TRUE(server.started());
    const int port = served_port(server.wait_for("http://"));
    ASSERT_GT(port, 0);
    std::thread client([&] { stream(port, token, acked, refused, acked_count); });
    while (acked_count.load(std::memory_order_relaxed) < 300) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server.kill(SIGKILL);
    client.join();
  }
  ASSERT_GE(acked.size(), 300u);
  ASSERT_GT(refused.size(), 10u);

  // Every acknowledged observation exactly once, no refused one.
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  std::map<std::string, int> seen;
  sqlite3_stmt* st = nullptr;
  // The incident engine's records (kind "incident") share the chain; only observations are counted.
  sqlite3_prepare_v2(h, "SELECT content FROM records WHERE kind = 'observation'", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const json c = json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    ++seen[c["body"]["observation"]["source_ref"].get<std::string>()];
  }
  sqlite3_finalize(st);
  for (const auto& ref : acked) EXPECT_EQ(seen[ref], 1) << ref;
  for (const auto& ref : refused) EXPECT_EQ(seen.count(ref), 0u) << ref;

  RunResult v = run_cli("verify --db '" + db.string() + "'", dir);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  sqlite3_prepare_v2(h, "SELECT count(*), (SELECT seq FROM records WHERE content LIKE '%\"stream-5\"%') FROM records", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const int64_t rows = sqlite3_column_int64(st, 0), seq5 = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  EXPECT_EQ(v.out.rfind("ok " + std::to_string(rows) + " records ", 0), 0u) << v.out;

  // One byte of one stored record changed: verify fails and names it.
  ASSERT_EQ(sqlite3_exec(h, ("UPDATE records SET content = replace(content, 'stream-5\"', 'stream-6\"') WHERE seq = " + std::to_string(seq5)).c_str(), nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  v = run_cli("verify --db '" + db.string() + "'", dir);
  EXPECT_NE(v.code, 0);
  EXPECT_NE(v.out.find("record " + std::to_string(seq5) + " "), std::string::npos) << v.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
