#pragma once
// C2SP tlog-checkpoint: the signed statement of a tree's size and root, as a note body
//   <origin>\n<size in decimal>\n<base64 root>\n[<extension line>\n…]
// The origin names the log (a schema-less URL, the same as its key's name here).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/hash.h"

namespace truceline::tlog {

struct Checkpoint {
  std::string origin;
  int64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;
};

std::string checkpoint_body(const Checkpoint& c);
// Throws std::invalid_argument naming the line that is wrong.
Checkpoint parse_checkpoint(std::string_view body);

}  // namespace truceline::tlog
