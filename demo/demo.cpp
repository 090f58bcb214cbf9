// `sessdemo demo`: every scenario run in turn (demo/scenario_run.cpp), judged against what it
// expects (demo/demo_scenarios.cpp), and reported side by side: a table, CSV, JSON, plots and
// a page.
#include "demo/demo.hpp"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>

#include "common/exit_status.hpp"
#include "common/utc_time.hpp"
#include "demo/demo_run.hpp"
#include "demo/plot_script.hpp"
#include "demo/report_page.hpp"
#include "demo/result_row.hpp"
#include "demo/scenario_files.hpp"

namespace sessdemo::demo {

namespace fs = std::filesystem;
using namespace std::chrono;

std::atomic<bool> stop_requested{false};

namespace {
extern "C" void on_demo_signal(int) {
  stop_requested = true;
}

std::string default_out_dir() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "sessdemo-out/%Y%m%d-%H%M%S", &tm);
  return buf;
}

void plot(const Run& run, const DemoScenario& s, double fault_at, double fault_end) {
  // The fault lines where the tester's figures put them: on its measured clock.
  std::string expr = "csv='" + (run.out / (s.name + ".csv")).string() + "'; out='" +
                     (run.out / (s.name + ".png")).string() + "'; title='" + s.name + " (" +
                     s.expected + ")'";
  if (s.fault != Fault::none && fault_at > 0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "; fault=%.2f; fault_end=%.2f", fault_at, fault_end);
    expr += buf;
  }
  ChildProcess gp({"gnuplot", "-e", expr, (run.out / "plot.gp").string()},
                  (run.out / (s.name + "-plot.log")).string());
  if (gp.wait(seconds(30)) < 0) gp.terminate(seconds(1));
}

void print_table(std::FILE* out, const std::vector<DemoScenario>& ss,
                 const std::vector<DemoFigures>& fs, const std::vector<Judgement>& js) {
  const auto& names = result_figure_names();
  std::fprintf(out, "\n%-24s %-9s %-11s %9s %7s %7s %6s %7s %7s %7s %8s %8s  %-29s %s\n",
               "scenario", "store", "balance", names[0].c_str(), names[1].c_str(), names[2].c_str(),
               names[3].c_str(), names[4].c_str(), names[5].c_str(), names[6].c_str(),
               names[7].c_str(), names[8].c_str(), "expected", "verdict");
  for (std::size_t i = 0; i < fs.size(); ++i) {
    ResultRow r = result_row(ss[i], fs[i], js[i]);
    if (!r.ran) r.figures = {"-", "-", "-", "-", "-", "-", "-", "-", "-"};
    const auto& c = r.figures;
    std::fprintf(out, "%-24s %-9s %-11s %9s %7s %7s %6s %7s %7s %7s %8s %8s  %-29s %s\n",
                 r.scenario.c_str(), r.store.c_str(), r.balance.c_str(), c[0].c_str(), c[1].c_str(),
                 c[2].c_str(), c[3].c_str(), c[4].c_str(), c[5].c_str(), c[6].c_str(), c[7].c_str(),
                 c[8].c_str(), r.expected.c_str(), r.verdict.c_str());
  }
  for (std::size_t i = 0; i < fs.size(); ++i)
    if (!fs[i].contention.empty())
      std::fprintf(out, "  %s: %s\n", ss[i].name.c_str(), fs[i].contention.c_str());
  for (std::size_t i = 0; i < fs.size(); ++i)
    if (!fs[i].host_note.empty())
      std::fprintf(out, "  %s: %s\n", ss[i].name.c_str(), fs[i].host_note.c_str());
  std::fflush(out);
}
}  // namespace

