#pragma once
// What each virtual client sends next and what its answers mean, without sockets: the worker
// asks build_request() for bytes and hands the parsed answer to apply_response().
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/config/load_options.hpp"
#include "loadgen/history/history_event.hpp"
#include "loadgen/history/operation_checker.hpp"
#include "loadgen/http/cookie_jar.hpp"
#include "loadgen/http/user_headers.hpp"
#include "loadgen/journey/journey.hpp"
#include "loadgen/journey/value_template.hpp"
#include "loadgen/scenario/form_pool.hpp"
#include "loadgen/scenario/html_form.hpp"
#include "loadgen/scenario/page_judge.hpp"
#include "loadgen/scenario/page_reader.hpp"
#include "loadgen/stats/stats.hpp"

namespace sessdemo::loadgen {

// login_page and login_submit come before a client's first write when --login-path is set;
// follow is a redirect hop of any step (Client::redirected_from says which).
enum class Step : std::uint8_t {
  home,
  write,
  read,
  get,
  counter_setup,
  increment,
  final_read,
  done,
  login_page,
  login_submit,
  follow,
  logout_write,  // scenario logout: the session's name (a JSON write)
  logout_burst,  // increments in flight and the logout among them (what each ticket sends: Client)
  logout,        // the ticket that carries the logout (set by the worker from the request's kind)
  logout_check,  // a read by the old cookie once the logout and the increments are answered
  journey,       // --journey: the step Client::jstep of the journey
};

// A request that is not a step's fixed one: a form submission or a redirect hop.
struct PendingRequest {
  std::string method = "GET", path, body, content_type;
};

struct Client {
  ClientWrites writes;     // write sequence numbers (visit)
  std::uint64_t sent = 0;  // requests this client sent (drives round-robin)
  std::uint32_t reads_since_write = 0;
  Step step = Step::home;
  std::uint16_t in_flight = 0;        // counter: increments on the wire now
  std::int64_t sent_increments = 0;   // counter: increments put on the wire
  std::int64_t acked_increments = 0;  // counter: increments answered 2xx (<= sent)
  std::int64_t final_value = -1;      // counter: the value read at the end (-1: not read)
  std::int64_t highest_seen = 0;      // counter: largest value any answer reported
  CookieJar jar;
  std::string csrf_token;  // visit: from the last Home page (--csrf-field or --csrf-meta)
  // Visit, --write form: the form of Home that holds the name field, as a browser fills it,
  // shared with the clients that got the same one (FormPool); null when Home had none. Where
  // it goes unless --write-path says.
  std::shared_ptr<const KeptForm> form;
  bool page_read = false;       // Home was read (its form, token) since the last refusal
  std::string page_path = "/";  // the page the form or token came from: the Referer of writes
  bool logged_in = false;       // --login-path: this client's login went through
  std::string token_from;  // the instance whose page gave the form or token the next write carries
  // The request last built: its path (redirects resolve against it) and whether it may be sent
  // again on a new connection when a reused one turns out closed (GET, HEAD, PUT, DELETE).
  std::string request_path;
  bool idempotent = true;
  PendingRequest next;                // login_submit and follow send this
  Step redirected_from = Step::home;  // follow: the step whose answer redirected
  std::string redirected_path;        // follow: the path of that step's request
  std::uint8_t hops = 0;              // follow: redirects followed for it so far
  bool acked_by_redirect = false;     // follow of a write: the write's 301/302/303 acknowledged it
  // Scenario logout: this client's tickets alive, increments sent in the current burst, and
  // where its logout is.
  std::uint16_t tickets = 0;
  std::uint16_t burst_sent = 0;
  bool logout_sent = false, logout_answered = false, logout_acked = false;
  OpF hist_open = OpF::none;  // --history: the operation this client has open (not the adds)
  // --journey: its step and how many times in a row it ran; the status of the step's own answer
  // (before redirects); its captured variables and when each was taken (steady ns); what its
  // last read showed (a name as the checker reads them, none, or ambiguous: not judged); and
  // whether that read found the session gone.
  std::uint16_t jstep = 0, jrepeat = 0;
  int jstatus = 0;
  std::string jlocation;  // the path the step's own answer redirected to, if it did
  std::vector<std::string> vars;
  std::vector<std::int64_t> var_at;
  std::optional<std::string> jshown;
  bool jambiguous = false, jlost = false;
  bool jlogged_out = false;  // a logout step was acknowledged: the `once` steps run again next
};

// The parts of an answer the scenarios look at.
struct Answer {
  int status = 0;  // 0: no answer (connection failure, timeout): see failure
  std::string_view body;
  std::vector<std::string_view> set_cookies;
  ErrorKind failure = ErrorKind::reset;  // with status 0: what went wrong on the way
  std::string_view location;             // the Location header, for a 3xx
  std::string_view authority;            // HOST:PORT of the instance address that answered
  std::string_view instance;             // the instance that answered, as the figures name it
  bool tls = false;                      // ... over https
};

struct Outcome {
  Kind kind = Kind::read;
  bool error = false;
  ErrorKind error_kind = ErrorKind::protocol;  // with error: which kind
  std::optional<Judged> judged;  // a read the checker judged: how it read (set by the worker)
  bool retried = false;          // sent on a new connection: the reused one was found closed
  // A write or login refused (400, 403, 419, 422) that carried a token or form read from a page:
  // crossed when another instance than the one that issued it refused it (the instances do not
  // share that session), same when the issuer itself refused it (the app's own reasons).
  enum class Refusal : std::uint8_t { none, crossed, same } refusal = Refusal::none;
};

class ScenarioLogic {
 public:
  ScenarioLogic(const LoadOptions& opts, std::string run_tag);

