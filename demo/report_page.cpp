#include "demo/report_page.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/base64.hpp"
#include "common/html_escape.hpp"
#include "demo/result_row.hpp"

namespace sessdemo::demo {

namespace fs = std::filesystem;

namespace {
std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string number(double v, const char* fmt = "%.2f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// The run as a timeline: requests and errors per interval, the fault shaded (a line for a fault
// without an end). Inline SVG: the page stays one file that fetches nothing.
std::string timeline_svg(const DemoFigures& f) {
  if (f.intervals.empty()) return "";
  constexpr double w = 640, h = 120, pad = 4;
  double end = f.intervals.back().to_s;
  if (end <= 0) return "";
  std::uint64_t top = 1;
  for (const auto& iv : f.intervals) top = std::max(top, iv.requests);
  auto x = [&](double t) { return pad + (w - 2 * pad) * std::clamp(t / end, 0.0, 1.0); };
  auto y = [&](std::uint64_t n) {
    return h - pad - (h - 2 * pad) * static_cast<double>(n) / static_cast<double>(top);
  };
  std::string svg = "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 " + number(w, "%.0f") +
                    " " + number(h, "%.0f") + "\" width=\"" + number(w, "%.0f") + "\" height=\"" +
                    number(h, "%.0f") +
                    "\"><title>requests (grey) and errors (red) per interval over " +
                    number(end, "%.1f") + " s; the fault shaded</title>";
  if (!f.events.empty()) {
    double a = x(f.fault_start_s()), b = x(f.fault_end_s());
    svg += "<rect class=\"fault\" x=\"" + number(a) + "\" y=\"0\" width=\"" +
           number(std::max(2.0, b - a)) + "\" height=\"" + number(h, "%.0f") +
           "\" fill=\"#ffe08a\"/>";
  }
  for (const auto& iv : f.intervals) {
    double x0 = x(iv.from_s), x1 = x(iv.to_s), bw = std::max(1.0, x1 - x0 - 1);
    svg += "<rect x=\"" + number(x0) + "\" y=\"" + number(y(iv.requests)) + "\" width=\"" +
           number(bw) + "\" height=\"" + number(h - pad - y(iv.requests)) + "\" fill=\"#9aa5b1\"/>";
    if (iv.errors)
      svg += "<rect class=\"errors\" x=\"" + number(x0) + "\" y=\"" + number(y(iv.errors)) +
             "\" width=\"" + number(bw) + "\" height=\"" +
             number(std::max(1.0, h - pad - y(iv.errors))) + "\" fill=\"#c62828\"/>";
  }
  svg += "</svg>";
  // What the bars are, said on the page (the SVG's title is only a tooltip).
  svg += "<p class=\"caption\">Requests (grey) and errors (red) in each interval of the " +
         number(end, "%.1f") + " s run" +
         std::string(f.events.empty() ? "" : "; the fault shaded yellow") + ".</p>";
  return svg;
}

// What the errors were, by kind, and the events of the fault on the tester's clock.
std::string details_of(const DemoScenario& s, const DemoFigures& f) {
  std::string h;
  if (!f.events.empty()) {
    h += "<p class=\"events\">Fault: ";
    for (std::size_t i = 0; i < f.events.size(); ++i)
      h += (i ? ", " : "") + html_escape(f.events[i].name + " " + f.events[i].target) + " at " +
           number(f.events[i].elapsed_s) + " s";
    h += "</p>";
  }
  if (f.errors) {
    h += "<table class=\"kinds\"><thead><tr><th class=\"l\">errors by "
         "kind</th><th>count</th></tr></thead><tbody>";
    for (const auto& [kind, n] : f.errors_by_kind)
      if (n)
        h += "<tr><td class=\"l\">" + html_escape(kind) + "</td><td>" + std::to_string(n) +
             "</td></tr>";
    h += "</tbody></table>";
  }
  if (s.load != Load::visit && f.lost_updates >= 0)
    h += "<p class=\"lost\">" +
         std::string(s.load == Load::counter ? "Lost updates: " : "Logouts undone: ") +
         std::to_string(f.lost_updates) + "</p>";
  if (!f.host_note.empty()) h += "<p class=\"note\">" + html_escape(f.host_note) + "</p>";
  return h;
}

constexpr const char* style = R"(<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1400px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem} .sub{color:#666;margin-top:0}
.wide{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.82rem;margin:1rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:right;white-space:nowrap}
th{background:#f4f4f4} td.l,th.l{text-align:left} td.why{white-space:normal;text-align:left;min-width:12rem} td.exp{white-space:normal;text-align:left}
.pass{background:#d8f3dc;color:#1b5e20;font-weight:600}.fail{background:#ffd6d6;color:#8b0000;font-weight:600}
.skipped{background:#eee;color:#555;font-weight:600}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem;font-size:.9rem}dt{color:#666}
section{margin:2rem 0;border-top:2px solid #eee;padding-top:1rem} section h2{font-size:1.2rem;margin:.2rem 0}
img{max-width:100%;border:1px solid #ddd} .files a{margin-right:1rem}
svg.timeline{display:block;border:1px solid #ddd;margin:.5rem 0 .1rem} table.kinds{width:auto}
p.caption{color:#555;font-size:.85rem;margin:0 0 .8rem}
</style>)";
}  // namespace

std::string report_page(const ReportInputs& in) {
  const auto& o = *in.opts;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>sessdemo demo "
       "report</title>";
  h += style;
  h += "</head><body><h1>sessdemo demo report</h1><p class=\"sub\">Shared sessions behind a "
       "balancer that is not "
       "sticky: each scenario runs the tester against fresh instances and judges what it saw.</p>";
  h += "<dl id=\"settings\">";
  auto item = [&](const char* k, const std::string& v) {
    h += "<dt>" + std::string(k) + "</dt><dd>" + html_escape(v) + "</dd>";
  };
  item("started", in.started_at);
  item("sessdemo", SESSDEMO_VERSION);
  item("memcached", in.memcached_version.empty() ? "unknown" : in.memcached_version);
  item("instances per scenario", std::to_string(o.instances));
  item("network", o.network == "netns"
                      ? "netns: each host in a network namespace of its own, 198.18.0.0/15"
                      : "loopback: every process on 127.0.0.1");
  item("memcached nodes", o.network == "netns" ? std::string("3 per scenario, started by the demo")
                          : o.memcached.empty()
                              ? std::to_string(o.memcached_nodes) + " started by the demo"
                              : std::to_string(o.memcached.size()) + " given with --memcached");
  item("clients per scenario", std::to_string(o.clients));
  item("duration per scenario",
       number(std::chrono::duration<double>(o.duration).count(), "%g") + " s");
  h += "</dl>";

  h += "<div class=\"wide\"><table id=\"results\"><thead><tr><th class=\"l\">scenario</th><th "
       "class=\"l\">store</th><th class=\"l\">balance</th>";
  for (const auto& name : result_figure_names()) h += "<th>" + html_escape(name) + "</th>";
  h += "<th class=\"l\">expected</th><th class=\"l\">verdict</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < in.scenarios.size(); ++i) {
    ResultRow r = result_row(in.scenarios[i], in.figures[i], in.verdicts[i]);
    h += "<tr class=\"scenario\" id=\"row-" + html_escape(r.scenario) +
         "\"><td class=\"l\"><a href=\"#" + html_escape(r.scenario) + "\">" +
         html_escape(r.scenario) + "</a></td><td class=\"l\">" + html_escape(r.store) +
         "</td><td class=\"l\">" + html_escape(r.balance) + "</td>";
    if (!r.ran)  // not run (skipped, or it could not start): no figures to show
      h += "<td colspan=\"" + std::to_string(result_figure_names().size()) + "\">not run</td>";
    for (const auto& cell : r.figures) h += "<td>" + html_escape(cell) + "</td>";
    h += "<td class=\"exp\">" + html_escape(r.expected) + "</td><td class=\"why " +
         r.verdict_class + "\">" + html_escape(r.verdict) + "</td></tr>";
  }
  h += "</tbody></table></div>";

  for (std::size_t i = 0; i < in.scenarios.size(); ++i) {
    const auto& s = in.scenarios[i];
    h += "<section id=\"" + html_escape(s.name) + "\"><h2>" + html_escape(s.name) + "</h2><p>" +
         html_escape(s.demonstrates) + "</p>";
    if (i < in.figures.size() && !in.figures[i].contention.empty())
      h += "<p class=\"note\">From the instances' /metrics: " +
           html_escape(in.figures[i].contention) + "</p>";
    if (i < in.figures.size() && in.figures[i].ran) {
      h += timeline_svg(in.figures[i]);
      h += details_of(s, in.figures[i]);
    }
    auto png = in.out / (s.name + ".png");
    if (fs::exists(png))
      h += "<img alt=\"" + html_escape(s.name) +
           ": requests per second, p99 latency and miss rate over time\" "
           "src=\"data:image/png;base64," +
           base64_encode(read_file(png)) + "\">";
    else if (!in.verdicts[i].skipped)
      h += "<p>No plot (gnuplot is not installed).</p>";
    h += "<p class=\"files\">";
    for (const char* ext : {".csv", ".json"})
      if (fs::exists(in.out / (s.name + ext)))
        h += "<a href=\"" + html_escape(s.name + ext) + "\">" + html_escape(s.name + ext) + "</a>";
    h += "</p></section>";
  }
  h += "</body></html>\n";
  return h;
}

fs::path write_report_page(const ReportInputs& in) {
  auto path = in.out / "index.html";
  std::ofstream f(path);
  f << report_page(in);
  if (!f) return {};
  std::error_code ec;
  auto abs = fs::absolute(path, ec);
  return ec ? path : abs;
}

}  // namespace sessdemo::demo
