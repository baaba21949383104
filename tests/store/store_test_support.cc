#include "store/store_test_support.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include "support.h"

namespace truceline::store::testing {

using nlohmann::json;

NewRecord observation(int64_t time_ms, const std::string& event, const std::string& zone_id, std::optional<double> lat,
                      std::optional<double> lon, const std::string& submitter, const std::string& responsible) {
  json placement{{"method", lat ? "given" : "none"}, {"zone_id", zone_id}, {"zone_kind", zone_id.empty() ? "" : "buffer"},
                 {"responsible", responsible}};
  if (lat) placement["lat"] = *lat;
  if (lon) placement["lon"] = *lon;
  NewRecord r;
  r.kind = "observation";
  r.submitter = submitter;
  r.body = json{{"observation", {{"time_ms", time_ms}, {"event", event}, {"observer_id", "p-7"}}},
                {"placement", placement}};
  r.index = {time_ms, event, zone_id, zone_id.empty() ? "" : "buffer", responsible, lat, lon};
  return r;
}

NewRecord correction(const std::string& target_id, int64_t time_ms, const std::string& event, const std::string& zone_id) {
  NewRecord r = observation(time_ms, event, zone_id);
  r.kind = "correction";
  r.target_id = target_id;
  r.body["reason"] = "wrong event type";
  return r;
}

NewRecord retraction(const std::string& target_id) {
  NewRecord r;
  r.kind = "retraction";
  r.target_id = target_id;
  r.submitter = "obs-1";
  r.body = json{{"reason", "duplicate report"}};
  return r;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "tl-store-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  if (pclose(p) != 0) throw std::runtime_error("failed: " + cmd + "\n" + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// One server for the whole binary: made on first use, stopped by the environment at exit.
class PgServer : public ::testing::Environment {
 public:
  std::string uri() {
    std::lock_guard<std::mutex> lock(mu_);
    if (uri_.empty()) start();
    return uri_;
  }
  void TearDown() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!dir_.empty()) run(script() + " stop " + dir_ + " 2>&1");
    dir_.clear();
  }

 private:
  static std::string script() { return (truceline::testing::root() / "scripts" / "pg-local.sh").string(); }
  void start() {
    if (const char* given = std::getenv("TRUCELINE_TEST_PG_URI")) {
      uri_ = given;
      return;
    }
    std::string tmpl = "/tmp/tl-pg-XXXXXX";  // short: the socket path must fit 107 bytes
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    uri_ = run(script() + " start " + dir_);
    uri_ = uri_.substr(uri_.rfind('\n') + 1);  // the URI is the last line
  }

  std::mutex mu_;
  std::string dir_, uri_;
};

PgServer* const server = static_cast<PgServer*>(::testing::AddGlobalTestEnvironment(new PgServer));

void exec_admin(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string msg = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error(sql + ": " + msg);
}

}  // namespace

std::string fresh_pg_database() {
  static std::atomic<int> counter{0};
  const std::string base = server->uri();
  const std::string name = "store_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  exec_admin(base, "CREATE DATABASE " + name);
  return base.substr(0, base.rfind('/') + 1) + name;
}

}  // namespace truceline::store::testing
