// Load shapes: stages, their integral (the open model's schedule), think times, percentile limits.
#include "loadgen/config/load_shape.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace sessdemo::loadgen;
using namespace std::chrono;

namespace {
LoadShape shape(const char* text, double from = 0) {
  auto st = parse_stages(text);
  EXPECT_TRUE(std::holds_alternative<std::vector<Stage>>(st)) << text;
  return LoadShape::of(std::get<std::vector<Stage>>(st), from);
}
std::string error_of(const char* text) {
  auto st = parse_stages(text);
  return std::holds_alternative<std::string>(st) ? std::get<std::string>(st) : "";
}
}  // namespace

TEST(LoadShape, StagesRampLinearlyFromZeroAndHold) {
  auto s = shape("30s:100,2m:100,30s:0");
  EXPECT_DOUBLE_EQ(s.length_s(), 180);
  EXPECT_DOUBLE_EQ(s.peak(), 100);
  EXPECT_DOUBLE_EQ(s.level_at(0), 0);
  EXPECT_DOUBLE_EQ(s.level_at(15), 50);
  EXPECT_DOUBLE_EQ(s.level_at(90), 100);
  EXPECT_DOUBLE_EQ(s.level_at(165), 50);
  EXPECT_DOUBLE_EQ(s.level_at(500), 0);
  // The integral: 1500 over the ramp up, 12000 held, 1500 down.
  EXPECT_DOUBLE_EQ(s.count_until(30), 1500);
  EXPECT_DOUBLE_EQ(s.count_until(150), 13500);
  EXPECT_DOUBLE_EQ(s.count_until(180), 15000);
  EXPECT_DOUBLE_EQ(s.count_until(1000), 15000);
  EXPECT_EQ(s.stage_at(0), 1u);
  EXPECT_EQ(s.stage_at(29.9), 1u);
  EXPECT_EQ(s.stage_at(30), 2u);
  EXPECT_EQ(s.stage_at(500), 3u);
  EXPECT_EQ(LoadShape::constant(5).stage_at(3), 0u);
}

TEST(LoadShape, TheScheduleIsTheInverseOfTheIntegral) {
  for (auto* text : {"10s:1000,1m:5000", "5s:0,5s:300,5s:300,10s:20"}) {
    auto s = shape(text, 200);
    for (double t = 0.05; t < s.length_s(); t += 0.37) {
      auto back = s.time_of_count(s.count_until(t));
      ASSERT_TRUE(back) << text << " at " << t;
      // Where the level is 0 the count stands still, and the first time it is reached is earlier.
      if (s.level_at(t) > 0)
        EXPECT_NEAR(*back, t, 1e-6) << text;
      else
        EXPECT_LE(*back, t + 1e-9);
    }
    EXPECT_FALSE(s.time_of_count(s.count_until(s.length_s()) + 1)) << "past the end: no more ticks";
  }
  auto flat = LoadShape::constant(250);
  EXPECT_DOUBLE_EQ(*flat.time_of_count(500), 2.0);
  EXPECT_TRUE(std::isinf(flat.length_s()));
  EXPECT_FALSE(LoadShape::constant(0).time_of_count(1));
}

TEST(LoadShape, BadStagesSayWhy) {
  EXPECT_NE(error_of("30s").find("has no ':'"), std::string::npos);
  EXPECT_NE(error_of("0s:10").find("not a duration above 0"), std::string::npos);
  EXPECT_NE(error_of("abc:10").find("not a duration"), std::string::npos);
  EXPECT_NE(error_of("10s:-1").find("not a target"), std::string::npos);
  EXPECT_NE(error_of("10s:nan").find("not a target"), std::string::npos);
  EXPECT_NE(error_of("").find("no stage"), std::string::npos);
  EXPECT_EQ(to_string(std::get<std::vector<Stage>>(parse_stages("30s:100, 1m30s:2.5"))),
            "30s:100,1m30s:2.5");
}

TEST(LoadShape, ThinkTimesFollowTheirDistribution) {
  std::minstd_rand rng(7);
  auto parse = [](const char* t) { return std::get<ThinkTime>(parse_think(t)); };
  auto fixed = parse("200ms");
  EXPECT_EQ(fixed.sample(rng), milliseconds(200));
  auto uniform = parse("100ms-500ms");
  auto expo = parse("exp:300ms");
  double sum_u = 0, sum_e = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    auto u = uniform.sample(rng);
    ASSERT_GE(u, milliseconds(100));
    ASSERT_LE(u, milliseconds(500));
    sum_u += static_cast<double>(u.count());
    auto e = expo.sample(rng);
    ASSERT_GE(e.count(), 0);
    sum_e += static_cast<double>(e.count());
  }
  EXPECT_NEAR(sum_u / n, 300000, 6000);
  EXPECT_NEAR(sum_e / n, 300000, 12000);
  EXPECT_EQ(to_string(uniform), "100ms-500ms");
  EXPECT_EQ(to_string(expo), "exp:300ms");
  for (auto* bad : {"500ms-100ms", "exp:0s", "exp:", "fast", "1s-"})
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_think(bad))) << bad;
}

TEST(LoadShape, PercentileLimitsAreP50ToP9999) {
  auto l = std::get<PercentileLimit>(parse_percentile_limit("p99.9=250ms"));
  EXPECT_DOUBLE_EQ(l.percentile, 99.9);
  EXPECT_EQ(l.limit, milliseconds(250));
  EXPECT_EQ(percentile_name(l.percentile), "p99.9");
  for (auto* bad : {"p49=1s", "p100=1s", "95=1s", "p95", "p95=soon", "p=1s"})
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_percentile_limit(bad))) << bad;
}
