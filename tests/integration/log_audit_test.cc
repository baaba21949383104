// The log as an outside party audits it: `truceline audit` against real servers on SQLite
// databases. An honest log passes and grows consistently; a record changed or removed behind the
// server's back, a second copy of the database signed with the same key (a fork), and a crash in
// the middle of ingest are each seen by verify, audit or a witness, as they must be.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cctype>
#include <memory>
#include <thread>
#include <vector>

#include "integration/log_support.h"
#include "tlog/hash.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kOrigin = "truceline.test/log-audit";
const std::string kWitnessName = "witness.test/log-audit";

// `truceline serve` with the fixture's log key on `db`, on a port of its own choosing. Compiling
// the plan takes seconds, so two servers may be started together: the port is waited for only
// when it is first asked for.
class LogServer {
 public:
  LogServer(const fs::path& dir, const fs::path& db, const fs::path& key, const std::string& name,
            const std::vector<std::string>& extra = {})
      : proc_(args(db, key, extra), dir / (name + ".out")), out_(dir / (name + ".out")) {}
  int port() const {
    if (port_ < 0) port_ = served_port(proc_.wait_for("http://"));
    return port_;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::string stderr_text() const { return slurp(out_.string() + ".err"); }
  // SIGTERM and wait: the server closes the database, so its WAL is folded into the file.
  void stop() { proc_.kill(SIGTERM); }
  void crash() { proc_.kill(SIGKILL); }

 private:
  static std::vector<std::string> args(const fs::path& db, const fs::path& key, const std::vector<std::string>& extra) {
    std::vector<std::string> a{"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(),
                               "--listen", "127.0.0.1:0", "--log-key", key.string(), "--checkpoint-interval", "200"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  Process proc_;
  fs::path out_;
  mutable int port_ = -1;
};

// The first line `audit` prints for a log of `size` entries audited after one of `previous`.
std::string audit_ok(int64_t size, int64_t previous, int witnesses = 0) {
  return "audit ok " + kOrigin + " size " + std::to_string(size) + ": " + std::to_string(size - previous) +
         " new entries included, consistent with size " + std::to_string(previous) + ", " + std::to_string(witnesses) +
         " witness cosignatures checked\n";
}

// The size an "audit ok" line names, or -1.
int64_t audited_size(const std::string& out) {
  const std::string marker = kOrigin + " size ";
  const size_t at = out.find(marker);
  return at == std::string::npos ? -1 : std::atoll(out.c_str() + at + marker.size());
}

// Runs `sql` on the (stopped) server's database.
void exec_sql(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  const std::string why = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << why;
}

// The first column of the first row `sql` answers, or -1.
int64_t query_int(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

// Changes one digit of the source_ref in record `seq`'s stored content, leaving it valid JSON
// in canonical form: only the chain hash can tell.
void change_one_byte(const fs::path& db, int64_t seq) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT content FROM records WHERE seq = ?", -1, &st, nullptr), SQLITE_OK);
  sqlite3_bind_int64(st, 1, seq);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  std::string content = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  const size_t ref = content.find("\"source_ref\":\"");
  ASSERT_NE(ref, std::string::npos) << content;
  const size_t digit = content.find('"', ref + 14) - 1;
  ASSERT_TRUE(std::isdigit(static_cast<unsigned char>(content[digit]))) << content;
  content[digit] = content[digit] == '9' ? '8' : static_cast<char>(content[digit] + 1);
  ASSERT_EQ(sqlite3_prepare_v2(h, "UPDATE records SET content = ? WHERE seq = ?", -1, &st, nullptr), SQLITE_OK);
  sqlite3_bind_text(st, 1, content.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, seq);
  ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(h);
}

// Copies a stopped server's database with its WAL and shared memory, when they are there.
void copy_database(const fs::path& from, const fs::path& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path f = from.string() + suffix;
    if (fs::exists(f)) fs::copy_file(f, to.string() + suffix, fs::copy_options::overwrite_existing);
  }
}

void copy_state(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy_file(from / "state.json", to / "state.json", fs::copy_options::overwrite_existing);
}

// Posts batches of `tag` until the server holds at least `size` records; the next index to post.
int grow_to(int port, const std::string& token, const std::string& tag, int64_t size) {
  int next = 0;
  for (;;) {
    const auto h = health(port);
    if (!h || number_or(h->value("log", json::object()), "size") >= size) return next;
    post_observations(port, token, tag, next, next + 20);
    next += 20;
  }
}

class LogAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_dir(std::string("log-audit-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = dir_ / "record.sqlite";
    key_ = dir_ / "log.key";
    token_ = make_token(db_, dir_, "log-audit");
    vkey_ = make_log_key(kOrigin, key_, dir_);
    ASSERT_EQ(vkey_.rfind(kOrigin + "+", 0), 0u) << vkey_;
  }
  // A failed test leaves its databases, logs and states behind to be looked at.
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  RunResult audit(const std::string& url, const fs::path& state, const std::vector<std::string>& witnesses = {},
                  const std::string& scratch = "cli") const {
    std::string args = "audit " + url + " --log-vkey '" + vkey_ + "' --state '" + state.string() + "'";
    for (const std::string& w : witnesses) args += " --witness '" + w + "'";
    return run_cli(args, dir_ / scratch);
  }
  RunResult verify(const fs::path& db) const { return run_cli("verify --db '" + db.string() + "'", dir_ / "cli"); }

  fs::path dir_, db_, key_;
  std::string token_, vkey_;
};

TEST_F(LogAuditTest, HonestLogPassesAndGrowsConsistently) {
  LogServer server(dir_, db_, key_, "serve");
  ASSERT_GT(server.port(), 0) << server.stderr_text();
  post_observations(server.port(), token_, "honest", 0, 300);
  const int64_t first = wait_for_full_checkpoint(server.port(), 300);
  ASSERT_GE(first, 300) << "the checkpoint never caught up with the record";

  const fs::path state = dir_ / "state";
  RunResult r = audit(server.url(), state);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, audit_ok(first, 0)) << r.err;

  // The same party again, later: only the new entries are read, and the tree extends the old one.
  post_observations(server.port(), token_, "honest", 300, 500);
  const int64_t second = wait_for_full_checkpoint(server.port(), first + 200);
  ASSERT_GE(second, first + 200) << "the checkpoint never caught up with the record";
  r = audit(server.url(), state);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, audit_ok(second, first)) << r.err;

