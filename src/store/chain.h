#pragma once
// The parts of the audit chain both backends share: turning a NewRecord into a hashed Record,
// reading the index a body implies, and checking a stored chain record by record.
#include <optional>
#include <string>

#include "store/store.h"

namespace truceline::store {

// The hash before the first record.
inline const std::string kGenesisHash(64, '0');

// The record at position `seq` after `prev_hash`: id, content and hash filled in.
Record make_record(const NewRecord& in, int64_t seq, int64_t received_ms, const std::string& prev_hash);

// Where the stored index disagrees with the body ("" when it agrees). The body says
// observation.time_ms, observation.event and placement.{zone_id, zone_kind, responsible, lat, lon};
// a field the body does not hold must be empty in the index (retractions hold none), except
// time_ms, which is compared only when the body states it as an integer.
std::string index_mismatch(const Index& index, const nlohmann::json& body);

// The body inside stored content; throws std::invalid_argument when content is not a JSON object
// with a body.
nlohmann::json body_of_content(const std::string& content);

// Checks records fed in seq order; stops at the first broken one.
class ChainVerifier {
 public:
  // False once a record is broken; result() then names it.
  bool check(const Record& stored);
  VerifyResult result() const { return result_; }

 private:
  std::string problem(const Record& stored) const;
  VerifyResult result_{true, 0, kGenesisHash, 0, {}, {}};
};

}  // namespace truceline::store
