#include "loadgen/report.hpp"

#include <boost/json.hpp>
#include <cinttypes>

#include "sessions/duration.hpp"

namespace sessdemo::loadgen {

namespace {
double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }
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
  auto add = [&](std::string name, bool ok, std::string detail) {
    checks.push_back({std::move(name), ok, std::move(detail)});
  };
  if (c.requests == 0) add("requests answered", false, "no request was measured");
  if (o.scenario == Scenario::visit) {
    double miss = ratio(c.misses, c.reads()), stale = ratio(c.stale, c.reads());
    add("miss rate", miss <= o.max_miss_rate,
        fmt("%.4f", miss) + " of " + std::to_string(c.reads()) + " reads (" + std::to_string(c.misses) +
            " misses), limit " + fmt("%g", o.max_miss_rate));
    add("stale rate", stale <= o.max_stale_rate,
        fmt("%.4f", stale) + " (" + std::to_string(c.stale) + " stale reads), limit " + fmt("%g", o.max_stale_rate));
    add("foreign reads", c.foreign == 0,
        std::to_string(c.foreign) + " reads showed another visitor's data (must be 0)");
  }
  double err = ratio(c.errors, c.requests);
  add("error rate", err <= o.max_error_rate,
      fmt("%.4f", err) + " (" + std::to_string(c.errors) + " of " + std::to_string(c.requests) +
          " requests), limit " + fmt("%g", o.max_error_rate));
  if (o.max_p99) {
    auto p99 = r.total.latency.percentile(99);
    add("p99 latency", p99 <= o.max_p99->count(),
        fmt("%.2f ms", ms(p99)) + ", limit " + format_duration(*o.max_p99));
  }
  if (o.scenario == Scenario::counter) {
    const auto& k = r.counter;
    add("lost updates", k.lost_updates <= static_cast<std::int64_t>(o.max_lost_updates),
        std::to_string(k.lost_updates) + " acknowledged increments missing from " +
            std::to_string(k.clients_checked) + " counters, limit " + std::to_string(o.max_lost_updates));
    add("phantom updates", k.phantom_updates == 0,
        std::to_string(k.phantom_updates) + " more increments on the server than were sent");
    add("counters read", k.clients_checked > 0 && k.unverified == 0,
        std::to_string(k.unverified) + " clients' final counters could not be read");
  }
  return checks;
}

bool all_passed(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (!c.passed) return false;
  return true;
}

void write_summary(std::FILE* out, const RunReport& r, const std::vector<Check>& checks) {
  const auto& o = *r.opts;
  std::fprintf(out, "\nsessdemo load: %s scenario, %u clients, %zu instance(s), %s, %s, %.1f s measured%s\n",
               to_string(o.scenario), o.clients, o.instances.size(), to_string(o.balance),
               o.rate > 0 ? fmt("open model at %.0f req/s", o.rate).c_str() : "closed model", r.measured_s,
               r.interrupted ? " (interrupted)" : "");
  std::fprintf(out, "%-24s %10s %9s %8s %10s %8s %7s %7s %8s %8s %8s %8s %9s\n", "instance", "requests", "rps",
               "errors", "hits", "misses", "stale", "foreign", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
  auto line = [&](const std::string& name, const InstanceStats& s) {
    const auto& c = s.counters;
    std::fprintf(out, "%-24s %10" PRIu64 " %9.0f %8" PRIu64 " %10" PRIu64 " %8" PRIu64 " %7" PRIu64 " %7" PRIu64
                 " %8.2f %8.2f %8.2f %8.2f %9.2f\n",
                 name.c_str(), c.requests, r.measured_s > 0 ? static_cast<double>(c.requests) / r.measured_s : 0.0,
                 c.errors, c.hits, c.misses, c.stale, c.foreign, ms(s.latency.percentile(50)),
                 ms(s.latency.percentile(90)), ms(s.latency.percentile(99)), ms(s.latency.percentile(99.9)),
                 ms(s.latency.max()));
  };
  for (const auto& [name, s] : r.table.instances) line(name, s);
  line("all", r.total);
  std::fprintf(out, "\nlatency (ms)   %8s %8s %8s %8s %8s %8s %8s %8s %10s\n", "min", "p50", "p90", "p99", "p99.9",
               "p99.99", "max", "mean", "count");
  for (std::size_t k = 0; k < r.total.by_kind.size(); ++k) {
    const auto& h = r.total.by_kind[k];
    if (h.count() == 0) continue;
    std::fprintf(out, "  %-12s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %10" PRIu64 "\n",
                 to_string(static_cast<Kind>(k)), ms(h.min()), ms(h.percentile(50)), ms(h.percentile(90)),
                 ms(h.percentile(99)), ms(h.percentile(99.9)), ms(h.percentile(99.99)), ms(h.max()),
                 h.mean() / 1000.0, h.count());
  }
  if (r.total.counters.late)
    std::fprintf(out, "\n%" PRIu64 " requests were sent more than 10 ms after their scheduled time\n",
                 r.total.counters.late);
  if (o.scenario == Scenario::counter)
    std::fprintf(out, "\ncounter: %" PRId64 " acknowledged increments, %" PRId64 " on the server, %" PRId64
                 " lost, %" PRId64 " phantom, %" PRIu64 " clients checked\n",
                 r.counter.acknowledged, r.counter.final_total, r.counter.lost_updates, r.counter.phantom_updates,
                 r.counter.clients_checked);
  std::fprintf(out, "\nchecks:\n");
  for (const auto& c : checks)
    std::fprintf(out, "  %s  %-16s %s\n", c.passed ? "PASS" : "FAIL", c.name.c_str(), c.detail.c_str());
  std::fprintf(out, "verdict: %s\n", all_passed(checks) ? "PASS" : "FAIL");
  std::fflush(out);
}

namespace {
boost::json::object figures(const InstanceStats& s, double seconds) {
  const auto& c = s.counters;
  boost::json::object lat;
  lat["min"] = ms(s.latency.min());
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) lat["p" + fmt("%g", p)] = ms(s.latency.percentile(p));
  lat["max"] = ms(s.latency.max());
  lat["mean"] = s.latency.mean() / 1000.0;
  boost::json::object kinds;
  for (std::size_t k = 0; k < s.by_kind.size(); ++k) {
    const auto& h = s.by_kind[k];
    if (h.count() == 0) continue;
    kinds[to_string(static_cast<Kind>(k))] = boost::json::object{
        {"count", h.count()}, {"p50", ms(h.percentile(50))}, {"p99", ms(h.percentile(99))}, {"max", ms(h.max())}};
  }
  return boost::json::object{{"requests", c.requests}, {"errors", c.errors}, {"errors_5xx", c.status_5xx},
                             {"hits", c.hits}, {"misses", c.misses}, {"stale", c.stale},
                             {"foreign", c.foreign}, {"late", c.late},
                             {"rps", seconds > 0 ? static_cast<double>(c.requests) / seconds : 0.0},
                             {"latency_ms", lat}, {"latency_ms_by_kind", kinds}};
}
}  // namespace

