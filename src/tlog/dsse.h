#pragma once
// DSSE envelopes (Dead Simple Signing Envelope, secure-systems-lab/dsse v1) signed with Ed25519:
// how an observer's device signs its report so that the record can later show the observer's
// own words, unaltered by whoever runs the server.
//   {"payloadType": T, "payload": base64(B), "signatures": [{"keyid": K, "sig": base64(S)}]}
// S is the Ed25519 signature of PAE(T, B) = "DSSEv1" SP len(T) SP T SP len(B) SP B, lengths in
// ASCII decimal bytes.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace truceline::tlog {

inline constexpr const char* kObservationPayloadType = "application/vnd.truceline.observation+json";

struct DsseSignature {
  std::string keyid, sig;  // sig: the raw signature bytes
};

struct Envelope {
  std::string payload_type, payload;  // payload: the decoded bytes
  std::vector<DsseSignature> signatures;
};

// The envelope is not DSSE; the message says which field is wrong.
class EnvelopeError : public std::invalid_argument {
 public:
  EnvelopeError(const std::string& message, std::string field) : std::invalid_argument(message), field(std::move(field)) {}
  std::string field;
};

// True when `j` has the shape of an envelope (payloadType, payload and signatures members).
bool looks_like_envelope(const nlohmann::json& j);
// Throws EnvelopeError. Base64 may be standard or URL-safe, padded or not, as DSSE allows.
Envelope parse_envelope(const nlohmann::json& j);
std::string pae(const std::string& payload_type, const std::string& payload);

// A device key as registered: the raw 32-byte Ed25519 key and its id (the first 16 hex digits of
// its SHA-256).
struct DeviceKey {
  std::string public_key, keyid;
};
DeviceKey device_key(const std::string& raw_public_key);
// The key (from `keys`) one of whose signatures verifies over PAE; a signature naming a keyid is
// tried with that key only.
std::optional<DeviceKey> verify_envelope(const Envelope& e, const std::vector<DeviceKey>& keys);

}  // namespace truceline::tlog
