#pragma once
// The log's signer (docs/log.md): while the tree grows, at most once per interval, signs a C2SP
// checkpoint of its size and root, sends it to the witnesses with a consistency proof from the
// size each last cosigned (C2SP tlog-witness), and publishes it once a quorum has cosigned. Among
// several `serve` processes on one PostgreSQL database one signs, elected through the database;
// the others serve what it published. Until the quorum answers, the published checkpoint stays
// where it was while the tree goes on growing: readers then see a log that has stopped, never one
// shown to some witnesses only.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/leader_lock.h"
#include "store/store.h"
#include "tlog/note.h"

namespace truceline::server {

struct WitnessConfig {
  std::string url;  // its submission prefix: POST <url>/add-checkpoint
  tlog::PublicKey key;
};

// "URL=VKEY" as `serve --witness` takes it; throws std::invalid_argument naming what is wrong.
WitnessConfig parse_witness_option(const std::string& text);

struct LogPublisherOptions {
  std::optional<tlog::PrivateKey> key;          // none: the tree is kept, nothing is signed
  std::chrono::milliseconds interval{1000};     // DEFAULT: 1 s between checkpoints at most
  std::vector<WitnessConfig> witnesses;
  size_t quorum = 0;                            // DEFAULT: 0, meaning every witness
  bool rotate_key = false;                      // allow a key other than the database's last
  std::chrono::milliseconds witness_timeout{5000};  // DEFAULT: 5 s per witness request
};

// The key cannot be used with this database, or the options disagree.
class LogKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LogPublisher {
 public:
  // Checks the key against the database's checkpoints: a database signed by another key needs
  // rotate_key, and the rotation is appended to the record as a `log_key` record. Throws
  // LogKeyError. `db` is what the store was opened from (for the leader election).
  LogPublisher(store::Store& store, const std::string& db, LogPublisherOptions opt);
  ~LogPublisher();
  LogPublisher(const LogPublisher&) = delete;
  LogPublisher& operator=(const LogPublisher&) = delete;

  // Runs tick() every interval on a thread of its own until destroyed.
  void start();
  // One round: sign a checkpoint if the tree grew (or retry the unpublished one), ask the
  // witnesses, publish on quorum. Safe to call from tests while not started.
  void tick();
  // For /v1/health: sizes, whether this process signs, each witness's last answer.
  nlohmann::json health() const;
  bool signing() const { return opt_.key.has_value(); }

 private:
  struct WitnessState {
    int64_t size = 0;        // the size it last cosigned, as far as we know
    std::string error;       // its last failure, "" when it answered
  };
  // The cosignature line from witness i for `note` of `size`, or nullopt (the error kept).
  std::optional<std::string> ask(size_t i, const std::string& note, int64_t size);
  void loop();

  store::Store& store_;
  LogPublisherOptions opt_;
  store::LeaderLock lock_;
  mutable std::mutex mu_;
  std::vector<WitnessState> witnesses_;
  std::atomic<bool> leading_{false};
  std::string last_error_;
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace truceline::server
