// Canonical content, SHA-256 and the record-by-record chain check, without a database.
#include "store/chain.h"

#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace truceline::store {
namespace {

TEST(ChainTest, Sha256MatchesTheStandardVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ChainTest, CanonicalContentHasSortedKeysAndNoSpaces) {
  Record r;
  r.seq = 3;
  r.id = "o-3";
  r.kind = "observation";
  r.submitter = "alice";
  r.received_ms = 17;
  r.body = {{"z", 1}, {"a", 0.1}};
  EXPECT_EQ(canonical_content(r),
            R"({"body":{"a":0.1,"z":1},"id":"o-3","kind":"observation","received_ms":17,"seq":3,"submitter":"alice","target_id":""})");
  EXPECT_EQ(chain_hash(kGenesisHash, "x"), sha256_hex(kGenesisHash + "\nx"));
}

TEST(ChainTest, ContentSurvivesAParseAndDumpUnchanged) {
  const Record r = make_record(testing::observation(1, "shot", "z", 47.123456789012345, 1.0 / 3), 1, 5, kGenesisHash);
  Record read = r;
  read.body = body_of_content(r.content);
  EXPECT_EQ(canonical_content(read), r.content);
}

TEST(ChainTest, IndexMustAgreeWithTheBody) {
  NewRecord r = testing::observation(10, "shot", "z-1", 47.0, 35.0, "obs", "ua");
  EXPECT_EQ(index_mismatch(r.index, r.body), "");
  r.index.responsible = "ru";
  EXPECT_NE(index_mismatch(r.index, r.body).find("responsible"), std::string::npos);
  r = testing::observation(10, "shot", "z-1", 47.0, 35.0);
  r.index.lat.reset();
  EXPECT_NE(index_mismatch(r.index, r.body).find("lat"), std::string::npos);
  r = testing::observation(10, "shot", "z-1");
  r.index.time_ms = 11;
  EXPECT_NE(index_mismatch(r.index, r.body).find("time_ms"), std::string::npos);
  EXPECT_EQ(index_mismatch({}, testing::retraction("o-1").body), "");
}

std::vector<Record> chain_of(int n) {
  std::vector<Record> out;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    out.push_back(make_record(testing::observation(i, "shot", "z"), i, 100, prev));
    prev = out.back().hash;
  }
  return out;
}

VerifyResult verify_all(const std::vector<Record>& records) {
  ChainVerifier v;
  for (const auto& r : records)
    if (!v.check(r)) break;
  return v.result();
}

TEST(ChainTest, VerifierAcceptsAGoodChainAndNamesTheFirstBrokenRecord) {
  auto records = chain_of(4);
  EXPECT_TRUE(verify_all(records).ok);
  EXPECT_EQ(verify_all(records).head, records.back().hash);

  auto edited = records;
  edited[2].content[edited[2].content.find("\"shot\"") + 1] = 'S';
  VerifyResult v = verify_all(edited);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.bad_seq, 3);
  EXPECT_EQ(v.bad_id, "o-3");
  EXPECT_EQ(v.count, 2);
  EXPECT_NE(v.reason.find("hash"), std::string::npos);

  auto gap = records;
  gap.erase(gap.begin() + 1);
  EXPECT_EQ(verify_all(gap).bad_seq, 3);

  auto column = records;
  column[1].submitter = "mallory";
  EXPECT_NE(verify_all(column).reason.find("columns"), std::string::npos);

  auto index = records;
  index[3].index.zone_id = "elsewhere";
  EXPECT_EQ(verify_all(index).bad_id, "o-4");
}

}  // namespace
}  // namespace truceline::store
