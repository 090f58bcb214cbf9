#pragma once
// A fixed-size HDR-style latency histogram: log-linear buckets with 3 significant digits over
// 1 us .. 60 s (2048 sub-buckets per power of two). Recording is O(1) and allocation-free;
// histograms merge by adding counts, so per-thread copies are combined after the run.
#include <cstdint>
#include <vector>

namespace sessdemo::loadgen {

class Histogram {
 public:
  static constexpr std::int64_t lowest_us = 1;
  static constexpr std::int64_t highest_us = 60'000'000;

  Histogram();
  void record(std::int64_t us);  // clamped into [1 us, 60 s]
  void merge(const Histogram& other);
  void reset();

  std::uint64_t count() const { return total_; }
  std::int64_t min() const { return total_ ? min_ : 0; }
  std::int64_t max() const { return max_; }
  double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0; }
  // The value at percentile p (0..100): the highest value equivalent to the bucket holding the
  // ceil(p% x count)-th sample, never above max().
  std::int64_t percentile(double p) const;

 private:
  static std::size_t index_of(std::int64_t v);
  static std::int64_t value_of(std::size_t index);
  static std::int64_t highest_equivalent(std::size_t index);

  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;
};

}  // namespace sessdemo::loadgen
