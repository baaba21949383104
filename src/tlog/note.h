#pragma once
// C2SP signed-note with Ed25519 keys, and C2SP tlog-cosignature/v1 (the witnesses' timestamped
// Ed25519 cosignatures), over OpenSSL.
//
//   verifier key  <name>+<key id, 8 hex digits>+<base64(type ‖ 32-byte public key)>
//   private key   PRIVATE+KEY+<name>+<key id>+<base64(type ‖ 32-byte seed)>   (Go's note format)
//   key id        first 4 bytes of SHA-256(name ‖ "\n" ‖ type ‖ public key), big-endian
//   note          <text ending in \n>\n— <name> <base64(key id ‖ signature)>\n …
// Type 0x01 signs the note text itself (a log's checkpoint signature); type 0x04 signs
// "cosignature/v1\ntime <t>\n" ‖ text and prefixes the signature with t as a big-endian uint64.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace truceline::tlog {

enum class KeyType : uint8_t { kEd25519 = 0x01, kCosignatureV1 = 0x04 };

// A key or note that cannot be read, with what is wrong.
class NoteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

uint32_t key_id(std::string_view name, KeyType type, std::string_view public_key);
// Names are non-empty and hold no space, '+', control character or newline.
bool valid_key_name(std::string_view name);

struct PublicKey {
  std::string name;
  KeyType type = KeyType::kEd25519;
  std::string key;  // 32 bytes
  uint32_t id = 0;

  std::string vkey() const;
  // Throws NoteError naming what is wrong with the text.
  static PublicKey parse(std::string_view vkey);
};

class PrivateKey {
 public:
  static PrivateKey generate(const std::string& name, KeyType type);
  // Throws NoteError; the text may end in one newline (as a key file does).
  static PrivateKey parse(std::string_view text);

  std::string encode() const;
  const PublicKey& public_key() const { return public_; }
  // The 64-byte Ed25519 signature of `message`.
  std::string sign(std::string_view message) const;

 private:
  PrivateKey(std::string name, KeyType type, std::string seed);
  std::string seed_;
  PublicKey public_;
};

bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string bytes;  // after the key id: the signature (type 0x01) or timestamp ‖ signature (0x04)
};

struct Note {
  std::string text;  // ends in a newline
  std::vector<NoteSignature> signatures;
};

// Throws NoteError for a note that is not text, a blank line, then signature lines.
Note parse_note(std::string_view note);
std::string signature_line(const NoteSignature& s);
std::string note_text(const Note& n);

// The log's signature over `text` (type 0x01).
NoteSignature sign_note(const PrivateKey& key, std::string_view text);
bool verify_note_signature(const PublicKey& key, std::string_view text, const NoteSignature& s);

// A witness's cosignature over a checkpoint's note text at `timestamp` (Unix seconds).
NoteSignature cosign(const PrivateKey& key, std::string_view text, uint64_t timestamp);
// The cosignature's timestamp when it verifies; nullopt when it does not or is not `key`'s.
std::optional<uint64_t> verify_cosignature(const PublicKey& key, std::string_view text, const NoteSignature& s);

// The first of the note's signatures that `key` made and that verifies, for either type.
std::optional<NoteSignature> find_valid(const PublicKey& key, const Note& n);

}  // namespace truceline::tlog
