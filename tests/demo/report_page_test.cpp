#include "demo/report_page.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::demo;

TEST(ReportPage, RowsVerdictsAndEscaping) {
  DemoOptions o;
  auto scenarios = all_demo_scenarios(3);
  scenarios.resize(3);
  scenarios[0].expected = "<script>";  // whatever a scenario says is escaped
  std::vector<DemoFigures> figures(3);
  figures[0].ran = figures[1].ran = true;
  figures[0].requests = 10;
  std::vector<Judgement> verdicts{
      {true, ""}, {false, "3 misses"}, {false, "needs --duration 5s", true}};
  auto html = report_page({&o, "/nonexistent", "memcached 1.6.18", "2026-01-01T00:00:00Z",
                           scenarios, figures, verdicts});
  EXPECT_NE(html.find("<td class=\"why pass\">PASS</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"why fail\">FAIL: 3 misses</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"why skipped\">SKIPPED: needs --duration 5s</td>"),
            std::string::npos);
  EXPECT_NE(html.find("not run"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("memcached 1.6.18"), std::string::npos);
  EXPECT_NE(html.find(scenarios[2].demonstrates.substr(0, 20)), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos) << "nothing fetched";
  EXPECT_EQ(html.find("https://"), std::string::npos) << "nothing fetched";
  EXPECT_NE(html.find("loopback: every process on 127.0.0.1"), std::string::npos);
  o.network = "netns";
  auto netns =
      report_page({&o, "/nonexistent", "", "2026-01-01T00:00:00Z", scenarios, figures, verdicts});
  EXPECT_NE(netns.find("each host in a network namespace of its own"), std::string::npos);
}
