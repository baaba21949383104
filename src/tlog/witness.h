#pragma once
// A C2SP tlog-witness (c2sp.org/tlog-witness) for one log: it cosigns a checkpoint only when it
// extends, by a verified consistency proof, the latest checkpoint it cosigned before. It never
// cosigns a smaller tree, nor a different root at a size it has cosigned, so a log that shows one
// history to some parties and another to others cannot get both cosigned by the same witness.
//
// This is the protocol's logic and its state on disk, without HTTP: `truceline witness serve`
// routes POST /add-checkpoint here. The state directory holds
//   checkpoint     the latest cosigned checkpoint as a signed note: its text, the log's signature
//                  this witness verified and this witness's cosignature (what the spec's monitoring
//                  endpoint serves); replaced atomically (temporary file, fsync, rename, fsync of
//                  the directory) before a cosignature is returned
//   conflicts.log  requests signed by the log that contradict that checkpoint: evidence of a fork,
//                  appended with the time and the reason, never cosigned; a log retrying the same
//                  checkpoint adds one entry, not one per retry
//   lock           held (flock) while a Witness is open on the directory, so that two processes
//                  cannot each check a request against the same state
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/hash.h"
#include "tlog/note.h"

namespace truceline::tlog {

// The state directory cannot be read, holds a checkpoint this witness would not have cosigned,
// or cannot be written.
class WitnessStateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An HTTP response, ready to send.
struct WitnessResponse {
  int status = 500;
  std::string content_type;
  std::string body;
};

// The body of an add-checkpoint request, split but not yet checked against any state.
struct AddCheckpointRequest {
  int64_t old_size = 0;
  std::vector<Hash> proof;
  std::string_view checkpoint;  // the signed note, a view into the request body
};

// Reads "old <size>\n", at most 63 base64 hash lines, an empty line, then the rest as the note.
// Throws std::invalid_argument naming what is malformed.
AddCheckpointRequest parse_add_checkpoint(std::string_view body);

// The most proof lines a request may carry: a proof between trees below 2^63 leaves is shorter.
inline constexpr size_t kMaxProofLines = 63;

// Thread-safety: every member may be called from many threads at once. The check of a request's
// old size against the state and the write of the new state happen under one mutex, so two
// requests can never both pass the check against the same state (the spec's rollback race).
class Witness {
 public:
  // Told about each recorded conflict, and about a conflict that could not be recorded.
  using Warn = std::function<void(const std::string&)>;

  // `key` is the witness's cosignature/v1 (0x04) key; `log` the log's Ed25519 (0x01) verifier key,
  // whose name is the log's origin. Creates `state_dir` when missing and loads its checkpoint.
  // Throws std::invalid_argument for keys of the wrong type, WitnessStateError for a state that
  // cannot be read or whose checkpoint is not signed by `log` (starting afresh instead would let
  // the log fork this witness).
  // Also WitnessStateError when another Witness, in this process or another, holds the directory.
  Witness(PrivateKey key, PublicKey log, std::filesystem::path state_dir, Warn warn = {});
  ~Witness();
  Witness(const Witness&) = delete;
  Witness& operator=(const Witness&) = delete;

  // The spec's add-checkpoint, with statuses exactly as it orders them: 400 malformed request or
  // old size above the checkpoint's; 404 another origin; 403 no valid signature of the log (or
  // one with the log key's name and id that fails); 409 with body "<size>\n" (text/x.tlog.size)
  // when the old size is not the size last cosigned (0 before the first); 422 when a size-0
  // checkpoint lacks the empty tree's root, old size 0 comes with a proof, the roots differ at
  // equal sizes or the proof does not verify; 200 with one cosignature line once the new state is
  // on disk; 500 when it could not be written.
  // REQUIRES: 0 < now_unix_s < 2^63 (a cosignature's timestamp is never zero).
  WitnessResponse add_checkpoint(std::string_view request_body, uint64_t now_unix_s);

  // The size and root of the latest cosigned checkpoint: 0 and the empty tree's root before any.
  int64_t size() const;
  Hash root() const;
  // The latest cosigned checkpoint as a note (log signature, then this witness's cosignature);
  // nullopt before the first.
  std::optional<std::string> checkpoint_note() const;

  const PublicKey& public_key() const { return key_.public_key(); }
  const PublicKey& log_key() const { return log_; }
  std::filesystem::path conflicts_path() const { return dir_ / "conflicts.log"; }

 private:
  struct State {
    int64_t size = 0;
    Hash root = empty_tree_hash();
    std::string note;  // empty before the first cosignature
  };
  struct Verified;  // a request whose checkpoint carries a valid log signature

  State load_state() const;
  WitnessResponse check_and_cosign(const Verified& v, uint64_t now_unix_s);
  void record_conflict(const Verified& v, const std::string& reason, uint64_t now_unix_s);

  PrivateKey key_;
  PublicKey log_;
  std::filesystem::path dir_;
  Warn warn_;
  int lock_fd_ = -1;
  mutable std::mutex mu_;
  State state_;  // guarded by mu_
  std::string last_conflict_;  // guarded by mu_: the reason and checkpoint last recorded
};

}  // namespace truceline::tlog
