// The served transparency log checked by code this project did not write: tests/go/logcheck,
// built on Go's golang.org/x/mod/sumdb/note and sumdb/tlog, verifies the signed checkpoint,
// every hash tile, every entry and its inclusion proof, the server's JSON proofs, and that a
// later tree extends an earlier one. Our own tlog tests check our code against itself; this one
// checks it against an implementation of RFC 6962 and the tiles written elsewhere.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "integration/process.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Debian's golang-golang-x-mod-dev puts golang.org/x/mod here; the build runs in GOPATH mode
// against it, so that no module is downloaded.
const fs::path kGoPath = "/usr/share/gocode";
const std::string kOrigin = "truceline.test/log-go";

// Runs `cmd` in a shell; stderr goes to a file in `scratch`.
RunResult run_shell(const std::string& cmd, const fs::path& scratch) {
  const auto err_path = scratch / "shell-stderr.txt";
  RunResult r;
  FILE* p = popen((cmd + " 2>'" + err_path.string() + "'").c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_path);
  return r;
}

std::string last_line(std::string out) {
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

// Why the Go toolchain or golang.org/x/mod cannot be used, or empty when both are there.
std::string go_missing(const fs::path& scratch) {
  if (run_shell("command -v go", scratch).code != 0) return "no go on PATH";
  for (const char* pkg : {"note", "tlog"})
    if (!fs::exists(kGoPath / "src/golang.org/x/mod/sumdb" / pkg)) return "no golang.org/x/mod/sumdb/" + std::string(pkg) + " under " + kGoPath.string();
  return {};
}

// Builds logcheck into `out`. GOCACHE sits in the build tree: a CI machine may have no home
// to hold Go's default cache, and a second run then reuses the compiled packages.
RunResult build_logcheck(const fs::path& out, const fs::path& scratch) {
  const fs::path src = root() / "tests/go/logcheck";
  const fs::path cache = fs::path(binary()).parent_path() / "go-cache";
  return run_shell("cd '" + src.string() + "' && env GO111MODULE=off GOFLAGS= GOPATH='" + kGoPath.string() + "' GOCACHE='" +
                       cache.string() + "' go build -o '" + out.string() + "' main.go",
                   scratch);
}

std::string make_token(const fs::path& db, const fs::path& dir) {
  const RunResult r = run_cli("token create --db '" + db.string() + "' --role observer --name log-go", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  return last_line(r.out);
}

// A log key for kOrigin in `file`; returns its verifier key.
std::string make_log_key(const fs::path& file, const fs::path& dir) {
  const RunResult r = run_cli("log keygen " + kOrigin + " -o '" + file.string() + "'", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  return last_line(r.out);
}

json observation(int i) {
  return json{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", "P-" + std::to_string(i % 7)}, {"observer_kind", "patrol"},
              {"mode", "heard"}, {"event", "explosion"}, {"lat", 48.0 + i * 1e-4}, {"lon", 37.0},
              {"source_ref", "log-go-" + std::to_string(i)}};
}

// Posts observations [from, to) in batches; each batch must be stored.
void post_observations(int port, const std::string& token, int from, int to) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  constexpr int kBatch = 50;
  for (int i = from; i < to; i += kBatch) {
    json batch = json::array();
    for (int k = i; k < std::min(to, i + kBatch); ++k) batch.push_back(observation(k));
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + token}}, batch.dump(), "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 201) << r->body;
  }
}

int64_t record_count(const fs::path& db) {
  sqlite3* h = nullptr;
  int64_t n = -1;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(h, "SELECT count(*) FROM records", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

// The size line of the served checkpoint, or -1.
int64_t checkpoint_size(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/log/checkpoint");
  if (!r || r->status != 200) return -1;
  const size_t a = r->body.find('\n');
  return a == std::string::npos ? -1 : std::atoll(r->body.c_str() + a + 1);
}

// Waits until the checkpoint covers every record and the record has stopped growing: the
// incident engine appends its records a moment after the observations, so the size is read
// from the database rather than computed from what was posted. Returns that size.
int64_t wait_for_full_checkpoint(int port, const fs::path& db, int64_t at_least) {
  constexpr auto kSettled = std::chrono::seconds(3);  // more than the engine's 2 s deferral
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  int64_t last = -1;
  auto since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    const int64_t size = checkpoint_size(port), count = record_count(db);
    const auto now = std::chrono::steady_clock::now();
    if (size != count || count < at_least || count != last) {
      last = size == count ? count : -1;
      since = now;
    } else if (now - since >= kSettled) {
      return count;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return -1;
}

TEST(LogGoTest, GoTlogVerifiesTheServedLog) {
  const fs::path dir = scratch_dir("log-go");
  const std::string missing = go_missing(dir);
  ASSERT_TRUE(missing.empty()) << missing << ": run bash scripts/setup.sh --test (it installs golang-go and golang-golang-x-mod-dev)";
  const fs::path logcheck = dir / "logcheck";
  const RunResult built = build_logcheck(logcheck, dir);
  ASSERT_EQ(built.code, 0) << built.out << built.err;

  const fs::path db = dir / "record.sqlite";
  const std::string token = make_token(db, dir);
  const std::string vkey = make_log_key(dir / "log.key", dir);
  ASSERT_EQ(vkey.rfind(kOrigin + "+", 0), 0u) << vkey;
  Process server({"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(), "--listen",
                  "127.0.0.1:0", "--log-key", (dir / "log.key").string(), "--checkpoint-interval", "200"},
                 dir / "serve.out");
  ASSERT_TRUE(server.started());
  const int port = served_port(server.wait_for("http://"));
  ASSERT_GT(port, 0) << slurp(dir / "serve.out.err");
  const std::string check = "'" + logcheck.string() + "' -url http://127.0.0.1:" + std::to_string(port);

  // Some 700 entries and the incidents they make: full and partial tiles at level 0 and a
  // partial one at level 1.
  post_observations(port, token, 0, 700);
  const int64_t first = wait_for_full_checkpoint(port, db, 700);
  ASSERT_GT(first, 512) << "the checkpoint never caught up with the record";
  const fs::path saved = dir / "first.checkpoint";
  RunResult r = run_shell(check + " -vkey '" + vkey + "' -save-checkpoint '" + saved.string() + "'", dir);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ok size=" + std::to_string(first) + " entries=" + std::to_string(first) + "\n") << r.err;
  ASSERT_TRUE(fs::exists(saved));

  // The tree grows; the saved checkpoint's tree must be a prefix of the new one.
  post_observations(port, token, 700, 1000);
  const int64_t second = wait_for_full_checkpoint(port, db, first + 300);
  ASSERT_GT(second, first) << "the checkpoint never caught up with the record";
  r = run_shell(check + " -vkey '" + vkey + "' -old-checkpoint '" + saved.string() + "'", dir);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ok size=" + std::to_string(second) + " entries=" + std::to_string(second) + "\n") << r.err;

  // Another key of the same name did not sign this log.
  const std::string stranger = make_log_key(dir / "stranger.key", dir);
  r = run_shell(check + " -vkey '" + stranger + "'", dir);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAILED: checkpoint"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("ok size="), std::string::npos) << r.out;

  server.kill(SIGTERM);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
