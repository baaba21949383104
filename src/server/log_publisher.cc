#include "server/log_publisher.h"

#include <httplib.h>


#include "store/log_rows.h"
#include "tlog/checkpoint.h"
#include "tlog/tree.h"

namespace truceline::server {
namespace {

// The advisory lock key of the log's signer ("tlogsign" would not fit; any constant other than
// the incident engine's does).
constexpr int64_t kSignerLock = 7283650042;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The body tlog-witness's add-checkpoint takes: old size, proof lines, a blank line, the note.
std::string add_checkpoint_body(int64_t old_size, const std::vector<tlog::Hash>& proof, const std::string& note) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const tlog::Hash& h : proof) body += tlog::base64(tlog::bytes_of(h)) + "\n";
  return body + "\n" + note;
}

// The 409 body of tlog-witness: a tree size and a newline.
std::optional<int64_t> size_of(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return tlog::parse_decimal(text);
}

}  // namespace

WitnessConfig parse_witness_option(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw std::invalid_argument("--witness takes URL=VKEY, e.g. http://127.0.0.1:7380=name+1234abcd+BA…");
  WitnessConfig w;
  w.url = text.substr(0, eq);
  while (!w.url.empty() && w.url.back() == '/') w.url.pop_back();
  if (w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0)
    throw std::invalid_argument("--witness: '" + w.url + "' is not an http:// or https:// URL");
  try {
    w.key = tlog::PublicKey::parse(text.substr(eq + 1));
  } catch (const tlog::NoteError& e) {
    throw std::invalid_argument(std::string("--witness: ") + e.what());
  }
  if (w.key.type != tlog::KeyType::kCosignatureV1)
    throw std::invalid_argument("--witness: '" + w.key.name + "' is not a witness key (type 0x04); see truceline witness keygen");
  return w;
}

LogPublisher::LogPublisher(store::Store& store, const std::string& db, LogPublisherOptions opt)
    : store_(store), opt_(std::move(opt)), lock_(db, kSignerLock), witnesses_(opt_.witnesses.size()) {
  if (opt_.quorum == 0) opt_.quorum = opt_.witnesses.size();
  if (opt_.quorum > opt_.witnesses.size())
    throw LogKeyError("--witness-quorum " + std::to_string(opt_.quorum) + " exceeds the " +
                      std::to_string(opt_.witnesses.size()) + " witnesses given");
  if (!opt_.key) return;
  const tlog::PublicKey& mine = opt_.key->public_key();
  if (mine.type != tlog::KeyType::kEd25519) throw LogKeyError("--log-key is not a log key (type 0x01); see truceline log keygen");
  const auto latest = store_.latest_checkpoint(false);
  if (!latest || latest->vkey == mine.vkey()) return;
  if (!opt_.rotate_key)
    throw LogKeyError("this database's checkpoints are signed by " + latest->vkey + "; start with that key, or pass "
                      "--rotate-log-key to sign from now on with " + mine.vkey() + " (the change is recorded in the log)");
  store::NewRecord r;
  r.kind = "log_key";
  r.submitter = "truceline";
  r.body = nlohmann::json{{"previous_vkey", latest->vkey}, {"vkey", mine.vkey()}, {"from_size", store_.log_size()}};
  store_.append({r}, "", "");
}

LogPublisher::~LogPublisher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LogPublisher::start() {
  if (opt_.key) thread_ = std::thread([this] { loop(); });
}

void LogPublisher::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      tick();
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> g(mu_);
      last_error_ = e.what();
    }
    lock.lock();
    cv_.wait_for(lock, opt_.interval, [this] { return stopping_; });
  }
}

