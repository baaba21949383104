#include "store/log_rows.h"

#include <stdexcept>

namespace truceline::store {
namespace {

tlog::Entry entry_of(int64_t seq, const std::string& kind, int64_t received_ms, const std::string& content,
                     const std::string& salt_hex) {
  const auto salt = tlog::unhex(salt_hex);
  if (!salt || salt->size() != tlog::kSaltBytes) throw StoreError("record " + std::to_string(seq) + ": bad log salt");
  return {seq, kind, received_ms, tlog::commitment(*salt, content)};
}

}  // namespace

LogRow make_log_row(int64_t seq, const std::string& kind, int64_t received_ms, const std::string& content,
                    tlog::Frontier& frontier, const std::string& salt_hex) {
  LogRow row;
  row.salt_hex = salt_hex.empty() ? tlog::hex(tlog::random_bytes(tlog::kSaltBytes)) : salt_hex;
  row.entry = tlog::encode_entry(entry_of(seq, kind, received_ms, content, row.salt_hex));
  row.hashes_hex.reserve(128);
  for (const tlog::Hash& h : frontier.append(tlog::leaf_hash(row.entry))) row.hashes_hex += tlog::hex(h);
  return row;
}

std::string expected_entry(const Record& r) {
  return tlog::encode_entry(entry_of(r.seq, r.kind, r.received_ms, r.content, r.content_salt));
}

tlog::Hash hash_in_row(const std::string& hashes_hex, int level) {
  const size_t at = 64 * static_cast<size_t>(level);
  if (at + 64 > hashes_hex.size()) throw std::out_of_range("the log row holds no hash at level " + std::to_string(level));
  const auto bytes = tlog::unhex(std::string_view(hashes_hex).substr(at, 64));
  if (!bytes) throw StoreError("a log row's hashes are not hex");
  return tlog::hash_of_bytes(*bytes);
}

std::vector<int64_t> rows_holding(int level, int64_t first, int64_t count) {
  std::vector<int64_t> seqs;
  seqs.reserve(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t i = first; i < first + count; ++i) seqs.push_back(tlog::leaf_holding({level, i}) + 1);
  return seqs;
}

std::string LogVerifier::check(const Record& r, const std::string& entry, const std::string& hashes_hex) {
  if (r.content_salt.empty()) return "the record has no log leaf";
  std::string want;
  try {
    want = expected_entry(r);
  } catch (const std::exception& e) {
    return e.what();
  }
  if (entry != want) return "content does not match its log entry (the commitment or the entry's fields differ)";
  std::string hashes;
  for (const tlog::Hash& h : frontier_.append(tlog::leaf_hash(entry))) hashes += tlog::hex(h);
  if (hashes != hashes_hex) return "the log's tree hashes for this leaf do not match the leaves before it";
  return {};
}

}  // namespace truceline::store

namespace truceline::store {

bool RecordVerifier::fail(const Record& r, const std::string& why) {
  VerifyResult v = chain_.result();
  v.ok = false;
  v.bad_seq = r.seq;
  v.bad_id = r.id;
  v.reason = why;
  failed_ = v;
  return false;
}

bool RecordVerifier::check(const Record& stored, const std::string& entry, const std::string& hashes_hex) {
  if (failed_) return false;
  if (!chain_.check(stored)) {
    failed_ = chain_.result();
    return false;
  }
  if (const std::string why = log_.check(stored, entry, hashes_hex); !why.empty()) return fail(stored, why);
  if (latest_ && latest_->size == log_.frontier().size() &&
      tlog::base64(tlog::bytes_of(log_.frontier().root())) != latest_->root)
    return fail(stored, "the tree of the records up to here has another root than the checkpoint the log signed at size " +
                            std::to_string(latest_->size));
  return true;
}

VerifyResult RecordVerifier::result() const {
  if (failed_) return *failed_;
  VerifyResult v = chain_.result();
  if (latest_ && latest_->size > v.count) {
    v.ok = false;
    v.bad_seq = v.count + 1;
    v.bad_id = id_of_seq(v.bad_seq);
    v.reason = "missing: the log signed a checkpoint of " + std::to_string(latest_->size) + " records, the database holds " +
               std::to_string(v.count);
  }
  return v;
}

}  // namespace truceline::store
