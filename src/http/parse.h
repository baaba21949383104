#pragma once
// The limits on what a client may send, and a request read from bytes as the server reads it
// from a socket: the entry point of the HTTP fuzz target and of the parsing tests.
#include <cstddef>
#include <string_view>

#include "http/message.h"

namespace truceline::http {

struct Limits {
  size_t max_body = 16 << 20;       // DEFAULT: 16 MiB; larger get 413 body_too_large
  size_t max_line = 8192;           // the request line and each header line; longer get 414 / 400
  size_t max_header = 64 << 10;     // all of the header block; more gets 431
};

// One request from `bytes` (it must be whole). True with `out` filled; false with `error` holding
// the answer the server would give (400, 413, 414, 431).
bool parse_request(std::string_view bytes, const Limits& limits, Request& out, Response& error);

}  // namespace truceline::http
