#pragma once
#include <functional>
#include <optional>
// A minimal blocking HTTP/1.1 client for tests: one request per connection (Connection: close).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "tests/support/eventually.hpp"

namespace sessdemo::test {

struct HttpReply {
  int status = 0;                              // 0 when the connection failed or timed out
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const;
  // The sessdemo_sid value of a Set-Cookie header, or "".
  std::string session_cookie() const;
};

HttpReply http(std::uint16_t port, const std::string& method, const std::string& target,
               const std::string& body = "", const std::string& extra_headers = "",
               std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The value of one sample of the instance's /metrics (name with its labels, if any, exactly as
// exposed); nothing when the line is missing or the page cannot be fetched.
std::optional<double> metric(std::uint16_t port, const std::string& sample);

// A blocking TCP connection to 127.0.0.1:port; -1 when refused.
int connect_loopback(std::uint16_t port);

// Sends raw bytes and returns all the bytes that came back until the server closed (nothing
// after the timeout).
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// One memcached text-protocol command to 127.0.0.1:port and the reply's first read (up to 4 KiB;
// "" when the node cannot be reached).
std::string memcached_command(std::uint16_t port, const std::string& cmd);

// Sends raw bytes and returns the status code of the reply (0 for none).
int raw_status(std::uint16_t port, const std::string& bytes);

}  // namespace sessdemo::test
