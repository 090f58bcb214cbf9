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

  std::uint64_t count() const { return total_; }
  std::int64_t min() const { return total_ ? min_ : 0; }
  std::int64_t max() const { return max_; }
  double mean() const {
    return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0;
  }
  // The value at percentile p (0..100): the highest value equivalent to the bucket holding the
  // ceil(p% x count)-th sample, never above max().
  std::int64_t percentile(double p) const;
  // Samples at most us (to the bucket's precision): a Prometheus bucket's cumulative count.
  std::uint64_t count_at_most(std::int64_t us) const;

  // The buckets, for writing a histogram out and reading it back exactly. The layout is
  // HdrHistogram's for lowest 1, highest 60 s and 3 significant digits, so bucket i here is
  // bucket i of an HdrHistogram with those settings.
  std::int64_t sum() const { return sum_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  // Adds n samples to bucket index, with the exact min, max and sum kept elsewhere set by
  // set_extremes(); without it they are the bucket bounds (what HdrHistogram itself knows).
  bool add_to_bucket(std::size_t index, std::uint64_t n);
  void set_extremes(std::int64_t min, std::int64_t max, std::int64_t sum);
  static std::size_t bucket_count();

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

// A histogram as its non-zero buckets, with its exact count, min, max and sum: small enough to
// keep one per interval and to write into JSON, and turned back into a Histogram exactly.
struct SparseHistogram {
  std::vector<std::pair<std::uint32_t, std::uint64_t>>
      buckets;  // (bucket index, count), index order
  std::uint64_t count = 0;
  std::int64_t min = 0, max = 0, sum = 0;

  static SparseHistogram of(const Histogram& h);
  Histogram expand() const;
  void merge(const SparseHistogram& other);
};

}  // namespace sessdemo::loadgen
