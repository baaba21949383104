#include "support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
