#include "loadgen/stats/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "loadgen/stats/stats.hpp"

using namespace sessdemo::loadgen;

namespace {
// The exact percentile of sorted samples, by the same rank rule: ceil(p% x n)-th smallest.
std::int64_t exact(const std::vector<std::int64_t>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}
}  // namespace

TEST(Histogram, PercentilesWithinThreeSignificantDigits) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(7.0, 1.5);  // ~1 ms median, long tail
  Histogram h;
  std::vector<std::int64_t> samples;
  for (int i = 0; i < 200000; ++i) {
    auto v =
        std::clamp<std::int64_t>(static_cast<std::int64_t>(dist(rng)), 1, Histogram::highest_us);
    samples.push_back(v);
    h.record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    double want = static_cast<double>(exact(samples, p));
    double got = static_cast<double>(h.percentile(p));
    EXPECT_LE(std::abs(got - want), std::max(1.0, want * 0.001)) << "p" << p;
  }
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.count(), samples.size());
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (int v = 1; v <= 2000; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 1000);
  EXPECT_EQ(h.percentile(100), 2000);
  EXPECT_NEAR(h.mean(), 1000.5, 1e-9);
}

TEST(Histogram, ClampsToRange) {
  Histogram h;
  h.record(0);
  h.record(120'000'000);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), Histogram::highest_us);
}

TEST(Histogram, MergeEqualsRecordingEverything) {
  Histogram a, b, all;
  for (int i = 1; i < 5000; ++i) {
    (i % 3 ? a : b).record(i * 37);
    all.record(i * 37);
  }
  Histogram merged;
  merged.merge(a);
  merged.merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  for (double p : {50.0, 99.0, 99.9}) EXPECT_EQ(merged.percentile(p), all.percentile(p));
  Histogram empty;
  EXPECT_EQ(empty.percentile(99), 0);
  merged.merge(empty);
  EXPECT_EQ(merged.count(), all.count());
}

TEST(SparseHistogram, MergesBucketByBucketLikeTheFullHistogram) {
  Histogram a, b;
  for (int v : {5, 100, 100, 2500, 70000}) a.record(v);
  for (int v : {100, 3000, 70000, 900000}) b.record(v);
  auto sa = SparseHistogram::of(a), sb = SparseHistogram::of(b);
  sa.merge(sb);
  Histogram both = a;
  both.merge(b);
  EXPECT_EQ(sa.expand().counts(), both.counts());
  EXPECT_EQ(sa.count, 9u);
  EXPECT_EQ(sa.min, 5);
  EXPECT_EQ(sa.max, 900000);
  EXPECT_EQ(sa.sum, both.sum());
  EXPECT_EQ(sa.expand().percentile(50), both.percentile(50));
}

// A histogram holds the pages its samples landed in: nothing when empty, one page for one
// sample, the whole range only when the samples span it.
TEST(Histogram, HoldsOnlyThePagesItsSamplesNeed) {
  Histogram empty;
  EXPECT_EQ(empty.bytes_held(), 0u);
  EXPECT_EQ(empty.percentile(99), 0);
  EXPECT_EQ(empty.count_at_most(1000), 0u);

  Histogram one;
  one.record(12'345);
  EXPECT_LE(one.bytes_held(), 4096u) << "one sample, one page and the page table";
  EXPECT_EQ(one.percentile(50), 12'345);  // its bucket, never above the largest sample
  EXPECT_EQ(one.count_at_most(12'000), 0u);
  EXPECT_EQ(one.count_at_most(13'000), 1u);

  Histogram full;
  for (std::int64_t v = 1; v <= Histogram::highest_us; v = v * 11 / 10 + 1) full.record(v);
  const std::size_t dense = Histogram::bucket_count() * sizeof(std::uint64_t);
  EXPECT_GT(full.bytes_held(), one.bytes_held());
  EXPECT_LE(full.bytes_held(), dense + 4096);
}

// Copies and merges keep every count, and an empty operand adds no page.
TEST(Histogram, CopiesAndMergesOfPagedCountsAreExact) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(9.0, 2.0);
  Histogram a, b, both;
  for (int i = 0; i < 50000; ++i) {
    auto v = static_cast<std::int64_t>(dist(rng));
    (i % 3 ? a : b).record(v);
    both.record(v);
  }
  Histogram c = a;
  EXPECT_EQ(c.counts(), a.counts());
  c.merge(b);
  EXPECT_EQ(c.counts(), both.counts());
  EXPECT_EQ(c.percentile(99.9), both.percentile(99.9));
  Histogram d;
  d = c;
  EXPECT_EQ(d.counts(), both.counts());
  auto before = d.bytes_held();
  d.merge(Histogram{});
  EXPECT_EQ(d.bytes_held(), before);
  Histogram moved = std::move(d);
  EXPECT_EQ(moved.count(), both.count());
  EXPECT_EQ(moved.min(), both.min());
  EXPECT_EQ(moved.max(), both.max());
}

// What a server naming a new instance on every answer costs the tester's table: each id holds
// the pages of its own few samples, not eight dense 139 KiB histograms (1.1 MB an id before).
TEST(Histogram, ATableOfManyInstancesCostsWhatItsSamplesNeed) {
  StatsTable t;
  for (int i = 0; i < 1000; ++i) {
    auto& s = t.at("id-" + std::to_string(i));
    s.latency.record(2'000 + i);
    s.service.record(1'500 + i);
    s.by_kind[static_cast<std::size_t>(Kind::read)].record(2'000 + i);
  }
  std::size_t bytes = 0;
  for (const auto& [id, s] : t.instances) {
    bytes += s.latency.bytes_held() + s.service.bytes_held();
    for (const auto& h : s.by_kind) bytes += h.bytes_held();
  }
  EXPECT_LE(bytes, 1000u * 3 * 4096) << bytes;
  EXPECT_EQ(t.total().latency.count(), 1000u);
}

// The packed buckets: a few bytes each, read back exactly, and only in rising index order.
TEST(SparseHistogram, PacksItsBucketsInAFewBytesEach) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> dist(8.0, 1.0);
  Histogram h;
  for (int i = 0; i < 300; ++i) h.record(static_cast<std::int64_t>(dist(rng)));
  auto s = SparseHistogram::of(h);
  ASSERT_GT(s.buckets(), 100u);
  EXPECT_LE(s.bytes_held(), s.buckets() * 4) << "LEB128 gap and count, not two 8-byte integers";
  EXPECT_EQ(s.expand().counts(), h.counts());
  EXPECT_EQ(s.expand().percentile(99), h.percentile(99));

  SparseHistogram t;
  EXPECT_TRUE(t.append(5, 1));
  EXPECT_FALSE(t.append(5, 1));
  EXPECT_FALSE(t.append(4, 1));
  EXPECT_TRUE(t.append(17'000, std::uint64_t{1} << 40));  // a long gap and a large count
  std::vector<std::pair<std::uint32_t, std::uint64_t>> seen;
  t.for_each([&](std::uint32_t i, std::uint64_t n) { seen.emplace_back(i, n); });
  EXPECT_EQ(seen, (std::vector<std::pair<std::uint32_t, std::uint64_t>>{
                      {5, 1}, {17'000, std::uint64_t{1} << 40}}));
}
