#include "http/client_address.h"

#include <algorithm>

namespace truceline::http {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

bool trusted(const std::string& addr, const std::vector<std::string>& proxies) {
  return std::find(proxies.begin(), proxies.end(), addr) != proxies.end();
}

}  // namespace

std::string client_address(const std::string& peer, const std::string& forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
  if (!trusted(peer, trusted_proxies)) return peer;
  std::string hop = peer;
  size_t end = forwarded_for.size();
  while (end > 0) {
    const size_t comma = forwarded_for.rfind(',', end - 1);
    const size_t start = comma == std::string::npos ? 0 : comma + 1;
    const std::string entry = trim(forwarded_for.substr(start, end - start));
    if (entry.empty()) break;
    hop = entry;
    if (!trusted(entry, trusted_proxies)) return entry;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return hop;
}

}  // namespace truceline::http
