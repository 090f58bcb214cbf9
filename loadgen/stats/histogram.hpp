#pragma once
// An HDR-style latency histogram: log-linear buckets with 3 significant digits over
// 1 us .. 60 s (2048 sub-buckets per power of two). Recording is O(1); histograms merge by
// adding counts, so per-thread copies are combined after the run. The 17,408 counts live in
// pages of 64 that are allocated when a sample first lands in them: an empty histogram holds
// no counts at all, one with a single sample one page (512 bytes, and a 2 KiB page table), a
// full one 139 KiB. So a table with a histogram per instance id and kind costs what its samples
// need, however many ids.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sessdemo::loadgen {

class Histogram {
 public:
  static constexpr std::int64_t lowest_us = 1;
  static constexpr std::int64_t highest_us = 60'000'000;
  static constexpr std::size_t page_slots = 64;  // counts a page holds (512 bytes)

  Histogram() = default;
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);
  Histogram(Histogram&&) noexcept = default;
  Histogram& operator=(Histogram&&) noexcept = default;

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
  std::uint64_t count_in(std::size_t index) const;  // bucket index's count (0 past the end)
  std::vector<std::uint64_t> counts() const;        // every bucket's count, dense
  // f(index, count) for each bucket that holds samples, in index order (absent pages skipped).
  template <typename F>
  void for_each_bucket(F&& f) const {
    for (std::size_t p = 0; p < pages_.size(); ++p)
      if (pages_[p])
        for (std::size_t k = 0; k < page_slots; ++k)
          if (pages_[p][k]) f(p * page_slots + k, pages_[p][k]);
  }
  // The bytes the counts take (the pages allocated and their table).
  std::size_t bytes_held() const;
  // Adds n samples to bucket index, with the exact min, max and sum kept elsewhere set by
  // set_extremes(); without it they are the bucket bounds (what HdrHistogram itself knows).
  bool add_to_bucket(std::size_t index, std::uint64_t n);
  void set_extremes(std::int64_t min, std::int64_t max, std::int64_t sum);
  static std::size_t bucket_count();

 private:
  static std::size_t index_of(std::int64_t v);
  static std::int64_t value_of(std::size_t index);
  static std::int64_t highest_equivalent(std::size_t index);

  using Page = std::unique_ptr<std::uint64_t[]>;
  std::uint64_t& slot(std::size_t index);  // allocates its page on first use

  std::vector<Page>
      pages_;  // empty until the first sample; then one entry per page, null if unused
  std::uint64_t total_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;
};

// A histogram as its non-zero buckets, with its exact count, min, max and sum: small enough to
// keep one per instance and interval and to write into JSON, and turned back into a Histogram
// exactly. The buckets are packed as LEB128 varints, (gap to the previous index, count) in
// index order: about two bytes a bucket where a pair of integers took sixteen.
class SparseHistogram {
 public:
  std::uint64_t count = 0;
  std::int64_t min = 0, max = 0, sum = 0;

  // Reads the buckets back in index order.
  class Cursor {
   public:
    explicit Cursor(const SparseHistogram& h) : bytes_(h.bytes_) {}
    bool next(std::uint32_t& index, std::uint64_t& n);

   private:
    const std::string& bytes_;
    std::size_t at_ = 0;
    std::int64_t prev_ = -1;
  };

  // Adds a bucket after the last one; false (and nothing added) when index is not above it.
  bool append(std::uint32_t index, std::uint64_t n);
  template <typename F>
  void for_each(F&& f) const {
    Cursor c(*this);
    std::uint32_t i;
    std::uint64_t n;
    while (c.next(i, n)) f(i, n);
  }
  std::size_t buckets() const { return buckets_; }
  std::size_t bytes_held() const { return bytes_.capacity(); }

  static SparseHistogram of(const Histogram& h);
  Histogram expand() const;
  void merge(const SparseHistogram& other);

 private:
  std::string bytes_;
  std::int64_t last_ = -1;
  std::size_t buckets_ = 0;
};

}  // namespace sessdemo::loadgen
