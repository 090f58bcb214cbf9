#pragma once
// The checks that decide a run's verdict and exit status, from its figures and limits: one list,
// evaluated at the end of `load` and `check`, and on the figures so far after each interval for
// --abort-on-fail. Every check answers pass, fail or unknown (Jepsen's :unknown): unknown when it
// could not be exercised (nothing judged, nothing measured, no read that crossed instances).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/exit_status.hpp"
#include "common/name_table.hpp"
#include "loadgen/report/report.hpp"

namespace sessdemo::loadgen {

enum class CheckStatus : std::uint8_t { pass, fail, unknown };
inline constexpr NameTable<CheckStatus, 3> check_status_names{
    {{{CheckStatus::pass, "pass"},
      {CheckStatus::fail, "fail"},
      {CheckStatus::unknown, "unknown"}}}};
inline const char* to_string(CheckStatus s) {
  return check_status_names.name(s);
}
const char* check_label(CheckStatus s);  // as the summaries print it: "PASS", "FAIL", "UNKNOWN"

struct Check {
  std::string name;  // e.g. "miss rate"
  CheckStatus status = CheckStatus::pass;
  std::string detail;           // the figure against its limit, in words; for unknown, why
  double value = 0;             // the figure, in the unit below
  std::optional<double> limit;  // the largest value that passes; none for a yes/no check
  std::string unit;             // "fraction", "count", "ms"
  bool passed() const { return status == CheckStatus::pass; }
};

// end: the finished run; so_far: the figures of a run still going (checks only an ended run can
// answer, such as every counter read, are left out).
enum class Moment : std::uint8_t { end, so_far };
std::vector<Check> evaluate(const RunReport& r, Moment when = Moment::end);

// The reads that crossed instances, against what the run needs (--min-crossing), in words.
struct Crossing {
  bool consistency = false;  // the workload has consistency checks at all
  std::uint64_t judged = 0, crossed = 0, needed = 0;
  bool required = true;  // not with --balance sticky or --min-crossing 0
  bool enough() const { return !required || crossed >= needed; }
};
Crossing crossing_of(const RunReport& r);

// Writes and logins that carried a token or form read on one instance and were refused by
// another, and never (or seldom: at most a tenth as often) by the instance that issued it: the
// symptom of sessions the instances do not share, in words naming the refusing instances; or
// nothing. With a shared store an app's own refusals (an expired token, a rule of its form) fall
// on the issuing instance as often as balancing sends writes there.
struct RefusalSymptom {
  bool lost_sessions = false;  // the refusals point at sessions not shared (the check fails)
  std::string sentence;
};
std::optional<RefusalSymptom> refusal_symptom(const RunReport& r);

bool all_passed(const std::vector<Check>& checks);
// fail when a check failed, else unknown when one is unknown, else pass.
CheckStatus overall(const std::vector<Check>& checks);
// --abort-on-fail: the first failed check of the figures so far, "NAME: DETAIL", or nothing.
std::optional<std::string> first_failure(const std::vector<Check>& checks);
// Whether a run stops early, measured_s into its measured part: with --abort-on-fail and past
// --abort-grace, the first check that fails on the figures so far, as "at 12.5 s: NAME: DETAIL"
// (unknown is no reason to stop); nothing otherwise.
std::optional<std::string> abort_reason(const RunReport& so_far, double measured_s);

// "pass", "fail", "unknown", or "interrupted" for a run stopped by a signal (whatever its checks).
const char* verdict(const RunReport& r, const std::vector<Check>& checks);
// 0 pass, 1 fail or unknown, 130 interrupted (common/exit_status.hpp).
int exit_status(const RunReport& r, const std::vector<Check>& checks);

}  // namespace sessdemo::loadgen
