#pragma once
// One row of the demo's results, as both the terminal table and the report page show it: the
// cells formatted once, from the scenario, its figures and its judgement.
#include <string>
#include <vector>

#include "demo/demo_scenarios.hpp"

namespace sessdemo::demo {

struct ResultRow {
  std::string scenario, store, balance;
  bool ran = false;
  // requests, hit %, miss %, stale, foreign, errors, lost, p50 ms, p99 ms ("-" where the
  // scenario's load has no such figure: hits and misses of counters, lost of visits)
  std::vector<std::string> figures;
  std::string expected;
  std::string verdict_class;  // pass, fail, skipped
  std::string verdict;        // PASS, FAIL: the check that failed (with its window), SKIPPED: why
};

// The headers of ResultRow::figures, in order.
const std::vector<std::string>& result_figure_names();
ResultRow result_row(const DemoScenario& s, const DemoFigures& f, const Judgement& j);

}  // namespace sessdemo::demo
