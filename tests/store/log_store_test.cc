// The transparency log kept by both backends: one leaf per record in seq order whose tree is the
// RFC 6962 tree of the entries, entries that commit to the records' content, a tree built for a
// database made before the log, and verify() catching what an operator with the file could do.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "store/chain.h"
#include "store/leader_lock.h"
#include "store/log_rows.h"
#include "store/pg_conn.h"
#include "store/store.h"
#include "store/store_test_support.h"
#include "tlog/entry.h"
#include "tlog/tree.h"

namespace truceline::store {
namespace {

using testing::observation;

// Runs SQL on the database behind the store's back, as someone with the file or the server would.
void run_sql(const std::string& db, const std::string& sql) {
  if (is_postgres_uri(db)) {
    pg::Conn c(db);
    c.exec(sql);
    return;
  }
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

// Every record of every kind, in seq order.
Query every_record() {
  Query q;
  q.kind = "";
  q.limit = 0;
  return q;
}

class LogStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = GetParam() == "SQLite" ? (dir_.path() / "log.db").string() : testing::fresh_pg_database();
    store_ = open_store(db_);
  }
  void add(int n, int batch = 1) {
    for (int i = 0; i < n; i += batch) {
      std::vector<NewRecord> rs;
      for (int k = 0; k < batch && i + k < n; ++k) rs.push_back(observation(1000 * (i + k), "explosion", "z-a", 47.5, 35.0));
      store_->append(rs, "", "");
    }
    store_->integrate_log();
  }
  // The RFC 6962 tree of the store's entries, rebuilt outside the store.
  tlog::MemoryTree replay() {
    tlog::MemoryTree t;
    for (const std::string& e : store_->log_entries(0, store_->head().count)) t.append(e);
    return t;
  }

  testing::TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

TEST_P(LogStoreTest, TreeIsTheRfcTreeOfTheEntriesAndEntriesCommitToContent) {
  add(300, 7);
  // Concurrent appenders share commits; the tree still has one leaf per record in seq order.
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) ts.emplace_back([this] { add(50, 3); });
  for (auto& t : ts) t.join();
  store_->integrate_log();
  const int64_t n = store_->log_size();
  ASSERT_EQ(n, 500);
  ASSERT_EQ(store_->head().count, 500);
  tlog::MemoryTree mem = replay();
  ASSERT_EQ(mem.size(), n);
  StoreHashReader reader(*store_);
  EXPECT_EQ(tlog::tree_hash(reader, n), mem.root());
  EXPECT_EQ(tlog::Frontier::load(reader, n).root(), mem.root());
  EXPECT_EQ(tlog::tree_hash(reader, 257), tlog::tree_hash(mem, 257));
  for (int64_t seq : {int64_t{1}, int64_t{256}, int64_t{257}, n}) {
    const auto rec = store_->get(id_of_seq(seq));
    ASSERT_TRUE(rec);
    const auto entry = tlog::parse_entry(store_->log_entries(rec->log_index(), 1).at(0));
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->seq, seq);
    EXPECT_EQ(entry->kind, rec->kind);
    EXPECT_EQ(entry->received_ms, rec->received_ms);
    EXPECT_EQ(entry->commitment, tlog::commitment(*tlog::unhex(rec->content_salt), rec->content));
  }
  // Salts differ record to record, so equal content does not give equal commitments.
  EXPECT_NE(store_->get("o-1")->content_salt, store_->get("o-2")->content_salt);
  EXPECT_THROW(store_->log_hashes(0, n, 1), std::out_of_range);
  EXPECT_TRUE(store_->verify().ok) << store_->verify().reason;
}

TEST_P(LogStoreTest, ADatabaseFromBeforeTheLogGetsItsTreeWhenOpened) {
  add(40, 4);
  const auto before = store_->query(every_record());
  store_.reset();
  // As a database written before the log existed: records, no leaves.
  run_sql(db_, "DELETE FROM log_leaves");
  store_ = open_store(db_);
  const auto after = store_->query(every_record());
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].hash, before[i].hash);
    EXPECT_EQ(after[i].content, before[i].content);
  }
  EXPECT_EQ(replay().root(), tlog::tree_hash(*std::make_unique<StoreHashReader>(*store_), 40));
  add(10);
  const VerifyResult v = store_->verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.count, 50);
}

TEST_P(LogStoreTest, VerifyCatchesARewrittenCommitment) {
  add(6);
  store_.reset();
  run_sql(db_, GetParam() == "SQLite" ? "UPDATE log_leaves SET commitment = zeroblob(32) WHERE seq = 3"
                                      : "UPDATE log_leaves SET commitment = repeat('0', 64) WHERE seq = 3");
  const VerifyResult v = open_store(db_)->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 3);
  EXPECT_NE(v.reason.find("log entry"), std::string::npos) << v.reason;
}

