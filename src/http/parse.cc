#include "http/parse.h"

#include "http/router.h"
#include "http/wire.h"

namespace truceline::http {

bool parse_request(std::string_view bytes, const Limits& limits, Request& out, Response& error) {
  wire::Parser p;
  wire::configure(p, limits);
  p.eager(true);
  boost::system::error_code ec;
  boost::asio::const_buffer buf(bytes.data(), bytes.size());
  bool checked = false;
  while (buf.size() > 0 && !p.is_done()) {
    const size_t used = p.put(buf, ec);
    buf += used;
    if (!checked && p.is_header_done() && !ec) {
      if (!wire::check_header(p, limits, error)) return false;
      checked = true;
    }
    if (ec == wire::bhttp::error::need_more) {
      ec = {};
      if (used == 0) break;
      continue;
    }
    if (ec) break;
  }
  if (!ec && !p.is_done()) {
    // Bytes end before the message does: what the server would see from a client that stopped.
    p.put_eof(ec);
    if (!ec && !p.is_done()) ec = wire::bhttp::error::partial_message;
  }
  if (ec) {
    if (!wire::error_for(ec, limits, error)) set_error(error, 400, "bad_request", "the request ends before its end");
    return false;
  }
  if (!checked && !wire::check_header(p, limits, error)) return false;
  return wire::to_request(p.release(), "", out, error);
}

}  // namespace truceline::http
