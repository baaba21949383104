#pragma once
// HMAC-SHA256 (OpenSSL) of a webhook body, the signature a receiver checks (docs/api.md, Alerts).
#include <string>

namespace truceline::alert {

// Lowercase hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(const std::string& key, const std::string& data);

// The value of the X-Truceline-Signature header for `body`: "sha256=" + hmac_sha256_hex(secret, body).
std::string signature_header(const std::string& secret, const std::string& body);

// Compares two strings in time independent of where they first differ (for receivers and tests).
bool equal_constant_time(const std::string& a, const std::string& b);

}  // namespace truceline::alert
