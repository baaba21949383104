#pragma once
// What a party runs against a log it does not trust (docs/log.md, Auditing): fetch the published
// checkpoint, check the log's signature and each trusted witness's cosignature, prove it consistent
// with the checkpoint saved by the previous run, replay every new entry into the tree kept in the
// state directory and require the checkpoint's root. The first run replays the whole log.
//   - a shrunk tree, or another root at the same size: the log rewrote or forked its history;
//   - a consistency proof that fails: a fork (this party was shown another history before);
//   - entries that do not hash to the root: an entry was removed, altered or inserted.
// The state (the last checkpoint and the tree's right edge) is written only after every check has
// passed, by rename, so a failed or interrupted audit leaves the previous state.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tlog/note.h"

namespace truceline::tlog {

// The log answered, but not with the file (a status other than 200 and 404): an audit verdict,
// since an honest log serves every file its checkpoint needs.
class LogRefusal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The log's files as the client fetches them, by path under the log's prefix ("checkpoint",
// "tile/entries/000", "proof/consistency?first=…&second=…"). nullopt for a 404; throws LogRefusal
// for another answer, std::runtime_error when the server cannot be reached (no verdict).
class LogClient {
 public:
  virtual ~LogClient() = default;
  virtual std::optional<std::string> get(const std::string& path) = 0;
};

// A record someone was handed (GET /v1/observations/{id}: its id, log_index, content and
// content_salt), to be shown in the log: its commitment at its index, included under the root.
struct RecordClaim {
  std::string id;
  int64_t log_index = 0;
  std::string content, salt_hex;
};

struct AuditOptions {
  PublicKey log_key;
  std::vector<PublicKey> witnesses;  // each must have cosigned the checkpoint
  std::string state_dir;
  std::vector<RecordClaim> records;
};

struct AuditResult {
  bool ok = false;
  std::string message;       // the summary line, or what is wrong
  int64_t size = 0;          // the checkpoint's size
  int64_t previous_size = 0; // the size the state held (0 on a first run)
};

AuditResult audit(LogClient& client, const AuditOptions& opt);

}  // namespace truceline::tlog
