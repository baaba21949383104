// The writer's canonical content, spliced together from parts serialized ahead of time, must be
// byte for byte what canonical_content (nlohmann's dump of the whole record) gives.
#include <gtest/gtest.h>

#include <limits>

#include "store/chain.h"
#include "store/store_test_support.h"

namespace truceline::store {
namespace {

using nlohmann::json;

void expect_same_content(const NewRecord& in, int64_t seq, int64_t received_ms) {
  const Record r = make_record(in, seq, received_ms, kGenesisHash);
  const std::string spliced = assemble_content(content_parts(in), seq, received_ms);
  EXPECT_EQ(spliced, canonical_content(r));
  EXPECT_EQ(chain_hash(kGenesisHash, spliced), r.hash);
}

TEST(ContentPartsTest, SplicedContentEqualsTheDumpedRecord) {
  expect_same_content(testing::observation(1000, "explosion", "z-buffer", 47.5, 35.25), 1, 1'760'000'000'000);
  expect_same_content(testing::observation(-5, "shot", "", 1.0 / 3, -179.999999999), 123456789, 0);
  expect_same_content(testing::correction("o-17", 7, "burst", "z"), 18, 1'760'000'000'123);
  expect_same_content(testing::retraction("o-2"), std::numeric_limits<int64_t>::max(),
                      std::numeric_limits<int64_t>::min());
  expect_same_content(NewRecord{}, 1, 1);  // null body, empty strings
}

TEST(ContentPartsTest, StringsNeedingEscapesAreWrittenAsNlohmannWritesThem) {
  NewRecord r = testing::observation(1, "shot", "z");
  r.kind = "obs\"ervation\\";
  r.submitter = std::string("tab\there, nl\n, nul ") + '\0' + ", del \x7f, slash /, Zürich, 😀";
  r.target_id = "\x01\x1f";
  r.body["observation"]["notes"] = "quote \" backslash \\ control \x02 unicode Київ";
  r.body["z"] = json::array({1.5e300, -0.0, 1e-7, 42, json::object(), json::array()});
  expect_same_content(r, 9, 10);
}

TEST(ContentPartsTest, InvalidUtf8IsRefusedLikeTheDump) {
  NewRecord r = testing::observation(1, "shot", "z");
  r.submitter = "bad \xff";
  EXPECT_THROW(canonical_content(make_record(r, 1, 1, kGenesisHash)), json::type_error);
  EXPECT_THROW(content_parts(r), json::type_error);
  r = testing::observation(1, "shot", "z");
  r.body["observation"]["notes"] = "bad \xc3";
  EXPECT_THROW(content_parts(r), json::type_error);
}

}  // namespace
}  // namespace truceline::store
