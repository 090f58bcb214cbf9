#pragma once
// index.html in the demo's output folder: one self-contained page (plots inline as data URIs,
// styles inline, no script, nothing fetched) with the settings, the table with each verdict
// coloured, what each scenario demonstrates, its plot, and links to its CSV and JSON.
#include <filesystem>
#include <string>
#include <vector>

#include "demo/demo.hpp"
#include "demo/demo_scenarios.hpp"

namespace sessdemo::demo {

struct ReportInputs {
  const DemoOptions* opts = nullptr;
  std::filesystem::path out;      // the output folder: plots, CSV and JSON files are read from here
  std::string memcached_version;  // as `memcached -V` says it, or "" when unknown
  std::string started_at;         // UTC, ISO 8601
  std::vector<DemoScenario> scenarios;
  std::vector<DemoFigures> figures;  // one per scenario
  std::vector<Judgement> verdicts;   // one per scenario
};

std::string report_page(const ReportInputs& in);
// Writes report_page() to out/index.html; returns its path, or "" when it cannot be written.
std::filesystem::path write_report_page(const ReportInputs& in);

}  // namespace sessdemo::demo
