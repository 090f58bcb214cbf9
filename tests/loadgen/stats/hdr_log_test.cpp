#include "loadgen/stats/hdr_log.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/capture.hpp"

using namespace sessdemo::loadgen;

TEST(HdrLog, EncodedHistogramsDecodeToTheSameCounts) {
  Histogram h;
  std::mt19937 rng(7);
  std::lognormal_distribution<double> d(7.0, 1.2);  // around a millisecond, with a long tail
  for (int i = 0; i < 100000; ++i) h.record(static_cast<std::int64_t>(d(rng)));
  h.record(1);
  h.record(Histogram::highest_us);  // both ends of the range
  auto text = hdr_encode(h);
  EXPECT_EQ(text.rfind("HISTF", 0), 0u)
      << "HdrHistogram's compressed V2 cookie in base64 starts so";
  auto back = hdr_decode(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->counts(), h.counts());
  EXPECT_EQ(back->count(), h.count());
  for (double p : {50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(back->percentile(p), h.percentile(p)) << p;
}

TEST(HdrLog, EmptyAndBrokenHistograms) {
  Histogram empty;
  auto back = hdr_decode(hdr_encode(empty));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->count(), 0u);
  EXPECT_FALSE(hdr_decode("not base64!"));
  EXPECT_FALSE(hdr_decode("HISTFAAAAA=="));
}

TEST(HdrLog, TheLogHasTheHeaderAndOneLinePerInterval) {
  Histogram h;
  h.record(1500);
  std::string log = sessdemo::test::capture([&](std::FILE* f) {
    HdrLogWriter w(f);
    w.header(1700000000.0);
    w.interval(0, 1, h);
    w.interval(1, 1, h);
  });
  EXPECT_NE(log.find("#[Histogram log format version 1.3]\n"), std::string::npos);
  EXPECT_NE(log.find("#[StartTime: 1700000000.000 (seconds since epoch)"), std::string::npos);
  EXPECT_NE(log.find("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_"
                     "Compressed_Histogram\"\n"),
            std::string::npos);
  EXPECT_NE(log.find("\n0.000,1.000,1.500,HISTF"), std::string::npos) << log;
  EXPECT_NE(log.find("\n1.000,1.000,1.500,HISTF"), std::string::npos) << log;
}

// A histogram written by another HdrHistogram implementation (lowest 1, highest 300, 3 digits,
// with 100, 200 and 250 recorded): our reader finds the same three values in it.
TEST(HdrLog, ReadsAHistogramAnotherImplementationWrote) {
  auto h = hdr_decode("HISTFAAAACV4nJNpmSzMwMDAwQABzFCaEUrp2H+AsI4zMh1lZEpkAgBdIQSk");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->count(), 3u);
  EXPECT_EQ(h->percentile(10), 100);
  EXPECT_EQ(h->percentile(50), 200);
  EXPECT_EQ(h->percentile(100), 250);
  Histogram ours;
  for (int v : {100, 200, 250}) ours.record(v);
  EXPECT_EQ(h->counts(), ours.counts());
}
