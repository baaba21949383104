#include "server/api.h"

#include <openssl/rand.h>

#include <algorithm>
#include <charconv>

#include "monitor/observation.h"
#include "server/incident_engine.h"
#include "server/log_publisher.h"
#include "report/plan_outputs.h"

namespace truceline::server {
namespace {

using nlohmann::json;

// A request the API refuses, with the status and the JSON error it answers.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, std::string field = {})
      : std::runtime_error(message), status(status), code(std::move(code)), field(std::move(field)) {}
  int status;
  std::string code, field;
};

void send_json(http::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(http::Response& res, int status, const std::string& code, const std::string& message,
                const std::string& field) {
  http::set_error(res, status, code, message, field);
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// What a JSON parse error says, without the bytes it quotes ("last read: '…'"): they are the
// client's, may be anything, and are never sent back.
std::string parse_reason(const json::parse_error& e) {
  std::string what = e.what();
  if (const size_t col = what.find(": "); col != std::string::npos) what = what.substr(col + 2);
  if (const size_t quoted = what.find("; last read"); quoted != std::string::npos) what.resize(quoted);
  return what;
}

json parse_body(const http::Request& req) {
  try {
    return json::parse(req.body);
  } catch (const json::parse_error& e) {
    throw ApiError(400, "malformed_json", "malformed JSON at byte " + std::to_string(e.byte) + ": " + parse_reason(e));
  } catch (const json::out_of_range& e) {
    // A number beyond a double, such as 1e999, the overflow fuzz_geojson found; it was a 500.
    throw ApiError(400, "malformed_json", std::string("malformed JSON: ") + e.what());
  }
}

// Query parameters.
std::optional<int64_t> time_param(const http::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  auto t = monitor::parse_time_ms(req.get_param_value(name));
  if (!t) throw ApiError(400, "bad_parameter", std::string(name) + " must be an ISO 8601 time with offset", name);
  return t;
}

double number(const std::string& s, const char* field) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) throw ApiError(400, "bad_parameter", "'" + s + "' is not a number", field);
  return v;
}

void bbox_param(const http::Request& req, store::Query& q) {
  if (!req.has_param("bbox")) return;
  const std::string b = req.get_param_value("bbox");
  std::vector<double> v;
  size_t start = 0;
  for (size_t comma; (comma = b.find(',', start)) != std::string::npos; start = comma + 1)
    v.push_back(number(b.substr(start, comma - start), "bbox"));
  v.push_back(number(b.substr(start), "bbox"));
  if (v.size() != 4 || v[0] > v[2] || v[1] > v[3])
    throw ApiError(400, "bad_parameter", "bbox is min_lon,min_lat,max_lon,max_lat", "bbox");
  q.min_lon = v[0], q.min_lat = v[1], q.max_lon = v[2], q.max_lat = v[3];
}

json record_json(const store::Record& r) {
  json j{{"id", r.id}, {"seq", r.seq}, {"kind", r.kind}, {"submitter", r.submitter},
         {"received", monitor::format_time_ms(r.received_ms)}, {"hash", r.hash}, {"prev_hash", r.prev_hash}};
  if (!r.target_id.empty()) j["target_id"] = r.target_id;
  for (const auto& [k, v] : r.body.items()) j[k] = v;
  return j;
}

std::string random_token() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a token");
  static const char* hex = "0123456789abcdef";
  std::string out = "tl_";
  for (unsigned char b : bytes) out += hex[b >> 4], out += hex[b & 15];
  return out;
}

}  // namespace

std::string create_token(store::Store& store, const store::Token& t) {
  static const char* roles[] = {"observer", "contingent", "analyst", "admin"};
  if (std::none_of(std::begin(roles), std::end(roles), [&](const char* r) { return t.role == r; }))
    throw std::invalid_argument("role must be observer, contingent, analyst or admin");
  if (t.role == "contingent" && t.contingent.empty())
    throw std::invalid_argument("a contingent token needs --contingent, the party id its zones are responsible to");
  const std::string token = random_token();
  store.add_token(store::sha256_hex(token), t);
  return token;
}

