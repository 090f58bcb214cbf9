#include "server/origin_check.hpp"

#include <cctype>
#include <string>
#include <utility>

#include <boost/beast/core/string.hpp>

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

std::string trusted_origin(std::string_view o) {
  auto sep = o.find("://");
  if (sep == std::string_view::npos) return {};
  std::string scheme(o.substr(0, sep));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return {};
  std::string_view rest = o.substr(sep + 3);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) return {};
  auto [host, port] = authority(rest, scheme == "https" ? "443" : "80");
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
    return {};
  return scheme + "://" + host + ":" + port;
}

// A browser's state-changing request from another site: its Origin is not the origin the request
// was sent to: another scheme (https under TLS, or as a TLS-terminating balancer says in
// X-Forwarded-Proto; http otherwise), host or port than its Host, or "null"; unless the Origin is
// one the operator trusts (Django's CSRF_TRUSTED_ORIGINS). Requests without Origin (scripts, the
// tester) go through.
OriginVerdict cross_site(const http::Request& req, bool tls,
                         const std::vector<std::string>& trusted) {
  OriginVerdict v;
  auto m = req.method();
  if (m != http::Verb::post && m != http::Verb::put && m != http::Verb::delete_ &&
      m != http::Verb::patch)
    return v;
  auto origin = req.find(http::Field::origin);
  if (origin == req.end()) return v;
  std::string_view o(origin->value().data(), origin->value().size());
  std::string_view forwarded(req["X-Forwarded-Proto"].data(), req["X-Forwarded-Proto"].size());
  bool https = tls || boost::beast::iequals(forwarded, "https");
  std::string_view host(req[http::Field::host].data(), req[http::Field::host].size());
  auto refuse = [&](CrossSite why) {
    if (!trusted.empty()) {
      std::string t = trusted_origin(o);
      for (const auto& ok : trusted)
        if (!t.empty() && t == ok) return v;
    }
    v.why = why;
    v.origin = std::string(o.substr(0, 200));
    v.target = std::string(https ? "https://" : "http://") + std::string(host.substr(0, 200));
    return v;
  };
  auto sep = o.find("://");
  if (o == "null" || sep == std::string_view::npos) return refuse(CrossSite::null_origin);
  std::string scheme(o.substr(0, sep));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != (https ? "https" : "http")) return refuse(CrossSite::scheme);
  std::string_view rest = o.substr(sep + 3);
  if (rest.find('/') != std::string_view::npos)
    return refuse(CrossSite::null_origin);  // an Origin has no path
  std::string_view default_port = https ? "443" : "80";
  auto from = authority(rest, default_port), to = authority(host, default_port);
  if (from.first.empty() || from != to) return refuse(CrossSite::host);
  return v;
}

}  // namespace sessdemo
