// What a client makes of an answer: cookies kept, redirects followed as a browser follows them,
// and the operation each page completes (the checker judges it). The pages it reads for forms,
// tokens and logins are in scenario_pages.cpp.
#include <spdlog/spdlog.h>

#include <charconv>

#include "loadgen/scenario/scenario.hpp"
#include "loadgen/scenario/scenario_detail.hpp"

namespace sessdemo::loadgen {

using namespace scenario_detail;

namespace {
bool ok_status(int status) {
  return status >= 200 && status < 400;
}

std::optional<std::int64_t> visits_in(std::string_view body) {
  auto pos = body.find("\"visits\":");
  if (pos == std::string_view::npos) return std::nullopt;
  body.remove_prefix(pos + 9);
  while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc{}) return std::nullopt;
  return v;
}

Kind kind_of(Step s) {
  switch (s) {
    case Step::home:
      return Kind::home;
    case Step::write:
    case Step::counter_setup:
    case Step::increment:
      return Kind::write;
    case Step::login_page:
    case Step::login_submit:
      return Kind::login;
    case Step::logout_write:
    case Step::logout_burst:
      return Kind::write;
    case Step::logout:
      return Kind::logout;
    case Step::follow:
      return Kind::redirect;
    default:
      return Kind::read;
  }
}

}  // namespace

// How apps refuse a write they will not take: 400 (Flask-WTF, a bad form), 403 (Rails, Django,
// serve), 419 (Laravel's expired page), 422 (Rails' unprocessable entity).
namespace {
bool refusing_status(int status) {
  return status == 400 || status == 403 || status == 419 || status == 422;
}
}  // namespace

ErrorKind ScenarioLogic::error_kind_of(const Answer& a, Step step) const {
  if (a.status == 0) return a.failure;
  if (a.status >= 500 && a.status <= 599) return ErrorKind::http_5xx;
  if (a.status >= 400 && a.status <= 499) {
    if (step == Step::login_page || step == Step::login_submit) return ErrorKind::login;
    // A refused write that carried a token: the token is taken again (Flask-WTF's 400 for an
    // expired one, Laravel's 419, Rails' 422, serve's 403).
    return uses_token() && step == Step::write && refusing_status(a.status) ? ErrorKind::csrf
                                                                            : ErrorKind::http_4xx;
  }
  return ErrorKind::protocol;  // a status past 599
}

Step ScenarioLogic::next_write_step(const Client& c) const {
  if (!opts_.login_path.empty() && !c.logged_in) return Step::login_page;
  bool needs_page = opts_.write == LoadOptions::Write::form || uses_token();
  return needs_page && !c.page_read ? Step::home : Step::write;
}

void ScenarioLogic::after_read(Client& c) const {
  c.step = ++c.reads_since_write >= opts_.rename_every ? next_write_step(c) : Step::read;
}

// A refused write or login that carried what a page gave it (carried: a token, a form, a login
// form): refused by that page's instance, or by another one.
Outcome::Refusal ScenarioLogic::refusal_of(const Client& c, const Answer& a, bool carried) const {
  if (!carried || c.token_from.empty() || a.instance.empty() || !refusing_status(a.status))
    return Outcome::Refusal::none;
  return a.instance == c.token_from ? Outcome::Refusal::same : Outcome::Refusal::crossed;
}

Outcome ScenarioLogic::apply(std::uint32_t id, Client& c, Step step, const Answer& a) const {
  if (opts_.journey) return apply_journey(id, c, step, a);
  Outcome o;
  o.kind = kind_of(step);
  // A browser keeps the cookies of every answer, redirects and errors included.
  // (Scenario logout: the client holds on to the old cookie, as a thief of the id would; only
  // the write that starts a round may set it.)
  bool keeps_cookies = opts_.scenario != Scenario::logout || step == Step::logout_write;
  if (a.status != 0 && keeps_cookies)
    for (auto sc : a.set_cookies) c.jar.apply_set_cookie(sc);
  // A write that set a cookie started (or changed) the session, and an app gives a new session
  // a new token (serve does, as OWASP asks), in its form's hidden fields or where the token
  // options say: the page is read again before the next write, as a browser's next form would
  // come from a page loaded after it. (A token kept in a cookie is read from the jar anyway.)
  if (step == Step::write && !a.set_cookies.empty() && (uses_token() || c.form) &&
      opts_.csrf_cookie.empty())
    c.page_read = false;
  if (redirected(id, c, step, a, o)) return o;
  bool landing = step == Step::follow;
  Step s = landing ? c.redirected_from : step;
  o.error = !ok_status(a.status);
  if (o.error) o.error_kind = error_kind_of(a, s);
  finish(id, c, s, a, o, landing);
  return o;
}

