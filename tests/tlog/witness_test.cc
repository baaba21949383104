// The witness against real requests: checkpoints signed by a log key over MemoryTree roots, with
// consistency proofs from the same trees, and forks built as second trees. Each status of
// c2sp.org/tlog-witness's add-checkpoint is reached, and the state is reopened from disk.
#include "tlog/witness.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "tlog/checkpoint.h"
#include "tlog/tree.h"

namespace truceline::tlog {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kNow = 1'765'000'000;
constexpr const char* kOrigin = "truceline.test/log";

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void grow(MemoryTree& t, int64_t to, const std::string& prefix = "entry ") {
  while (t.size() < to) t.append(prefix + std::to_string(t.size()));
}

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("truceline-witness-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Witness> open() { return std::make_unique<Witness>(witness_key_, log_key_.public_key(), dir_); }

  // The checkpoint of `t` as a note signed by `signer` (the log's key unless told otherwise).
  std::string note_of(MemoryTree& t, const std::string& origin = kOrigin, const PrivateKey* signer = nullptr) {
    const std::string body = checkpoint_body({origin, t.size(), t.root(), {}});
    return note_text(Note{body, {sign_note(signer ? *signer : log_key_, body)}});
  }

  static std::string request(int64_t old_size, const std::vector<Hash>& proof, const std::string& note) {
    std::string body = "old " + std::to_string(old_size) + "\n";
    for (const Hash& h : proof) body += base64(bytes_of(h)) + "\n";
    return body + "\n" + note;
  }

  // The request that extends `t`'s own checkpoint of size `old_size` to its current size.
  std::string extension(MemoryTree& t, int64_t old_size) {
    return request(old_size, consistency_proof(t, old_size, t.size()), note_of(t));
  }

  // The cosignature in a 200 response over `note`, verified with the witness's public key; its
  // timestamp, or nullopt when it does not verify.
  std::optional<uint64_t> cosigned_at(const std::string& note, const WitnessResponse& r) {
    const Note n = parse_note(note + r.body);
    return verify_cosignature(witness_key_.public_key(), n.text, n.signatures.back());
  }

  std::string conflicts() const { return read_all(dir_ / "conflicts.log"); }

  PrivateKey log_key_ = PrivateKey::generate(kOrigin, KeyType::kEd25519);
  PrivateKey witness_key_ = PrivateKey::generate("truceline.test/witness", KeyType::kCosignatureV1);
  fs::path dir_;
};

TEST_F(WitnessTest, FirstCheckpointWithOldZeroIsCosigned) {
  auto w = open();
  EXPECT_EQ(w->size(), 0);
  EXPECT_EQ(w->root(), empty_tree_hash());
  EXPECT_FALSE(w->checkpoint_note());
  MemoryTree t;
  grow(t, 5);
  const std::string note = note_of(t);
  const WitnessResponse r = w->add_checkpoint(request(0, {}, note), kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.rfind("\xe2\x80\x94 truceline.test/witness ", 0), 0u);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 1);
  EXPECT_EQ(cosigned_at(note, r), kNow);
  EXPECT_EQ(w->size(), 5);
  EXPECT_EQ(w->root(), t.root());
  // The monitoring view: the log's signature the witness verified, then its own cosignature.
  const Note held = parse_note(*w->checkpoint_note());
  ASSERT_EQ(held.signatures.size(), 2u);
  EXPECT_TRUE(verify_note_signature(log_key_.public_key(), held.text, held.signatures[0]));
  EXPECT_EQ(verify_cosignature(witness_key_.public_key(), held.text, held.signatures[1]), kNow);
  EXPECT_EQ(read_all(dir_ / "checkpoint"), *w->checkpoint_note());
  EXPECT_FALSE(fs::exists(dir_ / "conflicts.log"));
}

TEST_F(WitnessTest, EmptyTreeIsCosignedOnlyWithTheEmptyRoot) {
  auto w = open();
  MemoryTree empty;
  EXPECT_EQ(w->add_checkpoint(request(0, {}, note_of(empty)), kNow).status, 200);
  const std::string bad_body = checkpoint_body({kOrigin, 0, leaf_hash("not empty"), {}});
  const std::string bad = note_text(Note{bad_body, {sign_note(log_key_, bad_body)}});
  const WitnessResponse r = w->add_checkpoint(request(0, {}, bad), kNow);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(conflicts().find("empty tree"), std::string::npos);
}

