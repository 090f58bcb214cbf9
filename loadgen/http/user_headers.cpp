#include "loadgen/http/user_headers.hpp"

#include <boost/beast/core/string.hpp>

#include "common/trim.hpp"

namespace sessdemo::loadgen {

namespace {
// RFC 9110 token characters.
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
}  // namespace

std::variant<UserHeaders, std::string> parse_user_headers(const std::vector<std::string>& raw) {
  UserHeaders out;
  for (const auto& h : raw) {
    auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      return "-H '" + h + "': give a header as 'Name: value'";
    std::string_view name(h.data(), colon);
    for (char c : name)
      if (!token_char(c))
        return "-H '" + h + "': the name has a character not allowed in a header name";
    auto value = trim(std::string_view(h).substr(colon + 1));
    for (char c : value)
      if (c == '\r' || c == '\n' || c == '\0')
        return "-H '" + h + "': the value has a line break or NUL";
    using boost::beast::iequals;
    if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
        iequals(name, "Connection"))
      return "-H '" + h + "': the tester frames requests itself and sets " + std::string(name);
    if (iequals(name, "Host")) {
      if (value.empty()) return "-H '" + h + "': an empty Host";
      out.host = value;
    } else if (iequals(name, "Cookie")) {
      if (!out.cookie.empty()) out.cookie += "; ";
      out.cookie += value;
    } else {
      out.lines.append(name).append(": ").append(value).append("\r\n");
    }
  }
  return out;
}

}  // namespace sessdemo::loadgen