// The answer to a step, or the last page of its redirects (landing).
void ScenarioLogic::finish(std::uint32_t id, Client& c, Step step, const Answer& a, Outcome& o,
                           bool landing) const {
  bool ok = !o.error;
  if (landing) c.step = step;  // a failure goes on as a failure of the step that redirected
  switch (step) {
    case Step::home:
      if (!ok) break;
      switch (read_home(c, a.body, own_origin(a))) {
        case PageRead::read:
          c.token_from.assign(a.instance);
          c.step = next_write_step(c);
          break;
        case PageRead::refused:
          o.error = true;  // Home is loaded again before the next write
          o.error_kind = ErrorKind::protocol;
          break;
        case PageRead::cancelled:  // the run is over: nothing to say of the page
          break;
      }
      break;
    case Step::login_page:
      if (!ok) break;
      if (auto failed = read_login_page(id, c, a.body, own_origin(a))) {
        o.error = true;
        o.error_kind = *failed;
      } else {
        c.token_from.assign(a.instance);
      }
      break;
    case Step::login_submit:
      if (!ok) o.refusal = refusal_of(c, a, true);
      if (ok && at_login(c.request_path)) {
        diagnose(login_loop, "the login form of " + c.page_path + " was answered with " +
                                 opts_.login_path + " again: check --login-field");
        o.error = true;
        o.error_kind = ErrorKind::login;
      }
      c.logged_in = !o.error;
      c.page_read = false;  // a login often starts a new session and a new token
      c.step = c.logged_in ? Step::home : Step::login_page;
      break;
    case Step::write:
      finish_write(c, a, o, landing);
      break;
    case Step::read:  // what it showed is judged by the checker, from its operation
      finish_read(c, a, o);
      break;
    case Step::get:
      c.step = Step::get;
      break;
    case Step::counter_setup:
    case Step::increment:
      if (ok) {
        c.acked_increments++;
        if (auto v = visits_in(a.body); v && *v > c.highest_seen) c.highest_seen = *v;
        if (step == Step::counter_setup) c.step = Step::increment;
      }
      break;
    case Step::final_read:
    case Step::done:
      if (ok) {
        if (auto v = visits_in(a.body)) c.final_value = *v;
        c.step = Step::done;
      }
      break;
    case Step::follow:
      break;
    case Step::journey:
      finish_journey(id, c, a, o, landing);
      break;
    case Step::logout_write:
    case Step::logout_burst:
    case Step::logout:
    case Step::logout_check:
      finish_logout_step(c, step, a, o);
      break;
  }
}

// A read: what it showed is judged by the checker, from its operation. A 401: the app no longer
// knows the visitor, a lost session (a read of no name, judged, not an error); with --login-path
// the client logs in again before its next write.
void ScenarioLogic::finish_read(Client& c, const Answer& a, Outcome& o) const {
  if (a.status == 401) {
    o.error = false;
    c.logged_in = false;
  }
  after_read(c);
}

// The answer to a write (or the last page of its redirects): acknowledged, refused for its token
// (the page first again), or refused otherwise; any other failure sends the write again, and
// reads judge against the last acknowledged one.
void ScenarioLogic::finish_write(Client& c, const Answer& a, Outcome& o, bool landing) const {
  bool ok = !o.error;
  if (landing && c.acked_by_redirect) {
    // The page the write's redirect led to: a read of its own when it is the page that shows
    // the name (scenario_history.cpp), judged by the checker.
    c.step = Step::read;
  } else if (ok) {
    c.writes.acked = c.writes.attempted;
    c.reads_since_write = 0;
    c.step = Step::read;
  } else if (o.error_kind == ErrorKind::csrf) {
    o.refusal = refusal_of(c, a, uses_token() || c.form != nullptr);
    c.page_read = false;  // the token is fetched again first
    c.step = Step::home;
  } else if (refusing_status(a.status)) {
    o.refusal = refusal_of(c, a, uses_token() || c.form != nullptr);
    // Refused, and no token option in use: when a page carried a token, say which flag takes it.
    std::string hint;
    {
      std::lock_guard lock(hint_mutex_);
      hint = token_hint_;
    }
    if (!hint.empty())
      diagnose(token_hint, "writes are refused (" + std::to_string(a.status) +
                               ") and the page carries a token: try " + hint);
  }
}

unsigned ScenarioLogic::tickets_wanted(const Client& c) const {
  if (c.step != Step::logout_burst) return 1;
  if (!c.logout_answered) return std::max(1u, opts_.inflight) + 1;
  return 0;  // the burst drains; the last answer moves the client on (and keeps its ticket)
}

void ScenarioLogic::finish_logout_step(Client& c, Step step, const Answer& a, Outcome& o) const {
  bool ok = !o.error;
  switch (step) {
    case Step::logout_write:
      if (ok) {
        c.writes.acked = c.writes.attempted;
        c.step = Step::logout_burst;
        c.burst_sent = 0;
        c.in_flight = 0;
        c.logout_sent = c.logout_answered = c.logout_acked = false;
      }
      return;
    case Step::logout:
      o.kind = Kind::logout;
      c.logout_answered = true;
      c.logout_acked = ok && a.status < 300;
      break;
    case Step::logout_burst:
      if (c.in_flight > 0) c.in_flight--;
      break;
    case Step::logout_check:
      // Read by the old cookie after an acknowledged logout (the checker judges it: the
      // session's own name there is a resurrection).
      if (ok) {
        c.jar.clear();  // a new session next round
        c.step = Step::logout_write;
      }
      return;
    default:
      return;
  }
  if (c.step == Step::logout_burst && c.logout_answered && c.in_flight == 0 && c.tickets <= 1) {
    // All answered: read by the old cookie when the logout was acknowledged; else a new round.
    if (c.logout_acked) {
      c.step = Step::logout_check;
    } else {
      c.jar.clear();
      c.step = Step::logout_write;
    }
  }
}

}  // namespace sessdemo::loadgen
