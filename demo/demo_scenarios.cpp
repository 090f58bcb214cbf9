#include "demo/demo_scenarios.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "demo/demo.hpp"

namespace sessdemo::demo {

const char* to_string(Store v) { return v == Store::memory ? "memory" : "memcached"; }
const char* to_string(Balance v) { return v == Balance::sticky ? "sticky" : "round-robin"; }
const char* to_string(Concurrency v) {
  return v == Concurrency::none ? "none" : v == Concurrency::lock ? "lock" : "cas";
}
const char* to_string(Load v) { return v == Load::counter ? "counter" : v == Load::logout ? "logout" : "visit"; }

std::vector<DemoScenario> all_demo_scenarios(unsigned n) {
  char near[64];
  std::snprintf(near, sizeof near, "misses near %u/%u", n - 1, n);
  std::vector<DemoScenario> all{
      {"memory-roundrobin", Store::memory, Balance::round_robin, Concurrency::cas, Load::visit, Fault::none, near, 1, ""},
      {"memory-sticky", Store::memory, Balance::sticky, Concurrency::cas, Load::visit, Fault::none, "no misses; errors <= 0.1%", 1, ""},
      {"memcached-roundrobin", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit, Fault::none, "no misses; errors <= 0.1%", 1, ""},
      {"instance-killed", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit, Fault::kill_instance,
       "no session lost, few errors", 1, ""},
      {"memcached-stalled", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit, Fault::stall_memcached,
       "503s, no misses, recovers", 1, ""},
      {"counter-none", Store::memcached, Balance::round_robin, Concurrency::none, Load::counter, Fault::none, "lost updates", 1, ""},
      {"counter-cas", Store::memcached, Balance::round_robin, Concurrency::cas, Load::counter, Fault::none, "no lost updates, few 503s", 1, ""},
      {"node-killed", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit, Fault::kill_node,
       "2 of 3 nodes: nothing lost", 2, ""},
      {"logout-none", Store::memcached, Balance::round_robin, Concurrency::none, Load::logout, Fault::none, "logouts undone", 1, ""},
      {"logout-cas", Store::memcached, Balance::round_robin, Concurrency::cas, Load::logout, Fault::none, "every logout sticks", 1, ""},
      {"cache-evicting", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit, Fault::fill_shared, "misses after the fill", 1,
       ""},
      {"cache-noevict", Store::memcached, Balance::round_robin, Concurrency::cas, Load::visit, Fault::fill_other, "no misses; errors <= 0.1%", 1, ""},
  };
  // Each visitor writes its name once and then reads: sessions in use but not rewritten, as most
  // are. memcached's LRU of 1.4 (no_lru_maintainer) bumps an item read at most once a minute, so
  // the burst reaches them; 1.5's segmented LRU would spare the ones read lately and take the
  // idle ones, which a short demo has none of.
  for (auto* s : {&all[all.size() - 2], &all[all.size() - 1]}) s->load_flags = {"--rename-every", "1000000"};
  all[all.size() - 2].memcached_flags = {"-m", "8", "-o", "no_lru_maintainer"};
  all[all.size() - 1].memcached_flags = {"-m", "8", "-M"};
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
      "Logout raced against 4 writes of the same session (a stolen id still in use): without control, a write "
      "that read the session before the logout writes it back after it, and the old id works again ('lost': "
      "logouts undone).",
      "The same race with cas: a write that read the session before the logout finds it gone and starts a new "
      "session under a new id; the old id stays dead.",
      "A cache is not a session database: the sessions share a small memcached (-m 8) with another user of the "
      "cache, whose burst of data halfway through evicts them, and their visitors are logged out.",
      "What to do: sessions on a memcached of their own, started with -M (refuse a write when full rather than "
      "evict, so a full node is a 503, never a lost session), sized for them, with its evictions watched "
      "(sessdemo_memcached_evictions_total); the other user's burst lands on its own node.",
  };
  for (std::size_t i = 0; i < all.size(); ++i) all[i].demonstrates = sentences[i];
  all[0].expect = Expect::share_of_misses;
  return all;
}

