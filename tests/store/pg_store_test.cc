// PostgreSQL-only behaviour: tampering is caught, several processes' stores share one linear
// chain, and connection errors name the database without its password.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <thread>

#include "store/pg_conn.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace truceline::store {
namespace {

void tamper(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
  EXPECT_STREQ(PQcmdTuples(r), "1");
  PQclear(r);
  PQfinish(c);
}

TEST(PgCopyField, EscapesBackslashTabNewlineAndReturnWhereverTheyStand) {
  const auto field = [](const char* v) {
    std::string out = "|";
    pg::append_copy_field(out, v);
    return out;
  };
  EXPECT_EQ(field(nullptr), "|\\N");
  EXPECT_EQ(field(""), "|");
  EXPECT_EQ(field("plain {\"a\": 1}"), "|plain {\"a\": 1}");
  EXPECT_EQ(field("\tstart"), "|\\tstart");
  EXPECT_EQ(field("end\n"), "|end\\n");
  EXPECT_EQ(field("a\\\\b"), "|a\\\\\\\\b");
  EXPECT_EQ(field("\r\n\t\\"), "|\\r\\n\\t\\\\");
  EXPECT_EQ(field("\\N"), "|\\\\N");
  EXPECT_EQ(field("Київ\tok"), "|Київ\\tok");
}

TEST(PgStoreTest, VerifyCatchesOneChangedByteOfContentAndAZoneColumn) {
  const std::string uri = testing::fresh_pg_database();
  auto s = open_store(uri);
  for (int i = 0; i < 6; ++i) s->append({testing::observation(i, "explosion", "z-a", 47.0, 35.0 + i)}, "", "");
  ASSERT_TRUE(s->verify().ok);
  tamper(uri, "UPDATE records SET zone_id = 'z-b' WHERE seq = 5");
  EXPECT_EQ(s->verify().bad_id, "o-5");
  tamper(uri, "UPDATE records SET content = replace(content, '\"explosion\"', '\"explosioN\"') WHERE seq = 2");
  const VerifyResult v = s->verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 2);
  EXPECT_EQ(v.bad_id, "o-2");
  EXPECT_NE(v.reason.find("hash"), std::string::npos) << v.reason;
}

TEST(PgStoreTest, PositionsKeepEveryBit) {
  auto s = open_store(testing::fresh_pg_database());
  const double lat = 47.123456789012345, lon = 1.0 / 3;
  s->append({testing::observation(1, "shot", "z", lat, lon)}, "", "");
  const auto r = s->get("o-1");
  EXPECT_EQ(r->index.lat, lat);
  EXPECT_EQ(r->index.lon, lon);
  EXPECT_TRUE(s->verify().ok);
}

// Two stores on one database stand for two `truceline serve` processes: the advisory lock keeps
// their appends in one line.
TEST(PgStoreTest, TwoStoresAppendingTogetherMakeOneLinearChain) {
  const std::string uri = testing::fresh_pg_database();
  auto a = open_store(uri);
  auto b = open_store(uri);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      Store& s = t % 2 ? *a : *b;
      for (int i = 0; i < 100; ++i)
        s.append({testing::observation(i, "shot", "z"), testing::observation(i, "burst", "z")}, "", "");
    });
  for (auto& th : threads) th.join();
  const VerifyResult v = a->verify();
  EXPECT_TRUE(v.ok) << v.bad_id << ": " << v.reason;
  EXPECT_EQ(v.count, 8 * 100 * 2);
  EXPECT_EQ(b->head().hash, v.head);
}

TEST(PgStoreTest, ConnectionErrorsNameTheDatabaseButNotThePassword) {
  try {
    open_store("postgresql://someone:hunter2@127.0.0.1:1/nowhere");
    FAIL() << "connected to port 1";
  } catch (const StoreError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("127.0.0.1:1/nowhere"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace truceline::store
