// The served transparency log checked by code this project did not write: tests/go/logcheck,
// built on Go's golang.org/x/mod/sumdb/note and sumdb/tlog, verifies the signed checkpoint,
// every hash tile, every entry and its inclusion proof, the server's JSON proofs, and that a
// later tree extends an earlier one. Our own tlog tests check our code against itself; this one
// checks it against an implementation of RFC 6962 and the tiles written elsewhere.
#include <gtest/gtest.h>
#include "integration/log_support.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;

// Debian's golang-golang-x-mod-dev puts golang.org/x/mod here; the build runs in GOPATH mode
// against it, so that no module is downloaded.
const fs::path kGoPath = "/usr/share/gocode";
const std::string kOrigin = "truceline.test/log-go";

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

TEST(LogGoTest, GoTlogVerifiesTheServedLog) {
  const fs::path dir = scratch_dir("log-go");
  const std::string missing = go_missing(dir);
  ASSERT_TRUE(missing.empty()) << missing << ": run bash scripts/setup.sh --test (it installs golang-go and golang-golang-x-mod-dev)";
  const fs::path logcheck = dir / "logcheck";
  const RunResult built = build_logcheck(logcheck, dir);
  ASSERT_EQ(built.code, 0) << built.out << built.err;

  const fs::path db = dir / "record.sqlite";
  const std::string token = make_token(db, dir, "log-go");
  const std::string vkey = make_log_key(kOrigin, dir / "log.key", dir);
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
  post_observations(port, token, "log-go", 0, 700);
  const int64_t first = wait_for_full_checkpoint(port, 700);
  ASSERT_GT(first, 512) << "the checkpoint never caught up with the record";
  const fs::path saved = dir / "first.checkpoint";
  RunResult r = run_shell(check + " -vkey '" + vkey + "' -save-checkpoint '" + saved.string() + "'", dir);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ok size=" + std::to_string(first) + " entries=" + std::to_string(first) + "\n") << r.err;
  ASSERT_TRUE(fs::exists(saved));

  // The tree grows; the saved checkpoint's tree must be a prefix of the new one.
  post_observations(port, token, "log-go", 700, 1000);
  const int64_t second = wait_for_full_checkpoint(port, first + 300);
  ASSERT_GT(second, first) << "the checkpoint never caught up with the record";
  r = run_shell(check + " -vkey '" + vkey + "' -old-checkpoint '" + saved.string() + "'", dir);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ok size=" + std::to_string(second) + " entries=" + std::to_string(second) + "\n") << r.err;

  // Another key of the same name did not sign this log.
  const std::string stranger = make_log_key(kOrigin, dir / "stranger.key", dir);
  r = run_shell(check + " -vkey '" + stranger + "'", dir);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAILED: checkpoint"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("ok size="), std::string::npos) << r.out;

  server.kill(SIGTERM);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
