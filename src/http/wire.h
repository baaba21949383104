#pragma once
// Between Beast's messages and truceline's (message.h), with the checks on what a client sent
// that Beast leaves to its user. Shared by the server and parse_request() (the fuzz target's
// entry), so that both judge a request the same way.
#include "http/beast.h"
#include "http/message.h"
#include "http/parse.h"

namespace truceline::http::wire {

namespace bhttp = boost::beast::http;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;
using Parser = bhttp::request_parser<bhttp::string_body>;

// A parser with the limits set: the whole header block, and the body.
void configure(Parser& p, const Limits& limits);
// After the header: false with `error` set (414, 400, 413) when the request line, a header line
// or the declared body exceeds its limit.
bool check_header(const Parser& p, const Limits& limits, Response& error);
// A read that failed: the answer it deserves, or false when the connection is to be closed
// without one (the client went, or stalled).
bool error_for(const boost::system::error_code& ec, const Limits& limits, Response& error);
// The request as handlers see it; false with `error` set (400) for a target that does not parse.
bool to_request(BeastRequest&& in, const std::string& remote, Request& out, Response& error);
// The answer on the wire: status, headers, body, and whether the connection stays open.
BeastResponse to_beast(Response&& res, unsigned version, bool keep_alive, bool head);

}  // namespace truceline::http::wire
