#pragma once
// The checks that decide a load run's verdict and exit status, from its figures and limits.
#include <optional>
#include <string>
#include <vector>

#include "loadgen/report.hpp"

namespace sessdemo::loadgen {

struct Check {
  std::string name;              // e.g. "miss rate"
  bool passed = true;
  std::string detail;            // the figure against its limit, in words
  double value = 0;              // the figure, in the unit below
  std::optional<double> limit;   // the largest value that passes; none for a yes/no check
  std::string unit;              // "fraction", "count", "ms"
};

std::vector<Check> evaluate(const RunReport& r);

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

// --abort-on-fail: why a check can no longer pass, from the figures of the run so far (a foreign
// read, a resurrected session past its limit, a miss, stale or error rate over its budget).
std::optional<std::string> hopeless(const LoadOptions& o, const Counters& so_far);

// "pass", "fail", or "interrupted" for a run stopped by a signal (whatever its checks say).
const char* verdict(const RunReport& r, const std::vector<Check>& checks);
// 0 pass, 1 fail, 130 interrupted (as a shell reports SIGINT).
int exit_status(const RunReport& r, const std::vector<Check>& checks);

}  // namespace sessdemo::loadgen
