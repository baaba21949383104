#pragma once
// Integrates records into the log's tree off the append path (docs/log.md, "How the tree is
// kept"): appends only write records, as before the log; this thread then gives each new record,
// in seq order, its salt, commitment and tree hashes, a few thousand per transaction. It is woken
// after each commit and polls otherwise (records appended by another process on a shared
// database, or left without leaves by a crash). The backend's step serialises integrators across
// processes (a transaction lock), so there is one tree in one order.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace truceline::store {

class LogIntegrator {
 public:
  // step(max) integrates up to max records in one transaction and returns how many it did.
  // DEFAULT: poll 200 ms; at least `gap` 20 ms between rounds, so that one round takes the records
  // of many group commits (fewer, larger transactions) and leaves the write lock to the appender.
  explicit LogIntegrator(std::function<int64_t(size_t)> step,
                         std::chrono::milliseconds poll = std::chrono::milliseconds(200),
                         std::chrono::milliseconds gap = std::chrono::milliseconds(20));
  // Stops the thread, then integrates what is left (catch_up).
  ~LogIntegrator();
  LogIntegrator(const LogIntegrator&) = delete;
  LogIntegrator& operator=(const LogIntegrator&) = delete;

  void wake();
  // Integrates every record committed before the call, on the caller's thread; rethrows a failure.
  void flush();
  // As flush(), but keeps a failure for error() instead: a database with a gap in its chain must
  // still open, so that verify can name the gap. Run when the store opens and when it closes.
  void catch_up();
  // The last failure of the thread ("" when its last round succeeded).
  std::string error() const;

  static constexpr size_t kBatch = 8192;

 private:
  void loop();
  void run_until_done();

  std::function<int64_t(size_t)> step_;
  std::chrono::milliseconds poll_, gap_;
  std::mutex step_mu_;  // one step at a time: the backend's connection is not shared
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false, stopping_ = false;
  std::string error_;
  std::thread thread_;
};

}  // namespace truceline::store
