// The transparency log's costs, in one run (docs/benchmarks.md, "Transparency log"):
//   1. ingest into SQLite in batches of 100 from 4 threads, with the log and without it (the same
//      store code with StoreOptions::transparency_log off: no integrator), alternating, best of
//      each; with the log, the clock stops when the last record is in the tree;
//   2. ingest paced at 50,000 observations/s for 10 s, and how far the tree trails the record;
//   3. inclusion proofs at 10 million leaves, read from a SQLite log_leaves table of real rows
//      through the Store, and checked (RFC 9162);
//   4. `audit` from scratch of 1 million records served over HTTP by the API in-process, then an
//      incremental audit after 10,000 more.
//
//   build/bench/truceline_bench_log [--ingest N] [--proof-leaves N] [--audit N] [--dir DIR] [--pg URI]
// With --pg, the ingest case runs on that PostgreSQL database too (its tables are dropped first).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "bench_support.h"
#include "http/server.h"
#include "index/locator.h"
#include "server/api.h"
#include "server/http_log_client.h"
#include "store/leader_lock.h"
#include "store/log_rows.h"
#include "store/pg_conn.h"
#include "store/store.h"
#include "tlog/audit.h"
#include "tlog/checkpoint.h"
#include "tlog/entry.h"
#include "tlog/tree.h"

using namespace truceline;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// An observation record as the server makes it (about 520 bytes of content).
store::NewRecord observation(int64_t i) {
  const double lat = 47.0 + (i % 1000) * 0.001, lon = 35.0 + (i % 777) * 0.001;
  store::NewRecord r;
  r.kind = "observation";
  r.submitter = "patrol-" + std::to_string(i % 40);
  r.body = {{"observation",
             {{"time_ms", 1'744'430'000'000 + i * 1000}, {"observer_id", "P-" + std::to_string(i % 40)},
              {"observer_kind", "patrol"}, {"mode", "heard"}, {"event", "explosion"}, {"count", 1},
              {"bearing_deg", 90.0}, {"range_min_km", 2.0}, {"range_max_km", 5.0}, {"observer_lat", lat},
              {"observer_lon", lon}, {"notes", "outgoing, 122 mm, three in quick succession"}}},
            {"placement", {{"zone_id", "dmz-1"}, {"zone_kind", "dmz"}, {"responsible", "uk"}, {"lat", lat}, {"lon", lon + 0.05}}}};
  r.index = {1'744'430'000'000 + i * 1000, "explosion", "dmz-1", "dmz", "uk", lat, lon + 0.05};
  return r;
}

// A fresh, empty database: the SQLite file removed, or the PostgreSQL tables dropped.
void reset(const std::string& db) {
  if (store::is_postgres_uri(db)) {
    store::pg::Conn(db).exec("DROP TABLE IF EXISTS records, log_leaves, log_checkpoints, idempotency, tokens");
    return;
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
}

double ingest_rate(const std::string& db, bool log, int64_t n) {
  reset(db);
  auto store = store::open_store(db, {.transparency_log = log});
  constexpr int kThreads = 4, kBatch = 100;
  std::vector<std::vector<store::NewRecord>> batches;
  for (int64_t i = 0; i < n; i += kBatch) {
    batches.emplace_back();
    for (int64_t k = i; k < std::min(n, i + kBatch); ++k) batches.back().push_back(observation(k));
  }
  std::atomic<size_t> next{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      for (size_t b; (b = next++) < batches.size();) store->append(batches[b], "", "");
    });
  for (auto& t : ts) t.join();
  const double appended = since(t0);
  // Until the last record is in the tree: a log that fell behind would show here.
  store->integrate_log();
  if (log) std::printf("  appended in %.2f s, in the tree %.2f s later\n", appended, since(t0) - appended);
  return static_cast<double>(n) / since(t0);
}

// Appends at `rate` observations/s (batches of 100 from 4 threads, each on its own schedule) for
// `seconds`, sampling every 50 ms how many acknowledged records the tree has not reached yet.
void paced(const std::string& db, double rate, double seconds) {
  reset(db);
  auto store = store::open_store(db);
  constexpr int kThreads = 4, kBatch = 100;
  const int64_t batches = static_cast<int64_t>(rate * seconds / kBatch);
  std::vector<std::vector<store::NewRecord>> prepared;
  for (int64_t b = 0; b < batches; ++b) {
    prepared.emplace_back();
    for (int k = 0; k < kBatch; ++k) prepared.back().push_back(observation(b * kBatch + k));
  }
  std::atomic<int64_t> next{0};
  std::atomic<bool> done{false};
  int64_t max_lag = 0;
  const auto t0 = Clock::now();
  std::thread sampler([&] {
    while (!done) {
      max_lag = std::max(max_lag, store->head().count - store->log_size());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      for (int64_t b; (b = next++) < batches;) {
        std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(b * kBatch / rate)));
        store->append(prepared[b], "", "");
      }
    });
  for (auto& t : ts) t.join();
  const double appended = since(t0);
  store->integrate_log();
  const double integrated = since(t0);
  done = true;
  sampler.join();
  std::printf("| paced ingest, %s, %.0f obs/s offered for %.0f s (batches of 100, 4 threads) | %.0f obs/s acknowledged | "
              "tree at most %lld records (%.0f ms of ingest) behind the record; last leaf %.0f ms after the last append |\n",
              store::is_postgres_uri(db) ? "PostgreSQL" : "SQLite", rate, seconds, batches * kBatch / appended,
              static_cast<long long>(max_lag), 1e3 * max_lag / rate, 1e3 * (integrated - appended));
}

