#include "server/origin_check.hpp"

#include <boost/beast/core/string.hpp>
#include <cctype>
#include <string>
#include <utility>

namespace sessdemo {

namespace {
// The host name of "scheme://host[:port]" or of a Host header "host[:port]", lower-cased.
// "host[:port]" as host (lower case, an IPv6 address with its brackets) and port (the scheme's
// default when none is written); empty host when it does not parse.
std::pair<std::string, std::string> authority(std::string_view v, std::string_view default_port) {
  std::string_view host, port;
  if (!v.empty() && v.front() == '[') {
    auto close = v.find(']');
    if (close == std::string_view::npos) return {};
    host = v.substr(0, close + 1);
    v.remove_prefix(close + 1);
    if (!v.empty() && v.front() != ':') return {};
    port = v.empty() ? v : v.substr(1);
  } else {
    auto colon = v.find(':');
    host = v.substr(0, colon);
    port = colon == std::string_view::npos ? std::string_view() : v.substr(colon + 1);
  }
  if (port.empty()) port = default_port;
  std::string h(host);
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {h, std::string(port)};
}

}  // namespace

// A browser's state-changing request from another site: its Origin is not the origin the request
// was sent to: another scheme (https under TLS, or as a TLS-terminating balancer says in
// X-Forwarded-Proto; http otherwise), host or port than its Host, or "null". Requests without
// Origin (scripts, the tester) go through.
bool cross_site(const http::Request& req, bool tls) {
  auto m = req.method();
  if (m != http::Verb::post && m != http::Verb::put && m != http::Verb::delete_ &&
      m != http::Verb::patch)
    return false;
  auto origin = req.find(http::Field::origin);
  if (origin == req.end()) return false;
  std::string_view o(origin->value().data(), origin->value().size());
  auto sep = o.find("://");
  if (o == "null" || sep == std::string_view::npos) return true;
  std::string scheme(o.substr(0, sep));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view forwarded(req["X-Forwarded-Proto"].data(), req["X-Forwarded-Proto"].size());
  bool https = tls || boost::beast::iequals(forwarded, "https");
  if (scheme != (https ? "https" : "http")) return true;
  std::string_view rest = o.substr(sep + 3);
  if (rest.find('/') != std::string_view::npos) return true;  // an Origin has no path
  std::string_view default_port = https ? "443" : "80";
  std::string_view host(req[http::Field::host].data(), req[http::Field::host].size());
  auto from = authority(rest, default_port), to = authority(host, default_port);
  return from.first.empty() || from != to;
}

}  // namespace sessdemo
