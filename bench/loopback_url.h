#pragma once
// The load generators' --url, http://HOST:PORT: a loopback address only, so that they can never
// load anything but a server on the same machine. Header-only: the generators link no more than
// an HTTP client.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdexcept>
#include <string>

namespace truceline::bench {

struct LoopbackUrl {
  std::string host;
  int port = 0;
};

inline LoopbackUrl parse_loopback_url(const std::string& url) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) throw std::invalid_argument("--url must start with http://");
  std::string rest = url.substr(prefix.size());
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--url needs a port");
  LoopbackUrl u{rest.substr(0, colon), std::stoi(rest.substr(colon + 1))};
  if (u.host == "localhost") u.host = "127.0.0.1";
  in_addr a{};
  if (inet_pton(AF_INET, u.host.c_str(), &a) != 1 || (ntohl(a.s_addr) >> 24) != 127)
    throw std::invalid_argument("--url must name a loopback address (127.x.x.x); got " + u.host);
  return u;
}

}  // namespace truceline::bench
