#pragma once
// The hashes of a transparency log (RFC 6962 section 2.1, RFC 9162 section 2.1.1): SHA-256 with a
// one-byte prefix that keeps a leaf from ever hashing like an interior node.
//   leaf:  SHA-256(0x00 ‖ entry)
//   node:  SHA-256(0x01 ‖ left ‖ right)
//   empty: SHA-256("")
// Plus the text encodings the C2SP formats use (standard base64 with padding, RFC 4648 §4).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace truceline::tlog {

using Hash = std::array<uint8_t, 32>;

Hash sha256(std::string_view data);
// SHA-256 of the concatenation of the parts, fed in pieces.
Hash sha256(std::initializer_list<std::string_view> parts);
Hash leaf_hash(std::string_view entry);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_tree_hash();

std::string_view bytes_of(const Hash& h);
std::string hex(std::string_view bytes);
std::string hex(const Hash& h);
// The bytes of lowercase or uppercase hex; nullopt for anything else.
std::optional<std::string> unhex(std::string_view text);

std::string base64(std::string_view bytes);
// Strict: standard alphabet, padding required, no whitespace; nullopt otherwise.
std::optional<std::string> unbase64(std::string_view text);
std::optional<Hash> hash_of_base64(std::string_view text);
Hash hash_of_bytes(std::string_view bytes32);  // REQUIRES: 32 bytes

// A non-negative decimal in its one spelling (digits only, no leading zero, within int64), as the
// C2SP formats write sizes and as record entries write numbers: one spelling per value keeps two
// readers from taking one text two ways. nullopt for anything else.
std::optional<int64_t> parse_decimal(std::string_view text);

// Cryptographically secure random bytes (OpenSSL's RAND_bytes); throws std::runtime_error when
// the generator fails.
std::string random_bytes(size_t n);

}  // namespace truceline::tlog
