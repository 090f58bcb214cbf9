// The register model's judgement names: each reads back as itself (the metrics' and the
// history check's spelling), nothing else reads as one, and the checker's figures list them
// in the same order.
#include "loadgen/history/register_model.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

TEST(Judgement, EachNameParsesBackAndNothingElseDoes) {
  for (auto j : {Judgement::legal, Judgement::miss, Judgement::stale, Judgement::monotonic,
                 Judgement::foreign, Judgement::refused_applied, Judgement::resurrected})
    EXPECT_EQ(judgement_names.parse(to_string(j)), j) << to_string(j);
  EXPECT_EQ(std::string(to_string(Judgement::refused_applied)), "refused-applied");
  for (const char* other : {"", "hit", "Miss", "refused_applied", "stale "})
    EXPECT_FALSE(judgement_names.parse(other)) << other;
  EXPECT_EQ(judgement_names.list(),
            "legal, miss, stale, monotonic, foreign, refused-applied, resurrected");
}
