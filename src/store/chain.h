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

// The canonical content of a record cut around the two numbers only the writer knows (seq and
// received_ms), so that everything else — above all the body — is serialized once, on the
// caller's thread. The keys of canonical_content sort as body, id, kind, received_ms, seq,
// submitter, target_id, which makes the content
//   head = {"body":<body>,"id":"o-      then seq,
//   mid  = ","kind":<kind>,"received_ms":   then received_ms, then ,"seq": and seq again,
//   tail = ,"submitter":<submitter>,"target_id":<target_id>}
// assemble_content(content_parts(in), seq, ms) == canonical_content(make_record(in, seq, ms, …)).
struct ContentParts {
  std::string head, mid, tail;
};
// Throws what nlohmann's dump throws (invalid UTF-8 in a string).
ContentParts content_parts(const NewRecord& in);
std::string assemble_content(const ContentParts& parts, int64_t seq, int64_t received_ms);

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
