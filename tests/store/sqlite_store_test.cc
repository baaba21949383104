// SQLite-only behaviour: tampering with the file is caught, and open errors name the file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <latch>
#include <thread>

#include "store/query_sql.h"
#include "store/sqlite_store.h"
#include "store/store_test_support.h"

namespace truceline::store {
namespace {

// Runs one statement on the file behind the store's back, as someone with the file would.
void tamper(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_.path() / "chain.db").string();
    auto s = open_store(path_);
    for (int i = 0; i < 6; ++i) s->append({testing::observation(i, "explosion", "z-a", 47.0 + i, 35.0)}, "", "");
  }
  VerifyResult verify() { return open_store(path_)->verify(); }

  testing::TempDir dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, VerifyCatchesOneChangedByteOfContent) {
  ASSERT_TRUE(verify().ok);
  tamper(path_, "UPDATE records SET content = replace(content, '\"explosion\"', '\"explosioN\"') WHERE seq = 4");
  const VerifyResult v = verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 4);
  EXPECT_EQ(v.bad_id, "o-4");
  EXPECT_EQ(v.count, 3);
  EXPECT_NE(v.reason.find("hash"), std::string::npos) << v.reason;
}

TEST_F(SqliteStoreTest, VerifyCatchesAnIndexColumnThatDisagreesWithContent) {
  tamper(path_, "UPDATE records SET zone_id = 'z-b' WHERE seq = 2");
  const VerifyResult v = verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_id, "o-2");
  EXPECT_NE(v.reason.find("zone_id"), std::string::npos) << v.reason;
}

TEST_F(SqliteStoreTest, VerifyCatchesADeletedRecord) {
  tamper(path_, "DELETE FROM records WHERE seq = 5");
  const VerifyResult v = verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 6);
}

TEST_F(SqliteStoreTest, VerifyCatchesARecomputedHashThatBreaksTheLink) {
  // Rewriting a record and its own hash still breaks the next record's prev_hash.
  // (Its first two digits become "ab", or "cd" when they were "ab": the hash always changes.)
  tamper(path_, "UPDATE records SET hash = iif(substr(hash, 1, 2) = 'ab', 'cd', 'ab') || substr(hash, 3) WHERE seq = 3");
  EXPECT_EQ(verify().bad_seq, 3);
}

TEST_F(SqliteStoreTest, UsesWalWithFullSync) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ATimeFilterUsesTheIndexByTheHour) {
  Query q;
  q.since_ms = 1'744'400'000'000, q.until_ms = 1'744'500'000'000;
  const SqlText t = query_sql(q, Placeholders::kQuestion);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + t.sql).c_str(), -1, &s, nullptr), SQLITE_OK);
  for (size_t i = 0; i < t.params.size(); ++i)
    if (const auto* v = std::get_if<int64_t>(&t.params[i])) sqlite3_bind_int64(s, static_cast<int>(i + 1), *v);
  std::string plan;
  while (sqlite3_step(s) == SQLITE_ROW) plan += reinterpret_cast<const char*>(sqlite3_column_text(s, 3)) + std::string("\n");
  sqlite3_finalize(s);
  sqlite3_close(db);
  EXPECT_NE(plan.find("records_hour_seq"), std::string::npos) << plan;
}

// Two stores on one file stand for two processes: BEGIN IMMEDIATE keeps their appends in one line.
TEST(SqliteStoreSharedFileTest, TwoStoresAppendingTogetherMakeOneLinearChain) {
  testing::TempDir dir;
  const std::string path = (dir.path() / "shared.db").string();
  auto a = open_store(path);
  auto b = open_store(path);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) (t % 2 ? *a : *b).append({testing::observation(i, "shot", "z")}, "", "");
    });
  for (auto& th : threads) th.join();
  const VerifyResult v = b->verify();
  EXPECT_TRUE(v.ok) << v.bad_id << ": " << v.reason;
  EXPECT_EQ(v.count, 400);
}

// Processes starting together on a new file (two servers, or a token created while one
// starts) all open it: switching to WAL and creating the tables wait for each other.
TEST(SqliteStoreOpenTest, StoresOpeningANewFileTogetherAllSucceed) {
  testing::TempDir dir;
  for (int round = 0; round < 20; ++round) {
    const std::string path = (dir.path() / ("new-" + std::to_string(round) + ".db")).string();
    std::atomic<int> opened{0};
    std::latch go(6);
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
      threads.emplace_back([&] {
        go.arrive_and_wait();
        try {
          open_store(path);
          ++opened;
        } catch (const StoreError& e) {
          ADD_FAILURE() << "round " << round << ": " << e.what();
        }
      });
    for (auto& th : threads) th.join();
    ASSERT_EQ(opened, 6) << "round " << round;
  }
}

TEST(SqliteStoreOpenTest, ErrorsNameTheDatabase) {
  try {
    open_store("/nonexistent-dir/x/chain.db");
    FAIL() << "opened a file in a missing directory";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x/chain.db"), std::string::npos) << e.what();
  }
  testing::TempDir dir;
  const auto junk = dir.path() / "junk.db";
  FILE* f = fopen(junk.c_str(), "w");
  fputs("this is not a database, just some text long enough to be read as a header........", f);
  fclose(f);
  EXPECT_THROW(open_store(junk.string()), StoreError);
}

}  // namespace
}  // namespace truceline::store