TEST_F(WitnessTest, ExtensionWithCorrectProofIsCosigned) {
  auto w = open();
  MemoryTree t;
  grow(t, 5);
  ASSERT_EQ(w->add_checkpoint(extension(t, 0), kNow).status, 200);
  for (const int64_t to : {12, 13, 16, 100}) {
    const int64_t from = t.size();
    grow(t, to);
    const std::string req = extension(t, from);
    ASSERT_FALSE(consistency_proof(t, from, to).empty());
    const WitnessResponse r = w->add_checkpoint(req, kNow + to);
    ASSERT_EQ(r.status, 200) << from << " -> " << to << ": " << r.body;
    EXPECT_EQ(cosigned_at(note_of(t), r), kNow + to);
    EXPECT_EQ(w->size(), to);
    EXPECT_EQ(w->root(), t.root());
  }
  // The same checkpoint again (old size = its size, no proof) is cosigned again.
  EXPECT_EQ(w->add_checkpoint(request(100, {}, note_of(t)), kNow + 200).status, 200);
  EXPECT_EQ(w->size(), 100);
}

TEST_F(WitnessTest, WrongOldSizeGets409WithTheCosignedSize) {
  auto w = open();
  MemoryTree t;
  grow(t, 7);
  // A fresh witness has cosigned nothing: its size is 0.
  WitnessResponse r = w->add_checkpoint(extension(t, 3), kNow);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "text/x.tlog.size");
  EXPECT_EQ(r.body, "0\n");
  ASSERT_EQ(w->add_checkpoint(extension(t, 0), kNow).status, 200);
  grow(t, 12);
  for (const int64_t old_size : {0, 3, 6, 8}) {
    r = w->add_checkpoint(extension(t, old_size), kNow);
    EXPECT_EQ(r.status, 409) << old_size;
    EXPECT_EQ(r.content_type, "text/x.tlog.size");
    EXPECT_EQ(r.body, "7\n");
  }
  EXPECT_EQ(w->size(), 7);
  // What a log does on 409: retry from the size the witness holds.
  EXPECT_EQ(w->add_checkpoint(extension(t, 7), kNow).status, 200);
  EXPECT_EQ(w->size(), 12);
}

TEST_F(WitnessTest, SmallerTreeIsNeverCosigned) {
  auto w = open();
  MemoryTree t;
  grow(t, 5);
  MemoryTree small = t;
  grow(t, 12);
  ASSERT_EQ(w->add_checkpoint(extension(t, 0), kNow).status, 200);
  const std::string held = read_all(dir_ / "checkpoint");
  // Old size above the checkpoint's size: malformed.
  WitnessResponse r = w->add_checkpoint(request(12, {}, note_of(small)), kNow);
  EXPECT_EQ(r.status, 400) << r.body;
  // The smaller tree's own size as the old size: not what the witness holds.
  r = w->add_checkpoint(request(5, {}, note_of(small)), kNow);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, "12\n");
  r = w->add_checkpoint(extension(small, 0), kNow);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(w->size(), 12);
  EXPECT_EQ(w->root(), t.root());
  EXPECT_EQ(read_all(dir_ / "checkpoint"), held);
  // An older checkpoint of the same history is not evidence of a fork.
  EXPECT_FALSE(fs::exists(dir_ / "conflicts.log"));
}

TEST_F(WitnessTest, DifferentRootAtTheSameSizeIs422AndRecorded) {
  auto w = open();
  MemoryTree a, b;
  grow(a, 8);
  grow(b, 8, "other entry ");
  ASSERT_NE(a.root(), b.root());
  ASSERT_EQ(w->add_checkpoint(extension(a, 0), kNow).status, 200);
  const WitnessResponse r = w->add_checkpoint(request(8, {}, note_of(b)), kNow + 1);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("different root"), std::string::npos) << r.body;
  EXPECT_EQ(w->root(), a.root());
  const std::string log = conflicts();
  EXPECT_EQ(log.rfind("conflict " + std::to_string(kNow + 1) + " ", 0), 0u) << log;
  EXPECT_NE(log.find("different root at the cosigned size 8"), std::string::npos);
  EXPECT_NE(log.find("request> " + base64(bytes_of(b.root()))), std::string::npos) << log;
  EXPECT_NE(log.find("cosigned> " + base64(bytes_of(a.root()))), std::string::npos) << log;
  // Another fork of size 8 behind a stale old size gets the spec's 409, and is still recorded.
  MemoryTree c;
  grow(c, 8, "third entry ");
  const WitnessResponse stale = w->add_checkpoint(request(0, {}, note_of(c)), kNow + 2);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body, "8\n");
  EXPECT_NE(conflicts().find("conflict " + std::to_string(kNow + 2) + " "), std::string::npos);
  EXPECT_NE(conflicts().find("request> " + base64(bytes_of(c.root()))), std::string::npos);
  EXPECT_EQ(w->root(), a.root());
}

