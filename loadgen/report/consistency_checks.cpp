// The consistency checks: what the one checker found in the sessions (reads, counters, logouts),
// and whether the run asked the question at all: a read that crossed instances.
#include <algorithm>
#include <cmath>

#include "loadgen/journey/journey.hpp"
#include "loadgen/report/check_list.hpp"
#include "loadgen/stats/figures.hpp"

namespace sessdemo::loadgen {

namespace {
std::string count_text(std::uint64_t n) {
  return std::to_string(n);
}

void add_read_checks(const RunReport& r, CheckList& list) {
  const auto& o = *r.opts;
  const auto& c = r.total.counters;
  const std::uint64_t reads = c.reads();
  const bool judged = reads > 0;
  const std::string nothing = "nothing judged: 0 reads";
  auto zero = [&](const char* name, std::uint64_t n, const char* what) {
    list.judge(name, static_cast<double>(n), 0.0, "count", judged, n == 0,
               judged ? count_text(n) + " reads " + what + " (must be 0)" : nothing);
  };
  if (o.scenario == Scenario::visit) {
    double miss = ratio(c.misses, reads), stale = ratio(c.stale, reads);
    list.judge("miss rate", miss, o.max_miss_rate, "fraction", judged, miss <= o.max_miss_rate,
               judged ? format_figure("%.4f", miss) + " of " + count_text(reads) + " reads (" +
                            count_text(c.misses) +
                            " showed no name after an acknowledged write), limit " +
                            format_figure("%g", o.max_miss_rate)
                      : nothing);
    list.judge("stale rate", stale, o.max_stale_rate, "fraction", judged, stale <= o.max_stale_rate,
               judged ? format_figure("%.4f", stale) + " (" + count_text(c.stale) +
                            " reads showed an older name after an acknowledged newer one), limit " +
                            format_figure("%g", o.max_stale_rate)
                      : nothing);
    zero("foreign reads", c.foreign, "showed another visitor's data");
    zero("monotonic reads", c.monotonic, "showed an older value than the client had already seen");
    zero("refused writes", c.refused_applied, "showed a write the server had refused");
  }
  if (o.scenario == Scenario::logout || (o.journey && o.journey->logs_out())) {
    list.judge("resurrected", static_cast<double>(c.resurrected),
               static_cast<double>(o.max_resurrected), "count", judged,
               c.resurrected <= o.max_resurrected,
               judged ? count_text(c.resurrected) + " of " + count_text(reads) +
                            " reads after an acknowledged logout showed the session again, limit " +
                            count_text(o.max_resurrected)
                      : std::string("nothing judged: no acknowledged logout was read back"));
    if (o.scenario == Scenario::logout) {
      zero("foreign reads", c.foreign, "showed another visitor's data");
      zero("monotonic reads", c.monotonic,
           "showed an older value than the client had already seen");
    }
  }
}

void add_counter_checks(const RunReport& r, Moment when, CheckList& list) {
  const auto& o = *r.opts;
  const auto& k = r.counter;
  const bool judged = k.clients_checked > 0;
  const std::string nothing = "nothing judged: no client's counter was read";
  list.judge("lost updates", static_cast<double>(k.lost_updates),
             static_cast<double>(o.max_lost_updates), "count", judged,
             k.lost_updates <= static_cast<std::int64_t>(o.max_lost_updates),
             judged ? std::to_string(k.lost_updates) + " acknowledged increments missing from " +
                          count_text(k.clients_checked) + " counters, limit " +
                          count_text(o.max_lost_updates)
                    : nothing);
  list.judge("phantom updates", static_cast<double>(k.phantom_updates), 0.0, "count", judged,
             k.phantom_updates == 0,
             judged ? std::to_string(k.phantom_updates) +
                          " more increments on the server than may have happened"
                    : nothing);
  if (when == Moment::end)
    list.judge("counters read", static_cast<double>(k.unverified), 0.0, "count", judged,
               k.unverified == 0,
               count_text(k.unverified) + " clients' final counters could not be read");
}

// Whether every answer came through one address that named no instance: then no read can be
// told to have crossed, whatever the balancer did.
bool unattributed(const RunReport& r) {
  if (r.addresses.size() != 1) return false;
  for (const auto& [name, s] : r.table.instances) {
    (void)s;
    if (name != r.addresses[0] && name.find(" (no ") == std::string::npos) return false;
  }
  return true;
}
}  // namespace

Crossing crossing_of(const RunReport& r) {
  const auto& o = *r.opts;
  Crossing x;
  x.consistency = o.scenario == Scenario::visit || o.scenario == Scenario::logout ||
                  o.scenario == Scenario::counter;
  if (o.scenario == Scenario::counter) {
    x.judged = r.counter.clients_checked;
    x.crossed = r.counter.crossed;
  } else {
    x.judged = r.total.counters.reads();
    x.crossed = r.total.counters.crossed;
  }
  x.needed =
      o.min_crossing >= 0
          ? static_cast<std::uint64_t>(o.min_crossing)
          : std::max<std::uint64_t>(
                10, static_cast<std::uint64_t>(std::ceil(0.01 * static_cast<double>(x.judged))));
  x.required = o.balance != Balance::sticky && o.min_crossing != 0;
  return x;
}

void add_consistency_checks(const RunReport& r, Moment when, CheckList& list) {
  const auto& o = *r.opts;
  std::size_t first = list.checks.size();
  if (o.scenario == Scenario::counter)
    add_counter_checks(r, when, list);
  else
    add_read_checks(r, list);
  Crossing x = crossing_of(r);
  if (!x.consistency) return;
  std::string figure =
      count_text(x.crossed) + " of " + count_text(x.judged) +
      (o.scenario == Scenario::counter ? " counter reads" : " judged reads") +
      " were served by another instance than the one that took the client's latest write";
  if (!x.required) {
    list.add("crossed instances", static_cast<double>(x.crossed), std::nullopt, "count",
             CheckStatus::pass,
             figure + " (not required: " +
                 (o.balance == Balance::sticky ? "--balance sticky" : "--min-crossing 0") + ")");
    return;
  }
  if (x.enough()) {
    list.add("crossed instances", static_cast<double>(x.crossed), static_cast<double>(x.needed),
             "count", CheckStatus::pass, figure + ", at least " + count_text(x.needed) + " needed");
    return;
  }
  std::string why =
      x.judged == 0 ? std::string("nothing judged")
      : unattributed(r)
          ? "every answer came through " + r.addresses[0] + " without an " + o.instance_header +
                " header, so no read can be told to have crossed instances: make the balancer name "
                "the "
                "instance (nginx: add_header X-Served-By $upstream_addr; with --instance-header "
                "X-Served-By)"
          : figure + ", fewer than the " + count_text(x.needed) +
                " needed (--min-crossing): every client stayed on the instance that took its write "
                "(a sticky "
                "balancer: ip_hash, a cookie?); the run cannot tell whether sessions are shared";
  list.add("crossed instances", static_cast<double>(x.crossed), static_cast<double>(x.needed),
           "count", CheckStatus::unknown, why);
  // A check that passed without a read that crossed proves nothing; a failure found is still one.
  for (std::size_t i = first; i < list.checks.size() - 1; ++i)
    if (list.checks[i].status == CheckStatus::pass) {
      list.checks[i].status = CheckStatus::unknown;
      list.checks[i].detail += "; unknown: too few reads crossed instances";
    }
}

}  // namespace sessdemo::loadgen
