#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/report/report.hpp"

namespace sessdemo::loadgen {

// The columns are csv_columns() (docs/load.md, "--csv", documents each). One row per
// instance and an "all" row per interval; the last interval may be shorter (it holds the answers
// that came in after the end, or the part of an interval before an interrupt), so the interval rows
// add up to the "total" row, whose elapsed_s is empty.
// The header's names, in order: elapsed_s, instance, ... err_KIND ..., clients, target_rps,
// dropped (the last three the interval's load, on each of its rows).
std::vector<std::string> csv_columns();

class CsvWriter {
 public:
  explicit CsvWriter(std::FILE* out);
  void header();
  // Every row of an interval also says the load it was under (clients, target_rps, dropped).
  void rows(double elapsed_s, double interval_s, const StatsTable& interval,
            const IntervalLoad& load);
  // The whole run as one "total" row; the only row with lost_updates filled in (counter).
  void total_row(double measured_s, const InstanceStats& total,
                 std::optional<std::int64_t> lost_updates);

 private:
  void row(std::optional<double> elapsed_s, double interval_s, const std::string& instance,
           const InstanceStats& s, std::optional<std::int64_t> lost_updates = std::nullopt,
           const IntervalLoad* load = nullptr);
  std::FILE* out_;
};

}  // namespace sessdemo::loadgen
