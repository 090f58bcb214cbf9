#include "demo/demo_scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "demo/demo.hpp"

namespace sessdemo::demo {

const char* to_string(Store v) {
  return v == Store::memory ? "memory" : "memcached";
}
const char* to_string(Balance v) {
  return v == Balance::sticky ? "sticky" : "round-robin";
}
const char* to_string(Concurrency v) {
  return v == Concurrency::none ? "none" : v == Concurrency::lock ? "lock" : "cas";
}
const char* to_string(Load v) {
  return v == Load::counter ? "counter" : v == Load::logout ? "logout" : "visit";
}

std::vector<DemoScenario> all_demo_scenarios(unsigned n) {
  char near[64];
  std::snprintf(near, sizeof near, "misses near %u/%u", n - 1, n);
  std::vector<DemoScenario> all{
      {"memory-roundrobin", Store::memory, Balance::round_robin, Concurrency::cas, Load::visit,
       Fault::none, near, 1, ""},
      {"memory-sticky", Store::memory, Balance::sticky, Concurrency::cas, Load::visit, Fault::none,
       "no misses; errors <= 0.1%", 1, ""},
      {"memcached-roundrobin", Store::memcached, Balance::round_robin, Concurrency::cas,
       Load::visit, Fault::none, "no misses; errors <= 0.1%", 1, ""},
      {"instance-killed", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit,
       Fault::kill_instance, "no session lost, few errors", 1, ""},
      {"memcached-stalled", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit,
       Fault::stall_memcached, "503s, no misses, recovers", 1, ""},
      {"counter-none", Store::memcached, Balance::round_robin, Concurrency::none, Load::counter,
       Fault::none, "lost updates", 1, ""},
      {"counter-cas", Store::memcached, Balance::round_robin, Concurrency::cas, Load::counter,
       Fault::none, "no lost updates, few 503s", 1, ""},
      {"node-killed", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit,
       Fault::kill_node, "2 of 3 nodes: nothing lost", 2, ""},
      {"logout-none", Store::memcached, Balance::round_robin, Concurrency::none, Load::logout,
       Fault::none, "logouts undone", 1, ""},
      {"logout-cas", Store::memcached, Balance::round_robin, Concurrency::cas, Load::logout,
       Fault::none, "every logout sticks", 1, ""},
      {"cache-evicting", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit,
       Fault::fill_shared, "misses after the fill", 1, ""},
      {"cache-noevict", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit,
       Fault::fill_other, "no misses; errors <= 0.1%", 1, ""},
  };
  // Each visitor writes its name once and then reads: sessions in use but not rewritten, as most
  // are. memcached's LRU of 1.4 (no_lru_maintainer) bumps an item read at most once a minute, so
  // the burst reaches them; 1.5's segmented LRU would spare the ones read lately and take the
  // idle ones, which a short demo has none of.
  for (auto* s : {&all[all.size() - 2], &all[all.size() - 1]})
    s->load_flags = {"--rename-every", "1000000"};
  all[all.size() - 2].memcached_flags = {"-m", "8", "-o", "no_lru_maintainer"};
  all[all.size() - 1].memcached_flags = {"-m", "8", "-M"};
  const char* sentences[] = {
      "The problem: sessions in each instance's memory, behind a balancer that is not sticky, so "
      "most reads land "
      "where the session is not.",
      "The usual workaround: a sticky balancer keeps each visitor on one instance, so its memory "
      "holds the session.",
      "The fix: every instance shares the sessions in memcached, so any instance can serve any "
      "visitor.",
      "An instance dies halfway through: its sessions live on in memcached, and only the requests "
      "in flight on it fail.",
      "memcached stops answering for a while: the instances answer 503 (never an empty session) "
      "and recover by "
      "themselves.",
      "Concurrent writes to one session without control: the last writer wins and acknowledged "
      "updates are lost.",
      "The same writes with cas: a conflicting write re-reads and re-applies its change, and "
      "nothing is lost.",
      "Three memcached nodes, each session on two of them, one node killed: no session and no "
      "update is lost.",
      "Logout raced against 4 writes of the same session (a stolen id still in use): without "
      "control, a write "
      "that read the session before the logout writes it back after it, and the old id works again "
      "('lost': "
      "logouts undone).",
      "The same race with cas: a write that read the session before the logout finds it gone and "
      "starts a new "
      "session under a new id; the old id stays dead.",
      "A cache is not a session database: the sessions share a small memcached (-m 8) with another "
      "user of the "
      "cache, whose burst of data halfway through evicts them, and their visitors are logged out.",
      "What to do: sessions on a memcached of their own, started with -M (refuse a write when full "
      "rather than "
      "evict, so a full node is a 503, never a lost session), sized for them, with its evictions "
      "watched "
      "(sessdemo_memcached_evictions_total); the other user's burst lands on its own node.",
  };
  for (std::size_t i = 0; i < all.size(); ++i) all[i].demonstrates = sentences[i];
  all[0].expect = Expect::share_of_misses;
  return all;
}

std::vector<DemoScenario> network_demo_scenarios() {
  auto make = [](std::string name, Fault fault, Load load, unsigned copies, Expect expect,
                 std::string expected, std::string sentence) {
    DemoScenario s{
        std::move(name),     Store::memcached, Balance::round_robin, Concurrency::cas, load, fault,
        std::move(expected), copies,           std::move(sentence)};
    s.expect = expect;
    return s;
  };
  const std::string one_node =
      " Instance 1 loses memcached node 1 halfway through, for a third of the run; the other "
      "instances still reach it.";
  const std::string isolated =
      " Memcached node 1 is cut off from every instance for a third of the run, then comes back "
      "with its old data.";
  return {
      make("partition-one-c1", Fault::partition_one, Load::visit, 1, Expect::misses_or_errors,
           "misses or errors",
           "One copy per session:" + one_node + " Its sessions there are out of its reach."),
      make("partition-one-c2", Fault::partition_one, Load::visit, 2, Expect::stale, "stale reads",
           "Two copies (primary and backup):" + one_node +
               " That instance fails over to the backup while the others keep the primary: two "
               "primaries, and stale reads."),
      make("partition-one-c3", Fault::partition_one, Load::visit, 3, Expect::consistent,
           "0 misses, 0 stale, errors <= 1%",
           "Quorum copies:" + one_node +
               " A majority of the copies still answers every instance: nothing stale."),
      make("partition-one-counter-c1", Fault::partition_one, Load::counter, 1,
           Expect::lost_or_errors, "lost updates or errors",
           "The counter with one copy:" + one_node),
      make("partition-one-counter-c2", Fault::partition_one, Load::counter, 2, Expect::lost,
           "lost updates",
           "The counter with two copies:" + one_node +
               " Writes of the two primaries overwrite each other."),
      make("partition-one-counter-c3", Fault::partition_one, Load::counter, 3, Expect::consistent,
           "0 lost updates, errors <= 1%",
           "The counter with quorum copies:" + one_node +
               " Two writers of one version cannot both win a majority."),
      make("node-isolated-c1", Fault::isolate_node, Load::visit, 1, Expect::misses_or_errors,
           "misses or errors", "One copy per session:" + isolated),
      make("node-isolated-c2", Fault::isolate_node, Load::visit, 2, Expect::stale,
           "stale reads after the heal",
           "Two copies:" + isolated +
               " Once back it is the primary again, and serves its old copies."),
      make(
          "node-isolated-c3", Fault::isolate_node, Load::visit, 3, Expect::consistent,
          "0 stale, errors <= 1%",
          "Quorum copies:" + isolated + " Its old copies are outvoted and repaired, never served."),
      make("latency-c3", Fault::delay_node, Load::visit, 3, Expect::consistent,
           "0 misses, 0 stale, errors <= 1%",
           "Quorum copies with 20 ms added to every packet of memcached node 1 (netem), halfway "
           "through for a third "
           "of the run."),
  };
}

bool is_network_fault(Fault f) {
  return f == Fault::partition_one || f == Fault::isolate_node || f == Fault::delay_node;
}

std::vector<std::string> demo_scenario_names() {
  std::vector<std::string> names;
  for (const auto& s : all_demo_scenarios(3)) names.push_back(s.name);
  for (const auto& s : network_demo_scenarios()) names.push_back(s.name);
  return names;
}

double demo_interval_s(double duration_s) {
  return std::clamp(duration_s / 10, 0.2, 1.0);
}

FaultPlan fault_plan(const DemoScenario& s, double d) {
  FaultPlan p;
  p.interval_s = demo_interval_s(d);
  switch (s.fault) {
    case Fault::none:
      break;
    case Fault::kill_instance:
    case Fault::kill_node:
      p.start_s = p.end_s = d / 2;
      break;
    case Fault::stall_memcached:
      p.start_s = std::max(p.interval_s, d / 5);
      p.end_s = p.start_s + std::min(2.0, d / 5);
      break;
    case Fault::partition_one:
    case Fault::isolate_node:
    case Fault::delay_node:
      p.start_s = d / 2;
      p.end_s = d / 2 + d / 3;
      break;
    case Fault::fill_shared:
    case Fault::fill_other:
      p.start_s = p.end_s = d / 2;
      break;
  }
  return p;
}

bool judgeable(const DemoScenario& s, double d) {
  if (s.fault == Fault::none) return d >= 2 * demo_interval_s(d);
  auto p = fault_plan(s, d);
  // After a heal, the run must last until the healed node is back in rotation (its old data
  // is what a stale read after the heal would come from).
  if (is_network_fault(s.fault)) return d - p.end_s >= network_recovery_s - 1e-9;
  double recovery = s.fault == Fault::stall_memcached ? store_recovery_s : 0.0;
  // Recovery, then two full intervals, and one more for where the interval grid falls.
  return d - p.end_s >= recovery + 3 * p.interval_s;
}

unsigned min_duration_s(const DemoScenario& s) {
  for (unsigned d = 1; d < 600; ++d)
    if (judgeable(s, d)) return d;
  return 600;
}

}  // namespace sessdemo::demo
