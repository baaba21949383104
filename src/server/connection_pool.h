#pragma once
// The server's worker pool with a bound on connections (docs/limits.md): cpp-httplib hands each
// accepted connection to its task queue, and a worker serves that connection for its whole life
// (keep-alive requests, an SSE stream). This pool serves at most `workers` connections at once and
// holds at most `max_queued` more waiting; a connection beyond those goes to one of a few refusing
// threads, where every request gets 503 "overloaded" (Api checks refusing() before routing) and
// the connection is closed after it.
//
// cpp-httplib 0.11 gives no hook between accept() and the queue, so a refused connection is still
// read up to its request headers — within the server's read timeout — before it is answered.
// Thread safety: enqueue() from the listening thread, as cpp-httplib calls it.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace truceline::server {

class ConnectionPool : public httplib::TaskQueue {
 public:
  // REQUIRES: workers > 0, refusers > 0
  ConnectionPool(size_t workers, size_t max_queued, size_t refusers = 2);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // True on a refusing thread: the request being handled is over the connection limit.
  static bool refusing();

 private:
  struct Lane {
    std::deque<std::function<void()>> jobs;
    std::condition_variable cv;
  };
  void run(Lane& lane, bool refuse);

  size_t workers_, max_queued_;
  std::mutex mu_;
  bool stop_ = false;
  size_t busy_ = 0;  // connections the workers are serving now
  Lane serve_, refuse_;
  std::vector<std::thread> threads_;
};

}  // namespace truceline::server