TEST_F(WitnessTest, ForkWithItsOwnProofIs422) {
  auto w = open();
  MemoryTree a, fork;
  grow(a, 3);
  fork = a;
  grow(a, 5);
  grow(fork, 5, "forked entry ");  // shares the first 3 entries, then differs
  ASSERT_EQ(w->add_checkpoint(extension(a, 0), kNow).status, 200);
  grow(fork, 9, "forked entry ");
  // The fork's proof from its own size 5 to 9 holds for the fork, not from the witnessed root.
  ASSERT_FALSE(verify_consistency(5, 9, a.root(), fork.root(), consistency_proof(fork, 5, 9)));
  const WitnessResponse r = w->add_checkpoint(extension(fork, 5), kNow);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(w->size(), 5);
  EXPECT_EQ(w->root(), a.root());
  const std::string log = conflicts();
  EXPECT_NE(log.find("consistency proof from size 5 to 9 does not verify"), std::string::npos) << log;
  // A log retrying the same fork adds no entry; another forked checkpoint does.
  EXPECT_EQ(w->add_checkpoint(extension(fork, 5), kNow + 1).status, 422);
  EXPECT_EQ(conflicts(), log);
  grow(fork, 10, "forked entry ");
  EXPECT_EQ(w->add_checkpoint(extension(fork, 5), kNow + 2).status, 422);
  EXPECT_NE(conflicts().find("from size 5 to 10 does not verify"), std::string::npos);
  // The honest history still extends.
  grow(a, 9);
  EXPECT_EQ(w->add_checkpoint(extension(a, 5), kNow).status, 200);
  EXPECT_EQ(w->root(), a.root());
}

TEST_F(WitnessTest, TamperedProofIs422) {
  auto w = open();
  MemoryTree t;
  grow(t, 6);
  ASSERT_EQ(w->add_checkpoint(extension(t, 0), kNow).status, 200);
  grow(t, 11);
  std::vector<Hash> proof = consistency_proof(t, 6, 11);
  ASSERT_FALSE(proof.empty());
  proof.back()[0] ^= 1;
  EXPECT_EQ(w->add_checkpoint(request(6, proof, note_of(t)), kNow).status, 422);
  proof.back()[0] ^= 1;
  proof.pop_back();
  EXPECT_EQ(w->add_checkpoint(request(6, proof, note_of(t)), kNow).status, 422);
  EXPECT_EQ(w->size(), 6);
}

TEST_F(WitnessTest, UnknownOriginIs404) {
  auto w = open();
  MemoryTree t;
  grow(t, 4);
  const PrivateKey other = PrivateKey::generate("other.test/log", KeyType::kEd25519);
  EXPECT_EQ(w->add_checkpoint(request(0, {}, note_of(t, "other.test/log", &other)), kNow).status, 404);
  // Signed by the log's key, but for another origin: still unknown.
  EXPECT_EQ(w->add_checkpoint(request(0, {}, note_of(t, "other.test/log")), kNow).status, 404);
  EXPECT_EQ(w->size(), 0);
}

TEST_F(WitnessTest, BadLogSignatureIs403) {
  auto w = open();
  MemoryTree t;
  grow(t, 4);
  // A key of the log's name but another id: unknown, ignored, so no signature of the log at all.
  const PrivateKey impostor = PrivateKey::generate(kOrigin, KeyType::kEd25519);
  EXPECT_EQ(w->add_checkpoint(request(0, {}, note_of(t, kOrigin, &impostor)), kNow).status, 403);
  // The log key's name and id over a signature that does not verify.
  Note tampered = parse_note(note_of(t));
  tampered.signatures[0].bytes[0] ^= 1;
  EXPECT_EQ(w->add_checkpoint(request(0, {}, note_text(tampered)), kNow).status, 403);
  // A valid signature beside a failing one with the same name and id: the note is malformed.
  Note both = parse_note(note_of(t));
  both.signatures.push_back(tampered.signatures[0]);
  EXPECT_EQ(w->add_checkpoint(request(0, {}, note_text(both)), kNow).status, 403);
  // Signatures of unknown keys beside the log's are ignored.
  Note extra = parse_note(note_of(t));
  extra.signatures.insert(extra.signatures.begin(), sign_note(impostor, extra.text));
  EXPECT_EQ(w->add_checkpoint(request(0, {}, note_text(extra)), kNow).status, 200);
  EXPECT_EQ(w->size(), 4);
}

