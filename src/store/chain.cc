// Canonical content and SHA-256 chain hashes (OpenSSL EVP), and the record-by-record check that
// verify() runs on both backends.
#include "store/chain.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <stdexcept>

#include "io/json_text.h"

namespace truceline::store {

using nlohmann::json;

std::string canonical_content(const Record& r) {
  // nlohmann objects keep keys sorted and dump numbers in their shortest exact form, so parsing
  // the content and dumping it again gives the same text: verify() relies on that.
  const json j{{"seq", r.seq},         {"id", r.id},         {"kind", r.kind},
               {"target_id", r.target_id}, {"submitter", r.submitter}, {"received_ms", r.received_ms},
               {"body", r.body}};
  return j.dump();
}

namespace {

std::string hex_of(const unsigned char* md, unsigned int len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

struct FreeCtx {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

std::string sha256_hex(const std::string& data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  return hex_of(md.data(), len);
}

std::string chain_hash(const std::string& prev_hash, const std::string& content) {
  // SHA-256 of prev_hash + "\n" + content, fed in pieces rather than concatenated.
  thread_local std::unique_ptr<EVP_MD_CTX, FreeCtx> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), prev_hash.data(), prev_hash.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), "\n", 1) != 1 || EVP_DigestUpdate(ctx.get(), content.data(), content.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1)
    throw std::runtime_error("SHA-256 failed in OpenSSL");
  return hex_of(md.data(), len);
}

ContentParts content_parts(const NewRecord& in) {
  ContentParts p;
  p.head = "{\"body\":";
  p.head += in.body_text.empty() ? in.body.dump() : in.body_text;
  p.head += ",\"id\":\"o-";
  p.mid = "\",\"kind\":";
  io::append_json_string(p.mid, in.kind);
  p.mid += ",\"received_ms\":";
  p.tail = ",\"submitter\":";
  io::append_json_string(p.tail, in.submitter);
  p.tail += ",\"target_id\":";
  io::append_json_string(p.tail, in.target_id);
  p.tail.push_back('}');
  return p;
}

std::string assemble_content(const ContentParts& parts, int64_t seq, int64_t received_ms) {
  std::string out;
  out.reserve(parts.head.size() + parts.mid.size() + parts.tail.size() + 56);
  out += parts.head;
  io::append_json_int(out, seq);
  out += parts.mid;
  io::append_json_int(out, received_ms);
  out += ",\"seq\":";
  io::append_json_int(out, seq);
  out += parts.tail;
  return out;
}

Record make_record(const NewRecord& in, int64_t seq, int64_t received_ms, const std::string& prev_hash) {
  Record r;
  r.seq = seq;
  r.id = id_of_seq(seq);
  r.kind = in.kind;
  r.target_id = in.target_id;
  r.submitter = in.submitter;
  r.received_ms = received_ms;
  r.body = in.body;
  r.index = in.index;
  r.content = canonical_content(r);
  r.prev_hash = prev_hash;
  r.hash = chain_hash(prev_hash, r.content);
  return r;
}

namespace {

// A string member of body[section], "" when absent.
std::string text_at(const json& body, const char* section, const char* key) {
  if (!body.is_object() || !body.contains(section)) return {};
  const json& s = body[section];
  if (!s.is_object() || !s.contains(key) || !s[key].is_string()) return {};
  return s[key].get<std::string>();
}

std::optional<double> number_at(const json& body, const char* section, const char* key) {
  if (!body.is_object() || !body.contains(section)) return std::nullopt;
  const json& s = body[section];
  if (!s.is_object() || !s.contains(key) || !s[key].is_number()) return std::nullopt;
  return s[key].get<double>();
}

std::optional<int64_t> time_of(const json& body) {
  if (!body.is_object() || !body.contains("observation")) return std::nullopt;
  const json& o = body["observation"];
  if (!o.is_object() || !o.contains("time_ms") || !o["time_ms"].is_number_integer()) return std::nullopt;
  return o["time_ms"].get<int64_t>();
}

std::string differs(const char* what, const std::string& index, const std::string& body) {
  if (index == body) return {};
  return std::string("index ") + what + " '" + index + "' disagrees with the body's '" + body + "'";
}

std::string differs(const char* what, std::optional<double> index, std::optional<double> body) {
  if (index == body) return {};
  auto show = [](std::optional<double> v) { return v ? std::to_string(*v) : std::string("none"); };
  return std::string("index ") + what + " " + show(index) + " disagrees with the body's " + show(body);
}

}  // namespace

std::string index_mismatch(const Index& index, const nlohmann::json& body) {
  // Checked only when the body states time_ms: a body that gives its time in another form
  // cannot be read here without the monitor layer, which sits above the store.
  const auto t = time_of(body);
  if (t && index.time_ms != *t)
    return "index time_ms " + std::to_string(index.time_ms) + " disagrees with the body's " + std::to_string(*t);
  for (const auto& d : {differs("event", index.event, text_at(body, "observation", "event")),
                        differs("zone_id", index.zone_id, text_at(body, "placement", "zone_id")),
                        differs("zone_kind", index.zone_kind, text_at(body, "placement", "zone_kind")),
                        differs("responsible", index.responsible, text_at(body, "placement", "responsible")),
                        differs("lat", index.lat, number_at(body, "placement", "lat")),
                        differs("lon", index.lon, number_at(body, "placement", "lon"))})
    if (!d.empty()) return d;
  return {};
}

nlohmann::json body_of_content(const std::string& content) {
  json j = json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("body")) throw std::invalid_argument("content is not a JSON record with a body");
  return std::move(j["body"]);
}

std::string ChainVerifier::problem(const Record& stored) const {
  const int64_t want_seq = result_.count + 1;
  if (stored.seq != want_seq) return "expected seq " + std::to_string(want_seq) + " (a gap or reordering)";
  if (stored.id != id_of_seq(stored.seq)) return "id does not match its seq";
  if (stored.prev_hash != result_.head) return "prev_hash does not link to the previous record's hash";
  Record r = stored;
  try {
    r.body = body_of_content(stored.content);
  } catch (const std::exception& e) {
    return e.what();
  }
  if (canonical_content(r) != stored.content) return "content does not match the record's columns";
  if (chain_hash(stored.prev_hash, stored.content) != stored.hash) return "hash does not match content";
  return index_mismatch(stored.index, r.body);
}

bool ChainVerifier::check(const Record& stored) {
  if (!result_.ok) return false;
  const std::string why = problem(stored);
  if (!why.empty()) {
    result_.ok = false;
    result_.bad_seq = stored.seq;
    result_.bad_id = stored.id;
    result_.reason = why;
    return false;
  }
  result_.count += 1;
  result_.head = stored.hash;
  return true;
}

std::string id_of_seq(int64_t seq) { return "o-" + std::to_string(seq); }

int64_t seq_of_id(const std::string& id) {
  if (id.size() < 3 || id.compare(0, 2, "o-") != 0) return 0;
  int64_t seq = 0;
  const char* end = id.data() + id.size();
  const auto [p, ec] = std::from_chars(id.data() + 2, end, seq);
  // "o-007" is not an id the writer makes: only the canonical spelling names a record.
  if (ec != std::errc() || p != end || seq <= 0 || id[2] == '0') return 0;
  return seq;
}

}  // namespace truceline::store
