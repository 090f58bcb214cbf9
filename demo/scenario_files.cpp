#include "demo/scenario_files.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "common/start_line.hpp"
#include "loadgen/report/merge.hpp"

namespace sessdemo::demo {

namespace fs = std::filesystem;

void read_figures(const fs::path& json_path, DemoFigures& f) {
  std::ifstream jf(json_path);
  std::stringstream ss;
  ss << jf.rdbuf();
  if (ss.str().empty()) return;
  auto read = loadgen::merge_documents({{json_path.string(), ss.str()}});
  auto* run = std::get_if<loadgen::MergedRun>(&read);
  if (!run) return;
  const auto& r = run->report;
  const auto& c = r.total.counters;
  f.requests = c.requests;
  f.errors = c.errors;
  f.hits = c.hits;
  f.misses = c.misses;
  f.stale = c.stale;
  f.foreign = c.foreign;
  for (std::size_t k = 0; k < loadgen::error_kind_count; ++k)
    f.errors_by_kind.emplace_back(loadgen::to_string(static_cast<loadgen::ErrorKind>(k)),
                                  c.error_kinds[k]);
  // Not a figure merge reads: taken from the document itself.
  boost::json::error_code ec;
  auto doc = boost::json::parse(ss.str(), ec);
  if (!ec && doc.is_object())
    if (const auto* m = doc.as_object().if_contains("measured_start_monotonic_ns");
        m && m->is_number())
      f.measured_start_ns = m->to_number<std::int64_t>();
  for (const auto& iv : r.intervals) {
    IntervalFigure x;
    x.to_s = iv.elapsed_s;
    x.from_s = iv.elapsed_s - iv.interval_s;
    for (const auto& [id, fig] : iv.instances) {
      x.requests += fig.counters.requests;
      x.errors += fig.counters.errors;
      x.misses += fig.counters.misses;
      x.stale += fig.counters.stale;
      if (id != start_line::instance_name(0)) x.errors_not_on_first += fig.counters.errors;
    }
    f.intervals.push_back(x);
  }
  f.p50_ms = static_cast<double>(r.total.latency.percentile(50)) / 1000.0;
  f.p99_ms = static_cast<double>(r.total.latency.percentile(99)) / 1000.0;
  if (run->opts.scenario == loadgen::Scenario::counter) f.lost_updates = r.counter.lost_updates;
  // A logout row's "lost": acknowledged logouts that did not stick (reads that resurrected).
  if (run->opts.scenario == loadgen::Scenario::logout)
    f.lost_updates = static_cast<std::int64_t>(c.resurrected);
  // The last full interval tells whether the run ended healthy; a shorter last one (the drain
  // after the end) is passed over.
  double full = 0;
  for (const auto& iv : r.intervals) full = std::max(full, iv.interval_s);
  for (const auto& iv : r.intervals) {
    if (iv.interval_s < 0.9 * full) continue;
    f.last_interval_requests = f.last_interval_errors = 0;
    for (const auto& [id, fig] : iv.instances) {
      f.last_interval_requests += fig.counters.requests;
      f.last_interval_errors += fig.counters.errors;
    }
  }
  f.ran = true;
}

std::string saturation_note() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  if (!(in >> load)) return "";
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (load <= cores) return "";
  char buf[128];
  std::snprintf(buf, sizeof buf, "the host was saturated: load average %.1f on %u cores", load,
                cores);
  return buf;
}

void annotate_json(const fs::path& path, const DemoScenario& s, const DemoFigures& f,
                   const Judgement& j) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  boost::json::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return;
  auto& doc = v.as_object();
  doc["tester_verdict"] = doc["verdict"];
  doc["tester_checks"] = doc["checks"];
  doc["verdict"] = j.skipped ? "skipped" : j.met ? "pass" : "fail";
  doc["expected"] = s.expected;
  if (!j.met) doc["why"] = j.why;
  boost::json::array checks;
  for (const auto& c : j.checks) {
    const auto& k = c.check;
    boost::json::object o{{"name", k.name},
                          {"value", k.value},
                          {"limit", k.limit.value_or(0)},
                          {"at_least", c.at_least},
                          {"status", loadgen::to_string(k.status)},
                          {"pass", k.passed()}};
    if (c.from_s >= 0 || c.to_s >= 0)
      o["window"] = boost::json::object{
          {"from_s", c.from_s < 0 ? 0.0 : c.from_s},
          {"to_s", c.to_s < 0 ? doc["measured_s"] : boost::json::value(c.to_s)}};
    if (!k.passed()) o["why"] = k.detail;
    checks.push_back(std::move(o));
  }
  doc["checks"] = std::move(checks);
  boost::json::array events;
  for (const auto& e : f.events)
    events.push_back(
        boost::json::object{{"name", e.name}, {"target", e.target}, {"elapsed_s", e.elapsed_s}});
  doc["events"] = std::move(events);
  std::ofstream(path) << boost::json::serialize(doc);
}

}  // namespace sessdemo::demo
