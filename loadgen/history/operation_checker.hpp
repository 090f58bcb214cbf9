#pragma once
// The one checker: every operation of a run (its invoke, then `ok`, `fail` or `info`), judged
// against a model of each key, live during `load` (one checker per worker thread: a worker owns
// its clients' keys, so no lock) and offline in `sessdemo check`. One code, so the two agree by
// construction.
//
// The model of a key (a client's session), as Knossos and Porcupine take operations:
//  - a register: a write (a name) or a logout (no name) that is `ok` took effect between its
//    invoke and its completion; one that is `fail` never did; one that is `info` may take effect
//    at any time after its invoke, or never. A read is legal when some order of the operations,
//    consistent with real time, gives it the value it showed (linearizability, per key).
//  - a counter: adds of 1 under the same rule; a read is legal when its value is in the range the
//    adds allow: every acknowledged add done before it, and at most those plus the adds whose
//    outcome is open or unknown, never fewer than an earlier read already showed.
//
// The rule, and why it is complete for the tester's histories: a key is used by one client, one
// register operation at a time (add() refuses a history where two overlap). So the definite
// operations (`ok`) are in one order fixed by real time, and the only freedom is where each
// `info` operation takes effect: anywhere after its invoke, or never. The checker keeps the
// value the definite operations leave and the `info` operations not yet placed. A read showing
// the current value needs nothing; one showing an unplaced `info` value places it just before
// the read (placing it later is impossible, earlier gains nothing: only reads see values, and
// operations of one value are interchangeable); any other value has no order that explains it.
// One pass, the state of each key bounded by its open and unplaced operations. The counter's
// range is exact for adds of 1 read while no add is on the wire (the tester reads a counter
// once every add is answered or given up). tests/operation_checker_test.cpp checks both rules
// against a brute-force search over every order, on 10,000 random histories.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "loadgen/history/counter_model.hpp"
#include "loadgen/history/history_event.hpp"
#include "loadgen/history/register_model.hpp"

namespace sessdemo::loadgen {

struct Anomaly {
  std::string kind;  // read-your-writes, monotonic reads, foreign, refused write applied, ...
  std::string text;  // the operations that prove it, with their times and instances
};

// A judged read, as the worker records it.
struct Judged {
  Judgement judgement = Judgement::legal;
  // Served by another instance than the one that acknowledged the client's latest write (a
  // write, logout or add): the read asked whether the session moved with the client.
  bool crossed = false;
};

// The counter's figures (scenario counter), over the keys that had adds.
struct CounterFigures {
  std::uint64_t clients_checked = 0;  // keys whose counter was read
  std::uint64_t unverified = 0;       // keys with adds whose counter was never read
  std::int64_t acknowledged = 0;      // `ok` adds of the checked keys
  std::int64_t final_total = 0;       // their last reads, summed
  std::int64_t lost_updates = 0;      // below the legal range: acknowledged adds missing
  std::int64_t phantom_updates = 0;   // above it: more than every add that may have happened
  std::uint64_t crossed = 0;          // counter reads that crossed (as Judged::crossed)
  void merge(const CounterFigures& o);
};

// What the checker found, over the operations it counted (warm-up ones are judged, so that the
// model holds, but not counted).
struct CheckerFigures {
  std::uint64_t operations = 0, ok = 0, failed = 0, unknown = 0;  // completed operations
  // Reads of a session by judgement (Judgement order), and those that crossed instances.
  std::uint64_t reads[7] = {};
  std::uint64_t crossed = 0;
  // `info` writes (and logouts) a read showed after a later write was acknowledged: they took
  // effect late, as an operation of unknown outcome may. Legal, counted apart.
  std::uint64_t late_writes = 0;
  CounterFigures counter;
  bool saw_adds = false, saw_logouts = false;
  std::uint64_t anomalies_total = 0;
  std::vector<Anomaly> anomalies;  // the first max_kept
  std::vector<std::string> late;   // the first max_kept late writes, with their proof
  static constexpr std::size_t max_kept = 10;
  void merge(const CheckerFigures& o);
};

class OperationChecker {
 public:
  static constexpr std::int64_t max_add = 1'000'000;  // an add's value, at most

  // run_tag: the tag of this run's names, when known (load); "" learns each key's from its
  // first write (check).
  explicit OperationChecker(std::string run_tag = {}) : run_tag_(std::move(run_tag)) {}

  // Takes the next event of the history, in time order (invoke or completion; the key is
  // "c<client>"). A completed read of a session is judged and returned. Throws
  // std::runtime_error saying why when the history is not well formed (an invoke while the
  // process has one open, a completion of nothing or of another operation, two register
  // operations of one key at once, an add out of range).
  std::optional<Judged> add(const HistoryEvent& e);
  // The end of the history: operations still open are `info`; the counters are summed.
  const CheckerFigures& finish();
  const CheckerFigures& figures() const { return fig_; }
  std::uint64_t keys() const { return keys_.size(); }
  // Whether any anomaly was found on this key (tests: the answer per key).
  bool key_legal(std::uint32_t client) const;

 private:
  // A key's state: its register and its counter, and what the checker needs of it besides.
  struct Key {
    std::uint32_t client = 0;
    std::string tag;  // the run tag of its names (check: learnt from its first write)
    RegisterModel reg;
    CounterModel counter;
    std::uint16_t register_open = 0;  // register operations open now
    std::string acked_by;  // the instance that acknowledged the latest write, logout or add
    std::uint64_t anomalies = 0;
  };
  struct Open {
    HistoryEvent invoke;
    std::int64_t adds_ok_at_invoke = 0;
  };
  Key& key(std::uint32_t client);
  std::optional<Judged> complete(const Open& open, const HistoryEvent& done);
  void mutate(Key& k, const HistoryEvent& inv, const HistoryEvent& done);
  Judgement judge_read(Key& k, const HistoryEvent& inv, const HistoryEvent& done);
  void judge_counter(Key& k, const Open& open, const HistoryEvent& done);
  void anomaly(Key& k, const char* kind, std::string text, bool counted);
  std::optional<std::uint32_t> own_seq(Key& k, std::string_view name, bool learn);

  std::string run_tag_;
  std::unordered_map<std::uint32_t, Key> keys_;
  std::unordered_map<std::uint64_t, Open> open_;
  std::unordered_set<std::uint64_t> retired_;  // processes that ended with `info`: never again
  CheckerFigures fig_;
  bool finished_ = false;
};

}  // namespace sessdemo::loadgen
