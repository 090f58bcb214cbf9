#include "loadgen/report/summary.hpp"

#include <algorithm>
#include <cinttypes>
#include <string>

#include "common/printable.hpp"
#include "loadgen/stats/figures.hpp"

namespace sessdemo::loadgen {

namespace {

void percentiles_line(std::FILE* out, const char* name, const Histogram& h) {
  std::fprintf(out, "  %-12s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %10" PRIu64 "\n", name,
               ms(h.min()), ms(h.percentile(50)), ms(h.percentile(90)), ms(h.percentile(99)),
               ms(h.percentile(99.9)), ms(h.percentile(99.99)), ms(h.max()), h.mean() / 1000.0,
               h.count());
}

// The run in one line: scenario, clients, shards, instances, balance, model, time.
void title_line(std::FILE* out, const RunReport& r) {
  const auto& o = *r.opts;
  char model[64];
  if (o.rate > 0 && !o.stages.empty())
    std::snprintf(model, sizeof model, "open model from %.0f req/s", o.rate);
  else if (o.rate > 0)
    std::snprintf(model, sizeof model, "open model at %.0f req/s", o.rate);
  else
    std::snprintf(model, sizeof model, "closed model");
  std::string shape = o.stages.empty() ? "" : ", stages " + to_string(o.stages);
  std::string shards =
      r.shards_merged > 1 ? ", merged from " + std::to_string(r.shards_merged) + " shards"
      : o.shard_count > 1
          ? ", shard " + std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count)
          : "";
  // Addresses are what was given; instances are the ids that answered (several behind one
  // balancer's address, or one id behind several addresses).
  auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::size_t ids = 0;
  for (const auto& [name, s] : r.table.instances)
    if (s.counters.requests > 0) ++ids;
  std::size_t given = r.addresses.empty() ? o.instances.size() : r.addresses.size();
  std::string where =
      count(given, "address", "addresses") + ", " + count(ids, "instance", "instances");
  std::fprintf(out, "\nsessdemo load: %s scenario, %u clients%s, %s, %s, %s%s, %.1f s measured%s\n",
               to_string(o.scenario), o.clients, shards.c_str(), where.c_str(),
               to_string(o.balance), model, shape.c_str(), r.measured_s,
               r.interrupted ? ", INTERRUPTED: the figures cover the part that ran" : "");
}

// One row per instance and one for all of them: 120 columns (p50, p99 and max), or with --wide
// every figure (p90, p99.9 and the service time too).
void instance_table(std::FILE* out, const RunReport& r) {
  bool wide = r.opts->wide;
  if (wide)
    std::fprintf(out, "%-16s %-21s %10s %9s %8s %10s %8s %7s %7s %8s %8s %8s %8s %9s %8s %8s\n",
                 "instance", "address", "requests", "rps", "errors", "hits", "misses", "stale",
                 "foreign", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "svc p50",
                 "svc p99");
  else
    std::fprintf(out, "%-14s %-20s %9s %7s %7s %9s %7s %6s %7s %7s %8s %8s\n", "instance",
                 "address", "requests", "rps", "errors", "hits", "misses", "stale", "foreign",
                 "p50 ms", "p99 ms", "max ms");
  auto line = [&](const std::string& name, const std::string& where, const InstanceStats& s) {
    const auto& c = s.counters;
    double rps = r.measured_s > 0 ? static_cast<double>(c.requests) / r.measured_s : 0.0;
    if (wide)
      std::fprintf(out,
                   "%-16s %-21s %10" PRIu64 " %9.0f %8" PRIu64 " %10" PRIu64 " %8" PRIu64
                   " %7" PRIu64 " %7" PRIu64 " %8.2f %8.2f %8.2f %8.2f %9.2f %8.2f %8.2f\n",
                   name.c_str(), where.c_str(), c.requests, rps, c.errors, c.hits, c.misses,
                   c.stale, c.foreign, ms(s.latency.percentile(50)), ms(s.latency.percentile(90)),
                   ms(s.latency.percentile(99)), ms(s.latency.percentile(99.9)),
                   ms(s.latency.max()), ms(s.service.percentile(50)), ms(s.service.percentile(99)));
    else
      std::fprintf(out,
                   "%-14s %-20s %9" PRIu64 " %7.0f %7" PRIu64 " %9" PRIu64 " %7" PRIu64 " %6" PRIu64
                   " %7" PRIu64 " %7.2f %8.2f %8.2f\n",
                   name.c_str(), where.c_str(), c.requests, rps, c.errors, c.hits, c.misses,
                   c.stale, c.foreign, ms(s.latency.percentile(50)), ms(s.latency.percentile(99)),
                   ms(s.latency.max()));
  };
  for (const auto& [name, s] : r.table.instances) line(name, addresses_of(r, s), s);
  line("all", "", r.total);
}

// What the one checker found beyond the counts: late writes (legal) and the first anomalies,
// with the operations that prove them (escaped: they carry what servers sent).
void anomaly_notes(std::FILE* out, const RunReport& r) {
  if (r.late_writes)
    std::fprintf(
        out,
        "\n%" PRIu64
        " writes of unknown outcome (timed out or cut) took effect after a later acknowledged "
        "write: legal, not stale; the first: %s\n",
        r.late_writes, r.late.empty() ? "" : printable(r.late.front(), 600).c_str());
  if (r.anomalies.empty()) return;
  std::fprintf(out, "\nanomalies: %" PRIu64 "; the first %zu:\n", r.anomalies_total,
               std::min<std::size_t>(3, r.anomalies.size()));
  for (std::size_t i = 0; i < r.anomalies.size() && i < 3; ++i)
    std::fprintf(out, "  %zu. %s: %s\n", i + 1, r.anomalies[i].kind.c_str(),
                 printable(r.anomalies[i].text, 600).c_str());
}

// Said when it applies: TLS, errors by kind, dropped and late requests, the counter and logout
// tallies.
void notes(std::FILE* out, const RunReport& r) {
  const auto& o = *r.opts;
  if (o.insecure &&
      std::any_of(o.instances.begin(), o.instances.end(), [](const auto& e) { return e.tls; }))
    std::fprintf(out, "\nTLS certificates were NOT checked (--insecure)\n");
  if (const auto& h = r.total.counters.handshakes; h.count)
    std::fprintf(out,
                 "\nTLS handshakes: %" PRIu64
                 ", mean %.2f ms, max %.2f ms (in latency, not in service time)\n",
                 h.count, h.mean_ms(), static_cast<double>(h.max_us) / 1000.0);
  if (r.total.counters.errors) {
    std::fprintf(out, "\nerrors by kind:");
    for (std::size_t k = 0; k < error_kind_count; ++k)
      if (auto n = r.total.counters.error_kinds[k])
        std::fprintf(out, "  %s %" PRIu64, to_string(static_cast<ErrorKind>(k)), n);
    std::fputc('\n', out);
  }
  if (auto symptom = refusal_symptom(r)) std::fprintf(out, "\n%s\n", symptom->sentence.c_str());
  if (r.dropped)
    std::fprintf(out,
                 "\n%" PRIu64
                 " scheduled requests were dropped: no client was free to send them and the "
                 "backlog was full (the rate is beyond what --clients can carry)\n",
                 r.dropped);
  if (r.total.counters.late)
    std::fprintf(out,
                 "\n%" PRIu64 " requests were sent more than 10 ms after their scheduled time\n",
                 r.total.counters.late);
  if (o.scenario == Scenario::counter)
    std::fprintf(out,
                 "\ncounter: %" PRId64 " acknowledged increments, %" PRId64
                 " on the server, %" PRId64 " lost, %" PRId64 " phantom, %" PRIu64
                 " clients checked\n",
                 r.counter.acknowledged, r.counter.final_total, r.counter.lost_updates,
                 r.counter.phantom_updates, r.counter.clients_checked);
  if (o.scenario == Scenario::logout)
    std::fprintf(out,
                 "\nlogout: %" PRIu64
                 " reads by the old cookie after an acknowledged logout, %" PRIu64 " resurrected\n",
                 r.total.counters.reads(), r.total.counters.resurrected);
  anomaly_notes(out, r);
}

// Latency by kind, all, and service time.
void latency_table(std::FILE* out, const RunReport& r) {
  std::fprintf(out, "\nlatency (ms)   %8s %8s %8s %8s %8s %8s %8s %8s %10s\n", "min", "p50", "p90",
               "p99", "p99.9", "p99.99", "max", "mean", "count");
  for (std::size_t k = 0; k < r.total.by_kind.size(); ++k)
    if (r.total.by_kind[k].count())
      percentiles_line(out, to_string(static_cast<Kind>(k)), r.total.by_kind[k]);
  percentiles_line(out, "all", r.total.latency);
  percentiles_line(out, "service", r.total.service);
  std::fprintf(
      out,
      "  (latency: from when a request was ready, or scheduled with --rate, to its answer;\n"
      "   service: from the request written to its answer. --max-latency checks latency, "
      "--max-service service time.)\n");
}
}  // namespace

void write_summary(std::FILE* out, const RunReport& r, const std::vector<Check>& checks) {
  title_line(out, r);
  instance_table(out, r);
  notes(out, r);
  latency_table(out, r);
  std::fprintf(out, "\nchecks:\n");
  for (const auto& c : checks)
    std::fprintf(out, "  %s  %-16s %s\n", check_label(c.status), c.name.c_str(), c.detail.c_str());
  std::string v = verdict(r, checks);
  for (auto& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::fprintf(out, "verdict: %s\n", v.c_str());
  std::fflush(out);
}

}  // namespace sessdemo::loadgen
