// The Store contract, run against both backends: SQLite on a temporary file and PostgreSQL on
// the test server (a fresh database per test).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "store/query_sql.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace truceline::store {
namespace {

using testing::correction;
using testing::observation;
using testing::retraction;

struct Backend {
  std::string name;
  // Returns a database string for open_store; `scratch` lives as long as the test.
  std::function<std::string(const std::filesystem::path& scratch)> fresh;
};

void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

class StoreContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = GetParam().fresh(dir_.path());
    store_ = open_store(db_);
  }
  AppendResult add(const NewRecord& r, const std::string& key = "", const std::string& hash = "") {
    return store_->append({r}, key, hash);
  }

  testing::TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

// A body the caller wrote as text is stored as if it had been the tree: same content, same hash,
// the same body read back, and verify passes.
TEST_P(StoreContractTest, BodyGivenAsTextIsStoredLikeTheTree) {
  NewRecord tree = observation(1000, "explosion", "z-buffer", 47.5, 35.25);
  NewRecord text = tree;
  text.body_text = tree.body.dump();
  text.body = nullptr;
  const auto ids = store_->append({tree, text}, "", "").ids;
  ASSERT_EQ(ids.size(), 2u);
  const auto a = store_->get(ids[0]), b = store_->get(ids[1]);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->body, tree.body);
  EXPECT_EQ(b->content.substr(0, b->content.find(",\"id\"")), a->content.substr(0, a->content.find(",\"id\"")));
  const VerifyResult v = store_->verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.count, 2);
  // Ids are looked up by their seq: only the canonical spelling names a record.
  EXPECT_FALSE(store_->get("o-0" + ids[1].substr(2)));
  EXPECT_FALSE(store_->get("x-" + ids[1].substr(2)));
  EXPECT_FALSE(store_->get("o-"));
  EXPECT_FALSE(store_->get("o-99999999999999999999"));
}

// Every byte a record may hold comes back as it went in: PostgreSQL takes records through COPY's
// text format, where backslashes, tabs and newlines are escapes.
TEST_P(StoreContractTest, TextWithEscapesComesBackUnchanged) {
  NewRecord r = observation(1000, "explosion", "zone\twith tab");
  r.submitter = "patrol \\ 7\tnight\nshift\r, \\N, Київ";
  r.body["observation"]["notes"] = "line one\nline two\ttab \\ backslash \\N";
  r.index.zone_id = "zone\twith tab";
  r.body["placement"]["zone_id"] = r.index.zone_id;
  const auto ids = add(r).ids;
  const auto got = store_->get(ids.at(0));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->submitter, r.submitter);
  EXPECT_EQ(got->index.zone_id, r.index.zone_id);
  EXPECT_EQ(got->body, r.body);
  EXPECT_FALSE(got->index.lat.has_value());
  const VerifyResult v = store_->verify();
  EXPECT_TRUE(v.ok) << v.reason;
}

// One append of a few megabytes: PostgreSQL gets it in several COPY pieces, all in one
// transaction; every record is there, in order, with its escapes.
TEST_P(StoreContractTest, AnAppendOfManyLongRecordsIsStoredWhole) {
  std::vector<NewRecord> many;
  for (int i = 0; i < 3000; ++i) {
    many.push_back(observation(1000 + i, "shot", "z-" + std::to_string(i % 7)));
    many.back().body["observation"]["notes"] = std::string(i % 500, 'x') + "\t\\" + std::to_string(i) + "\n";
  }
  const auto ids = store_->append(many, "", "").ids;
  ASSERT_EQ(ids.size(), 3000u);
  Query q;
  q.limit = 0;
  const auto got = store_->query(q);
  ASSERT_EQ(got.size(), 3000u);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].id, ids[i]);
    ASSERT_EQ(got[i].body, many[i].body) << got[i].id;
    ASSERT_EQ(got[i].index.zone_id, many[i].index.zone_id) << got[i].id;
  }
  const VerifyResult v = store_->verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.count, 3000);
}

