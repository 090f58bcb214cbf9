#include "loadgen/stats/histogram.hpp"

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

static_assert(slots % Histogram::page_slots == 0, "whole pages");

Histogram::Histogram(const Histogram& o)
    : total_(o.total_), min_(o.min_), max_(o.max_), sum_(o.sum_) {
  pages_.resize(o.pages_.size());
  for (std::size_t p = 0; p < o.pages_.size(); ++p) {
    if (!o.pages_[p]) continue;
    pages_[p] = std::make_unique<std::uint64_t[]>(page_slots);
    std::copy(o.pages_[p].get(), o.pages_[p].get() + page_slots, pages_[p].get());
  }
}

Histogram& Histogram::operator=(const Histogram& o) {
  if (this != &o) *this = Histogram(o);
  return *this;
}

std::uint64_t& Histogram::slot(std::size_t index) {
  if (pages_.empty()) pages_.resize(slots / page_slots);
  auto& page = pages_[index / page_slots];
  if (!page) page = std::make_unique<std::uint64_t[]>(page_slots);  // zeroed
  return page[index % page_slots];
}

std::uint64_t Histogram::count_in(std::size_t index) const {
  if (index >= slots || pages_.empty()) return 0;
  const auto& page = pages_[index / page_slots];
  return page ? page[index % page_slots] : 0;
}

std::vector<std::uint64_t> Histogram::counts() const {
  std::vector<std::uint64_t> out(slots, 0);
  for (std::size_t p = 0; p < pages_.size(); ++p)
    if (pages_[p])
      std::copy(pages_[p].get(), pages_[p].get() + page_slots,
                out.begin() + static_cast<long>(p * page_slots));
  return out;
}

std::size_t Histogram::bytes_held() const {
  std::size_t n = pages_.capacity() * sizeof(Page);
  for (const auto& p : pages_)
    if (p) n += page_slots * sizeof(std::uint64_t);
  return n;
}

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
  slot(index_of(us))++;
  if (total_ == 0 || us < min_) min_ = us;
  if (us > max_) max_ = us;
  sum_ += us;
  total_++;
}

void Histogram::merge(const Histogram& o) {
  if (o.total_ == 0) return;
  for (std::size_t p = 0; p < o.pages_.size(); ++p) {
    if (!o.pages_[p]) continue;
    std::uint64_t* mine = &slot(p * page_slots);
    const std::uint64_t* theirs = o.pages_[p].get();
    for (std::size_t i = 0; i < page_slots; ++i) mine[i] += theirs[i];
  }
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
  slot(index) += n;
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
  for (std::size_t p = 0; p < pages_.size(); ++p) {
    if (!pages_[p]) continue;
    for (std::size_t k = 0; k < page_slots; ++k) {
      seen += pages_[p][k];
      if (seen >= rank) return std::min(highest_equivalent(p * page_slots + k), max_);
    }
  }
  return max_;
}

namespace {
void put_leb128(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_leb128(const std::string& in, std::size_t& at, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; at < in.size() && shift < 64; shift += 7) {
    auto b = static_cast<unsigned char>(in[at++]);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}
}  // namespace

bool SparseHistogram::Cursor::next(std::uint32_t& index, std::uint64_t& n) {
  std::uint64_t gap = 0;
  if (!get_leb128(bytes_, at_, gap) || !get_leb128(bytes_, at_, n)) return false;
  prev_ += static_cast<std::int64_t>(gap) + 1;
  index = static_cast<std::uint32_t>(prev_);
  return true;
}

bool SparseHistogram::append(std::uint32_t index, std::uint64_t n) {
  if (static_cast<std::int64_t>(index) <= last_) return false;
  put_leb128(bytes_, static_cast<std::uint64_t>(static_cast<std::int64_t>(index) - last_ - 1));
  put_leb128(bytes_, n);
  last_ = index;
  ++buckets_;
  return true;
}

SparseHistogram SparseHistogram::of(const Histogram& h) {
  SparseHistogram s;
  h.for_each_bucket(
      [&](std::size_t i, std::uint64_t n) { s.append(static_cast<std::uint32_t>(i), n); });
  s.bytes_.shrink_to_fit();
  s.count = h.count();
  s.min = h.min();
  s.max = h.max();
  s.sum = h.sum();
  return s;
}

Histogram SparseHistogram::expand() const {
  Histogram h;
  for_each([&](std::uint32_t i, std::uint64_t n) { h.add_to_bucket(i, n); });
  if (count) h.set_extremes(min, max, sum);
  return h;
}

void SparseHistogram::merge(const SparseHistogram& o) {
  if (o.count == 0) return;
  SparseHistogram out;
  Cursor a(*this), b(o);
  std::uint32_t ia = 0, ib = 0;
  std::uint64_t na = 0, nb = 0;
  bool has_a = a.next(ia, na), has_b = b.next(ib, nb);
  while (has_a || has_b) {
    if (has_a && (!has_b || ia < ib)) {
      out.append(ia, na);
      has_a = a.next(ia, na);
    } else if (has_b && (!has_a || ib < ia)) {
      out.append(ib, nb);
      has_b = b.next(ib, nb);
    } else {  // both hold this bucket
      out.append(ia, na + nb);
      has_a = a.next(ia, na);
      has_b = b.next(ib, nb);
    }
  }
  bytes_ = std::move(out.bytes_);
  last_ = out.last_;
  buckets_ = out.buckets_;
  min = count ? std::min(min, o.min) : o.min;
  max = std::max(max, o.max);
  sum += o.sum;
  count += o.count;
}

std::uint64_t Histogram::count_at_most(std::int64_t us) const {
  if (us < lowest_us) return 0;
  std::size_t last = index_of(std::min(us, highest_us));
  std::uint64_t n = 0;
  for_each_bucket([&](std::size_t i, std::uint64_t c) {
    if (i <= last) n += c;
  });
  return n;
}

}  // namespace sessdemo::loadgen
