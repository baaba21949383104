#pragma once
// Paths and fixtures shared by the tests.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "plan/compiler.h"

namespace truceline::testing {

// The source tree: TRUCELINE_ROOT when ctest sets it, else the tree this binary was built from.
inline std::filesystem::path root() {
  if (const char* r = std::getenv("TRUCELINE_ROOT")) return r;
  return TRUCELINE_SOURCE_DIR;
}

// A file of ../shared/data when the checkout sits beside it, else the project's own copy in data/.
inline std::filesystem::path shared_or_local(const std::string& shared_rel, const std::string& local_rel) {
  const auto shared = root().parent_path() / "shared" / "data" / shared_rel;
  if (std::filesystem::exists(shared)) return shared;
  return root() / "data" / local_rel;
}

// An empty directory for the running test: under the system's temporary directory, named for
// `prefix`, this process and the test, so that tests in parallel processes never share one.
std::filesystem::path fresh_test_dir(const std::string& prefix);

// A blocking TCP socket connected to 127.0.0.1:`port` (-1 when the connection failed), its
// reads giving up after `read_timeout_s` (a bound for a hung test); `rcvbuf` > 0 sets a small
// receive buffer before connecting, for tests of clients that stop reading.
int connect_loopback(int port, int read_timeout_s, int rcvbuf = 0);

// The built CLI.
inline std::string binary() { return TRUCELINE_BINARY; }

// The default plan, compiled once for the whole test binary (compiling takes a few seconds).
const plan::ZoneMap& default_map();
// The four-regions plan, compiled once.
const plan::ZoneMap& four_regions_map();

}  // namespace truceline::testing