  // Nothing new: still consistent, at the same size.
  r = audit(server.url(), state);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, audit_ok(second, second)) << r.err;
  server.stop();
}

TEST_F(LogAuditTest, ChangedContentFailsVerify) {
  LogServer server(dir_, db_, key_, "serve");
  ASSERT_GT(server.port(), 0) << server.stderr_text();
  post_observations(server.port(), token_, "tamper", 0, 300);
  const int64_t size = wait_for_full_checkpoint(server.port(), 300);
  ASSERT_GE(size, 300) << "the checkpoint never caught up with the record";
  const RunResult r = audit(server.url(), dir_ / "state");
  ASSERT_EQ(r.code, 0) << r.err;
  server.stop();
  RunResult v = verify(db_);
  ASSERT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_EQ(v.out.rfind("ok " + std::to_string(size) + " records ", 0), 0u) << v.out;

  const int64_t seq = query_int(db_, "SELECT seq FROM records WHERE kind = 'observation' ORDER BY seq LIMIT 1 OFFSET 149");
  ASSERT_GT(seq, 0);
  change_one_byte(db_, seq);
  v = verify(db_);
  EXPECT_EQ(v.code, 1) << v.out << v.err;
  const std::string at = std::to_string(seq);
  EXPECT_EQ(v.out, "broken at record " + at + " (o-" + at + "): hash does not match content\n") << v.err;
}

