// SHA-256 through OpenSSL's EVP interface; base64 and hex written out here because OpenSSL's
// EVP_EncodeBlock does not tell a malformed input from a short one.
#include "tlog/hash.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace truceline::tlog {
namespace {

struct FreeCtx {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

EVP_MD_CTX* context() {
  thread_local std::unique_ptr<EVP_MD_CTX, FreeCtx> ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::runtime_error("OpenSSL could not allocate a digest context");
  return ctx.get();
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Hash sha256(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = context();
  Hash out{};
  unsigned int len = 0;
  bool ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1;
  for (std::string_view p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == out.size();
  if (!ok) throw std::runtime_error("SHA-256 failed in OpenSSL");
  return out;
}

Hash sha256(std::string_view data) { return sha256({data}); }

Hash leaf_hash(std::string_view entry) { return sha256({std::string_view("\0", 1), entry}); }

Hash node_hash(const Hash& left, const Hash& right) {
  return sha256({std::string_view("\1", 1), bytes_of(left), bytes_of(right)});
}

Hash empty_tree_hash() { return sha256(std::string_view()); }

std::string_view bytes_of(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (unsigned char b : bytes) out += kHex[b >> 4], out += kHex[b & 15];
  return out;
}

std::string hex(const Hash& h) { return hex(bytes_of(h)); }

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    const uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.size() % 4) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int pad = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (pad == 1 && text[i + 2] == '=') return std::nullopt;  // "x=y=" is not padding
    uint32_t v = 0;
    for (int k = 0; k < 4 - pad; ++k) {
      const int s = sextet(text[i + k]);
      if (s < 0) return std::nullopt;
      v |= static_cast<uint32_t>(s) << (18 - 6 * k);
    }
    out += static_cast<char>(v >> 16);
    if (pad < 2) out += static_cast<char>(v >> 8 & 255);
    if (pad < 1) out += static_cast<char>(v & 255);
    // The bits the padding leaves over must be zero, or two texts would decode alike.
    if ((pad == 1 && (v & 255)) || (pad == 2 && (v & 0xffff))) return std::nullopt;
  }
  return out;
}

Hash hash_of_bytes(std::string_view bytes32) {
  Hash h{};
  if (bytes32.size() != h.size()) throw std::invalid_argument("a hash is 32 bytes");
  std::memcpy(h.data(), bytes32.data(), h.size());
  return h;
}

std::optional<Hash> hash_of_base64(std::string_view text) {
  const auto bytes = unbase64(text);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  return hash_of_bytes(*bytes);
}

std::optional<int64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("OpenSSL's random generator failed");
  return out;
}

}  // namespace truceline::tlog
