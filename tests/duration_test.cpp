#include "sessions/duration.hpp"

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
  for (auto bad : {"", "10", "s", "-1s", "5x", "1.2.3s", "ms", "1e3s"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Duration, FormatsBack) {
  EXPECT_EQ(format_duration(minutes(20)), "20m");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(hours(8)), "8h");
  EXPECT_EQ(format_duration(seconds(0)), "0s");
}
