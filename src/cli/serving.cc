#include "cli/serving.h"

#include <pthread.h>

#include "geo/errors.h"

namespace truceline::cli {

std::pair<std::string, int> split_listen(const std::string& listen, const std::string& option) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw InputError(option, "'" + listen + "' is not HOST:PORT", "write e.g. 127.0.0.1:8080");
  const std::string digits = listen.substr(colon + 1);
  int port = -1;
  if (!digits.empty() && digits.size() <= 5 && digits.find_first_not_of("0123456789") == std::string::npos)
    port = std::stoi(digits);
  if (port < 0 || port > 65535) throw InputError(option, "bad port in '" + listen + "'", "write HOST:PORT with a port 0–65535");
  return {listen.substr(0, colon), port};
}

SignalStop::SignalStop() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

void SignalStop::arm(http::Server& server) {
  thread_ = std::thread([this, &server] {
    int sig = 0;
    sigwait(&set_, &sig);
    if (!done_) server.stop();
  });
}

SignalStop::~SignalStop() {
  // The server stopped for another reason: wake the waiting thread with a signal of the set.
  if (thread_.joinable()) {
    done_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }
}

}  // namespace truceline::cli
