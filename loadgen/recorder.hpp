#pragma once
// One worker's figures: the whole run and the current interval, both keyed by instance.
// Single-threaded: only the worker's own thread touches it.
#include <cstdint>
#include <string>

#include "loadgen/scenario.hpp"
#include "loadgen/stats.hpp"

namespace sessdemo::loadgen {

class Recorder {
 public:
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
  static constexpr std::size_t max_instances = 64;  // each keeps five 139 KiB histograms, twice
  static constexpr const char* overflow_key = "other";
  const StatsTable& totals() const { return totals_; }

 private:
  StatsTable totals_;
  StatsTable interval_;
  std::uint64_t generation_ = 0;
  bool warned_overflow_ = false;
};

}  // namespace sessdemo::loadgen
