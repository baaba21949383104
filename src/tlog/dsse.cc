#include "tlog/dsse.h"

#include "tlog/hash.h"
#include "tlog/note.h"

namespace truceline::tlog {
namespace {

std::optional<std::string> lenient_base64(std::string s) {
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4) s.push_back('=');
  return unbase64(s);
}

std::string string_member(const nlohmann::json& j, const char* key, const std::string& field) {
  if (!j.contains(key) || !j[key].is_string()) throw EnvelopeError(field + " must be a string", field);
  return j[key].get<std::string>();
}

}  // namespace

bool looks_like_envelope(const nlohmann::json& j) {
  return j.is_object() && j.contains("payloadType") && j.contains("payload") && j.contains("signatures");
}

Envelope parse_envelope(const nlohmann::json& j) {
  if (!looks_like_envelope(j)) throw EnvelopeError("a DSSE envelope has payloadType, payload and signatures", "payloadType");
  Envelope e;
  e.payload_type = string_member(j, "payloadType", "payloadType");
  const auto payload = lenient_base64(string_member(j, "payload", "payload"));
  if (!payload) throw EnvelopeError("payload is not base64", "payload");
  e.payload = *payload;
  if (!j["signatures"].is_array() || j["signatures"].empty())
    throw EnvelopeError("signatures must be a non-empty array", "signatures");
  for (size_t i = 0; i < j["signatures"].size(); ++i) {
    const auto& s = j["signatures"][i];
    const std::string field = "signatures[" + std::to_string(i) + "]";
    if (!s.is_object()) throw EnvelopeError(field + " must be an object", field);
    const auto sig = lenient_base64(string_member(s, "sig", field + ".sig"));
    if (!sig) throw EnvelopeError(field + ".sig is not base64", field + ".sig");
    e.signatures.push_back({s.contains("keyid") && s["keyid"].is_string() ? s["keyid"].get<std::string>() : "", *sig});
  }
  return e;
}

std::string pae(const std::string& payload_type, const std::string& payload) {
  return "DSSEv1 " + std::to_string(payload_type.size()) + " " + payload_type + " " + std::to_string(payload.size()) + " " +
         payload;
}

DeviceKey device_key(const std::string& raw_public_key) {
  return {raw_public_key, hex(bytes_of(sha256(raw_public_key))).substr(0, 16)};
}

std::optional<DeviceKey> verify_envelope(const Envelope& e, const std::vector<DeviceKey>& keys) {
  const std::string message = pae(e.payload_type, e.payload);
  for (const DsseSignature& s : e.signatures)
    for (const DeviceKey& k : keys)
      if ((s.keyid.empty() || s.keyid == k.keyid) && ed25519_verify(k.public_key, message, s.sig)) return k;
  return std::nullopt;
}

}  // namespace truceline::tlog
