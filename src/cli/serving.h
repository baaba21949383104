#pragma once
// What the two HTTP commands (`serve`, `witness serve`) share: reading --listen, and stopping the
// server on SIGINT or SIGTERM.
#include <signal.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>

#include "http/server.h"

namespace truceline::cli {

// "HOST:PORT" → {HOST, PORT}; port 0 means any free one. InputError naming `option` otherwise.
std::pair<std::string, int> split_listen(const std::string& listen, const std::string& option = "--listen");

// SIGINT and SIGTERM stop the server from a thread of their own (sigwait): stopping joins threads,
// which no signal handler may do. Made before any other thread starts, so that all inherit the
// blocked signals.
class SignalStop {
 public:
  SignalStop();
  ~SignalStop();
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;
  void arm(http::Server& server);

 private:
  sigset_t set_;
  std::atomic<bool> done_ = false;
  std::thread thread_;
};

}  // namespace truceline::cli
