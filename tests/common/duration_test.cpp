#include "common/duration.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;
using namespace std::chrono;

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("30s"), seconds(30));
  EXPECT_EQ(parse_duration("20m"), minutes(20));
  EXPECT_EQ(parse_duration("8h"), hours(8));
  EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
  EXPECT_EQ(parse_duration("700us"), microseconds(700));
}

TEST(Duration, RejectsGarbage) {
  for (auto bad : {"", "10", "s", "-1s", "5x", "1.2.3s", "ms", "1e3s", "30s1m", "1m1m", "1m 30s",
                   "1mm", "1m30"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Duration, CompoundForms) {
  EXPECT_EQ(parse_duration("1m30s"), seconds(90));
  EXPECT_EQ(parse_duration("1h15m"), minutes(75));
  EXPECT_EQ(parse_duration("1h0m5s"), seconds(3605));
  EXPECT_EQ(parse_duration("2s500ms"), milliseconds(2500));
  EXPECT_EQ(format_duration(seconds(90)), "1m30s");
  EXPECT_EQ(format_duration(minutes(75)), "1h15m");
  EXPECT_EQ(format_duration(seconds(3605)), "1h5s");
  for (auto text : {"1m30s", "1h15m", "45s", "250ms", "8h"})
    EXPECT_EQ(format_duration(*parse_duration(text)), text);
}

TEST(Duration, FormatsBack) {
  EXPECT_EQ(format_duration(minutes(20)), "20m");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(hours(8)), "8h");
  EXPECT_EQ(format_duration(seconds(0)), "0s");
}
