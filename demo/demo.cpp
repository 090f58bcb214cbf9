#include "demo/demo.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "common/child_process.hpp"
#include "common/utc_time.hpp"
#include "demo/demo_scenarios.hpp"
#include "demo/instance_metrics.hpp"
#include "demo/nemesis.hpp"
#include "demo/netns.hpp"
#include "demo/plot_script.hpp"
#include "demo/report_page.hpp"
#include "demo/result_row.hpp"
#include "demo/scenario_files.hpp"

namespace sessdemo::demo {

namespace fs = std::filesystem;
using namespace std::chrono;

namespace {
std::atomic<bool> stop_requested{false};
extern "C" void on_demo_signal(int) {
  stop_requested = true;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

// "memcached 1.6.18", from the memcached the demo starts; "" when it cannot tell.
std::string memcached_version() {
  if (!on_path("memcached")) return {};
  ChildProcess v({"memcached", "-V"}, "/dev/null");
  auto line = v.read_line(seconds(5));
  v.wait(seconds(5));
  return line ? *line : std::string();
}

std::string default_out_dir() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "sessdemo-out/%Y%m%d-%H%M%S", &tm);
  return buf;
}

struct Run {
  const DemoOptions& opts;
  const fs::path out;
  std::vector<ChildProcess> memcached;
  std::vector<std::string> memcached_addrs;
  std::unique_ptr<NetnsTopology> net;  // --network netns
  bool netem = false;                  // the kernel can delay packets (latency scenario)
};

// Starts `count` memcached processes on free loopback ports; false when one does not come up.
bool start_nodes(unsigned count, const fs::path& log_prefix, std::vector<ChildProcess>& procs,
                 std::vector<std::string>& addrs, const std::vector<std::string>& flags = {}) {
  for (unsigned i = 0; i < count; ++i) {
    auto port = free_loopback_port();
    std::vector<std::string> argv{"memcached", "-l", "127.0.0.1", "-p", std::to_string(port),
                                  "-U",        "0",  "-t",        "2",  "-c",
                                  "8192",      "-m", "128"};
    argv.insert(argv.end(), flags.begin(), flags.end());  // a later -m wins
    if (geteuid() == 0) argv.insert(argv.end(), {"-u", "nobody"});
    procs.emplace_back(argv, log_prefix.string() + std::to_string(i) + ".log");
    if (!wait_for_loopback_port(port, seconds(10))) {
      std::fprintf(stderr, "sessdemo demo: memcached did not start on port %u\n", port);
      return false;
    }
    addrs.push_back("127.0.0.1:" + std::to_string(port));
  }
  return true;
}

// One memcached in each node namespace, on its bridge address; false when one does not stay up.
bool start_netns_nodes(const NetnsTopology& net, const fs::path& log_prefix,
                       std::vector<ChildProcess>& procs, std::vector<std::string>& addrs) {
  for (std::size_t i = 0; i < net.nodes().size(); ++i) {
    const auto& host = net.nodes()[i];
    procs.emplace_back(NetnsTopology::inside(host, {"memcached", "-l", host.address, "-p", "11211", "-U", "0",
                                                    "-t", "2", "-c", "8192", "-m", "128", "-u", "nobody"}),
                       log_prefix.string() + std::to_string(i) + ".log");
    addrs.push_back(host.address + ":11211");
  }
  std::this_thread::sleep_for(milliseconds(300));
  for (auto& p : procs)
    if (!p.running()) {
      std::fprintf(stderr, "sessdemo demo: memcached did not start in its namespace\n");
      return false;
    }
  return true;
}

DemoFigures run_scenario(Run& run, const DemoScenario& s) {
  const auto& o = run.opts;
  DemoFigures f;
  // Replicated scenarios get a cluster of their own, so killing a node spoils nothing else; in
  // network namespaces every scenario does, so no data is left from the one before.
  std::vector<ChildProcess> own_nodes;
  std::vector<std::string> node_addrs = run.memcached_addrs;
  if (run.net) {
    node_addrs.clear();
    if (!start_netns_nodes(*run.net, run.out / (s.name + "-memcached-"), own_nodes, node_addrs)) return f;
  } else if (s.copies > 1) {
    node_addrs.clear();
    if (!start_nodes(3, run.out / (s.name + "-memcached-"), own_nodes, node_addrs)) return f;
  } else if (!s.memcached_flags.empty()) {
    // The eviction scenarios: a small node of their own, and for fill_other a second node for
    // the other user of the cache.
    node_addrs.clear();
    unsigned count = s.fault == Fault::fill_other ? 2 : 1;
    if (!start_nodes(count, run.out / (s.name + "-memcached-"), own_nodes, node_addrs, s.memcached_flags)) return f;
  }
  std::string fill_target = node_addrs.empty() ? "" : node_addrs.back();
  if (s.fault == Fault::fill_other && node_addrs.size() > 1) node_addrs.pop_back();
  std::vector<ChildProcess> instances;
  std::vector<std::string> addrs;
  for (unsigned i = 0; i < o.instances; ++i) {
    std::string id = "inst-" + std::string(1, static_cast<char>('A' + i % 26));
    std::vector<std::string> argv{o.self,
                                  "serve",
                                  "--port",
                                  "0",
                                  "--id",
                                  id,
                                  "--store",
                                  to_string(s.store),
                                  "--concurrency",
                                  to_string(s.concurrency),
                                  "--threads",
                                  "1",
                                  "--store-threads",
                                  "8",
                                  "--log-level",
                                  "error"};
    if (s.store == Store::memcached)
      argv.insert(argv.end(),
                  {"--memcached", join(node_addrs), "--copies", std::to_string(s.copies)});
    if (run.net) {
      const auto& host = run.net->instances()[i];
      argv.insert(argv.end(), {"--bind", host.address});
      argv = NetnsTopology::inside(host, argv);
    }
    instances.emplace_back(argv, (run.out / (s.name + "-" + id + ".log")).string());
    auto line = instances.back().read_line(seconds(10));
    constexpr std::string_view prefix = "listening on http://";
    if (!line || line->rfind(prefix, 0) != 0) {
      std::fprintf(stderr, "sessdemo demo: instance %s did not start\n", id.c_str());
      return f;
    }
    addrs.push_back(line->substr(prefix.size()));
  }
  auto csv = run.out / (s.name + ".csv");
  auto json = run.out / (s.name + ".json");
  std::vector<std::string> argv{
      o.self,
      "load",
      "--instances",
      join(addrs),
      "--clients",
      std::to_string(o.clients),
      "--duration",
      std::to_string(duration_cast<milliseconds>(o.duration).count()) + "ms",
      "--interval",
      std::to_string(
          static_cast<int>(demo_interval_s(duration<double>(o.duration).count()) * 1000)) +
          "ms",
      "--balance",
      to_string(s.balance),
      "--scenario",
      to_string(s.load),
      "--csv",
      csv.string(),
      "--json",
      json.string(),
      "--quiet",
      "--max-miss-rate",
      "1",
      "--max-stale-rate",
      "1",
      "--max-error-rate",
      "1",
      "--max-lost-updates",
      "1000000000000",
      "--max-resurrected",
      "1000000000000",
      "--log-level",
      "error"};
  if (o.threads) argv.insert(argv.end(), {"--threads", std::to_string(o.threads)});
  auto history = run.out / (s.name + ".history.jsonl");
  if (o.history) argv.insert(argv.end(), {"--history", history.string()});
  argv.insert(argv.end(), s.load_flags.begin(), s.load_flags.end());
  if (run.net) argv = NetnsTopology::inside(run.net->tester(), argv);
  ChildProcess load(argv, (run.out / (s.name + "-load.log")).string());
  auto start = steady_clock::now();
  auto plan = fault_plan(s, duration<double>(o.duration).count());
  auto at = [&](double seconds_in) {
    return start + duration_cast<steady_clock::duration>(duration<double>(seconds_in));
  };
  Cluster cluster;
  cluster.instances = &instances;
  cluster.nodes = own_nodes.empty() ? &run.memcached : &own_nodes;
  cluster.fill_target = fill_target;
  cluster.net = run.net.get();
  auto nemesis = make_nemesis(s.fault, cluster);
  // The fault's events on the monotonic clock; put on the tester's clock once its JSON is read.
  std::vector<FaultEvent> events;
  auto event = [&](const char* name) {
    events.push_back({name, nemesis->target(), 0,
                      duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count()});
  };
  bool started = !nemesis, stopped = !nemesis;
  int status = -1;
  while (status < 0) {
    status = load.wait(milliseconds(20));
    if (stop_requested) break;
    auto now = steady_clock::now();
    if (!started && now >= at(plan.start_s)) {
      started = true;
      event(nemesis->start_name());
      if (!nemesis->start()) {
        std::fprintf(stderr, "sessdemo demo: %s: the fault could not be set up\n", s.name.c_str());
        f.fault_applied = false;
      }
      stopped = !nemesis->lasting();
    }
    if (started && !stopped && now >= at(plan.end_s)) {
      nemesis->stop();
      stopped = true;
      event(nemesis->stop_name());
    }
  }
  if (started && !stopped) {
    nemesis->stop();
    event(nemesis->stop_name());
  }
  nemesis.reset();  // a filler is done by now; stopped if not
  // What the contention cost the instances, before they go (loopback only: the demo's own
  // process is outside the namespaces).
  if ((s.load == Load::counter || s.load == Load::logout) && !run.net) {
    auto c = read_contention(addrs);
    if (c.read) f.contention = c.summary();
  }
  if (status < 0) load.terminate(seconds(3));
  for (std::size_t i = 0; i < instances.size(); ++i) {
    bool killed_on_purpose = s.fault == Fault::kill_instance && i == 0;
    if (!killed_on_purpose && !instances[i].running()) f.instances_survived = false;
    instances[i].terminate(seconds(5));
  }
  for (auto& n : own_nodes) n.terminate(seconds(3));
  if (stop_requested) return f;
  read_figures(json, f);
  f.host_note = saturation_note();
  for (auto& e : events) {
    e.elapsed_s = static_cast<double>(e.monotonic_ns - f.measured_start_ns) / 1e9;
    f.events.push_back(e);
  }
  if (o.history && f.ran && !add_nemesis_events(history.string(), f.events))
    std::fprintf(stderr, "sessdemo demo: %s: could not add the fault to %s\n", s.name.c_str(), history.c_str());
  return f;
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
  std::fprintf(out, "\n%-24s %-9s %-11s %9s %7s %7s %6s %7s %7s %7s %8s %8s  %-29s %s\n", "scenario", "store",
               "balance", names[0].c_str(), names[1].c_str(), names[2].c_str(), names[3].c_str(),
               names[4].c_str(), names[5].c_str(), names[6].c_str(), names[7].c_str(), names[8].c_str(),
               "expected", "verdict");
  for (std::size_t i = 0; i < fs.size(); ++i) {
    ResultRow r = result_row(ss[i], fs[i], js[i]);
    if (!r.ran) r.figures = {"-", "-", "-", "-", "-", "-", "-", "-", "-"};
    const auto& c = r.figures;
    std::fprintf(out, "%-24s %-9s %-11s %9s %7s %7s %6s %7s %7s %7s %8s %8s  %-29s %s\n", r.scenario.c_str(),
                 r.store.c_str(), r.balance.c_str(), c[0].c_str(), c[1].c_str(), c[2].c_str(), c[3].c_str(),
                 c[4].c_str(), c[5].c_str(), c[6].c_str(), c[7].c_str(), c[8].c_str(), r.expected.c_str(),
                 r.verdict.c_str());
  }
  for (std::size_t i = 0; i < fs.size(); ++i)
    if (!fs[i].contention.empty()) std::fprintf(out, "  %s: %s\n", ss[i].name.c_str(), fs[i].contention.c_str());
  for (std::size_t i = 0; i < fs.size(); ++i)
    if (!fs[i].host_note.empty()) std::fprintf(out, "  %s: %s\n", ss[i].name.c_str(), fs[i].host_note.c_str());
  std::fflush(out);
}
}  // namespace

