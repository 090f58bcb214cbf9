// Redirects as a browser follows them: the next hop of a 3xx, the write it acknowledges, a login
// page it leads to, and a Location that names another origin (said once, sent nowhere else).
#include "loadgen/scenario/scenario.hpp"
#include "loadgen/scenario/scenario_detail.hpp"

namespace sessdemo::loadgen {

using namespace scenario_detail;

// The origin of an answer as the app sees it (the Host it was sent): an absolute URL naming it
// is no other origin (Sinatra and Rails' redirect_to url always send one).
std::string ScenarioLogic::own_origin(const Answer& a) const {
  return (a.tls ? "https://" : "http://") +
         std::string(user_.host.empty() ? a.authority : std::string_view(user_.host));
}

// The counter's and the logout's steps read a 3xx as an answer of its own, never followed.
bool ScenarioLogic::follows_redirects(Step step) const {
  bool counter_step = step == Step::counter_setup || step == Step::increment ||
                      step == Step::final_read || step == Step::done;
  return !counter_step && opts_.scenario != Scenario::logout;
}

// A 3xx with a Location: the next hop, as fetch() follows it (301/302 after a POST and 303 after
// anything but GET or HEAD become a GET; 307/308 keep the method and body). A write whose method
// changes was taken by the server: acknowledged at the redirect.
bool ScenarioLogic::redirected(std::uint32_t id, Client& c, Step step, const Answer& a,
                               Outcome& o) const {
  bool is_redirect = a.status >= 300 && a.status < 400 && a.status != 304 && !a.location.empty();
  if (!is_redirect || opts_.max_redirects == 0 || !follows_redirects(step)) return false;
  if (step != Step::follow) {
    c.redirected_from = step;
    c.redirected_path = c.request_path;
    c.hops = 0;
    c.acked_by_redirect = false;
    if (step != Step::write && step != Step::login_submit && step != Step::journey)
      c.next = PendingRequest{};
  }
  Step origin = c.redirected_from;
  auto fail = [&](unsigned what, const std::string& why) {
    diagnose(what, why);
    o.error = true;
    o.error_kind = ErrorKind::protocol;
    finish(id, c, origin, a, o, true);
    return true;
  };
  std::string other;
  auto target = resolve_reference(c.request_path, a.location, own_origin(a), &other);
  if (!target)
    return fail(bad_location, "a redirect from " + c.request_path + " to '" +
                                  std::string(a.location) + "' cannot be followed");
  if (c.hops >= opts_.max_redirects)
    return fail(too_many, "more than " + std::to_string(opts_.max_redirects) + " redirects from " +
                              c.redirected_path + " (the last to " + c.request_path +
                              "; --max-redirects)");
  if (!other.empty())
    diagnose(other_origin, "a redirect to another origin (" + other +
                               ") is followed on the instances given; "
                               "the tester sends nothing elsewhere");
  const std::string& method = c.next.method;
  bool to_get = ((a.status == 301 || a.status == 302) && method == "POST") ||
                (a.status == 303 && method != "GET" && method != "HEAD");
  if (origin == Step::write && to_get && !c.acked_by_redirect) {
    c.writes.acked = c.writes.attempted;
    c.reads_since_write = 0;
    c.acked_by_redirect = true;
  }
  if (at_login(*target) && origin != Step::login_page) {
    if (origin == Step::login_submit) {  // the login did not take
      diagnose(login_loop, "the login form of " + c.page_path + " sent the client back to " +
                               opts_.login_path + ": check --login-field");
      o.error = true;
      o.error_kind = ErrorKind::login;
      c.step = Step::login_page;
      return true;
    }
    // Sent to log in: the session is gone. A read sees no name; a write was not taken.
    c.logged_in = false;
    if (origin == Step::read) {
      after_read(c);  // its operation completes with no name shown: the checker judges it
    } else if (origin == Step::write && !c.acked_by_redirect) {
      diagnose(lost_write, "a write to " + c.request_path + " was sent to the login page " +
                               opts_.login_path +
                               ": the session was lost; the client logs in again");
      o.error = true;
      o.error_kind = ErrorKind::login;
      c.step = Step::login_page;
    } else {
      // A write acknowledged before the bounce reads on; Home goes to log in; get stays get.
      c.step = origin == Step::write ? Step::read
               : origin == Step::get ? Step::get
                                     : next_write_step(c);
    }
    return true;
  }
  if (to_get) {
    c.next.method = "GET";
    c.next.body.clear();
    c.next.content_type.clear();
  }
  c.next.path = std::move(*target);
  c.hops++;
  c.step = Step::follow;
  return true;
}

}  // namespace sessdemo::loadgen
