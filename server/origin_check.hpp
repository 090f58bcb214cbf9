#pragma once
// Whether a state-changing request comes from another site, by its Origin header.
#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.hpp"

namespace sessdemo {

// Why a write was refused as coming from another site.
enum class CrossSite { no, null_origin, scheme, host };

struct OriginVerdict {
  CrossSite why = CrossSite::no;
  std::string origin;  // the Origin sent
  std::string target;  // the origin the request was sent to: scheme://Host
};

// For a POST, PUT, DELETE or PATCH whose Origin is not the origin it was sent to (another scheme,
// host or port than its Host; "null") and is none of trusted (normalized by trusted_origin):
// why it is refused. tls: this instance serves HTTPS itself. Requests without Origin (scripts,
// the tester) go through.
OriginVerdict cross_site(const http::Request& req, bool tls,
                         const std::vector<std::string>& trusted = {});

// --trusted-origin ORIGIN as cross_site compares it ("scheme://host:port", lower case, the
// scheme's default port written), or "" when it is no origin (a path, no scheme, "null").
std::string trusted_origin(std::string_view origin);

}  // namespace sessdemo
