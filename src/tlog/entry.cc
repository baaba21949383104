#include "tlog/entry.h"

#include <stdexcept>

namespace truceline::tlog {
namespace {

constexpr std::string_view kHeader = "truceline/record/v1\n";

bool valid_kind(std::string_view k) {
  if (k.empty() || k.size() > 64) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  return true;
}

// Reads "<key> <value>\n" at `at`; advances past it.
std::optional<std::string_view> field(std::string_view bytes, size_t& at, std::string_view key) {
  if (bytes.compare(at, key.size(), key) != 0 || at + key.size() >= bytes.size() || bytes[at + key.size()] != ' ')
    return std::nullopt;
  const size_t start = at + key.size() + 1;
  const size_t end = bytes.find('\n', start);
  if (end == std::string_view::npos) return std::nullopt;
  at = end + 1;
  return bytes.substr(start, end - start);
}

}  // namespace

Hash commitment(std::string_view salt, std::string_view content) { return sha256({salt, content}); }

std::string encode_entry(const Entry& e) {
  if (!valid_kind(e.kind)) throw std::invalid_argument("record kind '" + e.kind + "' cannot go in a log entry");
  std::string out(kHeader);
  out += "seq " + std::to_string(e.seq) + "\n";
  out += "kind " + e.kind + "\n";
  out += "received_ms " + std::to_string(e.received_ms) + "\n";
  out += "commitment " + hex(e.commitment) + "\n";
  return out;
}

std::optional<Entry> parse_entry(std::string_view bytes) {
  if (bytes.substr(0, kHeader.size()) != kHeader) return std::nullopt;
  size_t at = kHeader.size();
  const auto seq = field(bytes, at, "seq");
  const auto kind = seq ? field(bytes, at, "kind") : std::nullopt;
  const auto received = kind ? field(bytes, at, "received_ms") : std::nullopt;
  const auto commit = received ? field(bytes, at, "commitment") : std::nullopt;
  if (!commit || at != bytes.size()) return std::nullopt;
  Entry e;
  const auto s = parse_decimal(*seq), r = parse_decimal(*received);
  const auto c = unhex(*commit);
  if (!s || !r || !c || c->size() != 32 || !valid_kind(*kind) || hex(*c) != *commit) return std::nullopt;
  e.seq = *s;
  e.kind = std::string(*kind);
  e.received_ms = *r;
  e.commitment = hash_of_bytes(*c);
  return e;
}

}  // namespace truceline::tlog
