// The router's defences against writes from another site: the Origin check of every write, and
// the CSRF tokens of serve --csrf (the Home page that carries one, the guard of writes).
#include <spdlog/spdlog.h>

#include "common/printable.hpp"
#include "server/cookies.hpp"
#include "server/csrf.hpp"
#include "server/html.hpp"
#include "server/origin_check.hpp"
#include "server/router.hpp"
#include "sessions/session_id.hpp"

namespace sessdemo {

std::optional<http::Response> Router::refuse_cross_site(const http::Request& req) const {
  OriginVerdict v = cross_site(req, config_.tls, config_.trusted_origins);
  if (v.why == CrossSite::no) return std::nullopt;
  metrics_.count_write_refusal(v.why == CrossSite::null_origin ? WriteRefusal::origin_null
                               : v.why == CrossSite::scheme    ? WriteRefusal::origin_scheme
                                                               : WriteRefusal::origin_host);
  // Once per reason: nothing else tells an operator why every write of a farm fails.
  unsigned bit = 1u << static_cast<unsigned>(v.why);
  if (!(origin_told_.fetch_or(bit) & bit))
    spdlog::warn(
        "refused writes whose Origin {} is not this request's origin {} (Host: {}): a balancer "
        "must "
        "pass Host as the browser sent it (nginx: proxy_set_header Host $http_host) and the scheme "
        "in X-Forwarded-Proto, or give --trusted-origin {}",
        printable(v.origin), printable(v.target),
        printable(std::string_view(req[http::Field::host].data(), req[http::Field::host].size())),
        printable(v.origin));
  constexpr std::string_view msg = "A change to your session from another site is refused.";
  http::Response res = is_api(path_of(req)) ? json_error(http::Status::forbidden, msg)
                                            : error(http::Status::forbidden, "Forbidden", msg);
  res.prepare_payload();
  return res;
}

http::Response Router::home(const http::Request& req) {
  if (!config_.csrf) return page(http::Status::ok, html::home_page(config_.instance_id));
  // A visitor whose session holds a token: one read. Anyone else gets the token of a
  // pre-session cookie and no store write, so a client that never writes creates nothing.
  if (std::string id = cookie_id(req); !id.empty()) {
    ReadOutcome r = sessions_.read(id);
    if (r.status == StoreStatus::unavailable) return store_unavailable(false);
    if (r.session && !r.session->csrf.empty())
      return page(http::Status::ok, html::home_page(config_.instance_id, r.session->csrf));
  }
  std::string nonce = pre_session_nonce(req);
  bool fresh = nonce.empty();
  if (fresh) nonce = CsrfTokens::new_nonce();
  auto res =
      page(http::Status::ok, html::home_page(config_.instance_id, csrf_tokens_.token_for(nonce)));
  if (fresh) res.set(http::Field::set_cookie, CsrfTokens::cookie(nonce, config_.secure_cookies));
  return res;
}

std::string Router::pre_session_nonce(const http::Request& req) const {
  return first_id_cookie(req, csrf_cookie_name);
}

SessionService::Guard Router::csrf_guard(const http::Request& req,
                                         std::string_view presented) const {
  if (!config_.csrf) return {};
  std::string nonce = pre_session_nonce(req);
  std::string pre = nonce.empty() ? std::string() : csrf_tokens_.token_for(nonce);
  return [token = std::string(presented), pre = std::move(pre)](const Session* s) {
    if (s && !s->csrf.empty()) return tokens_equal(token, s->csrf);
    return !pre.empty() && tokens_equal(token, pre);
  };
}

std::function<void(Session&)> Router::with_token(std::function<void(Session&)> change) const {
  if (!config_.csrf) return change;
  // Runs only once the guard passed. A session without a token gets a fresh one, never the
  // pre-session token it was created with: that one may have been asked of the server by an
  // attacker and planted with its nonce cookie (token fixation); a new session, a new token, as
  // OWASP has it for every change of privilege. The visitor's next page carries the new one.
  return [change = std::move(change)](Session& s) {
    if (s.csrf.empty()) s.csrf = CsrfTokens::new_nonce();
    change(s);
  };
}

http::Response Router::csrf_refused(bool as_json) const {
  metrics_.count_write_refusal(WriteRefusal::csrf);
  constexpr std::string_view msg =
      "The security token of this form is missing or out of date: reload the page and try again.";
  if (as_json)
    return json_error(http::Status::forbidden,
                      "missing or stale CSRF token: send the csrf_token of the Home page as "
                      "X-CSRF-Token");
  return error(http::Status::forbidden, "Forbidden", msg);
}

}  // namespace sessdemo
