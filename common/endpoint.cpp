#include "common/endpoint.hpp"

#include <cctype>
#include <charconv>

namespace sessdemo {

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// A host name or IPv4 address: letters, digits, '.', '-', '_'. In brackets, an IPv6 address:
// hex digits, ':' and '.', and an optional zone ("%eth0") of name characters.
bool valid_host(std::string_view host, bool bracketed) {
  if (!bracketed) {
    for (char c : host)
      if (!name_char(c)) return false;
    return true;
  }
  auto zone = host.find('%');
  auto addr = host.substr(0, zone);
  if (addr.empty() || addr.find(':') == std::string_view::npos) return false;
  for (char c : addr)
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  if (zone == std::string_view::npos) return true;
  auto name = host.substr(zone + 1);
  if (name.empty()) return false;
  for (char c : name)
    if (!name_char(c)) return false;
  return true;
}

std::variant<Endpoint, std::string> parse_one(std::string_view item, bool allow_url,
                                              bool any_port) {
  std::string original(item);
  bool tls = false;
  if (allow_url) {
    if (item.starts_with("http://")) {
      item.remove_prefix(7);
    } else if (item.starts_with("https://")) {
      item.remove_prefix(8);
      tls = true;
    }
    if (item.ends_with("/")) item.remove_suffix(1);
    if (auto slash = item.find('/'); slash != std::string_view::npos)
      return "'" + original + "' has a path (" + std::string(item.substr(slash)) +
             "): give the address only; --home-path, --details-path and --path set the paths";
  }
  if (item.empty()) return std::string("empty address in the list");
  std::string_view host, port;
  bool bracketed = item.front() == '[';
  if (bracketed) {
    auto close = item.find(']');
    if (close == std::string_view::npos || close + 1 >= item.size() || item[close + 1] != ':')
      return "'" + original + "' is not [IPv6]:PORT";
    host = item.substr(1, close - 1);
    port = item.substr(close + 2);
  } else {
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos) return "'" + original + "' has no :PORT";
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return "'" + original + "': put an IPv6 address in brackets, like [::1]:8080";
  }
  if (host.empty()) return "'" + original + "' has no host";
  if (!valid_host(host, bracketed))
    return "'" + original +
           "' has an invalid host (a name or IPv4 address of letters, digits, '.', '-', '_', or "
           "an IPv6 address in brackets)";
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() ||
      (value == 0 && !any_port) || value > 65535)
    return "'" + original + "' has an invalid port (" + (any_port ? "0-65535" : "1-65535") + ")";
  return Endpoint{std::string(host), static_cast<std::uint16_t>(value), tls};
}

}  // namespace

std::variant<std::vector<Endpoint>, std::string> parse_endpoints(std::string_view text,
                                                                 bool allow_url, bool any_port) {
  std::vector<Endpoint> out;
  if (text.empty()) return std::string("empty address list");
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto one = parse_one(item, allow_url, any_port);
    if (auto* err = std::get_if<std::string>(&one)) return *err;
    out.push_back(std::get<Endpoint>(one));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace sessdemo