std::string register_device_key(store::Store& store, const std::string& submitter, const std::string& public_key_b64,
                                const std::string& device) {
  const auto raw = tlog::unbase64(public_key_b64);
  if (!raw || raw->size() != 32)
    throw std::invalid_argument("public_key must be the standard base64 of a 32-byte Ed25519 public key");
  const tlog::DeviceKey k = tlog::device_key(*raw);
  // A device that lost the 201 registers again: the key is the submitter's once, not twice.
  store::Query q;
  q.kind = "device_key";
  q.submitter = submitter;
  q.limit = 0;
  for (const store::Record& known : store.query(q))
    if (known.body.value("keyid", "") == k.keyid) return k.keyid;
  store::NewRecord r;
  r.kind = "device_key";
  r.submitter = submitter;
  r.body = json{{"public_key", public_key_b64}, {"keyid", k.keyid}, {"device", device}};
  store.append({r}, "", "");
  return k.keyid;
}

Api::Api(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store, const ApiOptions& opt)
    : map_(map), locator_(locator), store_(store), opt_(opt), zones_geojson_(report::zones_geojson(map).dump()) {}

void Api::mount(http::Router& router) {
  auto wrap = [this](void (Api::*fn)(const http::Request&, http::Response&)) {
    return [this, fn](const http::Request& req, http::Response& res) {
      try {
        (this->*fn)(req, res);
      } catch (const ApiError& e) {
        send_error(res, e.status, e.code, e.what(), e.field);
      } catch (const monitor::ValidationError& e) {
        send_error(res, e.status(), e.code(), e.what(), e.field());
      } catch (const ogc::ParamError& e) {
        send_error(res, 400, "bad_parameter", e.what(), e.field);
      } catch (const store::IdempotencyConflict& e) {
        send_error(res, 409, "idempotency_conflict", e.what(), "Idempotency-Key");
      } catch (const std::exception& e) {
        send_error(res, 500, "internal", e.what(), "");
      }
    };
  };
  using Where = http::Router::Where;
  router.post("/v1/observations", wrap(&Api::post_observations));
  router.get("/v1/observations", wrap(&Api::list_observations));
  router.get(R"(/v1/observations/([A-Za-z0-9_-]+))", wrap(&Api::get_observation));
  router.post(R"(/v1/observations/([A-Za-z0-9_-]+)/corrections)", wrap(&Api::post_correction));
  router.post("/v1/keys", wrap(&Api::post_key));
  router.get("/v1/zones", wrap(&Api::get_zones));
  router.get("/v1/chain/head", wrap(&Api::get_head));
  // On the loop: it touches no store, so it answers even while every handler waits on a disk.
  router.get("/v1/health", wrap(&Api::get_health), Where::loop);
  router.get("/log/checkpoint", wrap(&Api::log_checkpoint));
  router.get(R"(/log/(tile/[A-Za-z0-9_./]+))", wrap(&Api::log_tile));
  router.get("/log/proof/inclusion", wrap(&Api::log_inclusion));
  router.get("/log/proof/consistency", wrap(&Api::log_consistency));
  if (incidents_) {
    router.get("/v1/incidents", wrap(&Api::list_incidents));
    router.get("/v1/incidents/stream", wrap(&Api::incident_stream));
    router.get(R"(/v1/incidents/(i-[0-9]+))", wrap(&Api::get_incident));
    router.get("/v1/alerts", wrap(&Api::list_alerts));
    router.get("/v1/alerts/stream", wrap(&Api::alert_stream));
    router.get("/v1/kml/live.kml", wrap(&Api::kml_live));
    router.get("/v1/kml/incidents.kml", wrap(&Api::kml_incidents));
  }
  if (cot_) router.get("/v1/cot", wrap(&Api::get_cot));
  mount_ogc(router, wrap);
}

Caller Api::authenticate(const http::Request& req, std::initializer_list<const char*> roles) {
  const std::string auth = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  // Browsers' EventSource cannot set headers: the token may come as ?access_token= instead.
  const bool in_query = auth.empty() && req.has_param("access_token");
  if (!in_query && auth.rfind(prefix, 0) != 0)
    throw ApiError(401, "unauthenticated", "send Authorization: Bearer <token> or ?access_token=<token>", "Authorization");
  const std::string hash = store::sha256_hex(in_query ? req.get_param_value("access_token") : auth.substr(prefix.size()));
  auto caller = caller_of_token_hash(store_, hash);
  if (!caller) throw ApiError(401, "unauthenticated", "unknown token", "Authorization");
  if (std::none_of(roles.begin(), roles.end(), [&](const char* r) { return caller->role == r; }))
    throw ApiError(403, "forbidden", "role '" + caller->role + "' may not do this", "");
  check_rate(hash);
  return *caller;
}

