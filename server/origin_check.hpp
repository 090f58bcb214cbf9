#pragma once
// Whether a state-changing request comes from another site, by its Origin header.
#include "server/http_types.hpp"

namespace sessdemo {

// True for a POST, PUT, DELETE or PATCH whose Origin is not the origin it was sent to (another
// scheme, host or port than its Host; "null"); tls: this instance serves HTTPS itself.
// Requests without Origin (scripts, the tester) go through.
bool cross_site(const http::Request& req, bool tls);

}  // namespace sessdemo
