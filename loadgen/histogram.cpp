#include "loadgen/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sessdemo::loadgen {

namespace {
constexpr int half_magnitude = 10;        // 1024 = half of the 2048 sub-buckets
constexpr std::int64_t sub_count = 2048;  // 3 significant digits need > 2 x 10^3
constexpr std::int64_t half_count = sub_count / 2;
constexpr std::int64_t sub_mask = sub_count - 1;
constexpr int buckets = 16;  // 2047 << 15 > 60 s in us
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

std::size_t Histogram::bucket_count() {
  return slots;
}

bool Histogram::add_to_bucket(std::size_t index, std::uint64_t n) {
  if (index >= slots) return false;
  if (n == 0) return true;
  counts_[index] += n;
  auto low = value_of(index), high = std::min(highest_equivalent(index), highest_us);
  if (total_ == 0 || low < min_) min_ = low;
  if (high > max_) max_ = high;
  sum_ += static_cast<std::int64_t>(n) * ((low + high) / 2);
  total_ += n;
  return true;
}

void Histogram::set_extremes(std::int64_t min, std::int64_t max, std::int64_t sum) {
  min_ = min;
  max_ = max;
  sum_ = sum;
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

SparseHistogram SparseHistogram::of(const Histogram& h) {
  SparseHistogram s;
  const auto& c = h.counts();
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c[i]) s.buckets.emplace_back(static_cast<std::uint32_t>(i), c[i]);
  s.count = h.count();
  s.min = h.min();
  s.max = h.max();
  s.sum = h.sum();
  return s;
}

Histogram SparseHistogram::expand() const {
  Histogram h;
  for (auto [i, n] : buckets) h.add_to_bucket(i, n);
  if (count) h.set_extremes(min, max, sum);
  return h;
}

void SparseHistogram::merge(const SparseHistogram& o) {
  if (o.count == 0) return;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
  out.reserve(buckets.size() + o.buckets.size());
  std::size_t a = 0, b = 0;
  while (a < buckets.size() || b < o.buckets.size()) {
    if (b == o.buckets.size() || (a < buckets.size() && buckets[a].first < o.buckets[b].first))
      out.push_back(buckets[a++]);
    else if (a == buckets.size() || o.buckets[b].first < buckets[a].first)
      out.push_back(o.buckets[b++]);
    else {
      // Both hold this bucket. (Not one expression: the order of a++ against its reads would
      // be unspecified.)
      out.emplace_back(buckets[a].first, buckets[a].second + o.buckets[b].second);
      ++a;
      ++b;
    }
  }
  buckets = std::move(out);
  min = count ? std::min(min, o.min) : o.min;
  max = std::max(max, o.max);
  sum += o.sum;
  count += o.count;
}

std::uint64_t Histogram::count_at_most(std::int64_t us) const {
  if (us < lowest_us) return 0;
  std::size_t last = index_of(std::min(us, highest_us));
  std::uint64_t n = 0;
  for (std::size_t i = 0; i <= last && i < counts_.size(); ++i) n += counts_[i];
  return n;
}

}  // namespace sessdemo::loadgen
