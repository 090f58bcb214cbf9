#include "server/listen_address.hpp"

#include <stdexcept>

#include <boost/asio/ip/address.hpp>

namespace sessdemo {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Binds and listens; returns "ADDR:PORT" as bound. Messages for a person.
std::string bind_acceptor(tcp::acceptor& a, const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (ec) {
    // A host name: its first address (localhost is 127.0.0.1 or ::1).
    tcp::resolver resolver(a.get_executor());
    auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
    if (ec || found.empty())
      throw std::runtime_error("'" + host +
                               "' is neither an IP address nor a host name that resolves");
    addr = found.begin()->endpoint().address();
  }
  tcp::endpoint ep(addr, port);
  std::string where =
      (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(port);
  a.open(ep.protocol(), ec);
  if (ec) throw std::runtime_error("cannot open a socket: " + ec.message());
  a.set_option(net::socket_base::reuse_address(true), ec);
  a.bind(ep, ec);
  if (ec) {
    if (ec == net::error::address_in_use)
      throw std::runtime_error("port " + std::to_string(port) + " is already in use on " +
                               addr.to_string());
    if (ec == boost::system::errc::address_not_available)
      throw std::runtime_error(addr.to_string() + " is not an address of this machine");
    if (ec == net::error::access_denied)
      throw std::runtime_error("no permission to listen on " + where +
                               " (ports below 1024 need root)");
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  }
  a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  auto bound = a.local_endpoint(ec);
  std::string shown = bound.address().to_string();
  if (bound.address().is_v6()) shown = "[" + shown + "]";
  return shown + ":" + std::to_string(bound.port());
}

}  // namespace sessdemo