// A token bucket per token: rate_per_s, bursts of two seconds' worth.
void Api::check_rate(const std::string& token_hash) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(rate_mu_);
  auto [it, fresh] = buckets_.try_emplace(token_hash, Bucket{2 * opt_.rate_per_s, now});
  Bucket& b = it->second;
  b.tokens = std::min(2 * opt_.rate_per_s, b.tokens + opt_.rate_per_s * std::chrono::duration<double>(now - b.at).count());
  b.at = now;
  if (b.tokens < 1) throw ApiError(429, "rate_limited", "too many requests for this token; slow down", "");
  b.tokens -= 1;
}

store::NewRecord Api::observation_record(const json& obj, const std::string& prefix, const std::string& kind,
                                         const Caller& who, const json& envelope) {
  monitor::Observation obs;
  try {
    obs = monitor::parse_observation(obj, now_ms());
    monitor::check_with_plan(obs, map_.plan);
  } catch (const monitor::ValidationError& e) {
    throw monitor::ValidationError(e.status(), e.code(), prefix + e.what(), prefix + e.field());
  }
  const monitor::Placement p = monitor::place(obs, locator_, map_, monitor::PlaceOptions::of(map_.plan.monitoring));
  store::NewRecord r;
  r.kind = kind;
  r.submitter = who.name;
  if (kind == "observation") {
    // Written straight to text: the tree, its dump and its destruction were a fifth of the
    // server's time under batch load. Corrections add their reason to the body, so they keep it.
    r.body_text = "{\"observation\":";
    monitor::append_json(r.body_text, obs);
    r.body_text += ",\"placement\":";
    monitor::append_json(r.body_text, p);
    if (!envelope.is_null()) r.body_text += ",\"signed\":" + json{{"envelope", envelope}}.dump();
    r.body_text.push_back('}');
  } else {
    r.body = json{{"observation", monitor::to_json(obs)}, {"placement", monitor::to_json(p)}};
    if (!envelope.is_null()) r.body["signed"] = json{{"envelope", envelope}};
  }
  r.index = {obs.time_ms, obs.event, p.zone_id, p.zone_kind, p.responsible, p.lat, p.lon};
  return r;
}

void Api::post_observations(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"observer", "admin"});
  const json body = parse_body(req);
  const bool batch = body.is_array();
  if (batch && body.size() > opt_.max_batch)
    throw ApiError(413, "batch_too_large", "at most " + std::to_string(opt_.max_batch) + " observations per request", "");
  if (batch && body.empty()) throw ApiError(422, "empty_batch", "the array holds no observation", "");
  const std::vector<tlog::DeviceKey> keys = device_keys(who.name);
  std::vector<store::NewRecord> records;
  json envelope;
  if (batch) {
    for (size_t i = 0; i < body.size(); ++i) {
      const std::string prefix = "[" + std::to_string(i) + "].";
      const json obs = unwrap(body[i], prefix, keys, envelope);
      records.push_back(observation_record(obs, prefix, "observation", who, envelope));
    }
  } else {
    const json obs = unwrap(body, "", keys, envelope);
    records.push_back(observation_record(obs, "", "observation", who, envelope));
  }
  const std::string key = req.get_header_value("Idempotency-Key");
  const IngestScope ingesting(incidents_);
  const store::AppendResult r = store_.append(records, key, store::sha256_hex(who.name + "\n" + req.body));
  json out{{"ids", r.ids}};
  if (!batch) out["id"] = r.ids.at(0);
  if (r.replayed) res.set_header("Idempotent-Replayed", "true");
  send_json(res, 201, out);
}

std::string Api::submit(const Caller& who, const json& observation, const std::string& key) {
  if (who.role != "observer" && who.role != "admin")
    throw ApiError(403, "forbidden", "role '" + who.role + "' may not submit observations", "");
  json envelope;
  const json obs = unwrap(observation, "", device_keys(who.name), envelope);
  const store::NewRecord r = observation_record(obs, "", "observation", who, envelope);
  const IngestScope ingesting(incidents_);
  return store_.append({r}, key, store::sha256_hex(who.name + "\n" + observation.dump())).ids.at(0);
}

