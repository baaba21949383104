#include "http/wire.h"

#include "http/router.h"

namespace truceline::http::wire {
namespace {

std::string thousands(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace

void configure(Parser& p, const Limits& limits) {
  p.header_limit(static_cast<std::uint32_t>(limits.max_header));
  p.body_limit(limits.max_body);
}

bool check_header(const Parser& p, const Limits& limits, Response& error) {
  const auto& h = p.get();
  if (h.target().size() > limits.max_line) {
    set_error(error, 414, "uri_too_long", "the request line exceeds " + thousands(limits.max_line) + " bytes");
    return false;
  }
  for (const auto& f : h) {
    if (f.name_string().size() + f.value().size() + 2 > limits.max_line) {
      set_error(error, 400, "bad_request", "a header line exceeds " + thousands(limits.max_line) + " bytes");
      return false;
    }
  }
  if (const auto n = p.content_length(); n && *n > limits.max_body) {
    set_error(error, 413, "body_too_large", "the body exceeds " + std::to_string(limits.max_body) + " bytes");
    return false;
  }
  return true;
}

bool error_for(const boost::system::error_code& ec, const Limits& limits, Response& error) {
  if (ec == bhttp::error::body_limit) {
    set_error(error, 413, "body_too_large", "the body exceeds " + std::to_string(limits.max_body) + " bytes");
    return true;
  }
  if (ec == bhttp::error::header_limit) {
    set_error(error, 431, "headers_too_large", "the request's headers exceed " + thousands(limits.max_header) + " bytes");
    return true;
  }
  // The client went, stalled past its deadline, or the connection broke: nobody to answer.
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == boost::beast::error::timeout ||
      ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
      ec == boost::asio::error::operation_aborted || ec.category() == boost::asio::error::get_ssl_category() ||
      ec.category() == boost::asio::error::get_system_category())
    return false;
  set_error(error, 400, "bad_request", "malformed HTTP request (" + ec.message() + ")");
  return true;
}

bool to_request(BeastRequest&& in, const std::string& remote, Request& out, Response& error) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  if (!parse_target(out.target, out.path, out.params)) {
    set_error(error, 400, "bad_request", "the request target is not a path with a well-formed query");
    return false;
  }
  out.headers.clear();
  for (const auto& f : in) out.headers.emplace(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(in.body());
  out.remote = remote;
  return true;
}

BeastResponse to_beast(Response&& res, unsigned version, bool keep_alive, bool head) {
  BeastResponse out{static_cast<bhttp::status>(res.status), version};
  for (const auto& [k, v] : res.headers) out.insert(k, v);
  const size_t size = res.body.size();
  if (!head) out.body() = std::move(res.body);
  out.keep_alive(keep_alive);
  // A HEAD answer declares the length GET's body would have.
  out.content_length(size);
  return out;
}

}  // namespace truceline::http::wire
