#pragma once
// A small pool of read connections: a thread borrows one for a call and gives it back, so no
// connection is ever used by two threads at once. Connections are made on demand; at most
// max_idle are kept between calls, and with max_open set, at most that many are lent out at once
// (a caller beyond waits for one to come back rather than open another).
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace truceline::store {

// Conn must have `bool healthy() const`; a connection that is not healthy is dropped on return.
template <class Conn>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<Conn>()>;

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Conn> c) : pool_(pool), conn_(std::move(c)) {}
    ~Lease() { pool_.give_back(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }

   private:
    Pool& pool_;
    std::unique_ptr<Conn> conn_;
  };

  // max_open 0: no limit.
  Pool(Factory make, size_t max_idle, size_t max_open = 0)
      : make_(std::move(make)), max_idle_(max_idle), max_open_(max_open) {}

  Lease acquire() {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (max_open_) cv_.wait(lock, [this] { return !idle_.empty() || lent_ < max_open_; });
      ++lent_;
      if (!idle_.empty()) {
        std::unique_ptr<Conn> c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(c));
      }
    }
    try {
      return Lease(*this, make_());  // connecting can be slow: not under the lock
    } catch (...) {
      give_back(nullptr);
      throw;
    }
  }

 private:
  void give_back(std::unique_ptr<Conn> c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --lent_;
      if (c && c->healthy() && idle_.size() < max_idle_) idle_.push_back(std::move(c));
    }
    cv_.notify_one();
  }

  Factory make_;
  const size_t max_idle_, max_open_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t lent_ = 0;
  std::vector<std::unique_ptr<Conn>> idle_;
};

}  // namespace truceline::store
