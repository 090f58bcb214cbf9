// Each demo row judged against what its scenario expects: the checks (with their windows on
// the tester's clock) and their conjunction.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/number_text.hpp"
#include "demo/demo_scenarios.hpp"

namespace sessdemo::demo {

namespace {

// The checks of a row, and their conjunction.
class RowChecks {
 public:
  void at_most(std::string name, double value, double limit, std::string why, double from = -1,
               double to = -1) {
    add(std::move(name), value, limit, false, value <= limit, std::move(why), from, to);
  }
  void at_least(std::string name, double value, double limit, std::string why, double from = -1,
                double to = -1) {
    add(std::move(name), value, limit, true, value >= limit, std::move(why), from, to);
  }
  Judgement done() {
    j_.met = true;
    for (const auto& c : j_.checks)
      if (!c.check.passed()) {
        j_.met = false;
        j_.why = c.check.detail;
        break;
      }
    return std::move(j_);
  }

 private:
  void add(std::string name, double value, double limit, bool at_least, bool pass, std::string why,
           double from, double to) {
    loadgen::Check check{
        std::move(name), pass ? loadgen::CheckStatus::pass : loadgen::CheckStatus::fail,
        std::move(why),  value,
        limit,           "count"};
    j_.checks.push_back({std::move(check), at_least, from, to});
  }
  Judgement j_;
};

// Sums over the intervals that lie wholly inside [from, to] (to < 0: to the end).
std::uint64_t sum_in(const DemoFigures& f, double from, double to,
                     std::uint64_t IntervalFigure::*field) {
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
      c.at_most("stale reads", static_cast<double>(f.stale), 0,
                std::to_string(f.stale) + " stale reads");
      if (counter)
        c.at_most("lost updates", static_cast<double>(f.lost_updates), 0,
                  std::to_string(f.lost_updates) + " lost updates");
      // A 503 is an honest answer, never a wrong one: the guarantees are the zeros above. On a
      // saturated host (its note says so) CPU stalls run writes past their store deadline, so
      // the budget is 5% there (CI saw 1.7% on a throttled 2-core machine; 0.02% unloaded).
      if (f.host_note.empty())
        c.at_most("error rate", err, 0.01, "error rate " + number_text(err) + " above 1%");
      else
        c.at_most("error rate", err, 0.05,
                  "error rate " + number_text(err) + " above 5% (saturated host)");
      break;
    case Expect::misses_or_errors:
      c.at_least("misses, stale reads and errors",
                 static_cast<double>(f.misses + f.stale + f.errors), 1,
                 "no misses, stale reads or errors: the fault did not show");
      break;
    case Expect::stale:
      c.at_least("stale reads", static_cast<double>(f.stale), 1,
                 "no stale reads: the split did not show");
      if (s.fault == Fault::isolate_node) {
        // The old data comes back with the node: the stale reads are the heal's. Before it, a
        // read is stale only where a reachable copy was too slow to answer and the read fell
        // back to an older one (a saturated host), so a few may come first, never the most. On
        // a saturated host (its note says so) they may be many: only the heal's are required.
        double heal = f.fault_end_s();
        auto before = sum_in(f, 0, heal, &IntervalFigure::stale);
        auto after = f.stale > before ? f.stale - before : 0;
        c.at_least("stale reads after the heal", static_cast<double>(after), 1,
                   "no stale reads after the heal: the old copies did not come back", heal, -1);
        if (f.host_note.empty())
          c.at_most("stale reads before the heal", static_cast<double>(before),
                    static_cast<double>(after) / 2,
                    std::to_string(before) + " stale reads before the heal, against " +
                        std::to_string(after) + " after it",
                    0, heal);
      }
      break;
    case Expect::lost_or_errors:
      c.at_least("lost updates and errors",
                 static_cast<double>(std::max<std::int64_t>(0, f.lost_updates)) +
                     static_cast<double>(f.errors),
                 1, "no lost updates or errors: the fault did not show");
      break;
    case Expect::lost:
      c.at_least("lost updates", static_cast<double>(f.lost_updates), 1,
                 "no lost updates: the split did not show");
      break;
  }
}

// The races of the counter and logout scenarios: with no concurrency control they must show,
// with cas or lock they must not.
void judge_race(const DemoScenario& s, const DemoFigures& f, double err, RowChecks& c) {
  const double lost = static_cast<double>(f.lost_updates);
  if (s.load == Load::logout) {
    if (s.concurrency == Concurrency::none) {
      c.at_least("logouts undone", lost, 1, "no logout was undone: the race did not show");
    } else {
      c.at_most("logouts undone", lost, 0, std::to_string(f.lost_updates) + " logouts undone");
      c.at_least("logouts read back", static_cast<double>(f.hits), 1, "no logout was read back");
      c.at_most("error rate", err, 0.01, "error rate " + number_text(err) + " above 1%");
    }
    return;
  }
  if (s.load == Load::counter) {
    if (s.concurrency == Concurrency::none) {
      c.at_least("lost updates", lost, 1, "no lost updates: the race did not show");
    } else {
      c.at_most("lost updates", lost, 0, std::to_string(f.lost_updates) + " lost updates");
      // cas gives up with a 503 after its bounded retries: allowed, as long as it is rare.
      c.at_most("error rate", err, 0.01, "error rate " + number_text(err) + " above 1%");
    }
    return;
  }
}

// A visit scenario on loopback, with its fault (or none): no misses or stale reads, and errors
// only where and when the fault allows them.
void judge_visits(const DemoScenario& s, const DemoFigures& f, double err, RowChecks& c) {
  c.at_most("misses", static_cast<double>(f.misses), 0, std::to_string(f.misses) + " misses");
  c.at_most("stale reads", static_cast<double>(f.stale), 0,
            std::to_string(f.stale) + " stale reads");
  const double start = f.fault_start_s(), end = f.fault_end_s();
  const double interval =
      f.intervals.empty() ? 1.0 : f.intervals.front().to_s - f.intervals.front().from_s;
  switch (s.fault) {
    case Fault::none:
    case Fault::fill_other:
      // A budget, not none: one 503 in a hundred thousand on a loaded machine is no failure.
      c.at_most("error rate", err, 0.001, "error rate " + number_text(err) + " above 0.1%");
      break;
    case Fault::kill_node:
    case Fault::kill_instance: {
      // Only what was in flight on the killed process (and noticing it) may fail.
      c.at_most("error rate", err, 0.02, "error rate " + number_text(err) + " above 2%");
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
                  std::to_string(after) + " errors on the other instances from " +
                      number_text(from) + " s on",
                  from, -1);
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
                "no full recovery: " + std::to_string(after) + " errors from " + number_text(from) +
                    " s on",
                from, -1);
      c.at_least("requests in the last interval", static_cast<double>(f.last_interval_requests), 1,
                 "no requests in the last interval");
      break;
    }
    default:
      break;
  }
}
}  // namespace

Judgement judge(const DemoScenario& s, const DemoFigures& f, unsigned instances) {
  auto fail = [](std::string why) {
    Judgement j;
    j.why = std::move(why);
    return j;
  };
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
  if (s.load == Load::logout || s.load == Load::counter) {
    judge_race(s, f, err, c);
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
    c.at_least("misses", static_cast<double>(f.misses), 1,
               "no misses: the fill evicted no session");
    return c.done();
  }
  judge_visits(s, f, err, c);
  return c.done();
}

}  // namespace sessdemo::demo