TEST_P(StoreContractTest, AppendsAndGetsBack) {
  const auto r = store_->append({observation(1000, "explosion", "z-buffer", 47.5, 35.25),
                                 observation(2000, "shot", "")}, "", "");
  ASSERT_EQ(r.ids, (std::vector<std::string>{"o-1", "o-2"}));
  EXPECT_FALSE(r.replayed);
  const auto got = store_->get("o-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seq, 1);
  EXPECT_EQ(got->kind, "observation");
  EXPECT_EQ(got->submitter, "obs-1");
  EXPECT_EQ(got->body, observation(1000, "explosion", "z-buffer", 47.5, 35.25).body);
  EXPECT_EQ(got->index.zone_id, "z-buffer");
  EXPECT_EQ(got->index.lat, 47.5);
  EXPECT_EQ(got->index.lon, 35.25);
  EXPECT_GT(got->received_ms, 1'700'000'000'000);
  EXPECT_FALSE(store_->get("o-2")->index.lat);
  EXPECT_FALSE(store_->get("o-3"));
}

TEST_P(StoreContractTest, RecordsLinkIntoAChain) {
  EXPECT_EQ(store_->head().count, 0);
  EXPECT_EQ(store_->head().hash, std::string(64, '0'));
  for (int i = 0; i < 5; ++i) add(observation(i, "shot", "z"));
  std::string prev(64, '0');
  for (int i = 1; i <= 5; ++i) {
    const auto r = store_->get("o-" + std::to_string(i));
    EXPECT_EQ(r->prev_hash, prev);
    EXPECT_EQ(r->content, canonical_content(*r));
    EXPECT_EQ(r->hash, chain_hash(prev, r->content));
    prev = r->hash;
  }
  const ChainHead h = store_->head();
  EXPECT_EQ(h.count, 5);
  EXPECT_EQ(h.hash, prev);
  const VerifyResult v = store_->verify();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.count, 5);
  EXPECT_EQ(v.head, prev);
}

TEST_P(StoreContractTest, QueryFiltersCursorAndLimit) {
  add(observation(100, "explosion", "z-a", 47.0, 35.0, "alice", "ua"));
  add(observation(200, "shot", "z-b", 48.0, 36.0, "bob", "ru"));
  add(observation(300, "explosion", "z-a", 49.0, 37.0, "bob", "ua"));
  add(observation(400, "explosion", ""));
  add(retraction("o-1"));
  // The ids a query finds, after `set` has narrowed a default Query.
  auto ids = [&](const std::function<void(Query&)>& set) {
    Query q;
    set(q);
    std::vector<std::string> out;
    for (const auto& r : store_->query(q)) out.push_back(r.id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids([](Query&) {}), (V{"o-1", "o-2", "o-3", "o-4"}));
  EXPECT_EQ(ids([](Query& q) { q.kind = ""; }), (V{"o-1", "o-2", "o-3", "o-4", "o-5"}));
  EXPECT_EQ(ids([](Query& q) { q.since_ms = 200, q.until_ms = 400; }), (V{"o-2", "o-3"}));
  EXPECT_EQ(ids([](Query& q) { q.zone_id = "z-a"; }), (V{"o-1", "o-3"}));
  EXPECT_EQ(ids([](Query& q) { q.zone_kind = "buffer", q.event = "explosion"; }), (V{"o-1", "o-3"}));
  EXPECT_EQ(ids([](Query& q) { q.min_lon = 35.5, q.min_lat = 47.5, q.max_lon = 37.0, q.max_lat = 48.5; }), (V{"o-2"}));
  EXPECT_EQ(ids([](Query& q) { q.responsible_in = {"ru", "xx"}; }), (V{"o-2"}));
  EXPECT_EQ(ids([](Query& q) { q.submitter = "bob"; }), (V{"o-2", "o-3"}));
  EXPECT_EQ(ids([](Query& q) { q.limit = 2; }), (V{"o-1", "o-2"}));
  EXPECT_EQ(ids([](Query& q) { q.after_seq = 2, q.limit = 2; }), (V{"o-3", "o-4"}));
  EXPECT_EQ(ids([](Query& q) { q.after_seq = 4; }), V{});
}

// The time filter also bounds the hour the index is kept by (query_sql.h): the hour bounds must
// not lose a row at either edge of an hour, nor before 1970, where division truncates upwards.
TEST_P(StoreContractTest, TimeFilterKeepsEveryRowAtTheEdgesOfTheHours) {
  const int64_t h = kTimeBucketMs;
  const std::vector<int64_t> times = {-h - 1, -h, -1, 0, h - 1, h, 2 * h - 1, 2 * h};
  for (const int64_t t : times) add(observation(t, "explosion", "z-a"));
  for (const int64_t since : times)
    for (const int64_t until : times) {
      Query q;
      q.since_ms = since, q.until_ms = until;
      std::vector<int64_t> got, want;
      for (const auto& r : store_->query(q)) got.push_back(r.index.time_ms);
      for (const int64_t t : times)
        if (t >= since && t < until) want.push_back(t);
      EXPECT_EQ(got, want) << "since " << since << " until " << until;
    }
}

TEST_P(StoreContractTest, HistoryHoldsCorrectionsAndRetractionsInOrder) {
  add(observation(100, "explosion", "z-a"));
  add(observation(200, "shot", "z-b"));
  add(correction("o-1", 100, "shot", "z-a"));
  add(retraction("o-1"));
  std::vector<std::string> ids;
  for (const auto& r : store_->history("o-1")) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"o-1", "o-3", "o-4"}));
  EXPECT_EQ(store_->history("o-3").size(), 3u);
  EXPECT_EQ(store_->get("o-3")->body["reason"], "wrong event type");
  EXPECT_EQ(store_->get("o-4")->index.zone_id, "");
  EXPECT_TRUE(store_->history("o-9").empty());
  EXPECT_TRUE(store_->verify().ok);
}

