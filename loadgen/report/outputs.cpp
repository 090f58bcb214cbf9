#include "loadgen/report/outputs.hpp"

#include <cinttypes>

#include <boost/json.hpp>

#include "loadgen/config/settings_schema.hpp"
#include "loadgen/report/counter_fields.hpp"
#include "loadgen/stats/figures.hpp"

namespace sessdemo::loadgen {

namespace {
std::string pname(double p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "p%g", p);
  return buf;
}

boost::json::object percentiles(const Histogram& h) {
  boost::json::object o;
  o["min"] = ms(h.min());
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) o[pname(p)] = ms(h.percentile(p));
  o["max"] = ms(h.max());
  o["mean"] = h.mean() / 1000.0;
  return o;
}

boost::json::object histogram_json(const SparseHistogram& h) {
  boost::json::array buckets;
  buckets.reserve(h.buckets());
  h.for_each([&](std::uint32_t i, std::uint64_t n) {
    buckets.push_back(boost::json::array{i, n});
  });
  return boost::json::object{{"count", h.count},
                             {"min_us", h.min},
                             {"max_us", h.max},
                             {"sum_us", h.sum},
                             {"buckets", std::move(buckets)}};
}

boost::json::object histograms(const InstanceStats& s) {
  boost::json::object kinds;
  for (std::size_t k = 0; k < s.by_kind.size(); ++k)
    if (s.by_kind[k].count())
      kinds[to_string(static_cast<Kind>(k))] = histogram_json(SparseHistogram::of(s.by_kind[k]));
  return boost::json::object{{"latency", histogram_json(SparseHistogram::of(s.latency))},
                             {"service", histogram_json(SparseHistogram::of(s.service))},
                             {"latency_by_kind", std::move(kinds)}};
}

// Every kind, zeros included, so a reader finds the same keys in every file.
boost::json::object error_kinds_json(const Counters& c) {
  boost::json::object o;
  for (std::size_t k = 0; k < error_kind_count; ++k)
    o[to_string(static_cast<ErrorKind>(k))] = c.error_kinds[k];
  return o;
}

// Connection opening, apart from requests: count, total, mean and longest, in ms.
boost::json::object timings_json(const Timings& t) {
  return boost::json::object{{"count", t.count},
                             {"total_ms", static_cast<double>(t.total_us) / 1000.0},
                             {"mean_ms", t.mean_ms()},
                             {"max_ms", static_cast<double>(t.max_us) / 1000.0}};
}

// The counters of counter_fields, then the errors by kind.
boost::json::object counters_json(const Counters& c) {
  boost::json::object o;
  for (const auto& f : counter_fields) o[f.name] = c.*f.member;
  o["errors_by_kind"] = error_kinds_json(c);
  return o;
}

boost::json::object figures(const RunReport& r, const InstanceStats& s, bool with_addresses) {
  const auto& c = s.counters;
  boost::json::object kinds;
  for (std::size_t k = 0; k < s.by_kind.size(); ++k) {
    const auto& h = s.by_kind[k];
    if (h.count() == 0) continue;
    kinds[to_string(static_cast<Kind>(k))] = boost::json::object{{"count", h.count()},
                                                                 {"p50", ms(h.percentile(50))},
                                                                 {"p99", ms(h.percentile(99))},
                                                                 {"max", ms(h.max())}};
  }
  boost::json::object out = counters_json(c);
  out["connect"] = timings_json(c.connects);
  out["tls"] = timings_json(c.handshakes);
  out["rps"] = r.measured_s > 0 ? static_cast<double>(c.requests) / r.measured_s : 0.0;
  out["latency_ms"] = percentiles(s.latency);
  out["service_ms"] = percentiles(s.service);
  out["latency_ms_by_kind"] = std::move(kinds);
  out["histograms"] = histograms(s);
  if (with_addresses) {
    boost::json::array a;
    for (auto i : s.addresses) a.emplace_back(i < r.addresses.size() ? r.addresses[i] : "?");
    out["addresses"] = a;
  }
  return out;
}
}  // namespace

OutputFile::OutputFile(const std::string& path) {
  if (path == "-") {
    f_ = stdout;
    stdout_ = true;
  } else {
    f_ = std::fopen(path.c_str(), "w");
  }
}

OutputFile::~OutputFile() {
  if (f_ && !stdout_) std::fclose(f_);
  if (stdout_) std::fflush(stdout);
}

