#pragma once
// Server-Sent Events of the API: a hub that fans each event out to the readers allowed to see it.
// An event is serialised once (http::format_event) and the same text is queued for every reader;
// the server's event loop writes it (http::EventStream). Publishing never waits for a reader: one
// that falls max_queue events behind is dropped, and its stream ends. Thread-safe.
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/event_stream.h"

namespace truceline::server {

class SseHub {
 public:
  struct Options {
    size_t max_queue = 1024;  // DEFAULT: 1,024 events waiting for one reader, then it is dropped
  };

  SseHub() : SseHub(Options{}) {}
  explicit SseHub(const Options& opt) : opt_(opt) {}
  ~SseHub() { close(); }

  // A new reader seeing every event (`all`), or only those published for `audience`. `holding`:
  // live events wait until the caller has replayed what the reader missed (EventStream::release).
  std::shared_ptr<http::EventStream> subscribe(bool all, const std::string& audience, bool holding = false);
  // The same for a stream made by the caller (the CoT feed's, which carries the plan's shapes
  // before its client has shown a token).
  void add(std::shared_ptr<http::EventStream> stream, bool all, const std::string& audience);
  // Queues "id: <id>\nevent: <event>\ndata: <data>\n\n" for every reader that sees `audience`.
  // `id` is the event's place in its sequence, for Last-Event-ID (0: none).
  void publish(const std::string& event, const nlohmann::json& data, const std::string& audience, int64_t id = 0);
  // Queues text already in its final form (the CoT feed's XML) the same way.
  void publish(const http::Event& e, const std::string& audience);
  // Ends every stream.
  void close();
  size_t subscribers();

 private:
  struct Reader {
    std::shared_ptr<http::EventStream> stream;
    bool all;
    std::string audience;
  };
  Options opt_;
  std::mutex mu_;
  std::vector<Reader> readers_;
};

}  // namespace truceline::server
