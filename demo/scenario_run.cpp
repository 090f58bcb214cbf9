// One demo scenario from start to figures: its memcached nodes (shared, or its own), the web
// instances, the tester with the fault applied at its time, then everything stopped and the
// tester's figures read back.
#include <cstdio>

#include "common/start_line.hpp"
#include "demo/demo_run.hpp"
#include "demo/instance_metrics.hpp"
#include "demo/nemesis.hpp"
#include "demo/scenario_files.hpp"

namespace sessdemo::demo {

namespace fs = std::filesystem;
using namespace std::chrono;

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

// The memcached nodes of a scenario: replicated scenarios get a cluster of their own, so
// killing a node spoils nothing else; in network namespaces every scenario does, so no data is
// left from the one before; the eviction scenarios get a small node (and for fill_other a
// second one, for the other user of the cache). False when one does not start.
bool start_scenario_nodes(Run& run, const DemoScenario& s, std::vector<ChildProcess>& own,
                          std::vector<std::string>& addrs) {
  auto prefix = run.out / (s.name + "-memcached-");
  addrs = run.memcached_addrs;
  if (run.net) {
    addrs.clear();
    return start_netns_nodes(*run.net, prefix, own, addrs);
  }
  if (s.copies > 1) {
    addrs.clear();
    return start_nodes(3, prefix, own, addrs);
  }
  if (!s.memcached_flags.empty()) {
    addrs.clear();
    return start_nodes(s.fault == Fault::fill_other ? 2 : 1, prefix, own, addrs, s.memcached_flags);
  }
  return true;
}

// The web instances, each `sessdemo serve` on a port of its choosing; their addresses go to
// addrs. False when one does not say it listens.
bool start_instances(Run& run, const DemoScenario& s, const std::vector<std::string>& nodes,
                     std::vector<ChildProcess>& instances, std::vector<std::string>& addrs) {
  const auto& o = run.opts;
  for (unsigned i = 0; i < o.instances; ++i) {
    std::string id = start_line::instance_name(i);
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
      argv.insert(argv.end(), {"--memcached", join(nodes), "--copies", std::to_string(s.copies)});
    if (run.net) {
      const auto& host = run.net->instances()[i];
      argv.insert(argv.end(), {"--bind", host.address});
      argv = NetnsTopology::inside(host, argv);
    }
    instances.emplace_back(argv, (run.out / (s.name + "-" + id + ".log")).string());
    auto line = instances.back().read_line(seconds(10));
    auto address = line ? start_line::address_in(*line) : std::nullopt;
    if (!address) {
      std::fprintf(stderr, "sessdemo demo: instance %s did not start\n", id.c_str());
      return false;
    }
    addrs.push_back(*address);
  }
  return true;
}

// The tester's command line: the scenario's load, its files, and limits wide open (the demo
// judges the figures itself, against what the scenario expects).
std::vector<std::string> load_argv(const Run& run, const DemoScenario& s,
                                   const std::vector<std::string>& addrs) {
  const auto& o = run.opts;
  auto interval_ms = static_cast<int>(demo_interval_s(duration<double>(o.duration).count()) * 1000);
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
      std::to_string(interval_ms) + "ms",
      "--balance",
      to_string(s.balance),
      "--scenario",
      to_string(s.load),
      "--csv",
      (run.out / (s.name + ".csv")).string(),
      "--json",
      (run.out / (s.name + ".json")).string(),
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
  if (o.history)
    argv.insert(argv.end(), {"--history", (run.out / (s.name + ".history.jsonl")).string()});
  argv.insert(argv.end(), s.load_flags.begin(), s.load_flags.end());
  if (run.net) argv = NetnsTopology::inside(run.net->tester(), argv);
  return argv;
}

// Waits for the tester, starting and stopping the fault at the plan's times; the events on the
// monotonic clock. Returns the tester's exit status, or -1 when the demo was interrupted.
int drive_fault(const Run& run, const DemoScenario& s, ChildProcess& load, Nemesis* nemesis,
                DemoFigures& f, std::vector<FaultEvent>& events) {
  auto start = steady_clock::now();
  auto plan = fault_plan(s, duration<double>(run.opts.duration).count());
  auto at = [&](double seconds_in) {
    return start + duration_cast<steady_clock::duration>(duration<double>(seconds_in));
  };
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
    // Both ends are timed when they are begun: a fault counts from the moment it may bite, and
    // what follows a heal counts as after it from the moment it may take effect.
    if (started && !stopped && now >= at(plan.end_s)) {
      event(nemesis->stop_name());
      nemesis->stop();
      stopped = true;
    }
  }
  if (started && !stopped) {
    event(nemesis->stop_name());
    nemesis->stop();
  }
  return status;
}

// The tester's figures, the fault's events put on its clock and, with --history, into it.
void read_back(const Run& run, const DemoScenario& s, std::vector<FaultEvent>& events,
               DemoFigures& f) {
  read_figures(run.out / (s.name + ".json"), f);
  f.host_note = saturation_note();
  for (auto& e : events) {
    e.elapsed_s = static_cast<double>(e.monotonic_ns - f.measured_start_ns) / 1e9;
    f.events.push_back(e);
  }
  auto history = run.out / (s.name + ".history.jsonl");
  if (run.opts.history && f.ran && !add_nemesis_events(history.string(), f.events))
    std::fprintf(stderr, "sessdemo demo: %s: could not add the fault to %s\n", s.name.c_str(),
                 history.c_str());
}
}  // namespace

DemoFigures run_scenario(Run& run, const DemoScenario& s) {
  DemoFigures f;
  std::vector<ChildProcess> own_nodes;
  std::vector<std::string> node_addrs;
  if (!start_scenario_nodes(run, s, own_nodes, node_addrs)) return f;
  std::string fill_target = node_addrs.empty() ? "" : node_addrs.back();
  if (s.fault == Fault::fill_other && node_addrs.size() > 1) node_addrs.pop_back();
  std::vector<ChildProcess> instances;
  std::vector<std::string> addrs;
  if (!start_instances(run, s, node_addrs, instances, addrs)) return f;
  ChildProcess load(load_argv(run, s, addrs), (run.out / (s.name + "-load.log")).string());
  Cluster cluster;
  cluster.instances = &instances;
  cluster.nodes = own_nodes.empty() ? &run.memcached : &own_nodes;
  cluster.fill_target = fill_target;
  cluster.net = run.net.get();
  auto nemesis = make_nemesis(s.fault, cluster);
  std::vector<FaultEvent> events;  // on the monotonic clock; on the tester's once its JSON is read
  int status = drive_fault(run, s, load, nemesis.get(), f, events);
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
  if (!stop_requested) read_back(run, s, events, f);
  return f;
}

}  // namespace sessdemo::demo