  // The next step of a client at the start of the run.
  Step first_step() const;
  // Appends the HTTP/1.1 request bytes of the client's current step; returns its kind. host is
  // the instance's HOST:PORT, tls whether it is https (for the Origin and Referer of writes).
  Kind build_request(std::uint32_t client_id, Client& c, std::string_view host, std::string& out,
                     bool tls = false) const;
  // Moves the client on according to the answer to the request of step `step`.
  Outcome apply(std::uint32_t client_id, Client& c, Step step, const Answer& a) const;

  const std::string& run_tag() const { return run_tag_; }
  // The run is ending: a page being parsed now, or later, is dropped at once rather than held
  // up the drain (any thread; the workers look at it while they parse).
  void stop_reading_pages() const { pages_.stop(); }
  // --history (scenario_history.cpp): the operation a request of `step` starts (just built), if
  // any; and, for a request that had one (f), the completion its answer makes of it (none while
  // a redirect is followed). sent: some of the request went out.
  std::optional<HistoryEvent> history_start(std::uint32_t id, Client& c, Step step) const;
  std::optional<HistoryEvent> history_end(std::uint32_t id, Client& c, OpF f, const Answer& a,
                                          const Outcome& o, bool sent) const;
  // Steps that go out at once, whatever the think time or the schedule: a browser follows a
  // redirect and submits a login form it just loaded without a pause.
  static bool continues(const Client& c) {
    return c.step == Step::follow || c.step == Step::login_submit;
  }
  // Scenario logout: how many requests the client wants in flight now (the worker adds or
  // retires tickets to match).
  unsigned tickets_wanted(const Client& c) const;
  // The step an answer belongs to: the logout's own ticket is told apart by its kind.
  static Step step_of(Step s, Kind k) { return k == Kind::logout ? Step::logout : s; }

