#include "http/acceptor.h"

namespace truceline::http {

std::unique_ptr<boost::asio::ip::tcp::acceptor> listening_acceptor(boost::asio::io_context& io, const std::string& host, int port) {
  using tcp = boost::asio::ip::tcp;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error("'" + host + "' is not an IP address");
  auto acc = std::make_unique<tcp::acceptor>(io);
  const tcp::endpoint ep(address, static_cast<unsigned short>(port));
  acc->open(ep.protocol(), ec);
  if (!ec) acc->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acc->bind(ep, ec);
  if (!ec) acc->listen(4096, ec);
  if (ec) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return acc;
}

boost::asio::ssl::context server_tls_context(const std::string& cert_file, const std::string& key_file) {
  namespace ssl = boost::asio::ssl;
  if (cert_file.empty() || key_file.empty()) throw std::runtime_error("TLS needs both a certificate and a key file");
  ssl::context tls(ssl::context::tls_server);
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  tls.use_certificate_chain_file(cert_file, ec);
  if (ec) throw std::runtime_error("cannot load the TLS certificate " + cert_file + ": " + ec.message());
  tls.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot load the TLS key " + key_file + ": " + ec.message());
  return tls;
}

}  // namespace truceline::http