// A log_leaves table of `n` real rows (salt, entry, tree hashes), written directly.
void fill_leaves(const fs::path& file, int64_t n) {
  fs::remove(file);
  { store::open_store(file.string()); }  // the schema
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO log_leaves(seq, salt, commitment, hashes) VALUES (?,?,?,?)", -1, &s, nullptr);
  tlog::Frontier f;
  for (int64_t i = 0; i < n; ++i) {
    const store::LogRow row = store::make_log_row(i + 1, "observation", 1'744'430'000'000 + i, std::to_string(i), f,
                                                  store::salts(1));
    sqlite3_bind_int64(s, 1, i + 1);
    sqlite3_bind_blob(s, 2, row.salt.data(), static_cast<int>(row.salt.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 3, row.commitment.data(), static_cast<int>(row.commitment.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 4, row.hashes.data(), static_cast<int>(row.hashes.size()), SQLITE_TRANSIENT);
    sqlite3_step(s);
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

void proofs(const fs::path& dir, int64_t n) {
  const fs::path file = dir / "proofs.sqlite";
  auto t0 = Clock::now();
  fill_leaves(file, n);
  std::printf("proof table: %lld leaves written in %.1f s, file %.2f GB\n", static_cast<long long>(n), since(t0),
              static_cast<double>(fs::file_size(file)) / 1e9);
  auto store = store::open_store(file.string());
  store::StoreHashReader reader(*store);
  const tlog::Hash root = tlog::tree_hash(reader, n);
  std::mt19937_64 rng(16);
  std::vector<double> ms;
  int ok = 0;
  for (int k = 0; k < 10'000; ++k) {
    const int64_t i = static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
    t0 = Clock::now();
    const auto proof = tlog::inclusion_proof(reader, i, n);
    ms.push_back(since(t0) * 1e3);
    ok += tlog::verify_inclusion(i, n, reader.hash({0, i}), proof, root);
  }
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double m : ms) sum += m;
  std::printf("| inclusion proof at %lld leaves (SQLite, through the Store) | mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms | %d of 10,000 verified |\n",
              static_cast<long long>(n), sum / ms.size(), ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back(), ok);
}

void audits(const fs::path& dir, int64_t n) {
  const fs::path file = dir / "audit.sqlite";
  fs::remove(file);
  auto store = store::open_store(file.string());
  auto t0 = Clock::now();
  for (int64_t i = 0; i < n; i += 1000) {
    std::vector<store::NewRecord> batch;
    for (int64_t k = i; k < std::min(n, i + 1000); ++k) batch.push_back(observation(k));
    store->append(batch, "", "");
  }
  std::printf("audit log: %lld records appended in %.1f s\n", static_cast<long long>(n), since(t0));
  const plan::ZoneMap map = bench::compile_default_plan();
  const index::Locator locator(map);
  server::Api api(map, locator, *store);
  http::Router router;
  api.mount(router);
  http::Server http(router, {});
  const int port = http.listen("127.0.0.1", 0);
  http.start();
  const tlog::PrivateKey key = tlog::PrivateKey::generate("bench.truceline/log", tlog::KeyType::kEd25519);
  auto sign = [&] {
    store->integrate_log();
    store::StoreHashReader reader(*store);
    const int64_t size = store->log_size();
    const tlog::Hash root = tlog::tree_hash(reader, size);
    const std::string body = tlog::checkpoint_body({key.public_key().name, size, root, {}});
    const std::string note = tlog::note_text({body, {tlog::sign_note(key, body)}});
    store->publish_checkpoint(store->add_checkpoint({0, size, tlog::base64(tlog::bytes_of(root)), key.public_key().vkey(), note, false, 0}), note);
  };
  sign();
  const std::string state = (dir / "audit-state").string();
  fs::remove_all(state);
  server::HttpLogClient client("http://127.0.0.1:" + std::to_string(port));
  tlog::AuditOptions opt{key.public_key(), {}, state, {}};
  t0 = Clock::now();
  tlog::AuditResult r = tlog::audit(client, opt);
  std::printf("| audit from scratch, %lld entries over HTTP | %.2f s | %s |\n", static_cast<long long>(n), since(t0), r.message.c_str());
  std::vector<store::NewRecord> more;
  for (int64_t k = n; k < n + 10'000; ++k) more.push_back(observation(k));
  store->append(more, "", "");
  sign();
  t0 = Clock::now();
  r = tlog::audit(client, opt);
  std::printf("| audit of 10,000 new entries after it | %.3f s | %s |\n", since(t0), r.message.c_str());
  http.stop();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t ingest = 200'000, proof_leaves = 10'000'000, audit_n = 1'000'000;
  fs::path dir = fs::temp_directory_path() / "truceline-bench-log";
  std::string pg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--ingest")) ingest = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--proof-leaves")) proof_leaves = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--audit")) audit_n = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--pg")) pg = argv[i + 1];
  }
  fs::create_directories(dir);
  for (const std::string& db : {(dir / "ingest.sqlite").string(), pg}) {
    if (db.empty()) continue;
    double off = 0, on = 0;
    for (int round = 0; round < 3; ++round) {
      off = std::max(off, ingest_rate(db, false, ingest));
      on = std::max(on, ingest_rate(db, true, ingest));
    }
    std::printf("| ingest, %s, batches of 100, 4 threads, %lld records, best of 3 | without the log %.0f obs/s | with the log %.0f obs/s (%.1f %%) |\n",
                store::is_postgres_uri(db) ? "PostgreSQL" : "SQLite", static_cast<long long>(ingest), off, on, 100 * on / off);
  }
  for (const std::string& db : {(dir / "paced.sqlite").string(), pg})
    if (!db.empty()) paced(db, 50'000, 10);
  if (proof_leaves > 0) proofs(dir, proof_leaves);
  if (audit_n > 0) audits(dir, audit_n);
  fs::remove_all(dir);
  return 0;
}
