#include "tlog/audit.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/durable.h"
#include "io/output.h"
#include "tlog/checkpoint.h"
#include "tlog/entry.h"
#include "tlog/tiles.h"
#include "tlog/tree.h"

namespace truceline::tlog {
namespace {

namespace fs = std::filesystem;

struct Problem : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct State {
  Checkpoint checkpoint;
  Frontier frontier;
};

std::optional<std::string> read_file(const fs::path& p) {
  if (!fs::exists(p)) return std::nullopt;
  return io::read_file(p);
}

// The state file: {"checkpoint": <the note>, "frontier": [base64…]}.
std::optional<State> load_state(const fs::path& dir) {
  const auto text = read_file(dir / "state.json");
  if (!text) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(*text);
    const Note n = parse_note(j.at("checkpoint").get<std::string>());
    State s{parse_checkpoint(n.text), {}};
    std::vector<Hash> hashes;
    for (const auto& h : j.at("frontier")) {
      const auto hash = hash_of_base64(h.get<std::string>());
      if (!hash) throw std::invalid_argument("bad hash");
      hashes.push_back(*hash);
    }
    s.frontier = Frontier::of(s.checkpoint.size, std::move(hashes));
    if (s.frontier.root() != s.checkpoint.root) throw std::invalid_argument("its tree does not match its checkpoint");
    return s;
  } catch (const std::exception& e) {
    throw Problem("the state in " + (dir / "state.json").string() + " is damaged (" + e.what() +
                  "); restore it from a backup, or audit from scratch with an empty --state");
  }
}

void save_state(const fs::path& dir, const std::string& note, const Frontier& f) {
  nlohmann::json hashes = nlohmann::json::array();
  for (const Hash& h : f.hashes()) hashes.push_back(base64(bytes_of(h)));
  io::replace_durably(dir / "state.json", nlohmann::json{{"checkpoint", note}, {"frontier", hashes}}.dump(1) + "\n");
}

std::string fetch(LogClient& c, const std::string& path) {
  auto body = c.get(path);
  if (!body) throw Problem("the log has no " + path);
  return *body;
}

// Checks the signatures; returns the checkpoint and the names of the witnesses that cosigned.
Checkpoint check_signatures(const std::string& note_text_bytes, const AuditOptions& opt) {
  Note n;
  try {
    n = parse_note(note_text_bytes);
  } catch (const NoteError& e) {
    throw Problem(std::string("bad checkpoint: ") + e.what());
  }
  if (!find_valid(opt.log_key, n)) throw Problem("bad signature: the checkpoint carries no valid signature by " + opt.log_key.vkey());
  for (const PublicKey& w : opt.witnesses)
    if (!find_valid(w, n)) throw Problem("missing cosignature: witness " + w.name + " has not cosigned this checkpoint");
  Checkpoint c;
  try {
    c = parse_checkpoint(n.text);
  } catch (const std::invalid_argument& e) {
    throw Problem(std::string("bad checkpoint: ") + e.what());
  }
  if (c.origin != opt.log_key.name) throw Problem("the checkpoint is of log '" + c.origin + "', not '" + opt.log_key.name + "'");
  return c;
}

void check_consistency(LogClient& client, const State& old, const Checkpoint& now) {
  const int64_t m = old.checkpoint.size;
  if (now.size < m)
    throw Problem("shrunk: the log's checkpoint has " + std::to_string(now.size) + " entries; it had " + std::to_string(m) +
                  " at the last audit");
  if (now.size == m) {
    if (now.root != old.checkpoint.root) throw Problem("fork: the log shows another root at size " + std::to_string(m));
    return;
  }
  if (m == 0) return;
  const auto j = nlohmann::json::parse(
      fetch(client, "proof/consistency?first=" + std::to_string(m) + "&second=" + std::to_string(now.size)));
  std::vector<Hash> proof;
  for (const auto& h : j.at("proof")) proof.push_back(hash_of_base64(h.get<std::string>()).value_or(Hash{}));
  if (!verify_consistency(m, now.size, old.checkpoint.root, now.root, proof))
    throw Problem("fork: checkpoint " + std::to_string(now.size) + " is not consistent with checkpoint " + std::to_string(m) +
                  " of the last audit");
}

// Replays entries from the tree's size to `size` into it.
void replay(LogClient& client, Frontier& tree, int64_t size) {
  for (int64_t index = tree.size() / kTileWidth; tree.size() < size; ++index) {
    const int width = static_cast<int>(std::min<int64_t>(kTileWidth, size - index * kTileWidth));
    const auto entries = parse_entry_bundle(fetch(client, tile_path({true, 0, index, width})));
    if (static_cast<int>(entries.size()) != width)
      throw Problem("entry bundle " + std::to_string(index) + " holds " + std::to_string(entries.size()) + " entries, not " +
                    std::to_string(width));
    for (int64_t i = tree.size() - index * kTileWidth; i < width; ++i) {
      const int64_t leaf = index * kTileWidth + i;
      const auto e = parse_entry(entries[i]);
      if (!e || e->seq != leaf + 1) throw Problem("entry " + std::to_string(leaf) + " is not a well-formed record entry");
      tree.append(leaf_hash(entries[i]));
    }
  }
}

// The claim's commitment is the entry's at its index, and that entry is in the tree of `now`.
void check_record(LogClient& client, const Checkpoint& now, const RecordClaim& claim) {
  const std::string who = "record " + claim.id + " (log index " + std::to_string(claim.log_index) + ")";
  if (claim.log_index < 0 || claim.log_index >= now.size) throw Problem(who + " is beyond the checkpoint's " + std::to_string(now.size) + " entries");
  const auto j = nlohmann::json::parse(fetch(client, "proof/inclusion?index=" + std::to_string(claim.log_index) +
                                                         "&tree_size=" + std::to_string(now.size)));
  const std::string entry_bytes = j.at("entry").get<std::string>();
  const auto entry = parse_entry(entry_bytes);
  const auto salt = unhex(claim.salt_hex);
  if (!entry || !salt || entry->commitment != commitment(*salt, claim.content))
    throw Problem(who + " does not match its log entry: its content or salt differs from what the log committed to");
  std::vector<Hash> proof;
  for (const auto& h : j.at("proof")) proof.push_back(hash_of_base64(h.get<std::string>()).value_or(Hash{}));
  if (!verify_inclusion(claim.log_index, now.size, leaf_hash(entry_bytes), proof, now.root))
    throw Problem(who + ": its entry is not included under the checkpoint's root");
}

}  // namespace

