#include "server/http_log_client.h"

#include <stdexcept>

namespace truceline::server {

HttpLogClient::HttpLogClient(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos || (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0))
    throw std::invalid_argument("'" + url + "' is not an http:// or https:// URL");
  const size_t slash = url.find('/', scheme + 3);
  std::string path = slash == std::string::npos ? "" : url.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  prefix_ = path + "/log/";
  client_ = std::make_unique<httplib::Client>(url.substr(0, slash));
  client_->set_connection_timeout(10, 0);
  client_->set_read_timeout(30, 0);
  client_->set_keep_alive(true);
  // Without it, Nagle's algorithm and the server's delayed ACK add ~40 ms to each tile fetched.
  client_->set_tcp_nodelay(true);
}

std::optional<std::string> HttpLogClient::get(const std::string& path) {
  const auto res = client_->Get(prefix_ + path);
  if (!res) throw std::runtime_error("cannot reach the log: " + httplib::to_string(res.error()));
  if (res->status == 404) return std::nullopt;
  if (res->status != 200)
    throw tlog::LogRefusal("GET " + prefix_ + path + " answered " + std::to_string(res->status) + " " + res->body.substr(0, 200));
  return res->body;
}

}  // namespace truceline::server