TEST_F(LogAuditTest, DeletedLastRecordFailsVerifyAndAudit) {
  const fs::path state = dir_ / "state";
  int64_t first = 0, second = 0;
  {
    LogServer server(dir_, db_, key_, "serve");
    ASSERT_GT(server.port(), 0) << server.stderr_text();
    post_observations(server.port(), token_, "delete", 0, 200);
    first = wait_for_full_checkpoint(server.port(), 200);
    ASSERT_GE(first, 200) << "the checkpoint never caught up with the record";
    const RunResult r = audit(server.url(), state);
    ASSERT_EQ(r.code, 0) << r.err;
    post_observations(server.port(), token_, "delete", 200, 300);
    second = wait_for_full_checkpoint(server.port(), first + 100);
    ASSERT_GE(second, first + 100) << "the checkpoint never caught up with the record";
    server.stop();
  }
  ASSERT_EQ(query_int(db_, "SELECT max(seq) FROM records"), second);
  const std::string last = std::to_string(second);
  exec_sql(db_, "DELETE FROM records WHERE seq = " + last + "; DELETE FROM log_leaves WHERE seq = " + last + ";");

  // The signed checkpoint names one record more than the database holds.
  const RunResult v = verify(db_);
  EXPECT_EQ(v.code, 1) << v.out << v.err;
  EXPECT_EQ(v.out, "broken at record " + last + " (o-" + last + "): missing: the log signed a checkpoint of " + last +
                       " records, the database holds " + std::to_string(second - 1) + "\n")
      << v.err;

  // Served again, the signer refuses to sign the smaller tree and says so; the published
  // checkpoint still names the deleted record, so the party that audited before finds it gone.
  LogServer server(dir_, db_, key_, "restart");
  ASSERT_GT(server.port(), 0) << server.stderr_text();
  EXPECT_TRUE(wait_until(
      [&] {
        const auto h = health(server.port());
        return h && h->value("status", "") == "degraded" &&
               h->value("log", json::object()).value("error", "").find("refusing to sign a smaller tree") != std::string::npos;
      },
      std::chrono::seconds(10)))
      << (health(server.port()) ? health(server.port())->dump() : "no health");
  EXPECT_EQ(checkpoint_size(server.port()), second);
  RunResult r = audit(server.url(), state);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("audit FAILED: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(last), std::string::npos) << "the failure should name the checkpoint's size: " << r.err;

  // A party auditing from scratch cannot read the entry either.
  r = audit(server.url(), dir_ / "fresh-state");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("audit FAILED: the log has no tile/entries/"), std::string::npos) << r.err;
  server.stop();
}

TEST_F(LogAuditTest, ForkWithTheSameKeyFailsAudit) {
  {
    LogServer server(dir_, db_, key_, "serve");
    ASSERT_GT(server.port(), 0) << server.stderr_text();
    post_observations(server.port(), token_, "common", 0, 200);
    ASSERT_GE(wait_for_full_checkpoint(server.port(), 200), 200) << "the checkpoint never caught up with the record";
    server.stop();
  }
  const fs::path copy = dir_ / "copy.sqlite";
  copy_database(db_, copy);

  // The original goes on and a party audits it; the copy starts meanwhile and takes nothing yet.
  LogServer b(dir_, copy, key_, "b");
  const fs::path state_a = dir_ / "state-a";
  int64_t size_a = 0;
  {
    LogServer a(dir_, db_, key_, "a");
    ASSERT_GT(a.port(), 0) << a.stderr_text();
    const int64_t before = checkpoint_size(a.port());
    post_observations(a.port(), token_, "a-only", 0, 20);
    size_a = wait_for_full_checkpoint(a.port(), before + 20);
    ASSERT_GE(size_a, before + 20) << "the checkpoint never caught up with the record";
    const RunResult r = audit(a.url(), state_a);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, audit_ok(size_a, 0)) << r.err;
    a.stop();
  }

  // The copy, signed with the same key, takes other records; it is grown to at least the size
  // the party saw, so that audit finds another tree rather than a smaller one.
  ASSERT_GT(b.port(), 0) << b.stderr_text();
  post_observations(b.port(), token_, "b-only", 1000, 1020);
  grow_to(b.port(), token_, "b-more", size_a);
  const int64_t size_b = wait_for_full_checkpoint(b.port(), size_a);
  ASSERT_GE(size_b, size_a) << "the checkpoint never caught up with the record";
  copy_state(state_a, dir_ / "state-a-at-b");
  const RunResult r = audit(b.url(), dir_ / "state-a-at-b");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("audit FAILED: fork: "), std::string::npos) << r.err;
  b.stop();
}

// The cosigned checkpoint a witness serves for kOrigin (c2sp.org/tlog-witness, monitoring), or "".
std::string witness_checkpoint(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/" + tlog::hex(tlog::sha256(kOrigin)) + "/checkpoint");
  return r && r->status == 200 ? r->body : "";
}

