#pragma once
// Binding a listening socket to what a person typed (an address or a host name, a port), with
// the reasons for a failure in words: port in use, not an address of this machine, no permission.
#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace sessdemo {

// Opens, binds and listens; returns "ADDR:PORT" as bound (brackets around IPv6). A host name
// is resolved to its first address. Throws std::runtime_error with a message for a person.
std::string bind_acceptor(boost::asio::ip::tcp::acceptor& a, const std::string& host,
                          std::uint16_t port);

}  // namespace sessdemo
