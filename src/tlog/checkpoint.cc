#include "tlog/checkpoint.h"

#include <stdexcept>

namespace truceline::tlog {

std::string checkpoint_body(const Checkpoint& c) {
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" + base64(bytes_of(c.root)) + "\n";
  for (const std::string& e : c.extensions) out += e + "\n";
  return out;
}

Checkpoint parse_checkpoint(std::string_view body) {
  std::vector<std::string_view> lines;
  size_t at = 0;
  while (at < body.size()) {
    const size_t nl = body.find('\n', at);
    if (nl == std::string_view::npos) throw std::invalid_argument("checkpoint: the last line has no newline");
    lines.push_back(body.substr(at, nl - at));
    at = nl + 1;
  }
  if (lines.size() < 3) throw std::invalid_argument("checkpoint: needs origin, size and root lines");
  Checkpoint c;
  c.origin = std::string(lines[0]);
  if (c.origin.empty()) throw std::invalid_argument("checkpoint: empty origin line");
  const auto size = parse_decimal(lines[1]);
  if (!size) throw std::invalid_argument("checkpoint: line 2 is not a tree size: '" + std::string(lines[1]) + "'");
  c.size = *size;
  const auto root = hash_of_base64(lines[2]);
  if (!root) throw std::invalid_argument("checkpoint: line 3 is not a base64 SHA-256 hash");
  c.root = *root;
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) throw std::invalid_argument("checkpoint: empty extension line " + std::to_string(i + 1));
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

}  // namespace truceline::tlog
