#include "support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace truceline::testing {

const plan::ZoneMap& default_map() {
  static const plan::ZoneMap map =
      plan::compile(plan::parse_plan((root() / "plans/kellogg-2025-04.toml").string()), nullptr);
  return map;
}

const plan::ZoneMap& four_regions_map() {
  static const plan::ZoneMap map =
      plan::compile(plan::parse_plan((root() / "plans/four-regions-2025-04.toml").string()), nullptr);
  return map;
}

std::filesystem::path fresh_test_dir(const std::string& prefix) {
  const auto dir = std::filesystem::temp_directory_path() / ("truceline-" + prefix + "-" + std::to_string(getpid()) + "-" +
                                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

int connect_loopback(int port, int read_timeout_s, int rcvbuf) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  timeval tv{read_timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace truceline::testing
