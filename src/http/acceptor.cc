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

}  // namespace truceline::http
