#pragma once
// What each virtual client sends next and what its answers mean, without sockets: the worker
// asks build_request() for bytes and hands the parsed answer to apply_response().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/cookie_jar.hpp"
#include "loadgen/load_options.hpp"
#include "loadgen/stats.hpp"
#include "loadgen/user_headers.hpp"
#include "loadgen/verdict.hpp"

namespace sessdemo::loadgen {

enum class Step : std::uint8_t { home, write, read, get, counter_setup, increment, final_read, done };

struct Client {
  ClientWrites writes;             // write sequence numbers (visit)
  std::uint64_t sent = 0;          // requests this client sent (drives round-robin)
  std::uint32_t reads_since_write = 0;
  Step step = Step::home;
  std::uint16_t in_flight = 0;     // counter: increments on the wire now
  std::int64_t sent_increments = 0;   // counter: increments put on the wire
  std::int64_t acked_increments = 0;  // counter: increments answered 2xx (<= sent)
  std::int64_t final_value = -1;      // counter: the value read at the end (-1: not read)
  std::int64_t highest_seen = 0;      // counter: largest value any answer reported
  CookieJar jar;
  std::string csrf_token;  // visit with --csrf-field: from the last Home page
};

// The parts of an answer the scenarios look at.
struct Answer {
  int status = 0;  // 0: no answer (connection failure, timeout): see failure
  std::string_view body;
  std::vector<std::string_view> set_cookies;
  ErrorKind failure = ErrorKind::reset;  // with status 0: what went wrong on the way
};

struct Outcome {
  Kind kind = Kind::read;
  bool error = false;
  ErrorKind error_kind = ErrorKind::protocol;  // with error: which kind
  std::optional<Verdict> verdict;
};

class ScenarioLogic {
 public:
  ScenarioLogic(const LoadOptions& opts, std::string run_tag);

  // The next step of a client at the start of the run.
  Step first_step() const;
  // Appends the HTTP/1.1 request bytes of the client's current step; returns its kind.
  Kind build_request(std::uint32_t client_id, Client& c, std::string_view host, std::string& out) const;
  // Moves the client on according to the answer to the request of step `step`.
  Outcome apply(std::uint32_t client_id, Client& c, Step step, const Answer& a) const;

  const std::string& run_tag() const { return run_tag_; }

 private:
  ErrorKind error_kind_of(const Answer& a, Step step) const;
  void start_line(std::string& out, std::string_view method, std::string_view path,
                  std::string_view host, const CookieJar& jar) const;

  const LoadOptions& opts_;
  std::string run_tag_;
  UserHeaders user_;  // from opts_.headers, checked by the command line
};

// The value of the first <input> named `name` in a page (HTML entities decoded), or "" when
// there is none or its value is not a plausible token (printable ASCII without spaces).
std::string hidden_input_value(std::string_view html, std::string_view name);

// A random tag for this run's names, so a page from an earlier run is not taken for a hit.
std::string new_run_tag();

}  // namespace sessdemo::loadgen
