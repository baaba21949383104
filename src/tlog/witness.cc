#include "tlog/witness.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>

#include "io/durable.h"
#include "tlog/checkpoint.h"
#include "tlog/tree.h"

namespace truceline::tlog {

namespace fs = std::filesystem;

// A request whose checkpoint names this witness's log and carries the log's valid signature: the
// only kind worth checking against the state, and the only kind recorded as a conflict.
struct Witness::Verified {
  std::string_view body;  // as received, for conflicts.log
  AddCheckpointRequest request;
  Note note;
  Checkpoint checkpoint;
  NoteSignature log_signature;
};

namespace {

constexpr const char* kStateFile = "checkpoint";
constexpr const char* kTextPlain = "text/plain; charset=utf-8";
// The spec's media type for the 409 body.
constexpr const char* kTlogSize = "text/x.tlog.size";

WitnessResponse reply(int status, const std::string& message) { return {status, kTextPlain, message + "\n"}; }

[[noreturn]] void throw_errno(const std::string& what) {
  throw WitnessStateError(what + ": " + std::generic_category().message(errno));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw WitnessStateError("cannot read " + path.string());
  return text.str();
}

// The line of `text` that starts at `at`, without its newline, moving `at` past it; nullopt when
// no newline ends it (the spec ends every line in one).
std::optional<std::string_view> next_line(std::string_view text, size_t& at) {
  const size_t nl = text.find('\n', at);
  if (nl == std::string_view::npos) return std::nullopt;
  const std::string_view line = text.substr(at, nl - at);
  at = nl + 1;
  return line;
}

// A tree size as the spec spells it: ASCII digits, no leading zero unless the size is 0.

enum class LogSignature { kValid, kAbsent, kInvalid };

// Signatures by other keys are ignored, as the spec requires; one that claims the log key's name
// and id but does not verify makes the note malformed, even beside a valid one.
LogSignature check_log_signature(const PublicKey& log, const Note& n, NoteSignature& found) {
  bool valid = false;
  for (const NoteSignature& s : n.signatures) {
    if (s.name != log.name || s.key_id != log.id) continue;
    if (!verify_note_signature(log, n.text, s)) return LogSignature::kInvalid;
    if (!valid) found = s;
    valid = true;
  }
  return valid ? LogSignature::kValid : LogSignature::kAbsent;
}

// Why a request whose old size is the cosigned size may not be cosigned, and whether its signed
// checkpoint contradicts the cosigned one (evidence of a fork) or the request is merely malformed.
struct Refusal {
  std::string reason;
  bool evidence = false;
};

std::optional<Refusal> consistency_refusal(int64_t old_size, const Hash& old_root, const Checkpoint& c,
                                           const std::vector<Hash>& proof) {
  if (c.size == 0 && c.root != empty_tree_hash())
    return Refusal{"a checkpoint of size 0 must have the empty tree's root", true};
  if (old_size == 0 && !proof.empty()) return Refusal{"old size 0 takes no consistency proof", false};
  if (old_size == c.size) {
    if (c.root != old_root)
      return Refusal{"a different root at the cosigned size " + std::to_string(c.size), true};
    if (!proof.empty()) return Refusal{"a checkpoint of the cosigned size takes no consistency proof", false};
    return std::nullopt;
  }
  if (!verify_consistency(old_size, c.size, old_root, c.root, proof))
    return Refusal{"the consistency proof from size " + std::to_string(old_size) + " to " + std::to_string(c.size) +
                       " does not verify",
                   true};
  return std::nullopt;
}

std::string utc_time(uint64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  char out[32] = "?";
  if (::gmtime_r(&t, &tm)) std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

// Each line of `text` behind `prefix`, so that entries stay apart although notes hold empty lines.
std::string quoted(std::string_view text, const std::string& prefix) {
  std::string out;
  size_t at = 0;
  while (const auto line = next_line(text, at)) out += prefix + (line->empty() ? "" : " ") + std::string(*line) + "\n";
  if (at < text.size()) out += prefix + " " + std::string(text.substr(at)) + "\n";
  return out;
}

}  // namespace

AddCheckpointRequest parse_add_checkpoint(std::string_view body) {
  size_t at = 0;
  const auto first = next_line(body, at);
  if (!first || first->substr(0, 4) != "old ") throw std::invalid_argument("the first line must be 'old <size>'");
  const auto old = parse_decimal(first->substr(4));
  if (!old) throw std::invalid_argument("the old size must be a decimal number without leading zeros");
  AddCheckpointRequest r;
  r.old_size = *old;
  for (;;) {
    const auto line = next_line(body, at);
    if (!line) throw std::invalid_argument("no empty line ends the consistency proof");
    if (line->empty()) break;
    if (r.proof.size() == kMaxProofLines) throw std::invalid_argument("more than 63 consistency proof lines");
    const auto h = hash_of_base64(*line);
    if (!h) throw std::invalid_argument("proof line " + std::to_string(r.proof.size() + 1) + " is not a base64 SHA-256 hash");
    r.proof.push_back(*h);
  }
  r.checkpoint = body.substr(at);
  if (r.checkpoint.empty()) throw std::invalid_argument("no checkpoint follows the empty line");
  return r;
}

Witness::Witness(PrivateKey key, PublicKey log, fs::path state_dir, Warn warn)
    : key_(std::move(key)), log_(std::move(log)), dir_(std::move(state_dir)), warn_(std::move(warn)) {
  if (key_.public_key().type != KeyType::kCosignatureV1)
    throw std::invalid_argument("a witness cosigns with a cosignature/v1 (0x04) key");
  if (log_.type != KeyType::kEd25519) throw std::invalid_argument("the log's verifier key must be an Ed25519 (0x01) key");
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw WitnessStateError("cannot create the state directory " + dir_.string() + ": " + ec.message());
  const fs::path lock = dir_ / "lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw_errno("open " + lock.string());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    throw WitnessStateError(dir_.string() + " is in use by another witness");
  }
  try {
    state_ = load_state();
  } catch (...) {
    ::close(lock_fd_);
    throw;
  }
}

Witness::~Witness() { ::close(lock_fd_); }

Witness::State Witness::load_state() const {
  const fs::path path = dir_ / kStateFile;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) throw WitnessStateError("cannot read " + path.string() + ": " + ec.message());
    return {};
  }
  State s;
  s.note = read_file(path);
  Note n;
  Checkpoint c;
  try {
    n = parse_note(s.note);
    c = parse_checkpoint(n.text);
  } catch (const std::exception& e) {
    throw WitnessStateError(path.string() + ": " + e.what());
  }
  if (c.origin != log_.name)
    throw WitnessStateError(path.string() + ": a checkpoint of '" + c.origin + "', not of '" + log_.name + "'");
  NoteSignature unused;
  if (check_log_signature(log_, n, unused) != LogSignature::kValid)
    throw WitnessStateError(path.string() + ": not validly signed by the log key " + log_.vkey());
  s.size = c.size;
  s.root = c.root;
  return s;
}