std::vector<DemoScenario> network_demo_scenarios() {
  auto make = [](std::string name, Fault fault, Load load, unsigned copies, Expect expect,
                 std::string expected, std::string sentence) {
    DemoScenario s{std::move(name), Store::memcached, Balance::round_robin, Concurrency::cas, load, fault,
                   std::move(expected), copies, std::move(sentence)};
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
           "misses or errors", "One copy per session:" + one_node + " Its sessions there are out of its reach."),
      make("partition-one-c2", Fault::partition_one, Load::visit, 2, Expect::stale, "stale reads",
           "Two copies (primary and backup):" + one_node +
               " That instance fails over to the backup while the others keep the primary: two "
               "primaries, and stale reads."),
      make("partition-one-c3", Fault::partition_one, Load::visit, 3, Expect::consistent,
           "0 misses, 0 stale, errors <= 1%",
           "Quorum copies:" + one_node + " A majority of the copies still answers every instance: nothing stale."),
      make("partition-one-counter-c1", Fault::partition_one, Load::counter, 1, Expect::lost_or_errors,
           "lost updates or errors", "The counter with one copy:" + one_node),
      make("partition-one-counter-c2", Fault::partition_one, Load::counter, 2, Expect::lost,
           "lost updates",
           "The counter with two copies:" + one_node + " Writes of the two primaries overwrite each other."),
      make("partition-one-counter-c3", Fault::partition_one, Load::counter, 3, Expect::consistent,
           "0 lost updates, errors <= 1%",
           "The counter with quorum copies:" + one_node + " Two writers of one version cannot both win a majority."),
      make("node-isolated-c1", Fault::isolate_node, Load::visit, 1, Expect::misses_or_errors, "misses or errors",
           "One copy per session:" + isolated),
      make("node-isolated-c2", Fault::isolate_node, Load::visit, 2, Expect::stale,
           "stale reads after the heal",
           "Two copies:" + isolated + " Once back it is the primary again, and serves its old copies."),
      make("node-isolated-c3", Fault::isolate_node, Load::visit, 3, Expect::consistent, "0 stale, errors <= 1%",
           "Quorum copies:" + isolated + " Its old copies are outvoted and repaired, never served."),
      make("latency-c3", Fault::delay_node, Load::visit, 3, Expect::consistent, "0 misses, 0 stale, errors <= 1%",
           "Quorum copies with 20 ms added to every packet of memcached node 1 (netem), halfway through for a third "
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

namespace {
constexpr double store_recovery_s = 1.5;  // libmemcached's 1 s retry delay for a failed node, and a margin
// A healed node is back in rotation within the 2 s an ejection lasts; a little margin.
constexpr double network_recovery_s = 2.5;

// The checks of a row, and their conjunction.
class RowChecks {
 public:
  void at_most(std::string name, double value, double limit, std::string why, double from = -1, double to = -1) {
    add(std::move(name), value, limit, false, value <= limit, std::move(why), from, to);
  }
  void at_least(std::string name, double value, double limit, std::string why, double from = -1, double to = -1) {
    add(std::move(name), value, limit, true, value >= limit, std::move(why), from, to);
  }
  Judgement done() {
    j_.met = true;
    for (const auto& c : j_.checks)
      if (!c.pass) {
        j_.met = false;
        j_.why = c.why;
        break;
      }
    return std::move(j_);
  }

 private:
  void add(std::string name, double value, double limit, bool at_least, bool pass, std::string why, double from,
           double to) {
    j_.checks.push_back({std::move(name), value, limit, at_least, pass, std::move(why), from, to});
  }
  Judgement j_;
};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Sums over the intervals that lie wholly inside [from, to] (to < 0: to the end).
std::uint64_t sum_in(const DemoFigures& f, double from, double to, std::uint64_t IntervalFigure::*field) {
  std::uint64_t n = 0;
  for (const auto& iv : f.intervals)
    if (iv.from_s >= from - 1e-6 && (to < 0 || iv.to_s <= to + 1e-6)) n += iv.*field;
  return n;
}

void judge_network(const DemoScenario& s, const DemoFigures& f, double err, RowChecks& c) {
  bool counter = s.load == Load::counter;
  switch (s.expect) {
    case Expect::by_name:
    case Expect::share_of_misses:
      break;
    case Expect::consistent:
      c.at_most("misses", static_cast<double>(f.misses), 0, std::to_string(f.misses) + " misses");
      c.at_most("stale reads", static_cast<double>(f.stale), 0, std::to_string(f.stale) + " stale reads");
      if (counter)
        c.at_most("lost updates", static_cast<double>(f.lost_updates), 0,
                  std::to_string(f.lost_updates) + " lost updates");
      c.at_most("error rate", err, 0.01, "error rate " + num(err) + " above 1%");
      break;
    case Expect::misses_or_errors:
      c.at_least("misses, stale reads and errors", static_cast<double>(f.misses + f.stale + f.errors), 1,
                 "no misses, stale reads or errors: the fault did not show");
      break;
    case Expect::stale:
      c.at_least("stale reads", static_cast<double>(f.stale), 1, "no stale reads: the split did not show");
      if (s.fault == Fault::isolate_node) {
        // The old data comes back with the node: stale reads only after the heal.
        double heal = f.fault_end_s();
        auto before = sum_in(f, 0, heal, &IntervalFigure::stale);
        c.at_most("stale reads before the heal", static_cast<double>(before), 0,
                  std::to_string(before) + " stale reads before the heal", 0, heal);
      }
      break;
    case Expect::lost_or_errors:
      c.at_least("lost updates and errors", static_cast<double>(std::max<std::int64_t>(0, f.lost_updates)) +
                                                static_cast<double>(f.errors),
                 1, "no lost updates or errors: the fault did not show");
      break;
    case Expect::lost:
      c.at_least("lost updates", static_cast<double>(f.lost_updates), 1, "no lost updates: the split did not show");
      break;
  }
}
}  // namespace

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
    case Fault::partition_one:
    case Fault::isolate_node:
    case Fault::delay_node:
      p.start_s = d / 2;
      p.end_s = d / 2 + d / 3;
      break;
    case Fault::fill_shared:
    case Fault::fill_other: p.start_s = p.end_s = d / 2; break;
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

Judgement judge(const DemoScenario& s, const DemoFigures& f, unsigned instances) {
  auto fail = [](std::string why) { return Judgement{false, std::move(why)}; };
  if (!f.ran) return fail("did not run");
  if (f.requests == 0) return fail("no requests were answered");
  RowChecks c;
  c.at_most("foreign reads", static_cast<double>(f.foreign), 0,
            std::to_string(f.foreign) + " reads showed another visitor's data");
  c.at_least("instances alive", f.instances_survived ? 1 : 0, 1, "an instance died");
  c.at_least("fault set up", f.fault_applied ? 1 : 0, 1, "the fault could not be set up");
  double miss = f.reads() > 0 ? static_cast<double>(f.misses) / f.reads() : 0;
  double err = static_cast<double>(f.errors) / static_cast<double>(f.requests);
  if (s.expect != Expect::by_name && s.expect != Expect::share_of_misses) {
    judge_network(s, f, err, c);
    return c.done();
  }
  const double lost = static_cast<double>(f.lost_updates);
  if (s.load == Load::logout) {
    if (s.concurrency == Concurrency::none) {
      c.at_least("logouts undone", lost, 1, "no logout was undone: the race did not show");
    } else {
      c.at_most("logouts undone", lost, 0, std::to_string(f.lost_updates) + " logouts undone");
      c.at_least("logouts read back", static_cast<double>(f.hits), 1, "no logout was read back");
      c.at_most("error rate", err, 0.01, "error rate " + num(err) + " above 1%");
    }
    return c.done();
  }
  if (s.load == Load::counter) {
    if (s.concurrency == Concurrency::none) {
      c.at_least("lost updates", lost, 1, "no lost updates: the race did not show");
    } else {
      c.at_most("lost updates", lost, 0, std::to_string(f.lost_updates) + " lost updates");
      // cas gives up with a 503 after its bounded retries: allowed, as long as it is rare.
      c.at_most("error rate", err, 0.01, "error rate " + num(err) + " above 1%");
    }
    return c.done();
  }
  if (s.expect == Expect::share_of_misses) {
    double want = static_cast<double>(instances - 1) / instances;
    char buf[96];
    std::snprintf(buf, sizeof buf, "miss rate %.3f, expected about %.3f", miss, want);
    c.at_most("miss rate off the expected", std::abs(miss - want), 0.12, buf);
    return c.done();
  }
  if (s.fault == Fault::fill_shared) {
    c.at_least("misses", static_cast<double>(f.misses), 1, "no misses: the fill evicted no session");
    return c.done();
  }
  c.at_most("misses", static_cast<double>(f.misses), 0, std::to_string(f.misses) + " misses");
  c.at_most("stale reads", static_cast<double>(f.stale), 0, std::to_string(f.stale) + " stale reads");
  const double start = f.fault_start_s(), end = f.fault_end_s();
  const double interval = f.intervals.empty() ? 1.0 : f.intervals.front().to_s - f.intervals.front().from_s;
  switch (s.fault) {
    case Fault::none:
    case Fault::fill_other:
      // A budget, not none: one 503 in a hundred thousand on a loaded machine is no failure.
      c.at_most("error rate", err, 0.001, "error rate " + num(err) + " above 0.1%");
      break;
    case Fault::kill_node:
    case Fault::kill_instance: {
      // Only what was in flight on the killed process (and noticing it) may fail.
      c.at_most("error rate", err, 0.02, "error rate " + num(err) + " above 2%");
      auto before = sum_in(f, 0, start, &IntervalFigure::errors);
      c.at_most("errors before the kill", static_cast<double>(before), 0,
                std::to_string(before) + " errors before the kill", 0, start);
      c.at_least("requests in the last interval", static_cast<double>(f.last_interval_requests), 1,
                 "clients did not carry on after the kill");
      if (s.fault == Fault::kill_instance) {
        // What was in flight on the dead instance fails, and the balancer's probes of it (one a
        // second, as a balancer's health checks); the others answer everything once the
        // second after the kill is over.
        double from = start + 1.0 + interval;
        auto after = sum_in(f, from, -1, &IntervalFigure::errors_not_on_first);
        c.at_most("errors on the other instances after the kill", static_cast<double>(after), 0,
                  std::to_string(after) + " errors on the other instances from " + num(from) + " s on", from, -1);
      }
      break;
    }
    case Fault::stall_memcached: {
      c.at_least("errors during the stall", static_cast<double>(f.errors), 1,
                 "the stall caused no 503s: the fault did not land");
      auto before = sum_in(f, 0, start, &IntervalFigure::errors);
      c.at_most("errors before the stall", static_cast<double>(before), 0,
                std::to_string(before) + " errors before the stall", 0, start);
      // After the stall, the store's retry delay and one interval: no 503 any more.
      double from = end + store_recovery_s + interval;
      auto after = sum_in(f, from, -1, &IntervalFigure::errors);
      c.at_most("errors after the recovery", static_cast<double>(after), 0,
                "no full recovery: " + std::to_string(after) + " errors from " + num(from) + " s on", from, -1);
      c.at_least("requests in the last interval", static_cast<double>(f.last_interval_requests), 1,
                 "no requests in the last interval");
      break;
    }
    default:
      break;
  }
  return c.done();
}

}  // namespace sessdemo::demo
