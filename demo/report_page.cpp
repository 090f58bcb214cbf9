#include "demo/report_page.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/base64.hpp"
#include "common/html_escape.hpp"

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
       "class=\"l\">store</th><th class=\"l\">"
       "balance</th><th>requests</th><th>hit %</th><th>miss "
       "%</th><th>stale</th><th>foreign</th><th>errors</th>"
       "<th>lost</th><th>p50 ms</th><th>p99 ms</th><th class=\"l\">expected</th><th "
       "class=\"l\">verdict</th></tr>"
       "</thead><tbody>";
  for (std::size_t i = 0; i < in.scenarios.size(); ++i) {
    const auto& s = in.scenarios[i];
    const auto& f = in.figures[i];
    const auto& j = in.verdicts[i];
    double reads = f.reads();
    bool visit = s.load == "visit" && reads > 0;
    std::string cls = j.skipped ? "skipped" : j.met ? "pass" : "fail";
    std::string verdict = j.skipped ? "SKIPPED: " + j.why : j.met ? "PASS" : "FAIL: " + j.why;
    if (!f.ran) {
      // Not run (skipped, or it could not start): no figures to show.
      h += "<tr class=\"scenario\" id=\"row-" + html_escape(s.name) +
           "\"><td class=\"l\"><a href=\"#" + html_escape(s.name) + "\">" + html_escape(s.name) +
           "</a></td><td class=\"l\">" + html_escape(s.store) + "</td><td class=\"l\">" +
           html_escape(s.balance) + "</td><td colspan=\"9\">not run</td><td class=\"exp\">" +
           html_escape(s.expected) + "</td><td class=\"why " + cls + "\">" + html_escape(verdict) +
           "</td></tr>";
      continue;
    }
    h += "<tr class=\"scenario\" id=\"row-" + html_escape(s.name) +
         "\"><td class=\"l\"><a href=\"#" + html_escape(s.name) + "\">" + html_escape(s.name) +
         "</a></td><td class=\"l\">" + html_escape(s.store) + "</td><td class=\"l\">" +
         html_escape(s.balance) + "</td><td>" + std::to_string(f.requests) + "</td><td>" +
         (visit ? number(100.0 * f.hits / reads) : "-") + "</td><td>" +
         (visit ? number(100.0 * f.misses / reads) : "-") + "</td><td>" + std::to_string(f.stale) +
         "</td><td>" + std::to_string(f.foreign) + "</td><td>" + std::to_string(f.errors) +
         "</td><td>" + (f.lost_updates >= 0 ? std::to_string(f.lost_updates) : "-") + "</td><td>" +
         number(f.p50_ms) + "</td><td>" + number(f.p99_ms) + "</td><td class=\"exp\">" +
         html_escape(s.expected) + "</td><td class=\"why " + cls + "\">" + html_escape(verdict) +
         "</td></tr>";
  }
  h += "</tbody></table></div>";

  for (std::size_t i = 0; i < in.scenarios.size(); ++i) {
    const auto& s = in.scenarios[i];
    h += "<section id=\"" + html_escape(s.name) + "\"><h2>" + html_escape(s.name) + "</h2><p>" +
         html_escape(s.demonstrates) + "</p>";
    if (i < in.figures.size() && !in.figures[i].contention.empty())
      h += "<p class=\"note\">From the instances' /metrics: " + html_escape(in.figures[i].contention) + "</p>";
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
