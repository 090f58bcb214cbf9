#pragma once
// One load run (loadgen/ only): runner.cpp plans, probes, opens the outputs and finishes;
// load_run.cpp runs the workers and writes the intervals.
#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "loadgen/history/history.hpp"
#include "loadgen/report/live_metrics.hpp"
#include "loadgen/report/outputs.hpp"
#include "loadgen/report/report.hpp"
#include "loadgen/run/recorder.hpp"
#include "loadgen/run/said_once.hpp"
#include "loadgen/run/worker/worker.hpp"
#include "loadgen/stats/hdr_log.hpp"

namespace sessdemo::loadgen {

// One load run, step by step: plan (threads, connections, open files), probe (does anything
// answer), open the outputs, run (workers and intervals), finish (checks, summary, files).
class LoadRun {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoadRun(const LoadOptions& opts) : opts_(opts), shape_(shape_of(opts)) {}
  int plan();
  int probe();
  int open_outputs();
  void run();  // load_run.cpp: the workers, the intervals, the totals
  int finish();

 private:
  bool all_finished() const {
    return std::all_of(workers_.begin(), workers_.end(), [](auto& w) { return w->finished(); });
  }
  void sleep_until(Clock::time_point t) const;
  // Writes one CSV interval row set (and the progress line) for the figures since `tick_`, under
  // the load read when the interval was cut.
  void write_interval(const StatsTable& iv, Clock::time_point now, const IntervalLoad& load,
                      bool drain = false);
  static double unix_now();
  void wait_for_start_at() const;
  void start_workers();
  IntervalLoad load_at(Clock::time_point now);
  Clock::time_point measure();  // the intervals until the end; returns the measured end
  bool abort_if_hopeless(Clock::time_point now);
  RunReport report_so_far(Clock::time_point now) const;
  void take_totals(Clock::time_point measured_end);
  void take_checked();  // the checkers' findings into the report
  void warn_shared_ids() const;

  const LoadOptions& opts_;
  const LoadShape shape_;  // the level over time: --stages, or the constant rate or clients
  unsigned threads_ = 1;
  unsigned per_thread_ = 1;
  std::vector<TargetInfo> targets_;
  std::unique_ptr<ScenarioLogic> logic_;
  SaidOnce said_;  // the run's once-only log lines (first failures, TLS), across the workers
  InstanceIdBudget ids_{Recorder::max_instances};  // one cap of instance ids for all workers
  std::unique_ptr<OutputFile> csv_file_, json_file_, hdr_file_, junit_file_;
  std::unique_ptr<HistoryLog> history_;
  std::unique_ptr<CsvWriter> csv_;
  std::unique_ptr<HdrLogWriter> hdr_;
  ShardSlice slice_;
  bool show_progress_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  Clock::time_point load_start_, measure_start_, tick_;
  std::uint64_t dropped_seen_ = 0;  // dropped ticks already written in an interval
  InstanceStats running_;           // the intervals so far, for the progress line
  StatsTable so_far_;               // the same per instance, for --metrics-bind and --abort-on-fail
  std::vector<Check> live_checks_;  // --metrics-bind: the checks on the figures so far
  std::uint64_t dropped_so_far_ = 0;
  std::unique_ptr<LiveMetrics> live_;
  void publish_live(const IntervalLoad& load);
  RunReport report_;
};

}  // namespace sessdemo::loadgen
