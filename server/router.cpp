#include "server/router.hpp"

#include "server/cookies.hpp"
#include "server/form.hpp"
#include "server/html.hpp"

namespace sessdemo {

struct Router::Routed {
  Route route;
  http::Response response;
};

Router::Router(RouterConfig config, SessionService& sessions, Metrics& metrics)
    : config_(std::move(config)), sessions_(sessions), metrics_(metrics) {}

namespace {
std::string_view path_of(const http::Request& req) {
  std::string_view t(req.target().data(), req.target().size());
  return t.substr(0, t.find('?'));
}
}  // namespace

bool Router::needs_store(const http::Request& req) const {
  auto p = path_of(req);
  if (p == "/healthz" || p == "/metrics") return false;
  if (p == "/" && req.method() == http::Verb::get) return false;
  return true;
}

http::Response Router::respond(http::Status status, std::string_view content_type, std::string body) const {
  http::Response res{status, 11};
  res.set(http::Field::content_type, content_type);
  res.set(http::Field::cache_control, "no-store");  // pages differ by session: never cache them
  res.set("X-Instance-Id", config_.instance_id);
  res.body() = std::move(body);
  return res;
}

http::Response Router::page(http::Status status, std::string body) const {
  return respond(status, "text/html; charset=utf-8", std::move(body));
}

http::Response Router::error(http::Status status, std::string_view title,
                             std::string_view message) const {
  return page(status, html::error_page(config_.instance_id, static_cast<int>(status), title, message));
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

std::string Router::cookie_id(const http::Request& req) const {
  auto it = req.find(http::Field::cookie);
  if (it == req.end()) return {};
  auto v = find_cookie(std::string_view(it->value().data(), it->value().size()), session_cookie_name);
  return v ? std::string(*v) : std::string();
}

Router::Routed Router::route(const http::Request& req) {
  auto p = path_of(req);
  auto m = req.method();
  auto not_allowed = [&](Route r, const char* allow) {
    auto res = error(http::Status::method_not_allowed, "Method not allowed",
                     std::string("This address answers ") + allow + ".");
    res.set(http::Field::allow, allow);
    return Routed{r, std::move(res)};
  };
  if (p == "/") {
    if (m == http::Verb::get) return {Route::home, home(req)};
    if (m == http::Verb::post) return {Route::home, save_name(req)};
    return not_allowed(Route::home, "GET, POST");
  }
  if (p == "/details") {
    if (m == http::Verb::get) return {Route::details, details(sessions_.read(cookie_id(req)))};
    return not_allowed(Route::details, "GET");
  }
  if (p == "/api/session") {
    if (m == http::Verb::get) return {Route::api_session, api_get(sessions_.read(cookie_id(req)))};
    if (m == http::Verb::put) return {Route::api_session, api_put(req)};
    if (m == http::Verb::delete_) return {Route::api_session, api_delete(req)};
    return not_allowed(Route::api_session, "GET, PUT, DELETE");
  }
  if (p == "/api/session/visits") {
    if (m == http::Verb::post) return {Route::api_visits, api_visit(req)};
    return not_allowed(Route::api_visits, "POST");
  }
  if (p == "/healthz") {
    if (m != http::Verb::get) return not_allowed(Route::healthz, "GET");
    auto res = page(http::Status::ok, "ok\n");
    res.set(http::Field::content_type, "text/plain");
    return {Route::healthz, std::move(res)};
  }
  if (p == "/readyz") {
    if (m != http::Verb::get) return not_allowed(Route::readyz, "GET");
    return {Route::readyz, ready()};
  }
  if (p == "/metrics") {
    if (m != http::Verb::get) return not_allowed(Route::metrics, "GET");
    return {Route::metrics, metrics_page()};
  }
  return {Route::other, error(http::Status::not_found, "Not found", "There is no page at this address.")};
}

http::Response Router::handle(const http::Request& req) {
  Routed r = route(req);
  r.response.prepare_payload();
  metrics_.count_request(r.route, r.response.result_int());
  return std::move(r.response);
}

bool Router::is_batchable_read(const http::Request& req) const {
  if (req.method() != http::Verb::get) return false;
  auto p = path_of(req);
  return p == "/details" || p == "/api/session";
}

http::Response Router::handle_read(const http::Request& req, const ReadOutcome& outcome) {
  bool page_route = path_of(req) == "/details";
  http::Response res = page_route ? details(outcome) : api_get(outcome);
  res.prepare_payload();
  metrics_.count_request(page_route ? Route::details : Route::api_session, res.result_int());
  return res;
}

http::Response Router::home(const http::Request&) {
  return page(http::Status::ok, html::home_page(config_.instance_id));
}

http::Response Router::save_name(const http::Request& req) {
  auto field = form_field(req.body(), "name");
  if (!field)
    return error(http::Status::bad_request, "Bad request", "The form data could not be decoded.");
  if (!*field)
    return error(http::Status::bad_request, "Bad request", "The form has no 'name' field.");
  NameCheck check = check_name(**field);
  if (!check.name) return error(http::Status::bad_request, "Invalid name", check.error);
  WriteOutcome w = sessions_.update(cookie_id(req), [&](Session& s) { s.name = *check.name; });
  if (w.status == StoreStatus::unavailable) return store_unavailable(false);
  if (w.status != StoreStatus::ok)
    return error(http::Status::service_unavailable, "Busy",
                 "Your session is being changed by another request; please try again.");
  http::Response res{http::Status::see_other, 11};
  res.set(http::Field::location, "/details");
  res.set("X-Instance-Id", config_.instance_id);
  if (w.created) res.set(http::Field::set_cookie, session_cookie(w.id, config_.secure_cookies));
  return res;
}

http::Response Router::details(const ReadOutcome& r) {
  if (r.status == StoreStatus::unavailable) return store_unavailable(false);
  if (!r.session || !r.session->name) return page(http::Status::ok, html::no_name_page(config_.instance_id));
  return page(http::Status::ok,
              html::details_page(config_.instance_id, *r.session->name, r.session->visits));
}

http::Response Router::ready() {
  if (sessions_.store().ping() != StoreStatus::ok) {
    auto res = page(http::Status::service_unavailable, "session store unreachable\n");
    res.set(http::Field::content_type, "text/plain");
    return res;
  }
  auto res = page(http::Status::ok, "ready\n");
  res.set(http::Field::content_type, "text/plain");
  return res;
}

http::Response Router::metrics_page() {
  auto res = page(http::Status::ok, metrics_.render(sessions_.stats()));
  res.set(http::Field::content_type, "text/plain; version=0.0.4");
  return res;
}

}  // namespace sessdemo
