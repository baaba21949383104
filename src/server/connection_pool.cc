#include "server/connection_pool.h"

namespace truceline::server {
namespace {
thread_local bool t_refusing = false;
}  // namespace

ConnectionPool::ConnectionPool(size_t workers, size_t max_queued, size_t refusers)
    : workers_(workers), max_queued_(max_queued) {
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { run(serve_, false); });
  for (size_t i = 0; i < refusers; ++i) threads_.emplace_back([this] { run(refuse_, true); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

bool ConnectionPool::refusing() { return t_refusing; }

void ConnectionPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Connections held: those being served and those waiting for a worker.
    const bool over = busy_ + serve_.jobs.size() >= workers_ + max_queued_;
    (over ? refuse_ : serve_).jobs.push_back(std::move(fn));
    (over ? refuse_ : serve_).cv.notify_one();
  }
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  serve_.cv.notify_all();
  refuse_.cv.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

// Runs the lane's jobs until shutdown, finishing what is queued first.
void ConnectionPool::run(Lane& lane, bool refuse) {
  t_refusing = refuse;
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      lane.cv.wait(lock, [&] { return stop_ || !lane.jobs.empty(); });
      if (lane.jobs.empty()) return;
      fn = std::move(lane.jobs.front());
      lane.jobs.pop_front();
      if (!refuse) ++busy_;
    }
    fn();
    if (!refuse) {
      std::lock_guard<std::mutex> lock(mu_);
      --busy_;
    }
  }
}

}  // namespace truceline::server
