#pragma once
// A child process of the test: the truceline binary with its stdout in a file, so that a test can
// wait for a line, read its output and kill it at a moment of its choosing.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "integration/cli_support.h"

extern char** environ;

namespace truceline::testing {

class Process {
 public:
  Process(const std::vector<std::string>& args, const std::filesystem::path& out) : out_(out) {
    std::vector<char*> argv;
    std::vector<std::string> all{binary()};
    all.insert(all.end(), args.begin(), args.end());
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (out.string() + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Process() { kill(SIGKILL); }
  Process(const Process&) = delete;

  // Waits up to `timeout` for stdout to hold `needle`; returns stdout.
  std::string wait_for(const std::string& needle, std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    std::string s;
    while (std::chrono::steady_clock::now() < end) {
      s = slurp(out_);
      if (s.find(needle) != std::string::npos) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return s;
  }
  // Sends `sig` and waits; returns the exit code, or 128 + the signal that ended it (-1: no process).
  int kill(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  bool started() const { return pid_ > 0; }

 private:
  std::filesystem::path out_;
  pid_t pid_ = -1;
};

// The port in "… on http://127.0.0.1:PORT".
inline int served_port(const std::string& out) {
  const auto at = out.rfind(':');
  return at == std::string::npos ? -1 : std::atoi(out.c_str() + at + 1);
}

}  // namespace truceline::testing
