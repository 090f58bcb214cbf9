#pragma once
// Headers a user adds to every request (-H 'Name: value'), checked once at start. The tester
// frames requests itself, so Content-Length, Transfer-Encoding and Connection are refused; Host
// replaces the tester's; Cookie is appended after the client's own cookies, which it never
// replaces.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sessdemo::loadgen {

struct UserHeaders {
  std::string lines;   // "Name: value\r\n" for each header sent as given
  std::string host;    // a Host given with -H, or empty
  std::string cookie;  // cookies given with -H Cookie, joined with "; ", or empty
};

// The headers ready to send, or a one-line reason the first bad one is refused.
std::variant<UserHeaders, std::string> parse_user_headers(const std::vector<std::string>& raw);

}  // namespace sessdemo::loadgen