namespace {
boost::json::object interval_json(const IntervalRecord& iv) {
  boost::json::object per;
  for (const auto& [name, f] : iv.instances) {
    auto c = counters_json(f.counters);
    c["latency"] = histogram_json(f.latency);
    c["service"] = histogram_json(f.service);
    per[name] = std::move(c);
  }
  return boost::json::object{{"elapsed_s", iv.elapsed_s},  {"interval_s", iv.interval_s},
                             {"clients", iv.load.clients}, {"target_rps", iv.load.target_rps},
                             {"dropped", iv.load.dropped}, {"instances", std::move(per)}};
}

// Everything but the instances and the intervals.
boost::json::object head_json(const RunReport& r, const std::vector<Check>& checks) {
  const auto& o = *r.opts;
  boost::json::array instances;
  for (const auto& i : o.instances) instances.emplace_back(i.to_string());
  boost::json::object settings = settings_json(o);
  settings["threads"] = r.threads;  // the process's, not the run's: merge adds them up
  settings["connections_per_instance"] = r.connections_per_instance;
  boost::json::array cks;
  for (const auto& c : checks) {
    boost::json::object ck{{"name", c.name},     {"status", to_string(c.status)},
                           {"pass", c.passed()}, {"passed", c.passed()},
                           {"value", c.value},   {"unit", c.unit},
                           {"detail", c.detail}};
    if (c.limit)
      ck["limit"] = *c.limit;
    else
      ck["limit"] = nullptr;
    cks.push_back(std::move(ck));
  }
  boost::json::object doc{
      {"format", 2},
      {"tool", "sessdemo load"},
      {"version", SESSDEMO_VERSION},
      {"run_tag", r.run_tag},
      {"shards_merged", r.shards_merged},
      {"addresses",
       [&] {
         boost::json::array a;
         for (const auto& x : r.addresses) a.emplace_back(x);
         return a;
       }()},
      {"started_at", r.started_at},
      {"measured_start_unix_s", r.measured_start_unix_s},
      // The measured start on the machine's monotonic clock (CLOCK_MONOTONIC,
      // shared by its processes): what the demo puts its fault times on.
      {"measured_start_monotonic_ns", r.measured_start_monotonic_ns},
      {"settings", settings},
      {"measured_s", r.measured_s},
      {"interrupted", r.interrupted},
      {"aborted", r.aborted.empty() ? boost::json::value(nullptr) : boost::json::value(r.aborted)},
      {"total",
       [&] {
         auto t = figures(r, r.total, false);
         t["dropped"] = r.dropped;
         t["scheduled"] = r.scheduled;
         t["ticks_sent"] = r.ticks_sent;
         return t;
       }()},
      {"checks", cks},
      {"verdict", verdict(r, checks)}};
  auto symptom = refusal_symptom(r);  // what the figures mean together, in the summary's words
  doc["diagnoses"] =
      symptom ? boost::json::array{boost::json::value(symptom->sentence)} : boost::json::array{};
  if (o.scenario == Scenario::counter)
    doc["counter"] = boost::json::object{{"clients_checked", r.counter.clients_checked},
                                         {"unverified", r.counter.unverified},
                                         {"acknowledged", r.counter.acknowledged},
                                         {"final_total", r.counter.final_total},
                                         {"lost_updates", r.counter.lost_updates},
                                         {"phantom_updates", r.counter.phantom_updates},
                                         {"crossed", r.counter.crossed}};
  // The one checker's findings: late writes of unknown outcome (legal) and the first anomalies.
  boost::json::array anomalies, late;
  for (const auto& a : r.anomalies)
    anomalies.push_back(boost::json::object{{"kind", a.kind}, {"proof", a.text}});
  for (const auto& l : r.late) late.emplace_back(l);
  doc["history"] = boost::json::object{{"late_writes", r.late_writes},
                                       {"late", std::move(late)},
                                       {"anomalies_total", r.anomalies_total},
                                       {"anomalies", std::move(anomalies)}};
  return doc;
}

// The document, written piece by piece: the instances and the intervals last, each serialized
// on its own, so a long run with many instances never holds its whole document in memory.
template <typename Put>
void emit_json(const RunReport& r, const std::vector<Check>& checks, Put&& put) {
  std::string head = boost::json::serialize(head_json(r, checks));
  head.pop_back();  // its closing brace: the instances and the intervals follow
  put(head);
  put(",\"instances\":{");
  bool first = true;
  for (const auto& [name, s] : r.table.instances) {
    if (!first) put(",");
    first = false;
    put(boost::json::serialize(boost::json::value(name)));
    put(":");
    put(boost::json::serialize(figures(r, s, true)));
  }
  put("},\"intervals\":[");
  for (std::size_t k = 0; k < r.intervals.size(); ++k) {
    if (k) put(",");
    put(boost::json::serialize(interval_json(r.intervals[k])));
  }
  put("]}\n");
}
}  // namespace

std::string to_json(const RunReport& r, const std::vector<Check>& checks) {
  std::string out;
  emit_json(r, checks, [&](std::string_view s) { out.append(s); });
  return out;
}

bool write_json(std::FILE* out, const RunReport& r, const std::vector<Check>& checks) {
  bool ok = true;
  emit_json(r, checks, [&](std::string_view s) {
    ok = ok && std::fwrite(s.data(), 1, s.size(), out) == s.size();
  });
  return ok;
}

}  // namespace sessdemo::loadgen