std::vector<tlog::DeviceKey> Api::device_keys(const std::string& submitter) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    auto it = keys_.find(submitter);
    if (it != keys_.end() && std::chrono::duration<double>(now - it->second.at).count() < kKeyCacheS) return it->second.keys;
  }
  store::Query q;
  q.kind = "device_key";
  q.submitter = submitter;
  q.limit = 0;
  std::vector<tlog::DeviceKey> keys;
  for (const store::Record& r : store_.query(q))
    if (const auto raw = tlog::unbase64(r.body.value("public_key", "")); raw && raw->size() == 32)
      keys.push_back(tlog::device_key(*raw));
  std::lock_guard<std::mutex> lock(keys_mu_);
  keys_[submitter] = {now, keys};
  return keys;
}

json Api::unwrap(const json& item, const std::string& prefix, const std::vector<tlog::DeviceKey>& keys, json& envelope) {
  envelope = nullptr;
  if (!tlog::looks_like_envelope(item)) {
    if (!keys.empty())
      throw ApiError(422, "signature_required",
                     prefix + "this token has a registered key: send each observation as a DSSE envelope signed with it "
                              "(docs/log.md, Signed reports)", prefix + "payloadType");
    return item;
  }
  if (keys.empty())
    throw ApiError(422, "no_key", prefix + "a signed report needs a key registered for this token (POST /v1/keys)", prefix + "signatures");
  tlog::Envelope e;
  try {
    e = tlog::parse_envelope(item);
  } catch (const tlog::EnvelopeError& err) {
    throw ApiError(422, "bad_envelope", prefix + err.what(), prefix + err.field);
  }
  if (e.payload_type != tlog::kObservationPayloadType)
    throw ApiError(422, "bad_envelope", prefix + "payloadType must be " + std::string(tlog::kObservationPayloadType), prefix + "payloadType");
  if (!tlog::verify_envelope(e, keys))
    throw ApiError(422, "bad_signature",
                   prefix + "no signature verifies with a key registered for this token (the signature is over DSSE's "
                            "PAE of payloadType and the decoded payload)", prefix + "signatures");
  json obs = json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (!obs.is_object()) throw ApiError(422, "bad_envelope", prefix + "the payload is not a JSON observation object", prefix + "payload");
  envelope = item;
  return obs;
}

void Api::post_key(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"observer", "admin"});
  const json body = parse_body(req);
  if (!body.is_object() || !body.contains("public_key") || !body["public_key"].is_string())
    throw ApiError(422, "missing_field", "send {\"public_key\": \"<base64 of the 32-byte Ed25519 key>\", \"device\": …}", "public_key");
  const std::string device = body.contains("device") && body["device"].is_string() ? body["device"].get<std::string>() : "";
  std::string keyid;
  try {
    keyid = register_device_key(store_, who.name, body["public_key"].get<std::string>(), device);
  } catch (const std::invalid_argument& e) {
    throw ApiError(422, "bad_key", e.what(), "public_key");
  }
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    keys_.erase(who.name);
  }
  send_json(res, 201, json{{"keyid", keyid}, {"submitter", who.name}});
}

void Api::list_observations(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"observer", "contingent", "analyst", "admin"});
  store::Query q;
  q.since_ms = time_param(req, "since");
  q.until_ms = time_param(req, "until");
  q.zone_id = req.get_param_value("zone");
  q.zone_kind = req.get_param_value("zone_kind");
  q.event = req.get_param_value("event");
  bbox_param(req, q);
  if (req.has_param("limit")) {
    const double l = number(req.get_param_value("limit"), "limit");
    if (l < 1 || l > opt_.max_page || l != std::floor(l))
      throw ApiError(400, "bad_parameter", "limit is a whole number from 1 to " + std::to_string(opt_.max_page), "limit");
    q.limit = static_cast<int>(l);
  }
  if (req.has_param("cursor")) q.after_seq = static_cast<int64_t>(number(req.get_param_value("cursor"), "cursor"));
  scope(who, q);
  const auto records = store_.query(q);
  json list = json::array();
  for (const auto& r : records) list.push_back(record_json(r));
  json out{{"observations", list}};
  if (static_cast<int>(records.size()) == q.limit) out["next_cursor"] = std::to_string(records.back().seq);
  send_json(res, 200, out);
}