// An operator who edits a record and recomputes the whole hash chain after it still leaves the
// record's commitment in the log: verify names the record.
TEST_P(LogStoreTest, VerifyCatchesContentEditedWithTheChainRecomputed) {
  add(6);
  std::vector<Record> all = store_->query(every_record());
  store_.reset();
  all[3].content = all[3].content.substr(0, all[3].content.find("explosion")) + "explosioN" +
                   all[3].content.substr(all[3].content.find("explosion") + 9);
  std::string prev = all[2].hash;
  for (size_t i = 3; i < all.size(); ++i) {
    const std::string h = chain_hash(prev, all[i].content);
    std::string content = all[i].content;
    for (size_t p = 0; (p = content.find('\'', p)) != std::string::npos; p += 2) content.insert(p, "'");
    run_sql(db_, "UPDATE records SET content = '" + content + "', prev_hash = '" + prev + "', hash = '" + h +
                     "', event = '" + (i == 3 ? "explosioN" : "explosion") + "' WHERE seq = " + std::to_string(all[i].seq));
    prev = h;
  }
  const VerifyResult v = open_store(db_)->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 4);
  EXPECT_NE(v.reason.find("log entry"), std::string::npos) << "seq " << v.bad_seq << ": " << v.reason;
}

TEST_P(LogStoreTest, VerifyCatchesRecordsDeletedAfterACheckpoint) {
  add(8);
  StoreHashReader reader(*store_);
  const tlog::Hash root = tlog::tree_hash(reader, 8);
  store_->add_checkpoint({0, 8, tlog::base64(tlog::bytes_of(root)), "test+00000000+AA", "note", true, 1});
  EXPECT_TRUE(store_->verify().ok);
  store_.reset();
  run_sql(db_, "DELETE FROM records WHERE seq = 8");
  run_sql(db_, "DELETE FROM log_leaves WHERE seq = 8");
  const VerifyResult v = open_store(db_)->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.count, 7);
  EXPECT_NE(v.reason.find("checkpoint of 8"), std::string::npos) << v.reason;
}

// Records the integrator has not reached yet may follow the last leaf; a leaf after a gap may not.
TEST_P(LogStoreTest, VerifyAcceptsATailNotYetIntegratedButNotAGap) {
  add(6);
  store_.reset();
  run_sql(db_, "DELETE FROM log_leaves WHERE seq >= 5");
  {
    auto s = open_store(db_, {.transparency_log = false});  // reads without integrating
    const VerifyResult v = s->verify();
    EXPECT_TRUE(v.ok) << v.reason;
    EXPECT_EQ(s->log_size(), 4);
  }
  store_ = open_store(db_);  // integrates what is missing when opened
  EXPECT_EQ(store_->log_size(), 6);
  EXPECT_EQ(replay().root(), tlog::tree_hash(*std::make_unique<StoreHashReader>(*store_), 6));
  store_.reset();
  run_sql(db_, "DELETE FROM log_leaves WHERE seq = 3");
  const VerifyResult v = open_store(db_, {.transparency_log = false})->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 4);
  EXPECT_NE(v.reason.find("gap"), std::string::npos) << v.reason;
}

TEST_P(LogStoreTest, CheckpointsAreKeptInOrderAndPublishedSeparately) {
  EXPECT_FALSE(store_->latest_checkpoint(false));
  const int64_t a = store_->add_checkpoint({0, 0, "r0", "k", "note a", false, 10});
  const int64_t b = store_->add_checkpoint({0, 5, "r5", "k", "note b", false, 20});
  EXPECT_LT(a, b);
  EXPECT_EQ(store_->latest_checkpoint(false)->size, 5);
  EXPECT_FALSE(store_->latest_checkpoint(true));
  store_->publish_checkpoint(a, "note a, cosigned");
  const auto p = store_->latest_checkpoint(true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->note, "note a, cosigned");
  EXPECT_TRUE(p->published);
}

INSTANTIATE_TEST_SUITE_P(Backends, LogStoreTest, ::testing::Values("SQLite", "PostgreSQL"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// Two processes' stores on one PostgreSQL database append in turn: each must pick up the tree the
// other extended, not its own stale right edge.
TEST(LogStorePg, TwoWritersOnOneDatabaseMakeOneTree) {
  const std::string db = testing::fresh_pg_database();
  auto a = open_store(db), b = open_store(db);
  for (int i = 0; i < 30; ++i) (i % 3 ? a : b)->append({observation(i, "explosion", "z-a")}, "", "");
  a->integrate_log();
  b->integrate_log();
  ASSERT_EQ(a->log_size(), 30);
  tlog::MemoryTree mem;
  for (const std::string& e : a->log_entries(0, 30)) mem.append(e);
  StoreHashReader reader(*b);
  EXPECT_EQ(tlog::tree_hash(reader, 30), mem.root());
  const VerifyResult v = a->verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

}  // namespace
}  // namespace truceline::store
