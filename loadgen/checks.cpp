#include "loadgen/checks.hpp"
#include "loadgen/figures.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "common/duration.hpp"

namespace sessdemo::loadgen {

namespace {
std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

template <class Add>
void add_time_checks(const RunReport& r, Add& add) {
  const auto& o = *r.opts;
  // The latency users wait (from ready or scheduled), and the service time (from the send).
  for (auto [limits, histogram, what] : {std::tuple{&o.max_latency, &r.total.latency, " latency"},
                                         std::tuple{&o.max_service, &r.total.service, " service time"}})
    for (const auto& l : *limits) {
      double ms = static_cast<double>(histogram->percentile(l.percentile)) / 1000.0;
      double limit_ms = static_cast<double>(l.limit.count()) / 1000.0;
      bool sampled = histogram->count() > 0;
      add(percentile_name(l.percentile) + what, ms, limit_ms, "ms", sampled && ms <= limit_ms,
          sampled ? fmt("%.2f ms", ms) + ", limit " + format_duration(l.limit)
                  : std::string("nothing measured"));
    }
  double rps = static_cast<double>(r.total.counters.requests) / std::max(1e-9, r.measured_s);
  if (o.min_rps > 0)
    add("request rate", rps, std::nullopt, "req/s", rps >= o.min_rps,
        fmt("%.1f req/s", rps) + ", at least " + fmt("%g", o.min_rps));
  if (o.rate > 0) {
    // The ticks the schedule (--rate, --stages) asked for over the measured time, against those
    // a client took (k6's iterations against dropped_iterations). No tick asked for: not passed.
    double reached = r.scheduled > 0 ? static_cast<double>(r.ticks_sent) / r.scheduled : 0;
    add("rate reached", reached, std::nullopt, "fraction",
        r.scheduled > 0 && reached >= o.min_rate_fraction,
        fmt("%.1f", static_cast<double>(r.ticks_sent) / std::max(1e-9, r.measured_s)) + " of " +
            fmt("%.1f", r.scheduled / std::max(1e-9, r.measured_s)) + " scheduled req/s (" +
            fmt("%.3f", reached) + "), at least " + fmt("%g", o.min_rate_fraction) + "; " +
            std::to_string(r.dropped) + " dropped");
  }
  if (!r.aborted.empty())
    add("ran to the end", 0, std::nullopt, "count", false, "aborted (--abort-on-fail): " + r.aborted);
}
}  // namespace

std::optional<std::string> hopeless(const LoadOptions& o, const Counters& c) {
  const std::uint64_t reads = c.reads();
  if (c.foreign > 0) return std::to_string(c.foreign) + " reads showed another visitor's data";
  if (c.resurrected > o.max_resurrected)
    return std::to_string(c.resurrected) + " reads showed an ended session again";
  if (reads > 0 && o.scenario == Scenario::visit) {
    if (ratio(c.misses, reads) > o.max_miss_rate)
      return "miss rate " + fmt("%.4f", ratio(c.misses, reads)) + " over the run so far, limit " +
             fmt("%g", o.max_miss_rate);
    if (ratio(c.stale, reads) > o.max_stale_rate)
      return "stale rate " + fmt("%.4f", ratio(c.stale, reads)) + " over the run so far, limit " +
             fmt("%g", o.max_stale_rate);
  }
  if (c.requests > 0 && ratio(c.errors, c.requests) > o.max_error_rate)
    return "error rate " + fmt("%.4f", ratio(c.errors, c.requests)) + " over the run so far, limit " +
           fmt("%g", o.max_error_rate);
  return std::nullopt;
}

std::optional<RefusalSymptom> refusal_symptom(const RunReport& r) {
  const auto& c = r.total.counters;
  if (c.refused_crossed == 0) return std::nullopt;
  std::string by;
  for (const auto& [name, s] : r.table.instances)
    if (s.counters.refused_crossed)
      by += (by.empty() ? "" : ", ") + name + " " + std::to_string(s.counters.refused_crossed);
  RefusalSymptom out;
  out.lost_sessions = c.refused_crossed > 10 * c.refused_same;
  out.sentence = "writes carrying a token (or form) read on one instance were refused by another " +
                 std::to_string(c.refused_crossed) + " times (by " + by + ") and " +
                 (c.refused_same ? std::to_string(c.refused_same) + " times" : std::string("never")) +
                 " by the instance that issued it";
  out.sentence += out.lost_sessions
                      ? ": the instances do not share sessions (try --balance sticky to confirm)"
                      : ": refused where it was issued too, so the app refuses them for reasons of its own";
  return out;
}

std::vector<Check> evaluate(const RunReport& r) {
  const auto& o = *r.opts;
  const auto& c = r.total.counters;
  std::vector<Check> checks;
  auto add = [&](std::string name, double value, std::optional<double> limit, std::string unit,
                 bool ok, std::string detail) {
    checks.push_back({std::move(name), ok, std::move(detail), value, limit, std::move(unit)});
  };
  if (c.requests == 0)
    add("requests answered", 0, std::nullopt, "count", false, "no request was measured");
  if (o.scenario == Scenario::visit) {
    // A check with no samples has not passed: a run that judged no page fails all three.
    const std::uint64_t reads = c.reads();
    const std::string nothing = "nothing judged: 0 reads";
    double miss = ratio(c.misses, reads), stale = ratio(c.stale, reads);
    add("miss rate", miss, o.max_miss_rate, "fraction", reads > 0 && miss <= o.max_miss_rate,
        reads == 0 ? nothing
                   : fmt("%.4f", miss) + " of " + std::to_string(reads) + " reads (" +
                         std::to_string(c.misses) + " misses), limit " + fmt("%g", o.max_miss_rate));
    add("stale rate", stale, o.max_stale_rate, "fraction", reads > 0 && stale <= o.max_stale_rate,
        reads == 0 ? nothing
                   : fmt("%.4f", stale) + " (" + std::to_string(c.stale) + " stale reads), limit " +
                         fmt("%g", o.max_stale_rate));
    add("foreign reads", static_cast<double>(c.foreign), 0.0, "count", reads > 0 && c.foreign == 0,
        reads == 0 ? nothing
                   : std::to_string(c.foreign) + " reads showed another visitor's data (must be 0)");
  }
  if (o.scenario == Scenario::logout) {
    // Reads by the old cookie after acknowledged logouts: none may show the session again.
    const std::uint64_t reads = c.reads();
    add("resurrected", static_cast<double>(c.resurrected), static_cast<double>(o.max_resurrected), "count",
        reads > 0 && c.resurrected <= o.max_resurrected,
        reads == 0 ? std::string("nothing judged: no acknowledged logout was read back")
                   : std::to_string(c.resurrected) + " of " + std::to_string(reads) +
                         " reads after an acknowledged logout showed the session again, limit " +
                         std::to_string(o.max_resurrected));
    add("foreign reads", static_cast<double>(c.foreign), 0.0, "count", reads > 0 && c.foreign == 0,
        std::to_string(c.foreign) + " reads showed another visitor's data (must be 0)");
  }
  // Refusals of what a page of another instance gave: a lost session, not only an error.
  if (auto symptom = refusal_symptom(r))
    add("sessions shared", static_cast<double>(c.refused_crossed), std::nullopt, "count", !symptom->lost_sessions,
        symptom->sentence);
  double err = ratio(c.errors, c.requests);
  add("error rate", err, o.max_error_rate, "fraction", err <= o.max_error_rate,
      fmt("%.4f", err) + " (" + std::to_string(c.errors) + " of " + std::to_string(c.requests) +
          " requests), limit " + fmt("%g", o.max_error_rate));
  add_time_checks(r, add);
  if (o.scenario == Scenario::counter) {
    const auto& k = r.counter;
    const bool none = k.clients_checked == 0;
    const std::string nothing = "nothing judged: no client's counter was read";
    add("lost updates", static_cast<double>(k.lost_updates),
        static_cast<double>(o.max_lost_updates), "count",
        !none && k.lost_updates <= static_cast<std::int64_t>(o.max_lost_updates),
        none ? nothing
             : std::to_string(k.lost_updates) + " acknowledged increments missing from " +
                   std::to_string(k.clients_checked) + " counters, limit " +
                   std::to_string(o.max_lost_updates));
    add("phantom updates", static_cast<double>(k.phantom_updates), 0.0, "count",
        !none && k.phantom_updates == 0,
        none ? nothing
             : std::to_string(k.phantom_updates) + " more increments on the server than were sent");
    add("counters read", static_cast<double>(k.unverified), 0.0, "count",
        k.clients_checked > 0 && k.unverified == 0,
        std::to_string(k.unverified) + " clients' final counters could not be read");
  }
  return checks;
}

bool all_passed(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (!c.passed) return false;
  return true;
}

const char* verdict(const RunReport& r, const std::vector<Check>& checks) {
  if (r.interrupted) return "interrupted";
  return all_passed(checks) ? "pass" : "fail";
}

int exit_status(const RunReport& r, const std::vector<Check>& checks) {
  if (r.interrupted) return 130;
  return all_passed(checks) ? 0 : 1;
}

}  // namespace sessdemo::loadgen
