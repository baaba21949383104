#pragma once
// Server-Sent Events over cpp-httplib: a hub that fans events out to its subscribers, each with a
// bounded queue of its own. Publishing never waits for a client: a subscriber whose queue is full
// (a client that stopped reading) is dropped, and its stream ends. Thread-safe.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace truceline::server {

class SseHub {
 public:
  struct Options {
    size_t max_queue = 1024;  // DEFAULT: 1,024 events waiting for one client, then it is dropped
    std::chrono::milliseconds keep_alive{15'000};  // DEFAULT: a ": keep-alive" comment every 15 s
    std::chrono::milliseconds slice{250};          // DEFAULT: how often a stream looks for the server's stop
  };

  class Subscriber {
   public:
    // Waits up to `for_ms` for events; returns those queued (empty on timeout). `closed` once dropped.
    std::vector<std::string> take(std::chrono::milliseconds for_ms);
    bool closed();

   private:
    friend class SseHub;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> queue_;
    bool closed_ = false;
    bool all_ = false;          // sees every event
    std::string audience_;      // else: only events for this audience
  };

  SseHub() : SseHub(Options{}) {}
  explicit SseHub(const Options& opt) : opt_(opt) {}
  ~SseHub() { close(); }

  // A new subscriber seeing every event (`all`), or only those published for `audience`.
  std::shared_ptr<Subscriber> subscribe(bool all, const std::string& audience);
  void unsubscribe(const std::shared_ptr<Subscriber>& s);
  // Queues "event: <event>\ndata: <data>\n\n" for every subscriber that sees `audience`.
  void publish(const std::string& event, const nlohmann::json& data, const std::string& audience);
  // Ends every stream.
  void close();
  size_t subscribers();

  // Answers `res` with a text/event-stream of the subscriber's events and keep-alive comments,
  // until the client goes, the subscriber is dropped or the server stops.
  void stream(httplib::Response& res, std::shared_ptr<Subscriber> s);

 private:
  Options opt_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Subscriber>> subs_;
};

}  // namespace truceline::server
