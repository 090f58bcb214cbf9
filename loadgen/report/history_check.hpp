#pragma once
// `sessdemo check FILE...`: a history (load --history, JSON lines or EDN; several files are the
// shards of one run) read back and judged by the one checker (operation_checker.hpp), the same
// code that judged it live during `load`. Streaming: the files are merged by time line by line;
// memory is per key and per open operation, not per line.
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "loadgen/history/history_read.hpp"
#include "loadgen/history/operation_checker.hpp"
#include "loadgen/report/report.hpp"

namespace sessdemo::loadgen {

struct HistoryVerdict {
  Scenario scenario = Scenario::visit;  // what the operations are: names, counters, logouts
  std::uint64_t events = 0, operations = 0, ok = 0, failed = 0, unknown = 0, keys = 0;
  std::vector<std::string> faults;  // the nemesis' events, in order
  RunReport report;                 // the counts, as evaluate() takes them
  std::uint64_t anomalies_total = 0;
  std::vector<Anomaly> anomalies;  // the first 10
};

class HistoryChecker {
 public:
  // Takes the next operation (in time order). Throws std::runtime_error saying why when the
  // history is not well formed (OperationChecker::add's reasons, a key that is not c<number>,
  // an unknown type).
  void add(const HistoryOp& op);
  // Ends the history and returns the verdict's figures.
  HistoryVerdict finish();

 private:
  OperationChecker checker_;
  HistoryVerdict v_;
  std::unordered_map<std::string, std::uint32_t> other_keys_;  // keys not of the form c<number>
};

}  // namespace sessdemo::loadgen

namespace sessdemo::loadgen {

struct CheckOptions {
  std::vector<std::string> files;  // histories; "-" reads one from stdin (JSON lines)
  LoadOptions limits;              // the --max-* limits, as load takes them
  std::string junit;               // the checks as a JUnit XML report to this file, or ""
  bool quiet = false;
};

// Exit status as load's: 0 every check held, 1 one failed, 2 a file cannot be read (which file,
// which line, what is wrong).
int run_check(const CheckOptions& opts);

}  // namespace sessdemo::loadgen
