#include "loadgen/report/checks.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "common/duration.hpp"
#include "loadgen/report/check_list.hpp"
#include "loadgen/stats/figures.hpp"

namespace sessdemo::loadgen {

const char* check_label(CheckStatus s) {
  switch (s) {
    case CheckStatus::pass:
      return "PASS";
    case CheckStatus::fail:
      return "FAIL";
    case CheckStatus::unknown:
      return "UNKNOWN";
  }
  return "?";
}

namespace {
void add_time_checks(const RunReport& r, CheckList& list) {
  const auto& o = *r.opts;
  // The latency users wait (from ready or scheduled), and the service time (from the send).
  for (auto [limits, histogram, what] :
       {std::tuple{&o.max_latency, &r.total.latency, " latency"},
        std::tuple{&o.max_service, &r.total.service, " service time"}})
    for (const auto& l : *limits) {
      double ms = static_cast<double>(histogram->percentile(l.percentile)) / 1000.0;
      double limit_ms = static_cast<double>(l.limit.count()) / 1000.0;
      bool sampled = histogram->count() > 0;
      list.judge(percentile_name(l.percentile) + what, ms, limit_ms, "ms", sampled, ms <= limit_ms,
                 sampled ? format_figure("%.2f ms", ms) + ", limit " + format_duration(l.limit)
                         : std::string("nothing measured"));
    }
  double rps = static_cast<double>(r.total.counters.requests) / std::max(1e-9, r.measured_s);
  if (o.min_rps > 0)
    list.judge("request rate", rps, std::nullopt, "req/s", r.measured_s > 0, rps >= o.min_rps,
               format_figure("%.1f req/s", rps) + ", at least " + format_figure("%g", o.min_rps));
  if (o.rate > 0) {
    // The ticks the schedule (--rate, --stages) asked for over the measured time, against those
    // a client took (k6's iterations against dropped_iterations). No tick asked for: unknown.
    double reached = r.scheduled > 0 ? static_cast<double>(r.ticks_sent) / r.scheduled : 0;
    list.judge("rate reached", reached, std::nullopt, "fraction", r.scheduled > 0,
               reached >= o.min_rate_fraction,
               r.scheduled <= 0
                   ? std::string("nothing scheduled")
                   : format_figure(
                         "%.1f", static_cast<double>(r.ticks_sent) / std::max(1e-9, r.measured_s)) +
                         " of " +
                         format_figure("%.1f", r.scheduled / std::max(1e-9, r.measured_s)) +
                         " scheduled req/s (" + format_figure("%.3f", reached) + "), at least " +
                         format_figure("%g", o.min_rate_fraction) + "; " +
                         std::to_string(r.dropped) + " dropped");
  }
  if (!r.aborted.empty())
    list.add("ran to the end", 0, std::nullopt, "count", CheckStatus::fail,
             "aborted (--abort-on-fail): " + r.aborted);
}
}  // namespace

std::optional<RefusalSymptom> refusal_symptom(const RunReport& r) {
  const auto& c = r.total.counters;
  if (c.refused_crossed == 0) return std::nullopt;
  std::string by;
  for (const auto& [name, s] : r.table.instances)
    if (s.counters.refused_crossed)
      by += (by.empty() ? "" : ", ") + name + " " + std::to_string(s.counters.refused_crossed);
  RefusalSymptom out;
  out.lost_sessions = c.refused_crossed > 10 * c.refused_same;
  out.sentence =
      "writes carrying a token (or form) read on one instance were refused by another " +
      std::to_string(c.refused_crossed) + " times (by " + by + ") and " +
      (c.refused_same ? std::to_string(c.refused_same) + " times" : std::string("never")) +
      " by the instance that issued it";
  out.sentence +=
      out.lost_sessions
          ? ": the instances do not share sessions (try --balance sticky to confirm)"
          : ": refused where it was issued too, so the app refuses them for reasons of its own";
  return out;
}

std::vector<Check> evaluate(const RunReport& r, Moment when) {
  const auto& o = *r.opts;
  const auto& c = r.total.counters;
  CheckList list;
  if (c.requests == 0)
    list.add("requests answered", 0, std::nullopt, "count", CheckStatus::unknown,
             "no request was measured");
  add_consistency_checks(r, when, list);
  // Refusals of what a page of another instance gave: a lost session, not only an error.
  if (auto symptom = refusal_symptom(r))
    list.add("sessions shared", static_cast<double>(c.refused_crossed), std::nullopt, "count",
             symptom->lost_sessions ? CheckStatus::fail : CheckStatus::pass, symptom->sentence);
  double err = ratio(c.errors, c.requests);
  list.judge("error rate", err, o.max_error_rate, "fraction", c.requests > 0,
             err <= o.max_error_rate,
             format_figure("%.4f", err) + " (" + std::to_string(c.errors) + " of " +
                 std::to_string(c.requests) + " requests), limit " +
                 format_figure("%g", o.max_error_rate));
  add_time_checks(r, list);
  return std::move(list.checks);
}

bool all_passed(const std::vector<Check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.passed(); });
}

CheckStatus overall(const std::vector<Check>& checks) {
  CheckStatus s = CheckStatus::pass;
  for (const auto& c : checks) {
    if (c.status == CheckStatus::fail) return CheckStatus::fail;
    if (c.status == CheckStatus::unknown) s = CheckStatus::unknown;
  }
  return s;
}

std::optional<std::string> first_failure(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (c.status == CheckStatus::fail) return c.name + ": " + c.detail;
  return std::nullopt;
}

std::optional<std::string> abort_reason(const RunReport& so_far, double measured_s) {
  const auto& o = *so_far.opts;
  if (!o.abort_on_fail || measured_s < std::chrono::duration<double>(o.abort_grace).count())
    return std::nullopt;
  auto why = first_failure(evaluate(so_far, Moment::so_far));
  if (!why) return std::nullopt;
  char at[48];
  std::snprintf(at, sizeof at, "at %.1f s: ", measured_s);
  return at + *why;
}

const char* verdict(const RunReport& r, const std::vector<Check>& checks) {
  if (r.interrupted) return "interrupted";
  return to_string(overall(checks));
}

int exit_status(const RunReport& r, const std::vector<Check>& checks) {
  if (r.interrupted) return exit_code::interrupted;
  return overall(checks) == CheckStatus::pass ? exit_code::pass : exit_code::fail;
}

}  // namespace sessdemo::loadgen