AuditResult audit(LogClient& client, const AuditOptions& opt) {
  AuditResult r;
  try {
    const fs::path dir(opt.state_dir);
    fs::create_directories(dir);
    const std::string note = fetch(client, "checkpoint");
    const Checkpoint now = check_signatures(note, opt);
    const auto old = load_state(dir);
    r.size = now.size;
    r.previous_size = old ? old->checkpoint.size : 0;
    if (old) check_consistency(client, *old, now);
    Frontier tree = old ? old->frontier : Frontier();
    replay(client, tree, now.size);
    if (tree.root() != now.root)
      throw Problem("entries " + std::to_string(r.previous_size) + "–" + std::to_string(now.size) +
                    " do not hash to the checkpoint's root: an entry was removed, altered or added");
    for (const RecordClaim& claim : opt.records) check_record(client, now, claim);
    save_state(dir, note, tree);
    r.ok = true;
    r.message = "ok " + now.origin + " size " + std::to_string(now.size) + ": " + std::to_string(now.size - r.previous_size) +
                " new entries included, consistent with size " + std::to_string(r.previous_size) + ", " +
                std::to_string(opt.witnesses.size()) + " witness cosignatures checked" +
                (opt.records.empty() ? "" : ", " + std::to_string(opt.records.size()) + " records found in it");
  } catch (const Problem& e) {
    r.message = e.what();
  } catch (const LogRefusal& e) {
    r.message = std::string("the log refused a file its checkpoint needs: ") + e.what();
  } catch (const nlohmann::json::exception& e) {
    r.message = std::string("the log answered a malformed proof: ") + e.what();
  } catch (const std::invalid_argument& e) {
    r.message = std::string("the log answered a malformed file: ") + e.what();
  }
  return r;
}

}  // namespace truceline::tlog
