#pragma once
// How checks.cpp and consistency_checks.cpp build the one list of checks.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "loadgen/report/checks.hpp"

namespace sessdemo::loadgen {

struct CheckList {
  std::vector<Check> checks;
  void add(std::string name, double value, std::optional<double> limit, std::string unit,
           CheckStatus status, std::string detail) {
    checks.push_back({std::move(name), status, std::move(detail), value, limit, std::move(unit)});
  }
  // Pass or fail by ok; unknown when nothing was there to judge (detail then says why).
  void judge(std::string name, double value, std::optional<double> limit, std::string unit,
             bool exercised, bool ok, std::string detail) {
    add(std::move(name), value, limit, std::move(unit),
        !exercised ? CheckStatus::unknown
        : ok       ? CheckStatus::pass
                   : CheckStatus::fail,
        std::move(detail));
  }
};

inline std::string format_figure(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// The checks of what the sessions held (reads, counters, logouts) and of the reads that crossed
// instances (consistency_checks.cpp).
void add_consistency_checks(const RunReport& r, Moment when, CheckList& list);

}  // namespace sessdemo::loadgen
