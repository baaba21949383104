#pragma once
// A listening TCP socket for the servers of `serve` (HTTP, CoT): one way to read the address,
// bind and listen, and one set of errors.
#include <memory>
#include <string>

#include "http/beast.h"

namespace truceline::http {

// An acceptor on `io`, bound to HOST:PORT ("localhost" is 127.0.0.1; port 0: any free one) and
// listening with a deep backlog: bursts of connecting clients wait in the kernel, not in SYN
// retransmissions. Throws std::runtime_error for an address that is not an IP address or a port
// that cannot be bound.
std::unique_ptr<boost::asio::ip::tcp::acceptor> listening_acceptor(boost::asio::io_context& io, const std::string& host, int port);

}  // namespace truceline::http
