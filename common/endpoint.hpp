#pragma once
// HOST:PORT lists, as given to --memcached and --instances. IPv6 hosts go in brackets:
// [::1]:11211. With allow_url, an http:// or https:// prefix and a trailing slash are accepted
// (https:// sets tls).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sessdemo {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;               // given as https://
  std::string to_string() const;  // HOST:PORT, brackets around an IPv6 host (no scheme)
  bool operator==(const Endpoint&) const = default;
};

// Either the list or a one-line reason it is not a valid list. any_port: port 0 is taken (a
// listener's "any free port"); else ports are 1 to 65535.
std::variant<std::vector<Endpoint>, std::string> parse_endpoints(std::string_view text,
                                                                 bool allow_url = false,
                                                                 bool any_port = false);

}  // namespace sessdemo
