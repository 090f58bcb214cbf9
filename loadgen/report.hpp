#pragma once
// What a load run tells its user: the CSV rows per interval, the summary table, the JSON
// document, and the checks that set the exit status.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/load_options.hpp"
#include "loadgen/stats.hpp"

namespace sessdemo::loadgen {

// Counter scenario: acknowledged increments against the values the server holds at the end.
struct CounterResult {
  std::uint64_t clients_checked = 0;   // clients whose final value could be read
  std::uint64_t unverified = 0;        // clients whose final read failed (not judged)
  std::int64_t acknowledged = 0;       // 2xx increments of the checked clients
  std::int64_t final_total = 0;        // their final counters, summed
  std::int64_t lost_updates = 0;       // sum over clients of max(0, acknowledged - final)
  std::int64_t phantom_updates = 0;    // sum over clients of max(0, final - sent)
};

struct Check {
  std::string name;    // e.g. "miss rate"
  bool passed = true;
  std::string detail;  // the figure against its limit, in words
};

struct RunReport {
  const LoadOptions* opts = nullptr;
  std::string run_tag;
  unsigned threads = 0;
  unsigned connections_per_instance = 0;
  double measured_s = 0;
  StatsTable table;
  InstanceStats total;
  CounterResult counter;
  bool interrupted = false;
};

std::vector<Check> evaluate(const RunReport& r);
bool all_passed(const std::vector<Check>& checks);

void write_summary(std::FILE* out, const RunReport& r, const std::vector<Check>& checks);
std::string to_json(const RunReport& r, const std::vector<Check>& checks);

class CsvWriter {
 public:
  explicit CsvWriter(std::FILE* out);
  void header();
  void rows(double elapsed_s, double interval_s, const StatsTable& interval);
  // The whole run as one "total" row; the only row with lost_updates filled in (counter).
  void total_row(double measured_s, const InstanceStats& total, std::optional<std::int64_t> lost_updates);

 private:
  void row(double elapsed_s, double interval_s, const std::string& instance, const InstanceStats& s,
           std::optional<std::int64_t> lost_updates = std::nullopt);
  std::FILE* out_;
};

}  // namespace sessdemo::loadgen
