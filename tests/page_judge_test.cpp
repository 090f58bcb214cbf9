#include "loadgen/page_judge.hpp"

#include <gtest/gtest.h>

#include "common/page_contract.hpp"

using namespace sessdemo::loadgen;

namespace {
std::string page(const std::string& name) {
  return "<p class=\"value\" " + std::string(sessdemo::page::name_marker) + name + "</p>";
}
}  // namespace

TEST(ReadJudgement, JudgesPages) {
  ClientWrites w{7, 3, 3};
  EXPECT_EQ(judge_page(page(make_name("rT", 7, 3)), "rT", w), ReadJudgement::hit);
  EXPECT_EQ(judge_page(page(make_name("rT", 7, 2)), "rT", w), ReadJudgement::stale);
  EXPECT_EQ(judge_page(page(make_name("rT", 8, 3)), "rT", w), ReadJudgement::foreign);
  EXPECT_EQ(judge_page(page(make_name("rT", 70, 3)), "rT", w),
            ReadJudgement::foreign);  // prefix of another id
  EXPECT_EQ(
      judge_page("<p " + std::string(sessdemo::page::no_name_marker) + "No name</p>", "rT", w),
      ReadJudgement::miss);
  EXPECT_EQ(judge_page(page("Mallory"), "rT", w), ReadJudgement::foreign);  // someone else's data
  EXPECT_EQ(judge_page(page(make_name("rOld", 7, 3)), "rT", w), ReadJudgement::foreign);  // another run
}

TEST(ReadJudgement, WriteInFlightCountsAsHit) {
  ClientWrites w{1, 4, 5};  // write 5 sent, not yet acknowledged
  EXPECT_EQ(judge_page(page(make_name("r", 1, 5)), "r", w), ReadJudgement::hit);
  EXPECT_EQ(judge_page(page(make_name("r", 1, 4)), "r", w), ReadJudgement::hit);
  EXPECT_EQ(judge_page(page(make_name("r", 1, 3)), "r", w), ReadJudgement::stale);
  EXPECT_EQ(judge_page(page(make_name("r", 1, 6)), "r", w), ReadJudgement::foreign);
}
