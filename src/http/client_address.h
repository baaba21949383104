#pragma once
// Who a request comes from, behind reverse proxies: the peer's address, unless the peer is a
// trusted proxy, in which case X-Forwarded-For is read from its right end (the entry the nearest
// proxy added) past every trusted proxy. Entries left of the first untrusted one were written by
// the client itself and prove nothing, so they are never used.
#include <string>
#include <vector>

namespace truceline::http {

std::string client_address(const std::string& peer, const std::string& forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

}  // namespace truceline::http
