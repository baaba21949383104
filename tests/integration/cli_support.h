#pragma once
// Runs the built CLI in a shell and captures its exit code, stdout and stderr.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "support.h"

namespace truceline::testing {

struct RunResult {
  int code = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `cmd` in a shell from the source tree; stderr goes to a file in `scratch`.
inline RunResult run_shell(const std::string& cmd, const std::filesystem::path& scratch) {
  std::filesystem::create_directories(scratch);
  const auto err_path = scratch / "stderr.txt";
  RunResult r;
  FILE* p = popen(("cd '" + root().string() + "' && " + cmd + " 2>'" + err_path.string() + "'").c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_path);
  return r;
}

// Runs `truceline ARGS` from the source root; stderr goes to a file beside `scratch`.
inline RunResult run_cli(const std::string& args, const std::filesystem::path& scratch) {
  return run_shell("'" + binary() + "' " + args, scratch);
}

// A fresh scratch directory under the system temporary folder.
// A token for `role` (named after it) made with `truceline token create` in the record `db`.
inline std::string cli_token(const std::filesystem::path& db, const std::filesystem::path& dir, const std::string& role) {
  const RunResult r = run_cli("token create --db '" + db.string() + "' --role " + role + " --name " + role, dir);
  EXPECT_EQ(r.code, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

inline std::filesystem::path scratch_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("truceline-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace truceline::testing
