// The outbox (store.h, OutboxItem) on both backends: ids, claims and their leases, attempts and
// the filters; on PostgreSQL, several store handles on one database adding and claiming at once.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "store/store.h"
#include "store/store_test_support.h"

namespace truceline::store {
namespace {

OutboxItem item(int64_t time_ms, const std::string& contingent, const std::string& status = "pending") {
  OutboxItem it;
  it.time_ms = time_ms;
  it.contingent = contingent, it.type = "violation", it.incident_id = "i-1";
  it.body = R"({"message":"m"})";
  it.status = status;
  it.next_attempt_ms = status == "pending" ? time_ms : 0;
  return it;
}

OutboxAttempt attempt(const OutboxItem& it, const std::string& outcome, int64_t time_ms, int64_t next_ms = 0) {
  OutboxAttempt a;
  a.outbox_id = it.id, a.claim = it.claim, a.attempt = it.attempts + 1, a.url = "http://h/hook";
  a.status = outcome == "delivered" ? 204 : 500;
  a.error = outcome == "delivered" ? "" : "HTTP 500";
  a.time_ms = time_ms, a.outcome = outcome, a.next_attempt_ms = next_ms;
  return a;
}

std::vector<int64_t> ids_of(const std::vector<OutboxItem>& items) {
  std::vector<int64_t> out;
  for (const auto& it : items) out.push_back(it.id);
  return out;
}

struct Backend {
  std::string name;
  std::function<std::string(const std::filesystem::path& scratch)> fresh;
};

void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

class OutboxTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = GetParam().fresh(dir_.path());
    store_ = open_store(db_);
  }
  testing::TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

TEST_P(OutboxTest, IdsIncreaseAndSurviveAReopen) {
  const auto first = store_->add_outbox({item(10, "uk"), item(20, "fr", "none")});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_LT(first[0], first[1]);
  store_.reset();
  store_ = open_store(db_);
  const auto more = store_->add_outbox({item(30, "uk")});
  ASSERT_EQ(more.size(), 1u);
  EXPECT_GT(more[0], first[1]);
  const auto all = store_->query_outbox({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].status, "none");
  EXPECT_EQ(all[1].body, R"({"message":"m"})");
  EXPECT_EQ(all[2].time_ms, 30);
}

TEST_P(OutboxTest, ClaimTakesWhatIsDueOnceUntilTheLeaseEnds) {
  const auto ids = store_->add_outbox({item(100, "uk"), item(500, "uk"), item(100, "fr"), item(100, "pl", "none")});
  // Due at 200: the first uk item and the fr one; not the one due at 500, nor "none".
  auto claimed = store_->claim_due_outbox(200, 1000, 10, {"uk", "fr"});
  EXPECT_EQ(ids_of(claimed), (std::vector<int64_t>{ids[0], ids[2]}));
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_FALSE(claimed[0].claim.empty());
  EXPECT_EQ(claimed[0].claim, claimed[1].claim);
  // Under the claim: no one else takes them before the lease ends at 1200, and then anyone may.
  EXPECT_TRUE(store_->claim_due_outbox(600, 1000, 10, {"fr"}).empty());
  EXPECT_EQ(ids_of(store_->claim_due_outbox(600, 1000, 10, {"uk"})), (std::vector<int64_t>{ids[1]}));
  const auto again = store_->claim_due_outbox(1200, 1000, 10, {"uk", "fr"});
  EXPECT_EQ(ids_of(again), (std::vector<int64_t>{ids[0], ids[2]}));
  // The first claim lapsed: its attempt is kept but does not set the item's state.
  EXPECT_FALSE(store_->record_outbox_attempt(attempt(claimed[0], "delivered", 1300)));
  EXPECT_TRUE(store_->record_outbox_attempt(attempt(again[0], "pending", 1300, 5000)));
  const OutboxItem it = store_->query_outbox({}).at(0);
  EXPECT_EQ(it.status, "pending");
  EXPECT_EQ(it.attempts, 1);
  EXPECT_EQ(it.next_attempt_ms, 5000);
  EXPECT_EQ(it.last_error, "HTTP 500");
  EXPECT_EQ(it.last_status, 500);
  EXPECT_EQ(it.claim, "");
  EXPECT_EQ(store_->outbox_attempts(ids[0]).size(), 2u);
  // Released without an attempt: due again at once.
  store_->release_outbox(again[1].claim);
  EXPECT_EQ(ids_of(store_->claim_due_outbox(1300, 1000, 10, {"fr"})), (std::vector<int64_t>{ids[2]}));
  // The retry is not due before 5000; the item claimed at 600 is free again, its lease over.
  EXPECT_EQ(ids_of(store_->claim_due_outbox(4999, 1000, 10, {"uk"})), (std::vector<int64_t>{ids[1]}));
  EXPECT_EQ(ids_of(store_->claim_due_outbox(5000, 1000, 10, {"uk"})), (std::vector<int64_t>{ids[0]}));
}

TEST_P(OutboxTest, DeliveredAndDeadLeaveTheQueue) {
  const auto ids = store_->add_outbox({item(100, "uk"), item(100, "uk")});
  const auto claimed = store_->claim_due_outbox(100, 1000, 10, {"uk"});
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_TRUE(store_->record_outbox_attempt(attempt(claimed[0], "delivered", 150)));
  EXPECT_TRUE(store_->record_outbox_attempt(attempt(claimed[1], "dead", 160)));
  EXPECT_TRUE(store_->claim_due_outbox(10'000, 1000, 10, {"uk"}).empty());
  const auto all = store_->query_outbox({});
  EXPECT_EQ(all[0].status, "delivered");
  EXPECT_EQ(all[0].delivered_ms, 150);
  EXPECT_EQ(all[0].last_status, 204);
  EXPECT_EQ(all[1].status, "dead");
  EXPECT_EQ(all[1].delivered_ms, 0);
  const auto history = store_->outbox_attempts(0);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].outbox_id, ids[0]);
  EXPECT_EQ(history[1].outcome, "dead");
}

TEST_P(OutboxTest, QueryFiltersBySinceContingentStatusAndCursor) {
  const auto ids = store_->add_outbox({item(100, "uk"), item(200, "fr", "none"), item(300, "uk", "none"), item(400, "uk")});
  OutboxFilter f;
  f.since_ms = 200;
  EXPECT_EQ(ids_of(store_->query_outbox(f)), (std::vector<int64_t>{ids[1], ids[2], ids[3]}));
  f.contingent = "uk";
  EXPECT_EQ(ids_of(store_->query_outbox(f)), (std::vector<int64_t>{ids[2], ids[3]}));
  f.status = "pending";
  EXPECT_EQ(ids_of(store_->query_outbox(f)), (std::vector<int64_t>{ids[3]}));
  OutboxFilter page;
  page.limit = 2;
  EXPECT_EQ(ids_of(store_->query_outbox(page)), (std::vector<int64_t>{ids[0], ids[1]}));
  page.after_id = ids[1];
  EXPECT_EQ(ids_of(store_->query_outbox(page)), (std::vector<int64_t>{ids[2], ids[3]}));
}

INSTANTIATE_TEST_SUITE_P(
    Backends, OutboxTest,
    ::testing::Values(Backend{"SQLite", [](const std::filesystem::path& d) { return (d / "outbox.db").string(); }},
                      Backend{"PostgreSQL", [](const std::filesystem::path&) { return testing::fresh_pg_database(); }}),
    [](const ::testing::TestParamInfo<Backend>& p) { return p.param.name; });

// Two serve processes on one database each add their alerts: every id is given once.
TEST(PgOutboxTest, TwoStoresAddingTogetherNeverShareAnId) {
  const std::string db = testing::fresh_pg_database();
  constexpr int kRounds = 50, kPerRound = 3;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 2; ++i) stores.push_back(open_store(db));
  std::vector<std::vector<int64_t>> got(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const auto ids = stores[t]->add_outbox(std::vector<OutboxItem>(kPerRound, item(r, t ? "fr" : "uk")));
        got[t].insert(got[t].end(), ids.begin(), ids.end());
      }
    });
  for (auto& th : threads) th.join();
  std::set<int64_t> all;
  for (const auto& g : got) all.insert(g.begin(), g.end());
  EXPECT_EQ(all.size(), size_t{2 * kRounds * kPerRound});
  OutboxFilter f;
  f.limit = 0;
  EXPECT_EQ(stores[0]->query_outbox(f).size(), all.size());
}

// Two senders' stores claiming from one outbox at once: no item is taken by both.
TEST(PgOutboxTest, TwoStoresClaimingTogetherNeverTakeTheSameItem) {
  const std::string db = testing::fresh_pg_database();
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 2; ++i) stores.push_back(open_store(db));
  constexpr int kItems = 200;
  stores[0]->add_outbox(std::vector<OutboxItem>(kItems, item(1, "uk")));
  std::vector<std::vector<int64_t>> got(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      for (;;) {
        const auto claimed = stores[t]->claim_due_outbox(10, 60'000, 3, {"uk"});
        if (claimed.empty()) return;
        for (const auto& it : claimed) got[t].push_back(it.id);
      }
    });
  for (auto& th : threads) th.join();
  std::set<int64_t> all(got[0].begin(), got[0].end());
  all.insert(got[1].begin(), got[1].end());
  EXPECT_EQ(got[0].size() + got[1].size(), size_t{kItems});
  EXPECT_EQ(all.size(), size_t{kItems});
}

}  // namespace
}  // namespace truceline::store
