#pragma once
// Request handling as a function of (request, session service, clock): no sockets here, so it
// is tested without a network. handle() may block on the store when needs_store() says so.
#include <string>
#include <vector>

#include "server/http_types.hpp"
#include "server/metrics.hpp"
#include "sessions/session_service.hpp"

namespace sessdemo {

struct RouterConfig {
  std::string instance_id;      // shown on every page and in X-Instance-Id
  bool secure_cookies = false;  // add Secure to the session cookie (behind TLS)
};

class Router {
 public:
  Router(RouterConfig config, SessionService& sessions, Metrics& metrics);

  // False for requests answered without the store (/healthz, /metrics, GET /): these are
  // served on the I/O threads at once even while the store is stalled.
  bool needs_store(const http::Request& req) const;
  http::Response handle(const http::Request& req);

  // Read-only pages (GET /details, GET /api/session): their store reads can be batched. The
  // caller loads the sessions (read_sessions) and then answers each with handle_read.
  bool is_batchable_read(const http::Request& req) const;
  std::string session_id(const http::Request& req) const { return cookie_id(req); }
  std::vector<ReadOutcome> read_sessions(const std::vector<std::string>& ids) { return sessions_.read_many(ids); }
  http::Response handle_read(const http::Request& req, const ReadOutcome& outcome);

  const RouterConfig& config() const { return config_; }
  // Set before serving starts (the default id needs the bound port).
  void set_instance_id(std::string id) { config_.instance_id = std::move(id); }

 private:
  struct Routed;
  Routed route(const http::Request& req);
  http::Response respond(http::Status status, std::string_view content_type, std::string body) const;
  http::Response page(http::Status status, std::string body) const;
  http::Response error(http::Status status, std::string_view title, std::string_view message) const;
  http::Response json(http::Status status, std::string body) const;
  http::Response json_error(http::Status status, std::string_view message) const;
  http::Response store_unavailable(bool as_json) const;
  std::string cookie_id(const http::Request& req) const;

  http::Response home(const http::Request& req);
  http::Response save_name(const http::Request& req);
  http::Response details(const ReadOutcome& r);
  http::Response ready();
  http::Response metrics_page();
  // JSON API, in api.cpp
  http::Response api_get(const ReadOutcome& r);
  http::Response api_put(const http::Request& req);
  http::Response api_visit(const http::Request& req);
  http::Response api_delete(const http::Request& req);
  std::string session_json(const ReadOutcome& r) const;

  RouterConfig config_;
  SessionService& sessions_;
  Metrics& metrics_;
};

}  // namespace sessdemo
