// The JSON API of the router: /api/session and /api/session/visits.
#include <ctime>

#include <boost/json.hpp>

#include "common/utc_time.hpp"
#include "server/cookies.hpp"
#include "server/form.hpp"
#include "server/router.hpp"

namespace sessdemo {

namespace json = boost::json;

http::Response Router::json(http::Status status, std::string body) const {
  return respond(status, "application/json", std::move(body));
}

http::Response Router::json_error(http::Status status, std::string_view message) const {
  return json(status,
              json::serialize(json::object{{"error", message}, {"instance", config_.instance_id}}));
}

std::string Router::session_json(const ReadOutcome& r) const {
  json::object o;
  o["instance"] = config_.instance_id;
  const Session* s = r.session ? &*r.session : nullptr;
  if (s && s->name)
    o["name"] = *s->name;
  else
    o["name"] = nullptr;
  o["visits"] = s ? s->visits : 0;
  if (s)
    o["created"] = utc_iso8601(s->created);
  else
    o["created"] = nullptr;
  if (s)
    o["expires_in_s"] = r.expires_in_s;
  else
    o["expires_in_s"] = nullptr;
  return json::serialize(o);
}

namespace {
std::string csrf_header(const http::Request& req) {
  auto v = req["X-CSRF-Token"];
  return std::string(v.data(), v.size());
}
}  // namespace

http::Response Router::api_get(const ReadOutcome& r) {
  if (r.status == StoreStatus::unavailable) return store_unavailable(true);
  return json(http::Status::ok, session_json(r));
}

http::Response Router::api_put(const http::Request& req) {
  json::error_code ec;
  json::value v = json::parse(req.body(), ec);
  if (ec || !v.is_object())
    return json_error(http::Status::bad_request, "the body must be a JSON object");
  const json::value* name = v.as_object().if_contains("name");
  if (!name || !name->is_string())
    return json_error(http::Status::bad_request, "\"name\" must be a string");
  NameCheck check =
      check_name(std::string_view(name->as_string().data(), name->as_string().size()));
  if (!check.name) return json_error(http::Status::bad_request, check.error);
  std::string token = csrf_header(req);
  WriteOutcome w =
      sessions_.update(cookie_id(req), with_token([&](Session& s) { s.name = *check.name; }),
                       csrf_guard(req, token));
  if (w.refused) return csrf_refused(true);
  if (auto failure = write_failure(w.status, true)) return std::move(*failure);
  ReadOutcome shown{StoreStatus::ok, w.session, sessions_.policy().ttl.count()};
  auto res = json(http::Status::ok, session_json(shown));
  if (w.created) res.set(http::Field::set_cookie, session_cookie(w.id, config_.secure_cookies));
  return res;
}

http::Response Router::api_visit(const http::Request& req) {
  std::string token = csrf_header(req);
  WriteOutcome w = sessions_.update(cookie_id(req), with_token([](Session& s) {
                                      s.visits += s.visits < max_visits ? 1 : 0;
                                    }),  // saturates
                                    csrf_guard(req, token));
  if (w.refused) return csrf_refused(true);
  if (auto failure = write_failure(w.status, true)) return std::move(*failure);
  auto res =
      json(http::Status::ok, json::serialize(json::object{{"visits", w.session.visits},
                                                          {"instance", config_.instance_id}}));
  if (w.created) res.set(http::Field::set_cookie, session_cookie(w.id, config_.secure_cookies));
  return res;
}

http::Response Router::api_delete(const http::Request& req) {
  std::string id = cookie_id(req);
  if (auto guard = csrf_guard(req, csrf_header(req))) {
    ReadOutcome r = sessions_.read(id);
    if (r.status == StoreStatus::unavailable) return store_unavailable(true);
    if (!guard(r.session ? &*r.session : nullptr)) return csrf_refused(true);
  }
  // Success only once the session is ended for good: a tombstone that lost its races
  // (conflict) or a store that did not answer is a 503, never a 204.
  StoreStatus st = sessions_.end(id);
  if (st == StoreStatus::unavailable || st == StoreStatus::conflict)
    return *write_failure(st, true);
  http::Response res{http::Status::no_content, 11};
  stamp(res);
  res.set(http::Field::set_cookie, expired_session_cookie(config_.secure_cookies));
  return res;
}

}  // namespace sessdemo
