#include "server/router.hpp"

#include "common/page_contract.hpp"
#include "server/cookies.hpp"
#include "server/form.hpp"
#include "server/html.hpp"
#include "sessions/session_id.hpp"

namespace sessdemo {

Router::Router(RouterConfig config, SessionService& sessions, Metrics& metrics)
    : config_(std::move(config)), csrf_tokens_(config_.csrf_secret), sessions_(sessions),
      metrics_(metrics) {
  set_instance_id(config_.instance_id);
}

void Router::set_instance_id(std::string id) {
  config_.instance_id = std::move(id);
  unavailable_html_ = store_unavailable(false);
  unavailable_json_ = store_unavailable(true);
  unavailable_html_.prepare_payload();
  unavailable_json_.prepare_payload();
}

std::string_view Router::path_of(const http::Request& req) {
  std::string_view t(req.target().data(), req.target().size());
  return t.substr(0, t.find('?'));
}
bool Router::is_api(std::string_view path) {
  return path.substr(0, 5) == "/api/";
}

// The one place where paths, methods, routes and store needs are decided.
const std::vector<RouteSpec>& Router::routes() {
  using V = http::Verb;
  static const std::vector<RouteSpec> table{
      {"/", V::get, Route::home, false, &Router::home, nullptr},
      {"/", V::post, Route::home, true, &Router::save_name, nullptr},
      {"/details", V::get, Route::details, true, nullptr, &Router::details},
      {"/api/session", V::get, Route::api_session, true, nullptr, &Router::api_get},
      {"/api/session", V::put, Route::api_session, true, &Router::api_put, nullptr},
      {"/api/session", V::delete_, Route::api_session, true, &Router::api_delete, nullptr},
      {"/api/session/visits", V::post, Route::api_visits, true, &Router::api_visit, nullptr},
      {"/healthz", V::get, Route::healthz, false, &Router::healthz, nullptr},
      {"/readyz", V::get, Route::readyz, true, &Router::ready, nullptr},
      {"/metrics", V::get, Route::metrics, false, &Router::metrics_page, nullptr},
  };
  return table;
}

const RouteSpec* Router::find_route(const http::Request& req) {
  auto p = path_of(req);
  auto m =
      req.method() == http::Verb::head ? http::Verb::get : req.method();  // HEAD is answered as GET
  for (const auto& r : routes())
    if (r.path == p && r.method == m) return &r;
  return nullptr;
}

Routed Router::route(const http::Request& req) const {
  Routed r;
  r.spec = find_route(req);
  if (!r.spec || (config_.metrics_elsewhere && r.spec->route == Route::metrics)) {
    r.spec = nullptr;
    return r;
  }
  r.route = r.spec->route;
  // With CSRF tokens the Home page of a visitor with a session reads the token it holds.
  bool csrf_home = config_.csrf && r.route == Route::home && r.spec->method == http::Verb::get;
  if (r.spec->needs_store || csrf_home) r.session_id = cookie_id(req);
  if (r.spec->read)
    r.lane = Lane::read;
  else if (r.spec->needs_store || (csrf_home && !r.session_id.empty()))
    r.lane = Lane::write;
  return r;
}

http::Response Router::handle(const http::Request& req, const Routed& routed) {
  const RouteSpec* r = routed.spec;
  if (!r) return not_routed(req);
  if (auto refused = refuse_cross_site(req)) {
    metrics_.count_request(r->route, refused->result_int());
    return std::move(*refused);
  }
  http::Response res =
      r->read ? (this->*r->read)(sessions_.read(routed.session_id)) : (this->*r->handle)(req);
  res.prepare_payload();
  metrics_.count_request(r->route, res.result_int());
  return res;
}

http::Response Router::handle_metrics_listener(const http::Request& req) {
  const RouteSpec* r = find_route(req);
  if (r && (r->route == Route::metrics || r->route == Route::healthz)) {
    http::Response res = (this->*r->handle)(req);
    res.prepare_payload();
    metrics_.count_request(r->route, res.result_int());
    return res;
  }
  http::Response res = error(http::Status::not_found, "Not found",
                             "This address serves /metrics and /healthz only.");
  res.prepare_payload();
  metrics_.count_request(Route::other, res.result_int());
  return res;
}

http::Response Router::handle_read(const Routed& routed, const ReadOutcome& outcome) {
  const RouteSpec* r = routed.spec;
  http::Response res = (this->*r->read)(outcome);
  res.prepare_payload();
  metrics_.count_request(r->route, res.result_int());
  return res;
}

http::Response Router::not_routed(const http::Request& req) const {
  auto p = path_of(req);
  std::string allow;
  Route route = Route::other;
  for (const auto& r : routes()) {
    if (r.path != p || (config_.metrics_elsewhere && r.route == Route::metrics)) continue;
    if (!allow.empty()) allow += ", ";
    allow += std::string(http::bhttp::to_string(r.method));
    if (r.method == http::Verb::get) allow += ", HEAD";
    route = r.route;
  }
  http::Response res = allow.empty() ? error(http::Status::not_found, "Not found",
                                             "There is no page at this address.")
                                     : error(http::Status::method_not_allowed, "Method not allowed",
                                             "This address answers " + allow + ".");
  if (!allow.empty()) res.set(http::Field::allow, allow);
  res.prepare_payload();
  metrics_.count_request(route, res.result_int());
  return res;
}

http::Response Router::refusal(const http::Request& req, Route route, http::Status status) const {
  bool as_json = is_api(path_of(req));
  http::Response res;
  if (status == http::Status::service_unavailable)
    res = as_json ? unavailable_json_ : unavailable_html_;
  else if (as_json)
    res = json_error(status, "internal error; it has been logged");
  else
    res = error(status, "Internal error", "Something went wrong on our side; it has been logged.");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  metrics_.count_request(route, res.result_int());
  return res;
}

void Router::stamp(http::Response& res) const {
  res.set(boost::beast::string_view(page::instance_header.data(), page::instance_header.size()),
          config_.instance_id);
}

http::Response Router::respond(http::Status status, std::string_view content_type,
                               std::string body) const {
  http::Response res{status, 11};
  // A new response holds none of these: each is inserted, known fields by their enum and the rest
  // as unknown fields by name, so Beast neither looks a name up nor searches for one to replace.
  using http::Field;
  res.insert(Field::content_type, content_type);
  res.insert(Field::cache_control, "no-store");  // pages differ by session: never cache them
  res.insert(Field::unknown, {page::instance_header.data(), page::instance_header.size()},
             config_.instance_id);
  // What every page should say: no type sniffing, no framing, referrers only to this site (not
  // no-referrer: a browser then sends "Origin: null" on its own forms), and for HTML a
  // policy that allows nothing but its own inline style and forms posting to this site.
  res.insert(Field::unknown, "X-Content-Type-Options", "nosniff");
  res.insert(Field::x_frame_options, "DENY");
  res.insert(Field::unknown, "Referrer-Policy", "same-origin");
  if (content_type.rfind("text/html", 0) == 0)
    res.insert(Field::unknown, "Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'");
  res.body() = std::move(body);
  return res;
}

http::Response Router::page(http::Status status, std::string body) const {
  return respond(status, "text/html; charset=utf-8", std::move(body));
}

http::Response Router::text(http::Status status, std::string body) const {
  return respond(status, "text/plain", std::move(body));
}

http::Response Router::error(http::Status status, std::string_view title,
                             std::string_view message) const {
  return page(status,
              html::error_page(config_.instance_id, static_cast<int>(status), title, message));
}

http::Response Router::store_unavailable(bool as_json) const {
  constexpr std::string_view msg =
      "The session store is unavailable right now. Your session has not been lost: "
      "try again in a moment.";
  auto res = as_json ? json_error(http::Status::service_unavailable, msg)
                     : error(http::Status::service_unavailable, "Session store unavailable", msg);
  res.set(http::Field::retry_after, "1");
  return res;
}

std::optional<http::Response> Router::write_failure(StoreStatus st, bool as_json) const {
  if (st == StoreStatus::ok) return std::nullopt;
  if (st == StoreStatus::unavailable) return store_unavailable(as_json);
  constexpr std::string_view busy =
      "Your session is being changed by another request; please try again.";
  return as_json ? json_error(http::Status::service_unavailable, busy)
                 : error(http::Status::service_unavailable, "Busy", busy);
}

std::string Router::cookie_id(const http::Request& req) const {
  return first_id_cookie(req, session_cookie_name);
}

std::string Router::first_id_cookie(const http::Request& req, std::string_view name) {
  // Every Cookie field, every cookie of that name in it: the first well-formed id wins, so a
  // malformed or second copy can neither hide the value nor pick another one.
  std::string id;
  auto [first, last] = req.equal_range(http::Field::cookie);
  for (auto it = first; it != last && id.empty(); ++it)
    for_each_cookie(std::string_view(it->value().data(), it->value().size()), name,
                    [&](std::string_view v) {
                      if (!is_well_formed_session_id(v)) return true;
                      id = std::string(v);
                      return false;
                    });
  return id;
}

http::Response Router::save_name(const http::Request& req) {
  auto field = form_field(req.body(), "name");
  if (!field)
    return error(http::Status::bad_request, "Bad request", "The form data could not be decoded.");
  if (!*field)
    return error(http::Status::bad_request, "Bad request", "The form has no 'name' field.");
  NameCheck check = check_name(**field);
  if (!check.name) return error(http::Status::bad_request, "Invalid name", check.error);
  std::string token;
  if (config_.csrf)
    if (auto t = form_field(req.body(), "csrf_token"); t && *t) token = std::move(**t);
  WriteOutcome w =
      sessions_.update(cookie_id(req), with_token([&](Session& s) { s.name = *check.name; }),
                       csrf_guard(req, token));
  if (w.refused) return csrf_refused(false);
  if (auto failure = write_failure(w.status, false)) return std::move(*failure);
  http::Response res{http::Status::see_other, 11};
  res.set(http::Field::location, "/details");
  stamp(res);
  if (w.created) res.set(http::Field::set_cookie, session_cookie(w.id, config_.secure_cookies));
  return res;
}

http::Response Router::details(const ReadOutcome& r) {
  if (r.status == StoreStatus::unavailable) return store_unavailable(false);
  if (!r.session || !r.session->name)
    return page(http::Status::ok, html::no_name_page(config_.instance_id));
  return page(http::Status::ok,
              html::details_page(config_.instance_id, *r.session->name, r.session->visits));
}

http::Response Router::healthz(const http::Request&) {
  return text(http::Status::ok, "ok\n");
}

http::Response Router::ready(const http::Request&) {
  if (sessions_.store().ping() != StoreStatus::ok)
    return text(http::Status::service_unavailable, "session store unreachable\n");
  return text(http::Status::ok, "ready\n");
}

http::Response Router::metrics_page(const http::Request&) {
  auto res = page(http::Status::ok, metrics_.render(sessions_.stats()));
  res.set(http::Field::content_type, "text/plain; version=0.0.4");
  return res;
}

}  // namespace sessdemo
