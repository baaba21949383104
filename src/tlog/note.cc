#include "tlog/note.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "tlog/hash.h"

namespace truceline::tlog {
namespace {

constexpr std::string_view kDash = "\xe2\x80\x94 ";  // U+2014 and a space start a signature line

struct FreeKey {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct FreeCtx {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeKey>;
using CtxPtr = std::unique_ptr<EVP_MD_CTX, FreeCtx>;

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string public_of_seed(const std::string& seed) {
  KeyPtr k(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, u8(seed), seed.size()));
  std::string pub(32, '\0');
  size_t len = pub.size();
  if (!k || EVP_PKEY_get_raw_public_key(k.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) != 1 || len != 32)
    throw NoteError("OpenSSL could not derive an Ed25519 public key");
  return pub;
}

std::string be32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (24 - 8 * i));
  return out;
}

uint64_t read_be(std::string_view s, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(s[i]);
  return v;
}

std::string cosigned_message(std::string_view text, uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(text);
}

// At most `parts` fields; the last takes the rest (base64 may hold '+').
std::vector<std::string_view> split(std::string_view s, char sep, size_t parts) {
  std::vector<std::string_view> out;
  size_t at = 0;
  for (size_t p; out.size() + 1 < parts && (p = s.find(sep, at)) != std::string_view::npos; at = p + 1)
    out.push_back(s.substr(at, p - at));
  out.push_back(s.substr(at));
  return out;
}

KeyType type_of_byte(unsigned char b, std::string_view what) {
  if (b == 0x01) return KeyType::kEd25519;
  if (b == 0x04) return KeyType::kCosignatureV1;
  throw NoteError(std::string(what) + ": key type 0x" + hex(std::string(1, static_cast<char>(b))) +
                  " is not Ed25519 (0x01) or cosignature/v1 (0x04)");
}

// name, key id and (type ‖ 32 bytes) from the three '+'-separated fields of a key's text.
void read_key_fields(std::string_view name, std::string_view id_hex, std::string_view b64, std::string_view what,
                     std::string& out_name, KeyType& type, std::string& material, uint32_t& id) {
  if (!valid_key_name(name)) throw NoteError(std::string(what) + ": bad key name '" + std::string(name) + "'");
  const auto id_bytes = unhex(id_hex);
  if (id_hex.size() != 8 || !id_bytes) throw NoteError(std::string(what) + ": the key id is not 8 hex digits");
  const auto raw = unbase64(b64);
  if (!raw || raw->size() != 33) throw NoteError(std::string(what) + ": the key is not base64 of a type byte and 32 bytes");
  out_name = std::string(name);
  type = type_of_byte(static_cast<unsigned char>((*raw)[0]), what);
  material = raw->substr(1);
  id = static_cast<uint32_t>(read_be(*id_bytes, 4));
}

}  // namespace

bool valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c == '+' || c == 0x7f) return false;
  return true;
}

uint32_t key_id(std::string_view name, KeyType type, std::string_view public_key) {
  const char t = static_cast<char>(type);
  const Hash h = sha256({name, "\n", std::string_view(&t, 1), public_key});
  return static_cast<uint32_t>(h[0]) << 24 | h[1] << 16 | h[2] << 8 | h[3];
}

std::string PublicKey::vkey() const {
  const char t = static_cast<char>(type);
  return name + "+" + hex(be32(id)) + "+" + base64(std::string(1, t) + key);
}

PublicKey PublicKey::parse(std::string_view text) {
  const auto f = split(text, '+', 3);
  if (f.size() != 3) throw NoteError("verifier key: expected <name>+<key id>+<base64 key>");
  PublicKey k;
  read_key_fields(f[0], f[1], f[2], "verifier key", k.name, k.type, k.key, k.id);
  if (key_id(k.name, k.type, k.key) != k.id) throw NoteError("verifier key: the key id does not match the name and key");
  return k;
}

PrivateKey::PrivateKey(std::string name, KeyType type, std::string seed) : seed_(std::move(seed)) {
  public_.name = std::move(name);
  public_.type = type;
  public_.key = public_of_seed(seed_);
  public_.id = key_id(public_.name, type, public_.key);
}

PrivateKey PrivateKey::generate(const std::string& name, KeyType type) {
  if (!valid_key_name(name)) throw NoteError("key name '" + name + "' must be non-empty, without spaces or '+'");
  return PrivateKey(name, type, random_bytes(32));
}

PrivateKey PrivateKey::parse(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const auto f = split(text, '+', 5);
  if (f.size() != 5 || f[0] != "PRIVATE" || f[1] != "KEY")
    throw NoteError("private key: expected PRIVATE+KEY+<name>+<key id>+<base64 key>");
  std::string name, seed;
  KeyType type;
  uint32_t id = 0;
  read_key_fields(f[2], f[3], f[4], "private key", name, type, seed, id);
  PrivateKey k(name, type, seed);
  if (k.public_key().id != id) throw NoteError("private key: the key id does not match the name and key");
  return k;
}