namespace {
// The scenarios asked for, in the demo's order; why not, when one needs the other network.
std::optional<std::string> choose(const DemoOptions& o, std::vector<DemoScenario>& chosen) {
  bool netns = o.network == "netns";
  auto all = netns ? network_demo_scenarios() : all_demo_scenarios(o.instances);
  for (const auto& s : all)
    if (o.scenarios.empty() ||
        std::find(o.scenarios.begin(), o.scenarios.end(), s.name) != o.scenarios.end())
      chosen.push_back(s);
  for (const auto& name : o.scenarios)
    if (std::none_of(all.begin(), all.end(), [&](const auto& s) { return s.name == name; }))
      return "scenario " + name + " needs --network " + (netns ? "loopback" : "netns");
  if (netns) {
    if (auto missing = NetnsTopology::missing_requirements(); !missing.empty()) return missing;
    if (!o.memcached.empty())
      return "--memcached cannot be used with --network netns (the demo starts its nodes in their "
             "namespaces)";
  }
  if (o.memcached.empty() && !on_path("memcached"))
    return "memcached is not installed; install it with 'sudo apt-get install memcached' or pass "
           "--memcached HOST:PORT";
  return std::nullopt;
}

// The shared part of the cluster: the network namespaces, or the memcached nodes the scenarios
// share (started here, or given with --memcached: then the scenarios that stall the demo's own
// memcached are skipped). Exit status 1 or 2 when it cannot be built.
int build_cluster(Run& run, std::vector<DemoScenario>& chosen) {
  const auto& o = run.opts;
  if (o.network == "netns") {
    if (int n = NetnsTopology::remove_leftovers())
      std::fprintf(
          stderr,
          "sessdemo demo: removed %d network namespaces left by an earlier run that was killed\n",
          n);
    try {
      run.net = std::make_unique<NetnsTopology>(3, o.instances);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sessdemo demo: cannot build the network namespaces: %s\n", e.what());
      return exit_code::usage;
    }
    run.netem = run.net->netem_available();
    std::fprintf(stderr,
                 "sessdemo demo: hosts in network namespaces %s-*: tester %s, instances %s-%s, "
                 "memcached %s-%s\n",
                 run.net->tester().ns.substr(0, run.net->tester().ns.rfind('-')).c_str(),
                 run.net->tester().address.c_str(), run.net->instances().front().address.c_str(),
                 run.net->instances().back().address.c_str(),
                 run.net->nodes().front().address.c_str(), run.net->nodes().back().address.c_str());
    return 0;
  }
  if (o.memcached.empty())
    return start_nodes(o.memcached_nodes, run.out / "memcached-", run.memcached,
                       run.memcached_addrs)
               ? 0
               : 1;
  for (const auto& e : o.memcached) run.memcached_addrs.push_back(e.to_string());
  for (const auto& s : chosen)
    if (s.fault == Fault::stall_memcached)
      std::fprintf(
          stderr,
          "sessdemo demo: %s needs memcached started by the demo; skipped with --memcached\n",
          s.name.c_str());
  std::erase_if(chosen, [](const auto& s) { return s.fault == Fault::stall_memcached; });
  return 0;
}

// Why a scenario is not run on this machine or with this duration; empty when it is.
std::string reason_to_skip(const Run& run, const DemoScenario& s) {
  if (s.fault == Fault::delay_node && !run.netem)
    return "this kernel has no netem qdisc (sch_netem) to delay packets";
  // Too short to see the fault end and the store recover: not run, rather than failed by the
  // demo's own timing.
  if (!judgeable(s, duration<double>(run.opts.duration).count()))
    return "needs --duration " + std::to_string(min_duration_s(s)) + "s or more to be judged";
  return {};
}

// Every scenario in turn: run, judged, its JSON annotated and its plot drawn.
void run_all(Run& run, const std::vector<DemoScenario>& chosen, bool can_plot,
             std::vector<DemoFigures>& figures, std::vector<Judgement>& verdicts) {
  for (std::size_t i = 0; i < chosen.size() && !stop_requested; ++i) {
    const auto& s = chosen[i];
    if (auto why = reason_to_skip(run, s); !why.empty()) {
      std::fprintf(stderr, "[%zu/%zu] %s: skipped, %s\n", i + 1, chosen.size(), s.name.c_str(),
                   why.c_str());
      figures.push_back({});
      verdicts.push_back(Judgement{false, why, true});
      continue;
    }
    std::fprintf(stderr, "[%zu/%zu] %s ...\n", i + 1, chosen.size(), s.name.c_str());
    auto f = run_scenario(run, s);
    if (stop_requested) break;
    figures.push_back(f);
    verdicts.push_back(judge(s, f, run.opts.instances));
    annotate_json(run.out / (s.name + ".json"), s, f, verdicts.back());
    if (can_plot && f.ran) plot(run, s, f.fault_start_s(), f.fault_end_s());
  }
}

// The table, the folder's empty logs removed, the report page; the demo's exit status.
int report(const Run& run, const std::vector<DemoScenario>& chosen,
           const std::vector<DemoFigures>& figures, const std::vector<Judgement>& verdicts,
           bool can_plot, const std::string& started_at) {
  const auto& o = run.opts;
  print_table(stdout, chosen, figures, verdicts);
  std::error_code fs_error;
  for (const auto& entry : fs::directory_iterator(run.out, fs_error))
    if (entry.path().extension() == ".log" && entry.is_regular_file(fs_error) &&
        entry.file_size(fs_error) == 0)
      fs::remove(entry.path(), fs_error);
  if (stop_requested) {
    std::fprintf(stderr, "sessdemo demo: interrupted; every process it started is stopped\n");
    return exit_code::interrupted;
  }
  if (!can_plot)
    std::fprintf(stderr, "gnuplot is not installed: no plots (sudo apt-get install gnuplot-nox)\n");
  ReportInputs page{&o,         run.out, o.memcached.empty() ? memcached_version() : std::string(),
                    started_at, chosen,  figures,
                    verdicts};
  auto index = write_report_page(page);
  std::printf("\nfiles: %s (index.html; per scenario: CSV, JSON%s)\n", run.out.c_str(),
              can_plot ? ", PNG" : "");
  if (index.empty())
    std::fprintf(stderr, "sessdemo demo: cannot write %s\n", (run.out / "index.html").c_str());
  else if (o.open)
    std::printf("report: file://%s\n", index.c_str());
  for (const auto& v : verdicts)
    if (!v.met && !v.skipped) return 1;
  return 0;
}
}  // namespace

