#pragma once
// One worker's figures: the whole run and the current interval, both keyed by instance.
// Single-threaded: only the worker's own thread touches it.
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "loadgen/scenario/scenario.hpp"
#include "loadgen/stats/stats.hpp"

namespace sessdemo::loadgen {

// The instance ids the run keeps apart, shared by every worker thread: the first max_instances
// distinct ids get figures of their own, any further one counts under "other". One cap for the
// run, however many threads (a cap per thread multiplied with --threads).
class InstanceIdBudget {
 public:
  explicit InstanceIdBudget(std::size_t max) : max_(max) {}
  bool admit(const std::string& id);  // true: id is (now) one of the kept ids
 private:
  std::mutex mutex_;
  std::set<std::string> kept_;
  std::size_t max_;
  bool warned_ = false;
};

// An instance id as the outputs can carry it: printable ASCII (other bytes as \xNN), at most 64
// characters, never one of the names the tables reserve (all, other, total), which get "id:".
std::string clean_instance_id(std::string_view raw);

class Recorder {
 public:
  // ids: the run's shared budget of instance ids; none: a budget of this recorder's own.
  explicit Recorder(InstanceIdBudget* ids = nullptr);
  // Where one connection's answers go. Its pointers stay valid while the instance key is the
  // same and the interval has not been handed over; record() re-resolves them otherwise.
  struct Slot {
    std::string key;
    InstanceStats* total = nullptr;
    InstanceStats* interval = nullptr;
    std::uint64_t generation = ~std::uint64_t{0};
  };

  // latency_us: from ready (or scheduled) to done; service_us: from written to done. target:
  // the index of the address it went to.
  // connect_us, tls_us: the connection this request opened (connect, TLS handshake), or -1.
  void record(Slot& slot, const std::string& key, std::uint16_t target, Kind kind, const Outcome& o,
              int status, std::int64_t latency_us, std::int64_t service_us, bool late,
              std::int64_t connect_us = -1, std::int64_t tls_us = -1);
  // The interval's figures; a new interval starts empty.
  StatsTable take_interval();
  // Distinct instance ids kept apart; answers with further ids count under "other" (a server
  // that sends a new id every time cannot grow the tester without bound).
  static constexpr std::size_t max_instances = max_instance_ids;
  static constexpr const char* overflow_key = overflow_instance;
  const StatsTable& totals() const { return totals_; }
  // The run's figures, handed over once recording is done (the recorder starts empty again).
  StatsTable take_totals() {
    generation_++;
    return std::exchange(totals_, StatsTable{});
  }

 private:
  InstanceIdBudget own_ids_{max_instances};
  InstanceIdBudget* ids_;
  StatsTable totals_;
  StatsTable interval_;
  std::uint64_t generation_ = 0;
};

}  // namespace sessdemo::loadgen
