#pragma once
// What the store executor counts, for /metrics: owned by Metrics, counted by the executor.
#include <atomic>
#include <cstdint>

namespace sessdemo {

// Counters read by /metrics. Each is monotonic.
struct ExecutorStats {
  std::atomic<std::uint64_t> expired{0};     // requests answered 503 at their deadline, never run
  std::atomic<std::uint64_t> overloaded{0};  // requests answered 503 because a queue was full
  std::atomic<std::uint64_t> batches{0};     // read batches loaded (one store round trip per node)
  std::atomic<std::uint64_t> batched_reads{0};    // reads in those batches (/ batches = mean size)
  std::atomic<std::uint64_t> batches_here{0};     // of the batches, those loaded on an I/O thread
  std::atomic<std::uint64_t> internal_errors{0};  // requests answered 500 after an exception
};

}  // namespace sessdemo
