#include "loadgen/config/balancer.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace sessdemo::loadgen;

TEST(Balancer, RoundRobinNeverRepeatsConsecutively) {
  std::minstd_rand rng(1);
  for (std::uint32_t client = 0; client < 10; ++client) {
    std::size_t prev = pick_instance(Balance::round_robin, client, 0, 3, rng);
    std::set<std::size_t> seen{prev};
    for (std::uint64_t n = 1; n < 30; ++n) {
      auto i = pick_instance(Balance::round_robin, client, n, 3, rng);
      EXPECT_NE(i, prev);
      seen.insert(i);
      prev = i;
    }
    EXPECT_EQ(seen.size(), 3u);
  }
}

TEST(Balancer, StickyKeepsAClientOnOneInstance) {
  std::minstd_rand rng(1);
  std::set<std::size_t> used;
  for (std::uint32_t client = 0; client < 9; ++client) {
    auto first = pick_instance(Balance::sticky, client, 0, 3, rng);
    for (std::uint64_t n = 1; n < 20; ++n)
      EXPECT_EQ(pick_instance(Balance::sticky, client, n, 3, rng), first);
    used.insert(first);
  }
  EXPECT_EQ(used.size(), 3u);  // but clients are spread
}

TEST(Balancer, RandomCoversAllInstancesRoughlyEvenly) {
  std::minstd_rand rng(7);
  std::array<int, 4> counts{};
  for (int n = 0; n < 40000; ++n) counts[pick_instance(Balance::random, 1, n, 4, rng)]++;
  for (int c : counts) EXPECT_NEAR(c, 10000, 600);
}

TEST(Balancer, ParsesNames) {
  EXPECT_EQ(parse_balance("round-robin"), Balance::round_robin);
  EXPECT_EQ(parse_balance("sticky"), Balance::sticky);
  EXPECT_FALSE(parse_balance("roundrobin"));
}
