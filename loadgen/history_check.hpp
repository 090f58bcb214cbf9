#pragma once
// `sessdemo check FILE...`: a history (load --history, JSON lines or EDN; several files are the
// shards of one run) judged again, alone, as the tester judges it online:
//  - names (write, read): a read must show the latest write of its key acknowledged before the
//    read was invoked, or a write invoked before the read completed (hit). None is a miss, an
//    earlier write of the key is stale, a value the key never had is foreign; after an
//    acknowledged logout, the key's own value is a resurrection.
//  - counters (add, read-counter): the final read against the adds acknowledged (lost updates)
//    and the adds that may have happened (phantoms; a `fail` add certainly did not).
// Streaming: the files are merged by time line by line; memory is per key and per process.
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "loadgen/report.hpp"

namespace sessdemo::loadgen {

// One line of a history, read back.
struct HistoryOp {
  std::uint64_t index = 0;
  std::int64_t time = 0;     // ns since the measured start
  std::int64_t process = 0;  // -1: the nemesis
  std::string type;          // invoke, ok, fail, info
  std::string f;
  std::string key;
  enum class Value { null, text, number } value_kind = Value::null;
  std::string text;
  std::int64_t number = 0;
  std::string instance;
  int status = 0;
};

// One line of JSON or EDN (as load --history writes them), or a one-line reason it is not one.
std::variant<HistoryOp, std::string> parse_history_line(std::string_view line, bool edn);

struct Anomaly {
  std::string kind;  // miss, stale, foreign, resurrected, lost, phantom
  std::string text;  // the operations that prove it, with times and instances
};

struct HistoryVerdict {
  Scenario scenario = Scenario::visit;  // what the operations are: names, counters, logouts
  std::uint64_t events = 0, operations = 0, ok = 0, failed = 0, unknown = 0, keys = 0;
  std::vector<std::string> faults;  // the nemesis' events, in order
  RunReport report;                 // the counts, as evaluate() takes them
  std::uint64_t anomalies_total = 0;
  std::vector<Anomaly> anomalies;   // the first 10
};

class HistoryChecker {
 public:
  static constexpr std::int64_t max_add = 1'000'000;  // an add's value, at most
  // Takes the next operation (in time order). Throws std::runtime_error saying why when the
  // history is not well formed: an invoke while the process has one open, a completion of
  // nothing or of another operation than the one open, an unknown type, an add out of range.
  void add(const HistoryOp& op);
  // Ends the history (every key judged) and returns the verdict's figures.
  HistoryVerdict finish();

 private:
  struct Write {
    std::string value;
    std::int64_t invoked = 0, completed = 0;
    std::string instance;
  };
  struct Key {
    std::string tag;  // the run tag of its writes' names
    std::uint32_t client = 0;
    std::uint64_t acked = 0, attempted = 0;  // write sequence numbers
    std::optional<Write> last_acked;         // for the proof of a miss or a stale read
    bool logged_out = false;                 // an acknowledged logout, no write since
    std::optional<Write> logout;
    std::int64_t adds_acked = 0, adds_possible = 0;
    std::optional<std::int64_t> final_read;
    std::int64_t final_time = 0;
    std::string final_instance;
    bool has_adds = false;
  };
  struct Open {
    HistoryOp invoke;
    std::uint64_t acked_at_invoke = 0;
    bool logged_out_at_invoke = false;
  };
  void complete(Open& open, const HistoryOp& done);
  void judge_read(Key& k, const Open& open, const HistoryOp& done);
  void anomaly(std::string kind, std::string text);
  std::optional<std::uint64_t> seq_of(Key& k, const std::string& key, const std::string& value,
                                      bool writing);

  std::unordered_map<std::string, Key> keys_;
  std::unordered_map<std::int64_t, Open> open_;
  HistoryVerdict v_;
  bool saw_logout_ = false, saw_counter_ = false;
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
