#include "loadgen/checks.hpp"

#include <cstdio>

#include "common/duration.hpp"

namespace sessdemo::loadgen {

namespace {
double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}
std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
}  // namespace

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
  double err = ratio(c.errors, c.requests);
  add("error rate", err, o.max_error_rate, "fraction", err <= o.max_error_rate,
      fmt("%.4f", err) + " (" + std::to_string(c.errors) + " of " + std::to_string(c.requests) +
          " requests), limit " + fmt("%g", o.max_error_rate));
  if (o.max_p99) {
    // The latency users wait (from ready or scheduled), not the service time alone.
    double p99_ms = static_cast<double>(r.total.latency.percentile(99)) / 1000.0;
    double limit_ms = static_cast<double>(o.max_p99->count()) / 1000.0;
    add("p99 latency", p99_ms, limit_ms, "ms", p99_ms <= limit_ms,
        fmt("%.2f ms", p99_ms) + ", limit " + format_duration(*o.max_p99));
  }
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
