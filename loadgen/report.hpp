#pragma once
// What a finished load run measured, as the checks, the summary and the output files read it.
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

struct RunReport {
  const LoadOptions* opts = nullptr;
  std::string run_tag;
  std::string started_at;              // UTC, ISO 8601, when the load began (warm-up included)
  std::vector<std::string> addresses;  // the --instances addresses, in order (InstanceStats::addresses index these)
  unsigned threads = 0;
  unsigned connections_per_instance = 0;
  double measured_s = 0;
  StatsTable table;
  InstanceStats total;                 // every instance merged; equals the sum of the interval rows
  CounterResult counter;
  bool interrupted = false;            // stopped by SIGINT/SIGTERM before its end
};

// The labels of the addresses an instance's figures came from, space-separated.
std::string addresses_of(const RunReport& r, const InstanceStats& s);

}  // namespace sessdemo::loadgen
