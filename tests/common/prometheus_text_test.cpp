// The one Prometheus text writer and its reader: what one writes, the other reads back, with
// escaped labels, the page-wide labels, histograms, and lines of other programs skipped.
#include "common/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace sessdemo;

TEST(PrometheusText, WritesFamiliesAndSamplesInTheExpositionFormat) {
  PrometheusText p(MetricLabels{{"shard", "1/2"}});
  p.family("x_total", "counter", "Things.");
  p.sample("x_total", {{"kind", "a"}}, 3);
  p.sample("y", 0.25);
  EXPECT_EQ(p.text(),
            "# HELP x_total Things.\n# TYPE x_total counter\n"
            "x_total{kind=\"a\",shard=\"1/2\"} 3\ny{shard=\"1/2\"} 0.25\n");
}

TEST(PrometheusText, LabelValuesAreEscapedAndReadBack) {
  PrometheusText p;
  const std::string strange = "a \"quoted\" \\ id\nnext";
  p.sample("m", {{"instance", strange}}, 7);
  EXPECT_NE(p.text().find(R"(m{instance="a \"quoted\" \\ id\nnext"} 7)"), std::string::npos)
      << p.text();
  auto samples = parse_prometheus_text(p.text());
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].label("instance"), strange);
  EXPECT_EQ(samples[0].value, 7);
}

TEST(PrometheusText, NumbersReadBackExactly) {
  PrometheusText p;
  for (double v : {0.1, 1e-7, 123456789012.0, 2.5e300}) p.sample("v", v);
  auto samples = parse_prometheus_text(p.text());
  ASSERT_EQ(samples.size(), 4u);
  EXPECT_EQ(samples[0].value, 0.1);
  EXPECT_EQ(samples[1].value, 1e-7);
  EXPECT_EQ(samples[2].value, 123456789012.0);
  EXPECT_EQ(samples[3].value, 2.5e300);
}

TEST(PrometheusText, AHistogramHasItsBucketsSumAndCount) {
  PrometheusText p;
  p.histogram("lat_seconds", "Latency.", {0.00025, 0.001}, {1, 3}, 4, 0.5, {{"kind", "read"}});
  const auto& t = p.text();
  EXPECT_NE(t.find("# TYPE lat_seconds histogram\n"), std::string::npos);
  EXPECT_NE(t.find("lat_seconds_bucket{kind=\"read\",le=\"0.00025\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("lat_seconds_bucket{kind=\"read\",le=\"+Inf\"} 4\n"), std::string::npos) << t;
  auto samples = parse_prometheus_text(t);
  EXPECT_EQ(metric_sum(samples, "lat_seconds_count"), 4);
  EXPECT_EQ(metric_sum(samples, "lat_seconds_sum"), 0.5);
  EXPECT_EQ(metric_sum(samples, "lat_seconds_bucket", {{"le", "+Inf"}}), 4);
}

TEST(PrometheusText, InfinitiesAndNotANumberAreSpelledAsTheFormatSays) {
  PrometheusText p;
  p.sample("a", HUGE_VAL);
  p.sample("b", -HUGE_VAL);
  p.sample("c", std::nan(""));
  EXPECT_EQ(p.text(), "a +Inf\nb -Inf\nc NaN\n");
  auto samples = parse_prometheus_text(p.text());
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_TRUE(std::isinf(samples[0].value) && samples[0].value > 0);
  EXPECT_TRUE(std::isnan(samples[2].value));
}

TEST(PrometheusText, TheReaderSumsMatchingSamplesAndSkipsWhatItDoesNotUnderstand) {
  auto samples = parse_prometheus_text(
      "# HELP r Reads.\n# TYPE r counter\nr{v=\"hit\",i=\"a\"} 2\r\nr{v=\"hit\",i=\"b\"} 3\n"
      "r{v=\"miss\",i=\"a\"} 1\nnot a sample line\nr{v=\"unterminated} 4\nr{v=\"x\"} 12abc\nlast "
      "5");
  EXPECT_EQ(metric_sum(samples, "r"), 6);
  EXPECT_EQ(metric_sum(samples, "r", {{"v", "hit"}}), 5);
  EXPECT_EQ(metric_sum(samples, "r", {{"v", "hit"}, {"i", "b"}}), 3);
  EXPECT_FALSE(metric_sum(samples, "r", {{"v", "stale"}}));
  EXPECT_FALSE(metric_sum(samples, "absent"));
  EXPECT_EQ(metric_sum(samples, "last"), 5) << "the last line needs no newline";
}
