#pragma once
// An HTTP request as a handler sees it, and the answer it fills in: plain values, free of the
// transport (Boost.Beast in server.cc), so that handlers, the router and the fuzz target can be
// driven without a socket.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace truceline::http {

class EventStream;

// Header names compare without regard to case (RFC 9110, 5.1).
struct NoCaseLess {
  bool operator()(std::string_view a, std::string_view b) const;
};
using Headers = std::multimap<std::string, std::string, NoCaseLess>;

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // as sent: path and query
  std::string path;    // the target before '?', percent-decoded
  std::multimap<std::string, std::string> params;  // the query, decoded ('+' is a space)
  Headers headers;
  std::string body;
  std::string remote;  // the client's address (X-Forwarded-For's, from a trusted proxy)
  std::vector<std::string> matches;  // the route pattern's groups; [0] is the whole path

  bool has_param(const std::string& name) const { return params.count(name) > 0; }
  // The first value of `name`; "" when absent.
  std::string get_param_value(const std::string& name) const;
  std::string get_header_value(const std::string& name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Set by a handler that answers with Server-Sent Events: the server writes the stream's events
  // after the status and headers, until the stream closes or the client goes.
  std::shared_ptr<EventStream> stream;

  void set_header(const std::string& name, const std::string& value);
  void set_content(std::string content, const std::string& content_type);
};

// Splits `target` into a decoded path and parameters. False when the target is not an origin-form
// path ("/…") or holds a malformed percent escape.
bool parse_target(const std::string& target, std::string& path, std::multimap<std::string, std::string>& params);

}  // namespace truceline::http
