#pragma once
// What a finished load run measured, as the checks, the summary and the output files read it.
#include <map>
#include <string>
#include <vector>

#include "loadgen/config/load_options.hpp"
#include "loadgen/history/operation_checker.hpp"
#include "loadgen/stats/stats.hpp"

namespace sessdemo::loadgen {

// Counter scenario: acknowledged increments against the values the server holds (the one
// checker's figures, operation_checker.hpp).
using CounterResult = CounterFigures;

// One interval row of the run, per instance: what the CSV shows, kept exactly (counters and
// histograms) so that runs of several shards can be merged interval by interval.
struct IntervalFigures {
  Counters counters;
  SparseHistogram latency;
  SparseHistogram service;
};
// How much load the interval was under: what the run asked for, not what the instances did.
struct IntervalLoad {
  std::uint64_t clients = 0;  // active at its end (closed model: let to send; open: holding a tick)
  double target_rps = 0;      // open model: the schedule's rate at its end (this shard's part)
  std::uint64_t dropped = 0;  // open model: measured ticks dropped in it
};
struct IntervalRecord {
  double elapsed_s = 0;   // end of the interval, seconds since the measured start
  double interval_s = 0;  // the time it covers (the last one may be shorter)
  std::map<std::string, IntervalFigures> instances;
  IntervalLoad load;
};
IntervalRecord record_of(double elapsed_s, double interval_s, const StatsTable& table);
// The interval as a StatsTable (without per-kind histograms), for the CSV writer.
StatsTable table_of(const IntervalRecord& r);

struct RunReport {
  const LoadOptions* opts = nullptr;
  std::string run_tag;
  std::string started_at;  // UTC, ISO 8601, the start of the measured part (after the warm-up)
  double measured_start_unix_s = 0;  // the same on the wall clock, to the microsecond (0: unknown)
  std::int64_t measured_start_monotonic_ns = 0;  // steady_clock at the measured start (0: merged)
  std::vector<std::string>
      addresses;  // the --instances addresses, in order (InstanceStats::addresses index these)
  unsigned threads = 0;
  unsigned connections_per_instance = 0;
  double measured_s = 0;
  StatsTable table;
  InstanceStats total;  // every instance merged; equals the sum of the interval rows
  CounterResult counter;
  bool interrupted = false;               // stopped by SIGINT/SIGTERM before its end
  std::vector<IntervalRecord> intervals;  // every interval row, in order; they add up to `total`
  unsigned shards_merged = 1;             // > 1 for a report made by `sessdemo merge`
  // Open model: ticks that were neither sent nor queued (the backlog of ticks no client could
  // take was full): requests the schedule asked for and the tester could not send.
  std::uint64_t dropped = 0;
  // Open model: the ticks the schedule (--rate, --stages) asked for over the measured time.
  double scheduled = 0;
  std::uint64_t ticks_sent = 0;  // of those, the ones a client took (late ones included)
  std::string aborted;           // --abort-on-fail: why the run was stopped early, or ""
  // The one checker's findings beyond the counters: writes of unknown outcome that took effect
  // late (legal, counted apart), and the first anomalies with the operations that prove them.
  std::uint64_t late_writes = 0;
  std::vector<std::string> late;
  std::uint64_t anomalies_total = 0;
  std::vector<Anomaly> anomalies;
};

// The labels of the addresses an instance's figures came from, space-separated.
std::string addresses_of(const RunReport& r, const InstanceStats& s);

}  // namespace sessdemo::loadgen