void LogPublisher::tick() {
  if (!opt_.key) return;
  leading_ = lock_.held();
  if (!leading_) return;
  const tlog::PublicKey& mine = opt_.key->public_key();
  const int64_t size = store_.log_size();
  auto latest = store_.latest_checkpoint(false);
  if (latest && latest->size > size)
    throw std::runtime_error("the log holds " + std::to_string(size) + " entries but signed a checkpoint of " +
                             std::to_string(latest->size) + ": refusing to sign a smaller tree (run verify)");
  std::string note;
  int64_t id = 0;
  if (latest && latest->size == size && latest->vkey == mine.vkey()) {
    if (latest->published) return;
    note = latest->note;  // not yet cosigned by a quorum: ask again
    id = latest->id;
  } else {
    store::StoreHashReader reader(store_);
    const tlog::Hash root = tlog::tree_hash(reader, size);
    const std::string body = tlog::checkpoint_body({mine.name, size, root, {}});
    note = tlog::note_text({body, {tlog::sign_note(*opt_.key, body)}});
    id = store_.add_checkpoint({0, size, tlog::base64(tlog::bytes_of(root)), mine.vkey(), note, false, now_ms()});
  }
  std::string cosigned = note;
  size_t got = 0;
  for (size_t i = 0; i < opt_.witnesses.size(); ++i)
    if (auto line = ask(i, note, size)) cosigned += *line, ++got;
  if (got >= opt_.quorum) store_.publish_checkpoint(id, cosigned);
  std::lock_guard<std::mutex> g(mu_);
  last_error_ = got >= opt_.quorum ? "" : "checkpoint " + std::to_string(size) + " has " + std::to_string(got) + " of " +
                                              std::to_string(opt_.quorum) + " cosignatures needed";
}

std::optional<std::string> LogPublisher::ask(size_t i, const std::string& note, int64_t size) {
  const WitnessConfig& w = opt_.witnesses[i];
  auto fail = [&](const std::string& why) -> std::optional<std::string> {
    std::lock_guard<std::mutex> g(mu_);
    witnesses_[i].error = why;
    return std::nullopt;
  };
  int64_t old_size = 0;
  {
    std::lock_guard<std::mutex> g(mu_);
    old_size = witnesses_[i].size;
  }
  httplib::Client client(w.url);
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(opt_.witness_timeout).count();
  client.set_connection_timeout(secs, 0);
  client.set_read_timeout(secs, 0);
  store::StoreHashReader reader(store_);
  // Two tries: the first may learn from a 409 the size the witness really holds.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (old_size > size) return fail("the witness holds a larger tree (" + std::to_string(old_size) + ") than the log (" +
                                     std::to_string(size) + ")");
    const auto proof = tlog::consistency_proof(reader, old_size, size);
    const auto res = client.Post("/add-checkpoint", add_checkpoint_body(old_size, proof, note), "text/plain");
    if (!res) return fail("unreachable: " + httplib::to_string(res.error()));
    if (res->status == 409) {
      const auto held = size_of(res->body);
      if (!held) return fail("409 without a tree size");
      old_size = *held;
      continue;
    }
    if (res->status != 200) return fail("refused with " + std::to_string(res->status) + ": " + res->body.substr(0, 200));
    try {
      const tlog::Note n = tlog::parse_note(note + res->body);
      const auto sig = tlog::find_valid(w.key, n);
      if (!sig) return fail("answered without a valid cosignature from " + w.key.name);
      std::lock_guard<std::mutex> g(mu_);
      witnesses_[i] = {size, ""};
      return tlog::signature_line(*sig);
    } catch (const tlog::NoteError& e) {
      return fail(std::string("answered a malformed cosignature: ") + e.what());
    }
  }
  return fail("the witness's tree size kept changing");
}

nlohmann::json LogPublisher::health() const {
  nlohmann::json out{{"size", store_.log_size()}, {"records", store_.head().count}, {"signing", opt_.key.has_value()}, {"leader", leading_.load()}};
  if (const auto signed_cp = store_.latest_checkpoint(false)) out["checkpoint_size"] = signed_cp->size;
  if (const auto published = store_.latest_checkpoint(true)) out["published_size"] = published->size;
  std::lock_guard<std::mutex> g(mu_);
  nlohmann::json ws = nlohmann::json::array();
  for (size_t i = 0; i < opt_.witnesses.size(); ++i)
    ws.push_back({{"name", opt_.witnesses[i].key.name}, {"url", opt_.witnesses[i].url}, {"size", witnesses_[i].size},
                  {"ok", witnesses_[i].error.empty()}, {"error", witnesses_[i].error}});
  out["witnesses"] = ws;
  out["quorum"] = opt_.quorum;
  if (!last_error_.empty()) out["error"] = last_error_;
  return out;
}

}  // namespace truceline::server
