#pragma once
// The event-driven HTTP/1.1 server of `truceline serve` (docs/architecture.md says why Boost.Beast):
// one io_context per core, every connection a coroutine waiting on its loop, so that a thousand
// idle keep-alive clients or event-stream readers cost memory, not threads. Handlers that touch the
// store or the correlator run on a small pool of their own (Router::Where::pool), so that a slow
// fsync holds up only the requests waiting for it, never the streams. Limits and deadlines are
// those of docs/limits.md. Optional TLS (OpenSSL through Asio).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/parse.h"
#include "http/router.h"

namespace truceline::http {

struct ServerOptions {
  Limits limits;
  size_t io_threads = 0;        // DEFAULT: 0 = one event loop per core
  size_t handler_threads = 32;  // DEFAULT: 32 handlers at once (store and correlator work)
  size_t max_connections = 20'000;  // DEFAULT: 20,000 open; beyond, 503 overloaded
  size_t max_streams = 10'000;      // DEFAULT: 10,000 event-stream readers; beyond, 503
  size_t max_conns_per_ip = 0;      // DEFAULT: 0 = no limit per client address; beyond, 429
  std::vector<std::string> trusted_proxies;  // their X-Forwarded-For names the client
  double header_timeout_s = 10;  // DEFAULT: 10 s for a request's line and headers, in total
  double min_rate = 64 << 10;    // DEFAULT: 64 KiB/s at least, for a body and for an answer
  double write_timeout_s = 5;    // DEFAULT: 5 s to take an answer, plus its size at min_rate
  double keep_alive_timeout_s = 5;  // DEFAULT: 5 s idle between requests on one connection
  int keep_alive_max = 100;         // DEFAULT: 100 requests per connection, then it is closed
  double stream_keep_alive_s = 15;  // DEFAULT: a ": keep-alive" comment every 15 s on a quiet stream
  std::string tls_cert, tls_key;    // PEM files; both set: every connection is TLS
};

class Server {
 public:
  // The router must outlive the server. Throws std::runtime_error for TLS files that do not load.
  Server(const Router& router, const ServerOptions& opt);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the port (port 0: any free one). Throws std::runtime_error.
  int listen(const std::string& host, int port);
  // Runs the event loops and the handler pool on threads of their own, then returns.
  void start();
  // Blocks until stop().
  void wait();
  // Closes the listener and every connection, waits for the handlers under way. Thread-safe;
  // not async-signal-safe (serve turns signals into a call through the loop).
  void stop();
  bool running() const;

  size_t connections() const;
  size_t streams() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace truceline::http