 private:
  ErrorKind error_kind_of(const Answer& a, Step step) const;
  void start_line(std::string& out, std::string_view method, std::string_view path,
                  std::string_view host, const Client& c) const;
  void write_headers(std::string& out, std::string_view host, bool tls, const Client& c) const;
  void build_write(std::uint32_t id, Client& c, std::string_view host, bool tls,
                   std::string& out) const;
  bool follows_redirects(Step step) const;
  bool redirected(std::uint32_t id, Client& c, Step step, const Answer& a, Outcome& o) const;
  void finish(std::uint32_t id, Client& c, Step step, const Answer& a, Outcome& o,
              bool landing) const;
  void finish_write(Client& c, const Answer& a, Outcome& o, bool landing) const;
  void finish_read(Client& c, const Answer& a, Outcome& o) const;
  // Home read: its form and token kept; refused: it could not be read (a bound passed, a form
  // too big): a protocol error; cancelled: the run ended while it was parsed.
  enum class PageRead { read, refused, cancelled };
  // origin: the answering instance's (own_origin), so a form posting elsewhere is said.
  PageRead read_home(Client& c, std::string_view page, std::string_view origin) const;
  // The login form filled and made c.next; else the error the answer counts as (login: no
  // login form; protocol: the page could not be read).
  std::optional<ErrorKind> read_login_page(std::uint32_t id, Client& c, std::string_view page,
                                           std::string_view origin) const;
  std::string own_origin(const Answer& a) const;
  Outcome::Refusal refusal_of(const Client& c, const Answer& a, bool carried) const;
  // A form's action, resolved against the page; one naming another origin is said once (the
  // tester sends nothing but to its instances, so it goes to the same path there).
  std::string form_target(std::string_view page_path, std::string_view action,
                          std::string_view origin) const;
  // What a page that could not be read counts as (said once): refused, or cancelled.
  PageRead refuse_page(const std::string& path, const PageScan& scan) const;
  void after_read(Client& c) const;
  Step next_write_step(const Client& c) const;
  std::string token_for(const Client& c) const;
  bool uses_token() const;
  bool at_login(std::string_view path) const;
  void diagnose(unsigned what, const std::string& message) const;
  // --journey (scenario_journey.cpp).
  enum class Fill { raw, path, json };
  const JourneyStep& journey_step(const Client& c) const;
  std::string fill(std::string_view text, std::uint32_t id, const Client& c, Fill how) const;
  Kind build_journey(std::uint32_t id, Client& c, std::string_view host, bool tls,
                     std::string& out) const;
  Outcome apply_journey(std::uint32_t id, Client& c, Step step, const Answer& a) const;
  void finish_journey(std::uint32_t id, Client& c, const Answer& a, Outcome& o, bool landing) const;
  void journey_read(std::uint32_t id, Client& c, const Answer& a, Outcome& o, bool landing) const;
  bool journey_write(std::uint32_t id, Client& c, const Answer& a, Outcome& o) const;
  void journey_next(Client& c) const;
  Kind build_logout_step(std::uint32_t id, Client& c, std::string_view host, bool tls,
                         std::string& out) const;
  void finish_logout_step(Client& c, Step step, const Answer& a, Outcome& o) const;

  const LoadOptions& opts_;
  std::string run_tag_;
  UserHeaders user_;                            // from opts_.headers, checked by the command line
  std::string boundary_;                        // multipart/form-data writes
  mutable std::atomic<unsigned> diagnosed_{0};  // which "cannot find" lines were logged (bits)
  mutable FormPool forms_;              // the forms of Home the clients keep, one copy of each
  mutable PageReader pages_;            // Home and login pages, read within the run's bounds
  std::optional<ValueMatcher> values_;  // --journey: this run's values read back
  mutable std::mutex hint_mutex_;
  mutable std::string token_hint_;  // under hint_mutex_: the flag a page's token asks for
};

// A token as the tester keeps it: printable ASCII without spaces, at most max_token_bytes
// (a longer or odd one is taken as missing, so a server cannot make each client keep megabytes).
inline constexpr std::size_t max_token_bytes = 256;
bool plausible_token(std::string_view token);

// The value of the first control named `name` in the page's forms, when it is a plausible
// token, or "".
std::string hidden_input_value(std::string_view html, std::string_view name);

// A random tag for this run's names, so a page from an earlier run is not taken for a hit.
std::string new_run_tag();

}  // namespace sessdemo::loadgen
