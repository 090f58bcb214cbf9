#pragma once
#include <atomic>
// Request handling as a function of (request, session service, clock): no sockets here, so it
// is tested without a network. handle() may block on the store when needs_store() says so.
#include <optional>
#include <string>
#include <vector>

#include "server/csrf.hpp"
#include "server/http_types.hpp"
#include "server/metrics.hpp"
#include "server/route.hpp"
#include "sessions/session_service.hpp"

namespace sessdemo {

struct RouterConfig {
  std::string instance_id;         // shown on every page and in X-Instance-Id
  bool secure_cookies = false;     // add Secure to the session cookie (behind TLS)
  bool tls = false;                // this instance serves HTTPS itself: an Origin must be https://
  bool metrics_elsewhere = false;  // /metrics has a listener of its own: 404 here
  // Synchronizer tokens: the form carries the session's token (csrf_token), JSON writes send it
  // as X-CSRF-Token; a write without it is 403. A visitor without a session gets a pre-session
  // cookie and a token made from it instead, without a store write (server/csrf.hpp).
  bool csrf = false;
  std::string csrf_secret;  // --csrf-secret: the farm's key for pre-session tokens, or empty
  // --trusted-origin: Origins whose writes are taken though they are not the request's own
  // origin (normalized by trusted_origin(): "https://app.example:443").
  std::vector<std::string> trusted_origins;
};

class Router {
 public:
  Router(RouterConfig config, SessionService& sessions, Metrics& metrics);

  // The route and lane of a request: looked up once, when it arrives, and carried with it.
  // Requests of the io lane (/healthz, /metrics, GET / without a session, 404, 405) are served
  // on the I/O threads at once, even while the store is stalled.
  Routed route(const http::Request& req) const;
  http::Response handle(const http::Request& req, const Routed& routed);
  http::Response handle(const http::Request& req) { return handle(req, route(req)); }
  // What the metrics listener (--metrics-bind) answers: /metrics and /healthz, 404 for the rest.
  http::Response handle_metrics_listener(const http::Request& req);

  // Read-only pages (GET /details, GET /api/session: the read lane): the caller loads the
  // sessions of several (SessionService::read_many, by Routed::session_id), then answers each.
  http::Response handle_read(const Routed& routed, const ReadOutcome& outcome);

  // The answer to a request that was not handled: 503 (the store did not answer in time, or
  // the server is overloaded or stopping) or 500 (handling it failed). HTML or JSON to match
  // the route; counted in the metrics like any answer.
  http::Response refusal(const http::Request& req, Route route, http::Status status) const;

  const RouterConfig& config() const { return config_; }
  // Names this instance in the answer (page::instance_header): every answer carries it.
  void stamp(http::Response& res) const;
  // Set before serving starts (the default id needs the bound port).
  void set_instance_id(std::string id);

 private:
  friend struct RouteSpec;
  static const std::vector<RouteSpec>& routes();
  static const RouteSpec* find_route(const http::Request& req);

  http::Response not_routed(const http::Request& req) const;  // 404, or 405 with Allow
  http::Response respond(http::Status status, std::string_view content_type,
                         std::string body) const;
  http::Response page(http::Status status, std::string body) const;
  http::Response text(http::Status status, std::string body) const;
  http::Response error(http::Status status, std::string_view title, std::string_view message) const;
  http::Response json(http::Status status, std::string body) const;
  http::Response json_error(http::Status status, std::string_view message) const;
  http::Response store_unavailable(bool as_json) const;
  // The answer to a write that did not happen, or nothing for one that did: 503 with
  // Retry-After when the store did not answer, 503 "busy" when the session kept changing.
  std::optional<http::Response> write_failure(StoreStatus st, bool as_json) const;
  std::string cookie_id(const http::Request& req) const;
  // The first value of cookie `name` shaped as a session id, or empty.
  static std::string first_id_cookie(const http::Request& req, std::string_view name);
  // With csrf on (router_csrf.cpp): a guard that lets a write through only on a session holding
  // the presented token, or with none yet, when it is the token of the request's pre-session
  // cookie; with_token gives such a session a fresh token of its own (never the pre-session one).
  SessionService::Guard csrf_guard(const http::Request& req, std::string_view presented) const;
  std::function<void(Session&)> with_token(std::function<void(Session&)> change) const;
  std::string pre_session_nonce(const http::Request& req) const;
  http::Response csrf_refused(bool as_json) const;
  static std::string_view path_of(const http::Request& req);  // the target without its query
  static bool is_api(std::string_view path);                  // a JSON route: errors as JSON
  // A write from another site (router_csrf.cpp): its 403, counted and said; nothing otherwise.
  std::optional<http::Response> refuse_cross_site(const http::Request& req) const;

  http::Response home(const http::Request& req);
  http::Response save_name(const http::Request& req);
  http::Response details(const ReadOutcome& r);
  http::Response healthz(const http::Request& req);
  http::Response ready(const http::Request& req);
  http::Response metrics_page(const http::Request& req);
  // JSON API, in api.cpp
  http::Response api_get(const ReadOutcome& r);
  http::Response api_put(const http::Request& req);
  http::Response api_visit(const http::Request& req);
  http::Response api_delete(const http::Request& req);
  std::string session_json(const ReadOutcome& r) const;

  RouterConfig config_;
  CsrfTokens csrf_tokens_;
  // The 503 answers, made once: a stalled store makes thousands of them a second.
  http::Response unavailable_html_, unavailable_json_;
  SessionService& sessions_;
  Metrics& metrics_;
  mutable std::atomic<unsigned> origin_told_{0};  // which refusal reasons were logged (bits)
};

// One row of the route table: everything decided about a (path, method) pair.
struct RouteSpec {
  std::string_view path;
  http::Verb method;
  Route route;
  bool needs_store;
  http::Response (Router::*handle)(const http::Request&);  // set for every route but reads
  http::Response (Router::*read)(const ReadOutcome&);      // set for the read lane's pages
};

}  // namespace sessdemo