int run_demo(const DemoOptions& o) {
  std::vector<DemoScenario> chosen;
  if (auto why = choose(o, chosen)) {
    std::fprintf(stderr, "sessdemo demo: %s\n", why->c_str());
    return exit_code::usage;
  }
  Run run{o, o.out.empty() ? fs::path(default_out_dir()) : fs::path(o.out), {}, {}, nullptr, false};
  std::error_code ec;
  fs::create_directories(run.out, ec);
  if (ec) {
    std::fprintf(stderr, "sessdemo demo: cannot create %s: %s\n", run.out.c_str(),
                 ec.message().c_str());
    return exit_code::usage;
  }
  struct sigaction sa {
  }, old_int{}, old_term{};
  sa.sa_handler = on_demo_signal;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  stop_requested = false;
  if (int status = build_cluster(run, chosen)) return status;
  bool can_plot = on_path("gnuplot");
  if (can_plot) std::ofstream(run.out / "plot.gp") << plot_script;
  std::fprintf(
      stderr, "sessdemo demo: %zu scenarios, %u instances, %u clients, %.0f s each; output in %s\n",
      chosen.size(), o.instances, o.clients, duration<double>(o.duration).count(), run.out.c_str());
  std::string started_at = utc_now_iso8601();
  std::vector<DemoFigures> figures;
  std::vector<Judgement> verdicts;
  run_all(run, chosen, can_plot, figures, verdicts);
  for (auto& m : run.memcached) {
    m.signal(SIGCONT);
    m.terminate(seconds(3));
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return report(run, chosen, figures, verdicts, can_plot, started_at);
}

}  // namespace sessdemo::demo