int run_demo(const DemoOptions& o) {
  bool netns = o.network == "netns";
  auto all = netns ? network_demo_scenarios() : all_demo_scenarios(o.instances);
  std::vector<DemoScenario> chosen;
  for (const auto& s : all)
    if (o.scenarios.empty() ||
        std::find(o.scenarios.begin(), o.scenarios.end(), s.name) != o.scenarios.end())
      chosen.push_back(s);
  for (const auto& name : o.scenarios)
    if (std::none_of(all.begin(), all.end(), [&](const auto& s) { return s.name == name; })) {
      std::fprintf(stderr, "sessdemo demo: scenario %s needs --network %s\n", name.c_str(),
                   netns ? "loopback" : "netns");
      return 2;
    }
  if (netns) {
    if (auto missing = NetnsTopology::missing_requirements(); !missing.empty()) {
      std::fprintf(stderr, "sessdemo demo: %s\n", missing.c_str());
      return 2;
    }
    if (!o.memcached.empty()) {
      std::fprintf(stderr, "sessdemo demo: --memcached cannot be used with --network netns (the demo starts its nodes in their namespaces)\n");
      return 2;
    }
  }
  if (o.memcached.empty() && !on_path("memcached")) {
    std::fprintf(stderr,
                 "sessdemo demo: memcached is not installed; install it with "
                 "'sudo apt-get install memcached' or pass --memcached HOST:PORT\n");
    return 2;
  }
  Run run{o, o.out.empty() ? fs::path(default_out_dir()) : fs::path(o.out), {}, {}, nullptr, false};
  std::error_code ec;
  fs::create_directories(run.out, ec);
  if (ec) {
    std::fprintf(stderr, "sessdemo demo: cannot create %s: %s\n", run.out.c_str(),
                 ec.message().c_str());
    return 2;
  }
  struct sigaction sa {
  }, old_int{}, old_term{};
  sa.sa_handler = on_demo_signal;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  stop_requested = false;
  if (netns) {
    if (int n = NetnsTopology::remove_leftovers())
      std::fprintf(stderr, "sessdemo demo: removed %d network namespaces left by an earlier run that was killed\n", n);
    try {
      run.net = std::make_unique<NetnsTopology>(3, o.instances);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sessdemo demo: cannot build the network namespaces: %s\n", e.what());
      return 2;
    }
    run.netem = run.net->netem_available();
    std::fprintf(stderr, "sessdemo demo: hosts in network namespaces %s-*: tester %s, instances %s-%s, memcached %s-%s\n",
                 run.net->tester().ns.substr(0, run.net->tester().ns.rfind('-')).c_str(),
                 run.net->tester().address.c_str(), run.net->instances().front().address.c_str(),
                 run.net->instances().back().address.c_str(), run.net->nodes().front().address.c_str(),
                 run.net->nodes().back().address.c_str());
  } else if (o.memcached.empty()) {
    if (!start_nodes(o.memcached_nodes, run.out / "memcached-", run.memcached, run.memcached_addrs))
      return 1;
  } else {
    for (const auto& e : o.memcached) run.memcached_addrs.push_back(e.to_string());
    for (const auto& s : chosen)
      if (s.fault == Fault::stall_memcached) {
        std::fprintf(
            stderr,
            "sessdemo demo: %s needs memcached started by the demo; skipped with --memcached\n",
            s.name.c_str());
      }
    std::erase_if(chosen, [](const auto& s) { return s.fault == Fault::stall_memcached; });
  }
  bool can_plot = on_path("gnuplot");
  if (can_plot) std::ofstream(run.out / "plot.gp") << plot_script;
  std::fprintf(
      stderr, "sessdemo demo: %zu scenarios, %u instances, %u clients, %.0f s each; output in %s\n",
      chosen.size(), o.instances, o.clients, duration<double>(o.duration).count(), run.out.c_str());
  std::string started_at = utc_now_iso8601();
  std::vector<DemoFigures> figures;
  std::vector<Judgement> verdicts;
  for (std::size_t i = 0; i < chosen.size() && !stop_requested; ++i) {
    if (chosen[i].fault == Fault::delay_node && !run.netem) {
      std::string why = "this kernel has no netem qdisc (sch_netem) to delay packets";
      std::fprintf(stderr, "[%zu/%zu] %s: skipped, %s\n", i + 1, chosen.size(), chosen[i].name.c_str(), why.c_str());
      figures.push_back({});
      verdicts.push_back(Judgement{false, why, true});
      continue;
    }
    if (!judgeable(chosen[i], duration<double>(o.duration).count())) {
      // Too short to see the fault end and the store recover: not run, rather than failed by
      // the demo's own timing.
      std::string why = "needs --duration " + std::to_string(min_duration_s(chosen[i])) +
                        "s or more to be judged";
      std::fprintf(stderr, "[%zu/%zu] %s: skipped, %s\n", i + 1, chosen.size(),
                   chosen[i].name.c_str(), why.c_str());
      figures.push_back({});
      verdicts.push_back(Judgement{false, why, true});
      continue;
    }
    std::fprintf(stderr, "[%zu/%zu] %s ...\n", i + 1, chosen.size(), chosen[i].name.c_str());
    auto f = run_scenario(run, chosen[i]);
    if (stop_requested) break;
    figures.push_back(f);
    verdicts.push_back(judge(chosen[i], f, o.instances));
    annotate_json(run.out / (chosen[i].name + ".json"), chosen[i], f, verdicts.back());
    if (can_plot && f.ran) plot(run, chosen[i], f.fault_start_s(), f.fault_end_s());
  }
  for (auto& m : run.memcached) {
    m.signal(SIGCONT);
    m.terminate(seconds(3));
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  print_table(stdout, chosen, figures, verdicts);
  // Only the logs that say something stay in the folder.
  std::error_code fs_error;
  for (const auto& entry : fs::directory_iterator(run.out, fs_error))
    if (entry.path().extension() == ".log" && entry.is_regular_file(fs_error) && entry.file_size(fs_error) == 0)
      fs::remove(entry.path(), fs_error);
  if (stop_requested) {
    std::fprintf(stderr, "sessdemo demo: interrupted; every process it started is stopped\n");
    return 130;
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

}  // namespace sessdemo::demo
