#include "demo/result_row.hpp"

#include <cstdio>

namespace sessdemo::demo {

namespace {
std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}
std::string percent(double part, double whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", 100.0 * part / whole);
  return buf;
}
std::string window_of(const RowCheck& c) {
  if (c.from_s < 0 && c.to_s < 0) return "";
  char buf[64];
  if (c.to_s < 0)
    std::snprintf(buf, sizeof buf, " (window %.1f s to the end)", c.from_s);
  else
    std::snprintf(buf, sizeof buf, " (window %.1f-%.1f s)", c.from_s, c.to_s);
  return buf;
}
}  // namespace

const std::vector<std::string>& result_figure_names() {
  static const std::vector<std::string> names{"requests", "hit %", "miss %", "stale", "foreign",
                                              "errors",   "lost",  "p50 ms", "p99 ms"};
  return names;
}

ResultRow result_row(const DemoScenario& s, const DemoFigures& f, const Judgement& j) {
  ResultRow r;
  r.scenario = s.name;
  r.store = to_string(s.store);
  r.balance = to_string(s.balance);
  r.ran = f.ran;
  r.expected = s.expected;
  r.verdict_class = j.skipped ? "skipped" : j.met ? "pass" : "fail";
  if (j.skipped) {
    r.verdict = "SKIPPED: " + j.why;
  } else if (j.met) {
    r.verdict = "PASS";
  } else {
    r.verdict = "FAIL: " + j.why;
    for (const auto& c : j.checks)
      if (!c.check.passed()) {
        r.verdict += window_of(c);
        break;
      }
  }
  if (!f.ran) return r;
  double reads = f.reads();
  bool names = s.load == Load::visit && reads > 0;
  r.figures = {std::to_string(f.requests),
               names ? percent(static_cast<double>(f.hits), reads) : "-",
               names ? percent(static_cast<double>(f.misses), reads) : "-",
               std::to_string(f.stale),
               std::to_string(f.foreign),
               std::to_string(f.errors),
               f.lost_updates >= 0 ? std::to_string(f.lost_updates) : "-",
               fixed(f.p50_ms),
               fixed(f.p99_ms)};
  return r;
}

}  // namespace sessdemo::demo
