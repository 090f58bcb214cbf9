#include "demo/demo_scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "demo/demo.hpp"

namespace sessdemo::demo {

std::vector<DemoScenario> all_demo_scenarios(unsigned n) {
  char near[64];
  std::snprintf(near, sizeof near, "misses near %u/%u", n - 1, n);
  std::vector<DemoScenario> all{
      {"memory-roundrobin", "memory", "round-robin", "cas", "visit", Fault::none, near, 1, ""},
      {"memory-sticky", "memory", "sticky", "cas", "visit", Fault::none, "no misses", 1, ""},
      {"memcached-roundrobin", "memcached", "round-robin", "cas", "visit", Fault::none, "no misses", 1, ""},
      {"instance-killed", "memcached", "round-robin", "cas", "visit", Fault::kill_instance,
       "no session lost, few errors", 1, ""},
      {"memcached-stalled", "memcached", "round-robin", "cas", "visit", Fault::stall_memcached,
       "503s, no misses, recovers", 1, ""},
      {"counter-none", "memcached", "round-robin", "none", "counter", Fault::none, "lost updates", 1, ""},
      {"counter-cas", "memcached", "round-robin", "cas", "counter", Fault::none, "no lost updates, few 503s", 1, ""},
      {"node-killed", "memcached", "round-robin", "cas", "visit", Fault::kill_node,
       "2 of 3 nodes: nothing lost", 2, ""},
  };
  const char* sentences[] = {
      "The problem: sessions in each instance's memory, behind a balancer that is not sticky, so most reads land "
      "where the session is not.",
      "The usual workaround: a sticky balancer keeps each visitor on one instance, so its memory holds the session.",
      "The fix: every instance shares the sessions in memcached, so any instance can serve any visitor.",
      "An instance dies halfway through: its sessions live on in memcached, and only the requests in flight on it fail.",
      "memcached stops answering for a while: the instances answer 503 (never an empty session) and recover by "
      "themselves.",
      "Concurrent writes to one session without control: the last writer wins and acknowledged updates are lost.",
      "The same writes with cas: a conflicting write re-reads and re-applies its change, and nothing is lost.",
      "Three memcached nodes, each session on two of them, one node killed: no session and no update is lost.",
  };
  for (std::size_t i = 0; i < all.size(); ++i) all[i].demonstrates = sentences[i];
  return all;
}

std::vector<std::string> demo_scenario_names() {
  std::vector<std::string> names;
  for (const auto& s : all_demo_scenarios(3)) names.push_back(s.name);
  return names;
}

namespace {
constexpr double store_recovery_s = 1.5;  // libmemcached's 1 s retry delay for a failed node, and a margin
}

double demo_interval_s(double duration_s) { return std::clamp(duration_s / 10, 0.2, 1.0); }

FaultPlan fault_plan(const DemoScenario& s, double d) {
  FaultPlan p;
  p.interval_s = demo_interval_s(d);
  switch (s.fault) {
    case Fault::none: break;
    case Fault::kill_instance:
    case Fault::kill_node: p.start_s = p.end_s = d / 2; break;
    case Fault::stall_memcached:
      p.start_s = std::max(p.interval_s, d / 5);
      p.end_s = p.start_s + std::min(2.0, d / 5);
      break;
  }
  return p;
}

bool judgeable(const DemoScenario& s, double d) {
  if (s.fault == Fault::none) return d >= 2 * demo_interval_s(d);
  auto p = fault_plan(s, d);
  double recovery = s.fault == Fault::stall_memcached ? store_recovery_s : 0.0;
  // Recovery, then two full intervals, and one more for where the interval grid falls.
  return d - p.end_s >= recovery + 3 * p.interval_s;
}

unsigned min_duration_s(const DemoScenario& s) {
  for (unsigned d = 1; d < 600; ++d)
    if (judgeable(s, d)) return d;
  return 600;
}

Judgement judge(const DemoScenario& s, const DemoFigures& f, unsigned instances) {
  auto fail = [](std::string why) { return Judgement{false, std::move(why)}; };
  if (!f.ran) return fail("did not run");
  if (f.requests == 0) return fail("no requests were answered");
  if (f.foreign) return fail(std::to_string(f.foreign) + " reads showed another visitor's data");
  double miss = f.reads() > 0 ? static_cast<double>(f.misses) / f.reads() : 0;
  double err = static_cast<double>(f.errors) / static_cast<double>(f.requests);
  if (s.load == "counter") {
    if (s.concurrency == "none")
      return f.lost_updates > 0 ? Judgement{true, ""} : fail("no lost updates: the race did not show");
    if (f.lost_updates != 0) return fail(std::to_string(f.lost_updates) + " lost updates");
    // cas gives up with a 503 after its bounded retries: allowed, as long as it is rare.
    if (err > 0.01) return fail("error rate " + std::to_string(err) + " above 1%");
    return {true, ""};
  }
  if (s.name == "memory-roundrobin") {
    double want = static_cast<double>(instances - 1) / instances;
    if (std::abs(miss - want) > 0.12) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "miss rate %.3f, expected about %.3f", miss, want);
      return fail(buf);
    }
    return {true, ""};
  }
  if (f.misses) return fail(std::to_string(f.misses) + " misses");
  if (f.stale) return fail(std::to_string(f.stale) + " stale reads");
  switch (s.fault) {
    case Fault::none:
      if (f.errors) return fail(std::to_string(f.errors) + " errors");
      break;
    case Fault::kill_node:
    case Fault::kill_instance:
      // Only what was in flight on the killed process (and noticing it) may fail.
      if (err > 0.02) return fail("error rate " + std::to_string(err) + " above 2%");
      if (f.last_interval_requests == 0) return fail("clients did not carry on after the kill");
      break;
    case Fault::stall_memcached:
      if (f.errors == 0) return fail("the stall caused no 503s: the fault did not land");
      if (f.last_interval_requests == 0 || f.last_interval_errors)
        return fail("no full recovery: " + std::to_string(f.last_interval_errors) + " errors in the last interval");
      if (!f.instances_survived) return fail("an instance died during the stall");
      break;
  }
  return {true, ""};
}

}  // namespace sessdemo::demo
