#pragma once
// Per-thread statistics: plain counters plus latency histograms, merged after the run and per
// interval. Nothing here is shared between threads while it is being written.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/name_table.hpp"
#include "loadgen/stats/histogram.hpp"

namespace sessdemo::loadgen {

// What a request was for; redirect: a hop a client followed after a 3xx (of any of the others).
enum class Kind { home, write, read, redirect, login, logout, count_ };
inline constexpr NameTable<Kind, 6> kind_names{{{{Kind::home, "home"},
                                                 {Kind::write, "write"},
                                                 {Kind::read, "read"},
                                                 {Kind::redirect, "redirect"},
                                                 {Kind::login, "login"},
                                                 {Kind::logout, "logout"}}}};
inline const char* to_string(Kind k) {
  return kind_names.name(k);
}

// Why a request failed; every error counts under exactly one kind.
enum class ErrorKind : std::uint8_t {
  connect,   // the connection could not be opened
  tls,       // the TLS handshake or certificate check failed
  timeout,   // no complete answer within --timeout
  reset,     // the connection closed or was reset before the answer was complete
  protocol,  // the answer could not be parsed as HTTP, or had a status no client expects
  http_4xx,  // a 4xx answer (other than a refused CSRF token)
  http_5xx,  // a 5xx answer
  csrf,      // a write refused (403) while a CSRF token was being sent
  login,     // a login that failed (4xx, no form, or back on --login-path), or a write sent to it
  refused,   // --journey: a write answered without the acknowledgement its step names
  count_
};
inline constexpr std::size_t error_kind_count = static_cast<std::size_t>(ErrorKind::count_);
inline constexpr NameTable<ErrorKind, error_kind_count> error_kind_names{
    {{{ErrorKind::connect, "connect"},
      {ErrorKind::tls, "tls"},
      {ErrorKind::timeout, "timeout"},
      {ErrorKind::reset, "reset"},
      {ErrorKind::protocol, "protocol"},
      {ErrorKind::http_4xx, "http_4xx"},
      {ErrorKind::http_5xx, "http_5xx"},
      {ErrorKind::csrf, "csrf"},
      {ErrorKind::login, "login"},
      {ErrorKind::refused, "refused"}}}};
inline const char* to_string(ErrorKind k) {
  return error_kind_names.name(k);
}

// Timings of one step of opening connections (TCP connect, TLS handshake) that succeeded:
// how many, their total and their longest, in microseconds.
struct Timings {
  std::uint64_t count = 0, total_us = 0, max_us = 0;
  void add(std::int64_t us);
  void merge(const Timings& o);
  double mean_ms() const {
    return count ? static_cast<double>(total_us) / 1000.0 / static_cast<double>(count) : 0.0;
  }
};

struct Counters {
  std::uint64_t requests = 0;  // answered or failed, all kinds; every other counter is a subset
  std::uint64_t errors = 0;    // connection failure, timeout, 5xx or unexpected status
  // Reads of a session as the one checker judged them (operation_checker.hpp); they sum to reads().
  std::uint64_t hits = 0;       // legal: some order of the operations explains what they showed
  std::uint64_t misses = 0;     // no name after an acknowledged write (read-your-writes)
  std::uint64_t stale = 0;      // an older name after an acknowledged newer one (read-your-writes)
  std::uint64_t monotonic = 0;  // older than what the client already saw (monotonic reads)
  std::uint64_t foreign = 0;    // a value the session never had: another client's name
  std::uint64_t refused_applied = 0;  // the name of a write the server refused (a 4xx)
  // Scenario logout: reads by the old cookie after an acknowledged logout that still showed the
  // session's data (a hit there is a read that found the session ended).
  std::uint64_t resurrected = 0;
  // Judged reads served by another instance than the one that acknowledged the client's latest
  // write (subset of reads()): the reads that asked whether the session moved with the client.
  std::uint64_t crossed = 0;
  std::uint64_t late = 0;  // open model: sent more than 10 ms after their scheduled time
  // Requests sent a second time on a new connection because a reused one was found closed
  // before any byte of the answer (as browsers do). Not part of requests: one request, two sends.
  std::uint64_t retries = 0;
  std::uint64_t status_5xx = 0;  // errors that were 5xx answers (subset of errors)
  // Writes and logins refused (subset of errors) that carried a token or form read from a page:
  // by another instance than the one whose page it was (crossed: that instance did not know the
  // session), or by that very instance (same: the app's own reasons, an expired token, a rule).
  std::uint64_t refused_crossed = 0;
  std::uint64_t refused_same = 0;
  std::array<std::uint64_t, error_kind_count> error_kinds{};  // errors by kind; they sum to errors
  Timings connects{};    // opening connections, apart from the requests: TCP connects
  Timings handshakes{};  // and TLS handshakes

  void merge(const Counters& o);
  std::uint64_t reads() const {
    return hits + misses + stale + monotonic + foreign + refused_applied + resurrected;
  }
};

struct InstanceStats {
  Counters counters;
  // What a user waits: from when the request was ready to go (or scheduled, with --rate) to
  // its answer, so time spent waiting for a free connection or a late send counts. All kinds.
  Histogram latency;
  // What the server costs: from the request written to the answer complete. All kinds.
  Histogram service;
  std::array<Histogram, static_cast<std::size_t>(Kind::count_)> by_kind;  // latency, by kind
  std::vector<std::uint16_t>
      addresses;  // indexes of the --instances addresses that answered as this
  void merge(const InstanceStats& o);
  void note_address(std::uint16_t target);
};

// The instance ids a run keeps apart: the first max_instance_ids distinct ids get figures of
// their own, any further one counts under overflow_instance (a server that sends a new id every
// time cannot grow the tester without bound). Each keeps its histograms' pages, twice.
inline constexpr std::size_t max_instance_ids = 64;
inline constexpr const char* overflow_instance = "other";

// Figures keyed by instance: the X-Instance-Id of the answer, or the address when none came.
struct StatsTable {
  std::map<std::string, InstanceStats> instances;
  InstanceStats& at(const std::string& key) { return instances[key]; }
  void merge(const StatsTable& o);
  InstanceStats total() const;  // every instance merged
};

}  // namespace sessdemo::loadgen