std::string PrivateKey::encode() const {
  const char t = static_cast<char>(public_.type);
  return "PRIVATE+KEY+" + public_.name + "+" + hex(be32(public_.id)) + "+" + base64(std::string(1, t) + seed_);
}

std::string PrivateKey::sign(std::string_view message) const {
  KeyPtr k(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, u8(seed_), seed_.size()));
  CtxPtr ctx(EVP_MD_CTX_new());
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (!k || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, u8(message), message.size()) != 1 ||
      len != 64)
    throw NoteError("OpenSSL could not make an Ed25519 signature");
  return sig;
}

bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != 32 || signature.size() != 64) return false;
  KeyPtr k(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, u8(public_key), public_key.size()));
  CtxPtr ctx(EVP_MD_CTX_new());
  return k && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, k.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), u8(signature), signature.size(), u8(message), message.size()) == 1;
}

Note parse_note(std::string_view note) {
  const size_t split_at = note.rfind("\n\n");
  if (split_at == std::string_view::npos) throw NoteError("note: no blank line before the signatures");
  Note n;
  n.text = std::string(note.substr(0, split_at + 1));
  for (unsigned char c : n.text)
    if (c < 0x20 && c != '\n') throw NoteError("note: the text holds a control character");
  std::string_view rest = note.substr(split_at + 2);
  if (rest.empty()) throw NoteError("note: no signature lines");
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) throw NoteError("note: the last signature line has no newline");
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (line.substr(0, kDash.size()) != kDash) throw NoteError("note: a signature line must start with '\xe2\x80\x94 '");
    line.remove_prefix(kDash.size());
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) throw NoteError("note: a signature line is '\xe2\x80\x94 <name> <base64>'");
    const auto raw = unbase64(line.substr(sp + 1));
    if (!valid_key_name(line.substr(0, sp)) || !raw || raw->size() < 5)
      throw NoteError("note: malformed signature line for '" + std::string(line.substr(0, sp)) + "'");
    n.signatures.push_back({std::string(line.substr(0, sp)), static_cast<uint32_t>(read_be(*raw, 4)), raw->substr(4)});
  }
  return n;
}

std::string signature_line(const NoteSignature& s) {
  return std::string(kDash) + s.name + " " + base64(be32(s.key_id) + s.bytes) + "\n";
}

std::string note_text(const Note& n) {
  std::string out = n.text + "\n";
  for (const NoteSignature& s : n.signatures) out += signature_line(s);
  return out;
}

NoteSignature sign_note(const PrivateKey& key, std::string_view text) {
  const PublicKey& p = key.public_key();
  if (p.type != KeyType::kEd25519) throw NoteError("a log signs with an Ed25519 (0x01) key");
  return {p.name, p.id, key.sign(text)};
}

bool verify_note_signature(const PublicKey& key, std::string_view text, const NoteSignature& s) {
  return key.type == KeyType::kEd25519 && s.name == key.name && s.key_id == key.id && ed25519_verify(key.key, text, s.bytes);
}

NoteSignature cosign(const PrivateKey& key, std::string_view text, uint64_t timestamp) {
  const PublicKey& p = key.public_key();
  if (p.type != KeyType::kCosignatureV1) throw NoteError("a witness cosigns with a cosignature/v1 (0x04) key");
  std::string ts(8, '\0');
  for (int i = 0; i < 8; ++i) ts[i] = static_cast<char>(timestamp >> (56 - 8 * i));
  return {p.name, p.id, ts + key.sign(cosigned_message(text, timestamp))};
}

std::optional<uint64_t> verify_cosignature(const PublicKey& key, std::string_view text, const NoteSignature& s) {
  if (key.type != KeyType::kCosignatureV1 || s.name != key.name || s.key_id != key.id || s.bytes.size() != 72)
    return std::nullopt;
  const uint64_t t = read_be(s.bytes, 8);
  if (!ed25519_verify(key.key, cosigned_message(text, t), std::string_view(s.bytes).substr(8))) return std::nullopt;
  return t;
}

std::optional<NoteSignature> find_valid(const PublicKey& key, const Note& n) {
  for (const NoteSignature& s : n.signatures) {
    const bool ok = key.type == KeyType::kEd25519 ? verify_note_signature(key, n.text, s)
                                                  : verify_cosignature(key, n.text, s).has_value();
    if (ok) return s;
  }
  return std::nullopt;
}

}  // namespace truceline::tlog