int64_t size_of_note(const std::string& note) {
  const size_t a = note.find('\n');
  return a == std::string::npos ? -1 : std::atoll(note.c_str() + a + 1);
}

TEST_F(LogAuditTest, WitnessRefusesTheFork) {
  const RunResult k = run_cli("witness keygen " + kWitnessName + " -o '" + (dir_ / "witness.key").string() + "'", dir_ / "cli");
  ASSERT_EQ(k.code, 0) << k.err;
  const std::string wvkey = last_line(k.out);
  const fs::path wstate = dir_ / "witness-state";
  Process witness({"witness", "serve", "--key", (dir_ / "witness.key").string(), "--log-vkey", vkey_, "--state", wstate.string(),
                   "--listen", "127.0.0.1:0"},
                  dir_ / "witness.out");
  const int wport = served_port(witness.wait_for("http://"));
  ASSERT_GT(wport, 0) << slurp(dir_ / "witness.out.err");
  const std::vector<std::string> with_witness{"--witness", "http://127.0.0.1:" + std::to_string(wport) + "=" + wvkey};

  int64_t copied = 0;
  {
    LogServer a(dir_, db_, key_, "a", with_witness);
    ASSERT_GT(a.port(), 0) << a.stderr_text();
    post_observations(a.port(), token_, "common", 0, 200);
    copied = wait_for_full_checkpoint(a.port(), 200);
    ASSERT_GE(copied, 200) << "the checkpoint never reached the witness's cosignature";
    EXPECT_NE(checkpoint_note(a.port()).find("\n— " + kWitnessName + " "), std::string::npos) << checkpoint_note(a.port());
    a.stop();
  }
  const fs::path copy = dir_ / "copy.sqlite";
  copy_database(db_, copy);

  // The original goes on, cosigned, and a party requiring the witness audits it. The copy starts
  // meanwhile: it holds nothing its published checkpoint does not cover, so it asks the witness
  // nothing until it is posted to.
  LogServer b(dir_, copy, key_, "b", with_witness);
  const fs::path state_a = dir_ / "state-a";
  int64_t size_a = 0;
  {
    LogServer a(dir_, db_, key_, "a-again", with_witness);
    ASSERT_GT(a.port(), 0) << a.stderr_text();
    post_observations(a.port(), token_, "a-only", 0, 20);
    size_a = wait_for_full_checkpoint(a.port(), copied + 20);
    ASSERT_GE(size_a, copied + 20) << "the cosigned checkpoint did not advance";
    const RunResult r = audit(a.url(), state_a, {wvkey});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, audit_ok(size_a, 0, 1)) << r.err;
    a.stop();
  }
  ASSERT_EQ(size_of_note(witness_checkpoint(wport)), size_a);

  // The copy under the same key grows past what the witness cosigned, with other records: the
  // witness must refuse every checkpoint of it and keep the evidence.
  ASSERT_GT(b.port(), 0) << b.stderr_text();
  grow_to(b.port(), token_, "b-only", size_a + 1);
  json last;
  const bool refused = wait_until(
      [&] {
        const auto h = health(b.port());
        if (!h) return false;
        last = *h;
        const json ws = h->value("log", json::object()).value("witnesses", json::array());
        const std::string error = ws.empty() ? "" : ws[0].value("error", "");
        return h->value("status", "") == "degraded" && h->value("log", json::object()).value("checkpoint_size", 0) > size_a &&
               (error.find("409") != std::string::npos || error.find("422") != std::string::npos);
      },
      std::chrono::seconds(15));
  EXPECT_TRUE(refused) << last.dump();
  EXPECT_EQ(number_or(last.value("log", json::object()), "published_size"), copied) << last.dump();
  EXPECT_EQ(checkpoint_size(b.port()), copied);
  EXPECT_EQ(size_of_note(witness_checkpoint(wport)), size_a) << "the witness moved off the tree it cosigned";
  const std::string conflicts = slurp(wstate / "conflicts.log");
  EXPECT_NE(conflicts.find("conflict "), std::string::npos) << "conflicts.log: '" << conflicts << "'";

  // What B publishes is smaller than what the party saw of A.
  copy_state(state_a, dir_ / "state-a-at-b");
  const RunResult r = audit(b.url(), dir_ / "state-a-at-b", {wvkey});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("audit FAILED: shrunk: "), std::string::npos) << r.err;
  b.stop();
  witness.kill(SIGTERM);
}