WitnessResponse Witness::add_checkpoint(std::string_view request_body, uint64_t now_unix_s) {
  if (now_unix_s == 0 || now_unix_s > static_cast<uint64_t>(INT64_MAX))
    throw std::invalid_argument("a cosignature's timestamp must be between 1 and 2^63-1");
  Verified v;
  v.body = request_body;
  try {
    v.request = parse_add_checkpoint(request_body);
    v.note = parse_note(v.request.checkpoint);
    v.checkpoint = parse_checkpoint(v.note.text);
  } catch (const std::exception& e) {  // std::invalid_argument or NoteError: the request is malformed
    return reply(400, e.what());
  }
  if (v.checkpoint.origin != log_.name) return reply(404, "unknown origin '" + v.checkpoint.origin + "'");
  switch (check_log_signature(log_, v.note, v.log_signature)) {
    case LogSignature::kAbsent:
      return reply(403, "no signature by the log key " + log_.vkey());
    case LogSignature::kInvalid:
      return reply(403, "the signature with the log key's name and id does not verify");
    case LogSignature::kValid:
      break;
  }
  if (v.request.old_size > v.checkpoint.size)
    return reply(400, "old size " + std::to_string(v.request.old_size) + " is above the checkpoint's size " +
                          std::to_string(v.checkpoint.size));
  return check_and_cosign(v, now_unix_s);
}

WitnessResponse Witness::check_and_cosign(const Verified& v, uint64_t now_unix_s) {
  const Checkpoint& c = v.checkpoint;
  const std::lock_guard lock(mu_);
  if (v.request.old_size != state_.size) {
    // The spec answers 409 before looking at roots, but a signed checkpoint of the cosigned size
    // with another root is a fork whatever old size came with it.
    if (c.size == state_.size && c.root != state_.root)
      record_conflict(v, "a different root at the cosigned size " + std::to_string(c.size), now_unix_s);
    return {409, kTlogSize, std::to_string(state_.size) + "\n"};
  }
  if (const auto refusal = consistency_refusal(state_.size, state_.root, c, v.request.proof)) {
    if (refusal->evidence) record_conflict(v, refusal->reason, now_unix_s);
    return reply(422, refusal->reason);
  }
  const NoteSignature cosignature = cosign(key_, v.note.text, now_unix_s);
  State next{c.size, c.root, note_text(Note{v.note.text, {v.log_signature, cosignature}})};
  try {
    io::replace_durably(dir_ / kStateFile, next.note);
  } catch (const std::exception& e) {
    // Without the state on disk a restart could cosign a fork of this checkpoint: no cosignature.
    if (warn_) warn_("witness state not saved, checkpoint not cosigned: " + std::string(e.what()));
    return reply(500, "the witness could not save its state");
  }
  state_ = std::move(next);
  return {200, kTextPlain, signature_line(cosignature)};
}

// REQUIRES: mu_ held (reads the cosigned note).
void Witness::record_conflict(const Verified& v, const std::string& reason, uint64_t now_unix_s) {
  // A log that keeps retrying the checkpoint would otherwise add an entry per attempt.
  std::string key = reason + "\n" + v.note.text;
  if (key == last_conflict_) return;
  std::string entry = "conflict " + std::to_string(now_unix_s) + " " + utc_time(now_unix_s) + ": " + reason + "\n";
  entry += state_.note.empty() ? "cosigned> (nothing yet)\n" : quoted(state_.note, "cosigned>");
  entry += quoted(v.body, "request>");
  entry += "\n";
  try {
    io::append_durably(conflicts_path(), entry);
    last_conflict_ = std::move(key);
    if (warn_) warn_("conflict recorded in " + conflicts_path().string() + ": " + reason);
  } catch (const std::exception& e) {
    // The refusal stands either way; only the evidence is lost, which the operator must hear of.
    if (warn_) warn_("conflict (" + reason + ") not recorded: " + e.what());
  }
}

int64_t Witness::size() const {
  const std::lock_guard lock(mu_);
  return state_.size;
}

Hash Witness::root() const {
  const std::lock_guard lock(mu_);
  return state_.root;
}

std::optional<std::string> Witness::checkpoint_note() const {
  const std::lock_guard lock(mu_);
  if (state_.note.empty()) return std::nullopt;
  return state_.note;
}

}  // namespace truceline::tlog
