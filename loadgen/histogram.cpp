#include "loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sessdemo::loadgen {

namespace {
constexpr int half_magnitude = 10;                    // 1024 = half of the 2048 sub-buckets
constexpr std::int64_t sub_count = 2048;              // 3 significant digits need > 2 x 10^3
constexpr std::int64_t half_count = sub_count / 2;
constexpr std::int64_t sub_mask = sub_count - 1;
constexpr int buckets = 16;                           // 2047 << 15 > 60 s in us
constexpr std::size_t slots = static_cast<std::size_t>((buckets + 1) * half_count);
}  // namespace

Histogram::Histogram() : counts_(slots, 0) {}

std::size_t Histogram::index_of(std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  int bucket = 63 - std::countl_zero(u | static_cast<std::uint64_t>(sub_mask)) - half_magnitude;
  auto sub = static_cast<std::int64_t>(u >> bucket);
  return static_cast<std::size_t>(((bucket + 1) << half_magnitude) + (sub - half_count));
}

std::int64_t Histogram::value_of(std::size_t index) {
  int bucket = static_cast<int>(index >> half_magnitude) - 1;
  std::int64_t sub = static_cast<std::int64_t>(index & (half_count - 1)) + half_count;
  if (bucket < 0) {
    sub -= half_count;
    bucket = 0;
  }
  return sub << bucket;
}

std::int64_t Histogram::highest_equivalent(std::size_t index) {
  int bucket = std::max(0, static_cast<int>(index >> half_magnitude) - 1);
  return value_of(index) + (std::int64_t{1} << bucket) - 1;
}

void Histogram::record(std::int64_t us) {
  us = std::clamp(us, lowest_us, highest_us);
  counts_[index_of(us)]++;
  if (total_ == 0 || us < min_) min_ = us;
  if (us > max_) max_ = us;
  sum_ += us;
  total_++;
}

void Histogram::merge(const Histogram& o) {
  if (o.total_ == 0) return;
  for (std::size_t i = 0; i < slots; ++i) counts_[i] += o.counts_[i];
  min_ = total_ ? std::min(min_, o.min_) : o.min_;
  max_ = std::max(max_, o.max_);
  sum_ += o.sum_;
  total_ += o.total_;
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  min_ = max_ = sum_ = 0;
}

std::int64_t Histogram::percentile(double p) const {
  if (total_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_)));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < slots; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_equivalent(i), max_);
  }
  return max_;
}

}  // namespace sessdemo::loadgen
