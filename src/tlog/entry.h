#pragma once
// The public entry of one record in the log: what every party may see and check, and nothing of
// the record's content but a salted commitment to it (docs/log.md, "Entries"). Its exact bytes:
//
//   truceline/record/v1\n
//   seq <decimal, from 1>\n
//   kind <kind>\n
//   received_ms <decimal Unix milliseconds>\n
//   commitment <64 lowercase hex digits: SHA-256(salt ‖ content)>\n
//
// The salt is 32 random bytes kept with the record, so that a record anyone could guess (a
// retraction, an incident's revision) cannot be confirmed by hashing the guess; whoever is handed
// the record, its content and salt can recompute the commitment and find the entry in the log.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tlog/hash.h"

namespace truceline::tlog {

struct Entry {
  int64_t seq = 0;
  std::string kind;
  int64_t received_ms = 0;
  Hash commitment{};
  bool operator==(const Entry&) const = default;
};

inline constexpr size_t kSaltBytes = 32;
// Entry bundles prefix each entry with a big-endian uint16 length.
inline constexpr size_t kMaxEntryBytes = 65'535;

Hash commitment(std::string_view salt, std::string_view content);
// The entry's bytes; throws std::invalid_argument for a kind that is not 1 to 64 of [a-z_].
std::string encode_entry(const Entry& e);
// The entry in exactly the bytes encode_entry writes; nullopt for anything else.
std::optional<Entry> parse_entry(std::string_view bytes);

}  // namespace truceline::tlog
