#include "loadgen/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

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
    auto v = std::clamp<std::int64_t>(static_cast<std::int64_t>(dist(rng)), 1, Histogram::highest_us);
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
