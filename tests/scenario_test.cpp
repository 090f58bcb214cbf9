#include "loadgen/scenario.hpp"

#include <gtest/gtest.h>

#include "common/page_contract.hpp"

using namespace sessdemo::loadgen;

TEST(Scenario, VisitStepsAndRequests) {
  LoadOptions o;
  o.rename_every = 2;
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = logic.first_step();
  std::string req;
  EXPECT_EQ(logic.build_request(5, c, "h:1", req), Kind::home);
  EXPECT_EQ(req.rfind("GET / HTTP/1.1\r\nHost: h:1\r\n", 0), 0u);
  logic.apply(5, c, Step::home, Answer{200, "home", {}});
  ASSERT_EQ(c.step, Step::write);
  req.clear();
  EXPECT_EQ(logic.build_request(5, c, "h:1", req), Kind::write);
  EXPECT_NE(req.find("\r\n\r\nname=rX-c5-w1"), std::string::npos);
  // A failed write is retried and leaves nothing acknowledged.
  logic.apply(5, c, Step::write, Answer{503, "", {}});
  EXPECT_EQ(c.step, Step::write);
  EXPECT_EQ(c.writes.acked, 0u);
  std::string cookie = "sessdemo_sid=S1; Path=/";
  logic.apply(5, c, Step::write, Answer{303, "", {cookie}});
  EXPECT_EQ(c.writes.acked, 1u);
  ASSERT_EQ(c.step, Step::read);
  req.clear();
  logic.build_request(5, c, "h:1", req);
  EXPECT_NE(req.find("Cookie: sessdemo_sid=S1\r\n"), std::string::npos);
  auto o1 = logic.apply(5, c, Step::read,
                        Answer{200, std::string(sessdemo::page::name_marker) + "rX-c5-w1<", {}});
  EXPECT_EQ(o1.verdict, Verdict::hit);
  auto o2 =
      logic.apply(5, c, Step::read, Answer{200, std::string(sessdemo::page::no_name_marker), {}});
  EXPECT_EQ(o2.verdict, Verdict::miss);
  EXPECT_EQ(c.step, Step::write);  // renamed after 2 reads
  auto err = logic.apply(5, c, Step::read, Answer{0, "", {}});
  EXPECT_TRUE(err.error);
  EXPECT_FALSE(err.verdict);  // an error is never a miss
}

TEST(Scenario, CounterTracksAcknowledgedIncrements) {
  LoadOptions o;
  o.scenario = Scenario::counter;
  ScenarioLogic logic(o, "r");
  Client c;
  c.step = logic.first_step();
  std::string req;
  logic.build_request(0, c, "h", req);
  EXPECT_EQ(req.rfind("POST /api/session/visits", 0), 0u);
  logic.apply(0, c, Step::counter_setup, Answer{200, R"({"visits":1})", {"sessdemo_sid=Q"}});
  EXPECT_EQ(c.step, Step::increment);
  logic.build_request(0, c, "h", req);
  logic.apply(0, c, Step::increment, Answer{503, "", {}});
  EXPECT_EQ(c.acked_increments, 1);
  EXPECT_EQ(c.sent_increments, 2);
  c.step = Step::final_read;
  logic.apply(0, c, Step::final_read, Answer{200, R"({"instance":"a","visits": 7})", {}});
  EXPECT_EQ(c.final_value, 7);
}