TEST_F(WitnessTest, MalformedRequestsAre400) {
  auto w = open();
  MemoryTree t;
  grow(t, 4);
  const std::string note = note_of(t);
  const std::string h = base64(bytes_of(leaf_hash("x"))) + "\n";
  for (const std::string& body : std::vector<std::string>{"", "\n" + note, "old\n\n" + note, "old 01\n\n" + note,
                                  "old -1\n\n" + note, "old +1\n\n" + note, "old 1 \n\n" + note,
                                  "new 0\n\n" + note, "old 0\nnot base64\n\n" + note,
                                  "old 0\n" + base64("short") + "\n\n" + note, "old 0\n" + h + note,
                                  "old 0\n\n", "old 0\n\n" + checkpoint_body({kOrigin, 4, t.root(), {}}),
                                  "old 99999999999999999999\n\n" + note, "old 5\n\n" + note}) {
    const WitnessResponse r = w->add_checkpoint(body, kNow);
    EXPECT_EQ(r.status, 400) << body;
  }
  std::string many = "old 1\n";
  for (int i = 0; i < 64; ++i) many += h;
  EXPECT_EQ(w->add_checkpoint(many + "\n" + note, kNow).status, 400);
  EXPECT_THROW(parse_add_checkpoint(many + "\n" + note), std::invalid_argument);
  std::string most = "old 1\n";
  for (int i = 0; i < 63; ++i) most += h;
  EXPECT_EQ(parse_add_checkpoint(most + "\n" + note).proof.size(), 63u);
  // Old size 0 with a proof is well formed but cannot be right.
  EXPECT_EQ(w->add_checkpoint("old 0\n" + h + "\n" + note, kNow).status, 422);
  EXPECT_EQ(w->size(), 0);
  EXPECT_THROW(w->add_checkpoint(extension(t, 0), 0), std::invalid_argument);
}

TEST_F(WitnessTest, StateSurvivesARestart) {
  MemoryTree a, b;
  grow(a, 8);
  grow(b, 8, "other entry ");
  {
    auto w = open();
    ASSERT_EQ(w->add_checkpoint(extension(a, 0), kNow).status, 200);
    // One witness per directory at a time, or two could each check against the same state.
    EXPECT_THROW(open(), WitnessStateError);
  }
  auto w = open();
  EXPECT_EQ(w->size(), 8);
  EXPECT_EQ(w->root(), a.root());
  EXPECT_EQ(w->add_checkpoint(request(8, {}, note_of(b)), kNow).status, 422);
  EXPECT_EQ(w->add_checkpoint(extension(b, 0), kNow).status, 409);
  grow(b, 12, "other entry ");
  EXPECT_EQ(w->add_checkpoint(extension(b, 8), kNow).status, 422);
  grow(a, 12);
  EXPECT_EQ(w->add_checkpoint(extension(a, 8), kNow).status, 200);
  EXPECT_EQ(w->size(), 12);
}

TEST_F(WitnessTest, RefusesToStartFromAStateItWouldNotHaveCosigned) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "checkpoint") << "not a note\n";
  EXPECT_THROW(open(), WitnessStateError);
  // A checkpoint signed by another key of the log's name.
  MemoryTree t;
  grow(t, 3);
  const PrivateKey impostor = PrivateKey::generate(kOrigin, KeyType::kEd25519);
  std::ofstream(dir_ / "checkpoint", std::ios::trunc) << note_of(t, kOrigin, &impostor);
  EXPECT_THROW(open(), WitnessStateError);
  std::ofstream(dir_ / "checkpoint", std::ios::trunc) << note_of(t);
  EXPECT_EQ(open()->size(), 3);
  EXPECT_THROW(Witness(log_key_, log_key_.public_key(), dir_), std::invalid_argument);
  EXPECT_THROW(Witness(witness_key_, witness_key_.public_key(), dir_), std::invalid_argument);
}

TEST_F(WitnessTest, ConcurrentRequestsFromOneSizeCosignOnlyOne) {
  auto w = open();
  MemoryTree t;
  grow(t, 5);
  ASSERT_EQ(w->add_checkpoint(extension(t, 0), kNow).status, 200);
  // Eight extensions of size 5, to sizes 6 … 13, all claiming old size 5 at once: the first
  // cosigned moves the state, and every other must then see it (409), never roll it back.
  std::vector<std::string> requests;
  for (int64_t to = 6; to <= 13; ++to) {
    MemoryTree u = t;
    grow(u, to);
    requests.push_back(extension(u, 5));
  }
  std::atomic<int> ok = 0, conflict = 0, other = 0;
  std::vector<std::thread> threads;
  for (const std::string& req : requests)
    threads.emplace_back([&w, &ok, &conflict, &other, req] {
      const int status = w->add_checkpoint(req, kNow).status;
      ++(status == 200 ? ok : status == 409 ? conflict : other);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflict, 7);
  EXPECT_EQ(other, 0);
  EXPECT_GT(w->size(), 5);
  // What is on disk is what the witness holds.
  const Checkpoint held = parse_checkpoint(parse_note(read_all(dir_ / "checkpoint")).text);
  EXPECT_EQ(held.size, w->size());
}

}  // namespace
}  // namespace truceline::tlog
