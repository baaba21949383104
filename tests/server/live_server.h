#pragma once
// A real http::Server on a loopback port over a router the test fills, for the tests that speak
// HTTP to the API (clients: cpp-httplib's, raw sockets).
#include <memory>

#include "http/server.h"

namespace truceline::testing {

struct LiveServer {
  http::Router router;
  std::unique_ptr<http::Server> server;
  int port = 0;

  // Listens on 127.0.0.1 (any free port) and serves until stop(). Two event loops and a small
  // pool, as on the 2-core machines the tests run on.
  void start(http::ServerOptions opt = {}) {
    if (opt.io_threads == 0) opt.io_threads = 2;
    if (opt.handler_threads == 32) opt.handler_threads = 8;
    server = std::make_unique<http::Server>(router, opt);
    port = server->listen("127.0.0.1", 0);
    server->start();
  }
  // Stops serving and forgets the routes (their handlers may point at objects about to go), so
  // that a test can mount afresh and start again.
  void stop() {
    if (server) server->stop();
    server.reset();
    router = http::Router{};
  }
  ~LiveServer() { stop(); }
};

}  // namespace truceline::testing
