// Signed notes and cosignatures. The key, text and signature of the first test are the published
// example of Go's golang.org/x/mod/sumdb/note package documentation: an independent check that
// key ids, key encodings and signatures are byte for byte those of the Go implementation.
#include "tlog/note.h"

#include <gtest/gtest.h>

#include "tlog/checkpoint.h"
#include "tlog/entry.h"
#include "tlog/hash.h"

namespace truceline::tlog {
namespace {

constexpr const char* kGoSkey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr const char* kGoVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kGoText =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
constexpr const char* kGoSigLine =
    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(Note, MatchesGosPublishedExampleByteForByte) {
  const PrivateKey k = PrivateKey::parse(kGoSkey);
  EXPECT_EQ(k.public_key().vkey(), kGoVkey);
  EXPECT_EQ(k.encode(), kGoSkey);
  EXPECT_EQ(k.public_key().id, 0xc74f20a3u);
  EXPECT_EQ(signature_line(sign_note(k, kGoText)), kGoSigLine);
  const Note n = parse_note(std::string(kGoText) + "\n" + kGoSigLine);
  EXPECT_EQ(n.text, kGoText);
  ASSERT_EQ(n.signatures.size(), 1u);
  EXPECT_TRUE(verify_note_signature(PublicKey::parse(kGoVkey), n.text, n.signatures[0]));
  EXPECT_FALSE(verify_note_signature(PublicKey::parse(kGoVkey), "another text\n", n.signatures[0]));
}

TEST(Note, RejectsMalformedKeysAndNotes) {
  EXPECT_THROW(PublicKey::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"), NoteError);
  EXPECT_THROW(PublicKey::parse("PeterNeumann+c74f20a3"), NoteError);
  EXPECT_THROW(PrivateKey::parse("PRIVATE+KEY+x+00000000+AA=="), NoteError);
  EXPECT_THROW(PrivateKey::generate("a name", KeyType::kEd25519), NoteError);
  EXPECT_THROW(parse_note("text without signatures\n"), NoteError);
  EXPECT_THROW(parse_note("text\n\n- ascii dash x08go/ZJ=\n"), NoteError);
}

TEST(Note, CosignatureCoversTimestampAndBody) {
  const PrivateKey w = PrivateKey::generate("witness.example/ua", KeyType::kCosignatureV1);
  const std::string body = checkpoint_body({"truceline.example/log", 42, leaf_hash("x"), {}});
  const NoteSignature s = cosign(w, body, 1'765'000'000);
  EXPECT_EQ(verify_cosignature(w.public_key(), body, s), 1'765'000'000u);
  NoteSignature later = s;
  later.bytes[7] ^= 1;  // the timestamp is signed
  EXPECT_FALSE(verify_cosignature(w.public_key(), body, later));
  EXPECT_FALSE(verify_cosignature(w.public_key(), checkpoint_body({"truceline.example/log", 43, leaf_hash("x"), {}}), s));
  // Key id uses type 0x04, so a log key of the same bytes would not match.
  EXPECT_EQ(w.public_key().id, key_id(w.public_key().name, KeyType::kCosignatureV1, w.public_key().key));
  EXPECT_NE(w.public_key().id, key_id(w.public_key().name, KeyType::kEd25519, w.public_key().key));
  EXPECT_THROW(cosign(PrivateKey::generate("log", KeyType::kEd25519), body, 1), NoteError);
}

TEST(Checkpoint, RoundTripsAndRejectsBadLines) {
  const Checkpoint c{"truceline.example/log", 20852163, leaf_hash("root"), {"ext one"}};
  const Checkpoint back = parse_checkpoint(checkpoint_body(c));
  EXPECT_EQ(back.origin, c.origin);
  EXPECT_EQ(back.size, c.size);
  EXPECT_EQ(back.root, c.root);
  EXPECT_EQ(back.extensions, c.extensions);
  EXPECT_THROW(parse_checkpoint("o\n012\n" + base64(bytes_of(c.root)) + "\n"), std::invalid_argument);
  EXPECT_THROW(parse_checkpoint("o\n12\nnot base64\n"), std::invalid_argument);
  EXPECT_THROW(parse_checkpoint("o\n12\n"), std::invalid_argument);
}

TEST(Entry, HasOneSpellingAndCommitsToSaltedContent) {
  const std::string salt(32, 'S');
  const Entry e{17, "observation", 1'733'443'200'000, commitment(salt, "{\"body\":1}")};
  const std::string bytes = encode_entry(e);
  EXPECT_EQ(bytes.substr(0, 27), "truceline/record/v1\nseq 17\n");
  EXPECT_EQ(parse_entry(bytes), e);
  EXPECT_FALSE(parse_entry(bytes + "x"));
  std::string padded = bytes;
  padded.replace(padded.find("seq 17"), 6, "seq 017");
  EXPECT_FALSE(parse_entry(padded));
  EXPECT_NE(commitment(salt, "{\"body\":1}"), commitment(std::string(32, 'T'), "{\"body\":1}"));
  EXPECT_THROW(encode_entry({1, "Bad Kind", 0, {}}), std::invalid_argument);
}

TEST(Hash, Base64IsStrict) {
  EXPECT_EQ(base64("hello"), "aGVsbG8=");
  EXPECT_EQ(unbase64("aGVsbG8="), "hello");
  EXPECT_FALSE(unbase64("aGVsbG9="));  // leftover bits set
  EXPECT_FALSE(unbase64("aGVsbG8"));
  EXPECT_FALSE(unbase64("aGV sbG8="));
  for (size_t n = 0; n < 40; ++n) {
    const std::string b = random_bytes(n);
    ASSERT_EQ(unbase64(base64(b)), b);
  }
}

}  // namespace
}  // namespace truceline::tlog
