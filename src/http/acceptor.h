#pragma once
// Listening sockets and TLS contexts for the servers of `serve` (HTTP, CoT): one way to read the
// address, bind and listen, load certificates, and one set of errors.
#include <memory>
#include <string>

#include "http/beast.h"

namespace truceline::http {

// An acceptor on `io`, bound to HOST:PORT ("localhost" is 127.0.0.1; port 0: any free one) and
// listening with a deep backlog: bursts of connecting clients wait in the kernel, not in SYN
// retransmissions. Throws std::runtime_error for an address that is not an IP address or a port
// that cannot be bound.
std::unique_ptr<boost::asio::ip::tcp::acceptor> listening_acceptor(boost::asio::io_context& io, const std::string& host, int port);

// A TLS server context (TLS 1.2 and later) with the PEM certificate chain and private key.
// Throws std::runtime_error naming the file that does not load.
boost::asio::ssl::context server_tls_context(const std::string& cert_file, const std::string& key_file);

}  // namespace truceline::http
