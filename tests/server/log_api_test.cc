// The log's HTTP endpoints, checkpoints signed by the LogPublisher, and signed (DSSE) reports,
// through the API in-process.
#include <gtest/gtest.h>

#include "server/api_fixture.h"
#include "server/log_publisher.h"
#include "store/log_rows.h"
#include "tlog/checkpoint.h"
#include "tlog/dsse.h"
#include "tlog/entry.h"
#include "tlog/note.h"
#include "tlog/tiles.h"

namespace truceline::server {
namespace {

using nlohmann::json;
using testing_api::ApiTest;
using testing_api::obs_at;

class LogApiTest : public ApiTest {
 protected:
  void post_many(int n) {
    json batch = json::array();
    for (int i = 0; i < n; ++i) batch.push_back(obs_at(47.8 + 0.001 * i, 35.2, "r" + std::to_string(i)));
    ASSERT_EQ(call("POST", "/v1/observations", "obs-a", batch.dump())->status, 201);
    store_->integrate_log();
  }
  std::vector<tlog::Hash> hashes(const json& list) {
    std::vector<tlog::Hash> out;
    for (const auto& h : list) out.push_back(*tlog::hash_of_base64(h.get<std::string>()));
    return out;
  }
};

TEST_F(LogApiTest, TilesBundlesAndProofsAreTheTreeOfTheRecord) {
  post_many(300);
  const int64_t size = store_->log_size();  // the observations and nothing else
  ASSERT_EQ(size, 300);
  store::StoreHashReader reader(*store_);
  const tlog::Hash root = tlog::tree_hash(reader, size);

  auto full = call("GET", "/log/tile/0/000", "");
  ASSERT_EQ(full->status, 200);
  EXPECT_EQ(full->body.size(), 8192u);
  EXPECT_EQ(full->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(call("GET", "/log/tile/0/001.p/44", "")->body.size(), 44u * 32);
  EXPECT_EQ(call("GET", "/log/tile/0/001.p/45", "")->status, 404);
  EXPECT_EQ(call("GET", "/log/tile/0/001", "")->status, 404);
  EXPECT_EQ(call("GET", "/log/tile/0/1", "")->status, 404);
  EXPECT_EQ(call("GET", "/log/tile/1/000.p/1", "")->body, std::string(tlog::bytes_of(tlog::subtree_hash(reader, 0, 256))));

  const auto entries = tlog::parse_entry_bundle(call("GET", "/log/tile/entries/000", "")->body);
  ASSERT_EQ(entries.size(), 256u);
  EXPECT_EQ(full->body.substr(32 * 9, 32), tlog::bytes_of(tlog::leaf_hash(entries[9])));

  // A record handed to anyone carries what finds it in the log.
  const json rec = body(call("GET", "/v1/observations/o-10", "analyst"));
  EXPECT_EQ(rec["log_index"], 9);
  const auto entry = tlog::parse_entry(entries[9]);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->commitment, tlog::commitment(*tlog::unhex(rec["content_salt"].get<std::string>()), rec["content"].get<std::string>()));

  const json inc = body(call("GET", "/log/proof/inclusion?index=9&tree_size=300", ""));
  EXPECT_TRUE(tlog::verify_inclusion(9, 300, tlog::leaf_hash(entries[9]), hashes(inc["proof"]), root));
  const json con = body(call("GET", "/log/proof/consistency?first=100&second=300", ""));
  EXPECT_TRUE(tlog::verify_consistency(100, 300, tlog::tree_hash(reader, 100), root, hashes(con["proof"])));
  EXPECT_EQ(call("GET", "/log/proof/inclusion?index=9&tree_size=301", "")->status, 400);
  EXPECT_EQ(call("GET", "/log/proof/consistency?first=30&second=20", "")->status, 400);
  EXPECT_EQ(call("GET", "/log/proof/inclusion?index=x&tree_size=3", "")->status, 400);
  // Nothing is signed without a key.
  EXPECT_EQ(call("GET", "/log/checkpoint", "")->status, 404);
}

TEST_F(LogApiTest, PublisherSignsCheckpointsAndRefusesAnotherKeyUnlessRotating) {
  const tlog::PrivateKey key = tlog::PrivateKey::generate("truceline.test/log", tlog::KeyType::kEd25519);
  {
    LogPublisherOptions o;
    o.key = key;
    LogPublisher p(*store_, "unused.sqlite", o);
    post_many(20);
    p.tick();
    const auto cp = call("GET", "/log/checkpoint", "");
    ASSERT_EQ(cp->status, 200);
    const tlog::Note n = tlog::parse_note(cp->body);
    EXPECT_TRUE(tlog::find_valid(key.public_key(), n));
    const tlog::Checkpoint c = tlog::parse_checkpoint(n.text);
    EXPECT_EQ(c.size, 20);
    store::StoreHashReader reader(*store_);
    EXPECT_EQ(c.root, tlog::tree_hash(reader, 20));
    p.tick();  // nothing grew: nothing new signed
    EXPECT_EQ(store_->latest_checkpoint(false)->size, 20);
  }
  LogPublisherOptions other;
  other.key = tlog::PrivateKey::generate("truceline.test/log", tlog::KeyType::kEd25519);
  EXPECT_THROW(LogPublisher(*store_, "unused.sqlite", other), LogKeyError);
  other.rotate_key = true;
  const int64_t before = store_->head().count;
  LogPublisher rotated(*store_, "unused.sqlite", other);
  store_->integrate_log();
  const auto rec = store_->get(store::id_of_seq(before + 1));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->kind, "log_key");
  EXPECT_EQ(rec->body["previous_vkey"], key.public_key().vkey());
  rotated.tick();
  EXPECT_EQ(store_->latest_checkpoint(true)->vkey, other.key->public_key().vkey());
}

// A DSSE envelope of one observation, signed with `k` (as a device would).
json envelope_of(const json& obs, const tlog::PrivateKey& k, const std::string& type = tlog::kObservationPayloadType) {
  const std::string payload = obs.dump();
  return json{{"payloadType", type},
              {"payload", tlog::base64(payload)},
              {"signatures", {{{"keyid", tlog::device_key(k.public_key().key).keyid}, {"sig", tlog::base64(k.sign(tlog::pae(type, payload)))}}}}};
}

TEST_F(LogApiTest, AKeyedTokenMustSignAndTheEnvelopeIsKeptInTheRecord) {
  const tlog::PrivateKey device = tlog::PrivateKey::generate("phone", tlog::KeyType::kEd25519);
  auto r = call("POST", "/v1/keys", "obs-a", json{{"public_key", tlog::base64(device.public_key().key)}, {"device", "phone 1"}}.dump());
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(body(r)["keyid"], tlog::device_key(device.public_key().key).keyid);
  const int64_t before = store_->head().count;
  // A device that lost the 201 registers the same key again: same keyid, no second record.
  r = call("POST", "/v1/keys", "obs-a", json{{"public_key", tlog::base64(device.public_key().key)}, {"device", "phone 1"}}.dump());
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(body(r)["keyid"], tlog::device_key(device.public_key().key).keyid);
  EXPECT_EQ(store_->head().count, before);

  r = call("POST", "/v1/observations", "obs-a", obs_at(47.8, 35.2).dump());
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(error_code(r), "signature_required");
  json forged = envelope_of(obs_at(47.8, 35.2), device);
  forged["payload"] = tlog::base64(obs_at(47.9, 35.2).dump());  // the words changed after signing
  r = call("POST", "/v1/observations", "obs-a", forged.dump());
  EXPECT_EQ(error_code(r), "bad_signature");
  r = call("POST", "/v1/observations", "obs-a", envelope_of(obs_at(47.8, 35.2), device, "text/plain").dump());
  EXPECT_EQ(error_code(r), "bad_envelope");
  const tlog::PrivateKey stranger = tlog::PrivateKey::generate("other", tlog::KeyType::kEd25519);
  EXPECT_EQ(error_code(call("POST", "/v1/observations", "obs-a", envelope_of(obs_at(47.8, 35.2), stranger).dump())), "bad_signature");
  // A token without a key cannot pass off a signed report.
  EXPECT_EQ(error_code(call("POST", "/v1/observations", "obs-b", envelope_of(obs_at(47.8, 35.2), device).dump())), "no_key");
  EXPECT_EQ(store_->head().count, before);  // nothing refused was stored

  const json signed_env = envelope_of(obs_at(47.8, 35.2, "signed-1"), device);
  r = call("POST", "/v1/observations", "obs-a", json::array({signed_env, envelope_of(obs_at(47.81, 35.2), device)}).dump());
  ASSERT_EQ(r->status, 201) << r->body;
  const json rec = body(call("GET", "/v1/observations/" + body(r)["ids"][0].get<std::string>(), "analyst"));
  EXPECT_EQ(rec["observation"]["source_ref"], "signed-1");
  // The stored envelope still verifies: the observer's own words, unaltered.
  const tlog::Envelope kept = tlog::parse_envelope(rec["signed"]["envelope"]);
  EXPECT_TRUE(tlog::verify_envelope(kept, {tlog::device_key(device.public_key().key)}));
  EXPECT_EQ(json::parse(kept.payload), obs_at(47.8, 35.2, "signed-1"));
  EXPECT_TRUE(store_->verify().ok);
}

}  // namespace
}  // namespace truceline::server