std::string to_json(const RunReport& r, const std::vector<Check>& checks) {
  const auto& o = *r.opts;
  boost::json::array instances;
  for (const auto& i : o.instances) instances.emplace_back(i.to_string());
  boost::json::object settings{
      {"instances", instances}, {"clients", o.clients}, {"threads", r.threads},
      {"connections_per_instance", r.connections_per_instance}, {"duration_s", o.duration.count() / 1e6},
      {"requests", o.requests}, {"warmup_s", o.warmup.count() / 1e6}, {"balance", to_string(o.balance)},
      {"think_s", o.think.count() / 1e6}, {"rate", o.rate}, {"scenario", to_string(o.scenario)},
      {"home_path", o.home_path}, {"details_path", o.details_path}, {"name_field", o.name_field},
      {"rename_every", o.rename_every}, {"inflight", o.inflight}, {"timeout_s", o.timeout.count() / 1e6},
      {"max_miss_rate", o.max_miss_rate}, {"max_stale_rate", o.max_stale_rate},
      {"max_error_rate", o.max_error_rate}, {"max_lost_updates", o.max_lost_updates}};
  if (o.max_p99) settings["max_p99_ms"] = o.max_p99->count() / 1000.0;
  boost::json::object per;
  for (const auto& [name, s] : r.table.instances) per[name] = figures(s, r.measured_s);
  boost::json::array cks;
  for (const auto& c : checks) cks.push_back(boost::json::object{{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
  boost::json::object doc{{"tool", "sessdemo load"}, {"run_tag", r.run_tag}, {"settings", settings},
                          {"measured_s", r.measured_s}, {"interrupted", r.interrupted},
                          {"total", figures(r.total, r.measured_s)}, {"instances", per}, {"checks", cks},
                          {"verdict", all_passed(checks) ? "pass" : "fail"}};
  if (o.scenario == Scenario::counter)
    doc["counter"] = boost::json::object{{"clients_checked", r.counter.clients_checked},
                                         {"unverified", r.counter.unverified},
                                         {"acknowledged", r.counter.acknowledged},
                                         {"final_total", r.counter.final_total},
                                         {"lost_updates", r.counter.lost_updates},
                                         {"phantom_updates", r.counter.phantom_updates}};
  return boost::json::serialize(doc) + "\n";
}

CsvWriter::CsvWriter(std::FILE* out) : out_(out) {}

void CsvWriter::header() {
  std::fprintf(out_, "elapsed_s,instance,requests,errors,hits,misses,stale,foreign,rps,p50_ms,p90_ms,p99_ms,"
                     "p999_ms,max_ms,late,miss_rate,lost_updates\n");
}

void CsvWriter::row(double elapsed, double interval, const std::string& instance, const InstanceStats& s,
                    std::optional<std::int64_t> lost) {
  const auto& c = s.counters;
  std::string name = instance;
  for (char& ch : name)
    if (ch == ',' || ch == '"' || ch == '\n') ch = '_';
  std::fprintf(out_, "%.3f,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                     ",%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%" PRIu64 ",%.4f,%s\n",
               elapsed, name.c_str(), c.requests, c.errors, c.hits, c.misses, c.stale, c.foreign,
               interval > 0 ? static_cast<double>(c.requests) / interval : 0.0, ms(s.latency.percentile(50)),
               ms(s.latency.percentile(90)), ms(s.latency.percentile(99)), ms(s.latency.percentile(99.9)),
               ms(s.latency.max()), c.late, ratio(c.misses, c.reads()),
               lost ? std::to_string(*lost).c_str() : "");
}

void CsvWriter::total_row(double measured_s, const InstanceStats& total, std::optional<std::int64_t> lost) {
  row(measured_s, measured_s, "total", total, lost);
  std::fflush(out_);
}

void CsvWriter::rows(double elapsed, double interval, const StatsTable& t) {
  for (const auto& [name, s] : t.instances) row(elapsed, interval, name, s);
  row(elapsed, interval, "all", t.total());
  std::fflush(out_);
}

}  // namespace sessdemo::loadgen
