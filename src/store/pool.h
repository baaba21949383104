#pragma once
// A small pool of read connections: a thread borrows one for a call and gives it back, so no
// connection is ever used by two threads at once. Connections are made on demand; at most
// max_idle are kept between calls.
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

  Pool(Factory make, size_t max_idle) : make_(std::move(make)), max_idle_(max_idle) {}

  Lease acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<Conn> c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(c));
      }
    }
    return Lease(*this, make_());  // connecting can be slow: not under the lock
  }

 private:
  void give_back(std::unique_ptr<Conn> c) {
    if (!c || !c->healthy()) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
  }

  Factory make_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_;
};

}  // namespace truceline::store