// One client posting batches of 50 until the server goes away (or `deadline`).
struct Poster {
  int acked = 0;          // observations stored (201)
  bool saw_death = false;  // ended by a failed request, not by the deadline
  void run(int port, const std::string& token, const std::string& tag, std::chrono::steady_clock::time_point deadline) {
    httplib::Client c("127.0.0.1", port);
    c.set_keep_alive(true);
    for (int i = 0; std::chrono::steady_clock::now() < deadline; i += 50) {
      json batch = json::array();
      for (int k = i; k < i + 50; ++k) batch.push_back(log_observation(tag, k));
      auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + token}}, batch.dump(), "application/json");
      if (!r) {
        saw_death = true;
        return;
      }
      if (r->status == 201) acked += 50;
    }
  }
};

TEST_F(LogAuditTest, SigkillDuringIngestKeepsTheLogConsistent) {
  auto server = std::make_unique<LogServer>(dir_, db_, key_, "serve");
  ASSERT_GT(server->port(), 0) << server->stderr_text();
  post_observations(server->port(), token_, "before", 0, 200);
  const int64_t before = wait_for_full_checkpoint(server->port(), 200);
  ASSERT_GE(before, 200) << "the checkpoint never caught up with the record";
  const fs::path state_before = dir_ / "state-before", state_during = dir_ / "state-during";
  RunResult r = audit(server->url(), state_before);
  ASSERT_EQ(r.code, 0) << r.err;
  copy_state(state_before, state_during);

  // Four clients post while a party audits again and again; the server is killed once that
  // party has audited a checkpoint made during the ingest.
  const auto start = std::chrono::steady_clock::now();
  std::vector<Poster> posters(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < posters.size(); ++t)
    threads.emplace_back([&, t] { posters[t].run(server->port(), token_, "during-" + std::to_string(t), start + std::chrono::seconds(10)); });
  std::atomic<bool> stop_auditing{false};
  std::atomic<int64_t> audited{before};
  std::thread auditor([&] {
    while (!stop_auditing) {
      const RunResult a = audit(server->url(), state_during, {}, "auditor");
      if (a.code == 0) audited = audited_size(a.out);
    }
  });
  const bool audited_during = wait_until(
      [&] { return audited > before && std::chrono::steady_clock::now() - start > std::chrono::seconds(1); },
      std::chrono::seconds(10));
  server->crash();
  for (auto& t : threads) t.join();
  stop_auditing = true;
  auditor.join();
  ASSERT_TRUE(audited_during) << "no checkpoint made during the ingest was audited";
  int acked = 0;
  for (const Poster& p : posters) {
    EXPECT_TRUE(p.saw_death) << "a client was still posting at its deadline: the kill came after the stream";
    acked += p.acked;
  }
  EXPECT_GT(acked, 0);

  // The database as the kill left it: its chain and tree verify, every acknowledged observation is there.
  const RunResult v = verify(db_);
  ASSERT_EQ(v.code, 0) << v.out << v.err;
  ASSERT_EQ(v.out.rfind("ok ", 0), 0u) << v.out;
  const int64_t records = std::atoll(v.out.c_str() + 3);
  EXPECT_GE(records, audited.load());
  EXPECT_GE(query_int(db_, "SELECT count(*) FROM records WHERE kind = 'observation'"), 200 + acked);

  // Restarted, the log's next checkpoint extends both checkpoints audited before the crash.
  server = std::make_unique<LogServer>(dir_, db_, key_, "restart");
  ASSERT_GT(server->port(), 0) << server->stderr_text();
  const int64_t after = wait_for_full_checkpoint(server->port(), records);
  ASSERT_GE(after, records) << "the checkpoint never caught up with the record";
  r = audit(server->url(), state_during);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, audit_ok(after, audited.load())) << r.err;
  r = audit(server->url(), state_before);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, audit_ok(after, before)) << r.err;
  server->stop();
}

}  // namespace
}  // namespace truceline::testing
