#pragma once
// What the demo reads from its instances' /metrics at the end of a row: the cost of contention
// (lock waits, cas retries), for the counter and logout rows.
#include <string>
#include <vector>

namespace sessdemo::demo {

struct Contention {
  bool read = false;         // every instance's /metrics was read
  double lock_waits = 0;     // writes that waited for the lock (sessdemo_lock_wait_seconds_count)
  double lock_wait_s = 0;    // their total wait (sessdemo_lock_wait_seconds_sum)
  double lock_timeouts = 0;  // sessdemo_lock_timeouts_total
  double cas_retries = 0;    // sessdemo_cas_retries_total
  std::string summary() const;  // "cas retries 123, lock waits 0 (mean 0.0 ms), lock timeouts 0"
};

// Sums the figures over the instances (HOST:PORT on loopback), one GET /metrics each.
Contention read_contention(const std::vector<std::string>& instances);

}  // namespace sessdemo::demo