// Observers read their own reports, contingents those in their zones.
void Api::scope(const Caller& who, store::Query& q) {
  if (who.role == "observer") q.submitter = who.name;
  if (who.role != "contingent") return;
  const bool other = !q.responsible_in.empty() && q.responsible_in != std::vector<std::string>{who.contingent};
  q.responsible_in = {other ? "\n" : who.contingent};
}

bool Api::may_read(const Caller& who, const store::Record& r) const {
  if (who.role == "analyst" || who.role == "admin") return true;
  if (who.role == "observer") return r.submitter == who.name;
  return who.role == "contingent" && r.index.responsible == who.contingent;
}

void Api::get_observation(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"observer", "contingent", "analyst", "admin"});
  const std::string id = req.matches[1];
  auto rec = store_.get(id);
  if (!rec || rec->kind != "observation") throw ApiError(404, "not_found", "no observation " + id, "id");
  if (!may_read(who, *rec)) throw ApiError(403, "forbidden", "this observation is outside what your token may read", "id");
  json history = json::array();
  for (const auto& h : store_.history(id)) history.push_back(record_json(h));
  json out = record_json(*rec);
  out["history"] = history;
  // What anyone handed this record needs to find it in the public log (docs/log.md): the exact
  // content, its salt, and its leaf's index; SHA-256(salt ‖ content) is the entry's commitment.
  out["log_index"] = rec->log_index();
  out["content"] = rec->content;
  // null for the few milliseconds before the record's leaf is integrated (docs/log.md).
  out["content_salt"] = rec->content_salt.empty() ? json(nullptr) : json(rec->content_salt);
  send_json(res, 200, out);
}

// A correction replaces the observation with a corrected one; a retraction withdraws it. Both are
// new records pointing at the original; the original stays as it was.
void Api::post_correction(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"observer", "admin"});
  const std::string id = req.matches[1];
  auto rec = store_.get(id);
  if (!rec || rec->kind != "observation") throw ApiError(404, "not_found", "no observation " + id, "id");
  if (who.role == "observer" && rec->submitter != who.name)
    throw ApiError(403, "forbidden", "only the submitter or an admin may correct an observation", "id");
  const json body = parse_body(req);
  if (!body.is_object()) throw ApiError(422, "not_an_object", "send {\"reason\": …, \"observation\": {…}} or {\"reason\": …, \"retract\": true}");
  for (const auto& [k, v] : body.items())
    if (k != "reason" && k != "observation" && k != "retract") throw ApiError(422, "unknown_field", "unknown field " + k, k);
  if (!body.contains("reason") || !body["reason"].is_string() || body["reason"].get<std::string>().empty())
    throw ApiError(422, "missing_field", "a correction needs a reason", "reason");
  const bool retract = body.value("retract", false);
  if (retract == body.contains("observation"))
    throw ApiError(422, "bad_value", "give either the corrected observation or retract: true", "observation");
  store::NewRecord r;
  if (retract) {
    r.kind = "retraction";
    r.submitter = who.name;
    r.body = json::object();
  } else {
    r = observation_record(body["observation"], "observation.", "correction", who);
  }
  r.target_id = id;
  r.body["reason"] = body["reason"];
  const IngestScope ingesting(incidents_);
  const auto out = store_.append({r}, req.get_header_value("Idempotency-Key"), store::sha256_hex(who.name + "\n" + id + "\n" + req.body));
  send_json(res, 201, json{{"id", out.ids.at(0)}, {"target_id", id}});
}

void Api::get_zones(const http::Request& req, http::Response& res) {
  authenticate(req, {"observer", "contingent", "analyst", "admin"});
  res.set_content(zones_geojson_, "application/geo+json");
}

void Api::get_head(const http::Request& req, http::Response& res) {
  authenticate(req, {"observer", "contingent", "analyst", "admin"});
  const store::ChainHead h = store_.head();
  send_json(res, 200, json{{"count", h.count}, {"hash", h.hash}, {"received", h.count ? monitor::format_time_ms(h.received_ms) : ""}});
}

void Api::get_health(const http::Request&, http::Response& res) {
  json out{{"status", "ok"}, {"plan", map_.plan.name}};
  if (incidents_) out["incidents_read_through"] = incidents_->read_through();
  if (publisher_) {
    out["log"] = publisher_->health();
    // The tree grows but no new checkpoint reaches the quorum: readers see a stopped log.
    if (out["log"].contains("error")) out["status"] = "degraded";
  }
  send_json(res, 200, out);
}

}  // namespace truceline::server
