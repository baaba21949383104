#include "store/log_rows.h"

#include <stdexcept>

namespace truceline::store {

LogRow make_log_row(int64_t seq, const std::string& kind, int64_t received_ms, const std::string& content,
                    tlog::Frontier& frontier, std::string salt) {
  LogRow row;
  row.commitment = std::string(tlog::bytes_of(tlog::commitment(salt, content)));
  row.salt = std::move(salt);
  const std::vector<tlog::Hash> stored = frontier.append(tlog::leaf_hash(entry_bytes(seq, kind, received_ms, row.commitment)));
  row.hashes.reserve(32 * stored.size());
  for (const tlog::Hash& h : stored) row.hashes += tlog::bytes_of(h);
  return row;
}

std::string salts(size_t n) { return tlog::random_bytes(tlog::kSaltBytes * n); }

std::string entry_bytes(int64_t seq, const std::string& kind, int64_t received_ms, const std::string& commitment) {
  if (commitment.size() != 32) throw StoreError("record " + std::to_string(seq) + ": its log commitment is not 32 bytes");
  return tlog::encode_entry({seq, kind, received_ms, tlog::hash_of_bytes(commitment)});
}

tlog::Hash hash_in_row(const std::string& hashes, int level) {
  const size_t at = 32 * static_cast<size_t>(level);
  if (at + 32 > hashes.size()) throw std::out_of_range("the log row holds no hash at level " + std::to_string(level));
  return tlog::hash_of_bytes(std::string_view(hashes).substr(at, 32));
}

std::vector<int64_t> rows_holding(int level, int64_t first, int64_t count) {
  std::vector<int64_t> seqs;
  seqs.reserve(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t i = first; i < first + count; ++i) seqs.push_back(tlog::leaf_holding({level, i}) + 1);
  return seqs;
}

std::string LogVerifier::check(const Record& r, const std::string& commitment, const std::string& hashes) {
  const auto salt = tlog::unhex(r.content_salt);
  if (!salt || salt->size() != tlog::kSaltBytes) return "the record's log salt is not 32 bytes";
  if (std::string(tlog::bytes_of(tlog::commitment(*salt, r.content))) != commitment)
    return "content does not match its log entry (the commitment SHA-256(salt ‖ content) differs)";
  std::string want;
  try {
    for (const tlog::Hash& h : frontier_.append(tlog::leaf_hash(entry_bytes(r.seq, r.kind, r.received_ms, commitment))))
      want += tlog::bytes_of(h);
  } catch (const std::exception& e) {
    return e.what();
  }
  if (want != hashes) return "the log's tree hashes for this leaf do not match its entry and the leaves before it";
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

bool RecordVerifier::check(const Record& stored, const std::string& commitment, const std::string& hashes) {
  if (failed_) return false;
  if (!chain_.check(stored)) {
    failed_ = chain_.result();
    return false;
  }
  if (stored.content_salt.empty()) {
    tail_ = true;
    return true;
  }
  if (tail_) return fail(stored, "this record has a log leaf but one before it has none: the log has a gap");
  if (const std::string why = log_.check(stored, commitment, hashes); !why.empty()) return fail(stored, why);
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