TEST_P(StoreContractTest, ABatchIsAllOrNothing) {
  add(observation(1, "shot", "z"));
  NewRecord bad = observation(2, "shot", "z");
  bad.index.zone_id = "elsewhere";  // disagrees with its body: refused
  EXPECT_THROW(store_->append({observation(3, "shot", "z"), bad}, "", ""), std::invalid_argument);
  EXPECT_EQ(store_->head().count, 1);
  const auto r = store_->append({observation(4, "shot", "z"), observation(5, "shot", "z")}, "", "");
  EXPECT_EQ(r.ids, (std::vector<std::string>{"o-2", "o-3"}));
  EXPECT_TRUE(store_->verify().ok);
}

TEST_P(StoreContractTest, IdempotencyReplaysAndConflicts) {
  const auto first = store_->append({observation(1, "shot", "z"), observation(2, "shot", "z")}, "key-1", "h1");
  const auto again = store_->append({observation(1, "shot", "z"), observation(2, "shot", "z")}, "key-1", "h1");
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.ids, first.ids);
  EXPECT_EQ(store_->head().count, 2);
  EXPECT_THROW(store_->append({observation(9, "shot", "z")}, "key-1", "other"), IdempotencyConflict);
  EXPECT_EQ(store_->head().count, 2);
  EXPECT_EQ(store_->append({observation(9, "shot", "z")}, "key-2", "other").ids, std::vector<std::string>{"o-3"});
}

// Many requests in flight share batches; the one that conflicts must not take the others down.
TEST_P(StoreContractTest, AConflictInABatchFailsOnlyItsRequest) {
  add(observation(1, "shot", "z"), "taken", "h");
  std::atomic<int> conflicts{0}, ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        try {
          const bool clash = i % 5 == 0;
          store_->append({observation(i, "shot", "z")}, clash ? "taken" : "", clash ? std::to_string(t) : "");
          ++ok;
        } catch (const IdempotencyConflict&) {
          ++conflicts;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(conflicts, 8 * 4);
  EXPECT_EQ(ok, 8 * 16);
  EXPECT_EQ(store_->head().count, 1 + 8 * 16);
  EXPECT_TRUE(store_->verify().ok);
}

TEST_P(StoreContractTest, ConcurrentAppendsMakeOneLinearChain) {
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) ids[t].push_back(add(observation(t * 1000 + i, "shot", "z")).ids.at(0));
    });
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), size_t{kThreads * kEach});
  const VerifyResult v = store_->verify();
  EXPECT_TRUE(v.ok) << v.bad_id << ": " << v.reason;
  EXPECT_EQ(v.count, kThreads * kEach);
  Query all_kinds;
  all_kinds.kind = "";
  all_kinds.limit = 0;
  EXPECT_EQ(store_->query(all_kinds).size(), size_t{kThreads * kEach});
}

TEST_P(StoreContractTest, TokensAreFoundByHash) {
  EXPECT_FALSE(store_->find_token(sha256_hex("secret")));
  store_->add_token(sha256_hex("secret"), {"alice", "observer", ""});
  store_->add_token(sha256_hex("other"), {"unit-3", "contingent", "ua"});
  const auto t = store_->find_token(sha256_hex("other"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "unit-3");
  EXPECT_EQ(t->role, "contingent");
  EXPECT_EQ(t->contingent, "ua");
  EXPECT_EQ(store_->find_token(sha256_hex("secret"))->role, "observer");
}

TEST_P(StoreContractTest, ReopenedStoreContinuesTheChain) {
  add(observation(1, "shot", "z"));
  store_.reset();
  store_ = open_store(db_);
  EXPECT_EQ(add(observation(2, "shot", "z")).ids.at(0), "o-2");
  EXPECT_EQ(store_->get("o-2")->prev_hash, store_->get("o-1")->hash);
  EXPECT_TRUE(store_->verify().ok);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, StoreContractTest,
    ::testing::Values(Backend{"SQLite", [](const std::filesystem::path& d) { return (d / "chain.db").string(); }},
                      Backend{"PostgreSQL", [](const std::filesystem::path&) { return testing::fresh_pg_database(); }}),
    [](const ::testing::TestParamInfo<Backend>& p) { return p.param.name; });

}  // namespace
}  // namespace truceline::store
