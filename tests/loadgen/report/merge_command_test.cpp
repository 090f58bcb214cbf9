// `sessdemo merge` refuses shards that did not start together.
#include "loadgen/report/merge_command.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

// Shards measure the same window only when they started together: more than one interval apart
// is refused, more than a tenth of one warned of, files that do not say are let through.
TEST(MergeCommand, ShardsStartedApartAreRefusedOrWarnedOf) {
  MergedRun m;
  m.opts.interval = std::chrono::seconds(1);
  std::string warning;
  m.starts = {{"a.json", 1000.0}, {"b.json", 1001.5}};
  auto refused = start_skew(m, warning);
  EXPECT_NE(refused.find("differ by 1.500 s (a.json at 1000.000, b.json at 1001.500"),
            std::string::npos)
      << refused;
  m.starts = {{"a.json", 1000.0}, {"b.json", 1000.5}, {"c.json", 1000.2}};
  EXPECT_EQ(start_skew(m, warning), "");
  EXPECT_NE(warning.find("differ by 0.500 s"), std::string::npos) << warning;
  m.starts = {{"a.json", 1000.0}, {"b.json", 1000.05}};
  EXPECT_EQ(start_skew(m, warning), "");
  EXPECT_EQ(warning, "");
  m.starts = {{"a.json", 0.0}, {"b.json", 1005.0}};
  EXPECT_EQ(start_skew(m, warning), "") << "a file of an older version says nothing";
}
