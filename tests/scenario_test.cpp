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

TEST(Scenario, JsonWritesAndUserHeaders) {
  LoadOptions o;
  o.write = LoadOptions::Write::json;
  o.write_method = "PATCH";
  o.write_path = "/api/v2/me";
  o.name_field = "display\"name";
  o.headers = {"X-Api-Key: k1", "Host: staging.example", "Cookie: a=b"};
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = Step::write;
  std::string req;
  EXPECT_EQ(logic.build_request(3, c, "h:1", req), Kind::write);
  EXPECT_EQ(req.rfind("PATCH /api/v2/me HTTP/1.1\r\nHost: staging.example\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\nX-Api-Key: k1\r\n"), std::string::npos);
  EXPECT_NE(req.find("\r\nCookie: a=b\r\n"), std::string::npos);
  EXPECT_NE(req.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(req.find("\r\n\r\n{\"display\\\"name\":\"rX-c3-w1\"}"), std::string::npos) << req;
  // The client's own cookie first, the user's after it.
  std::string cookie = "sessdemo_sid=S1; Path=/";
  logic.apply(3, c, Step::write, Answer{200, "{}", {cookie}});
  req.clear();
  logic.build_request(3, c, "h:1", req);
  EXPECT_NE(req.find("\r\nCookie: sessdemo_sid=S1; a=b\r\n"), std::string::npos) << req;
}

TEST(Scenario, CsrfTokenFromTheHomePageGoesWithEachWrite) {
  LoadOptions o;
  o.csrf_field = "tok";
  o.rename_every = 1;
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = Step::home;
  logic.apply(1, c, Step::home,
              Answer{200, "<form><input type=\"hidden\" name=\"tok\" value=\"a&amp;b-1\"><input name=n></form>", {}});
  EXPECT_EQ(c.csrf_token, "a&b-1");
  ASSERT_EQ(c.step, Step::write);
  std::string req;
  logic.build_request(1, c, "h", req);
  EXPECT_NE(req.find("name=rX-c1-w1&tok=a%26b-1"), std::string::npos) << req;
  // A refused token is a csrf error, and the page is fetched again before the next write.
  auto refused = logic.apply(1, c, Step::write, Answer{403, "", {}});
  EXPECT_TRUE(refused.error);
  EXPECT_EQ(refused.error_kind, ErrorKind::csrf);
  EXPECT_EQ(c.step, Step::home);
  logic.apply(1, c, Step::home, Answer{200, "<input name='tok' value='t2'>", {}});
  logic.apply(1, c, Step::write, Answer{303, "", {}});
  ASSERT_EQ(c.step, Step::read);
  logic.apply(1, c, Step::read, Answer{200, "", {}});
  EXPECT_EQ(c.step, Step::write);  // the page is read again only after a refusal
  // JSON writes send it as the header.
  o.write = LoadOptions::Write::json;
  c.step = Step::write;
  req.clear();
  logic.build_request(1, c, "h", req);
  EXPECT_NE(req.find("\r\nX-CSRF-Token: t2\r\n"), std::string::npos) << req;
}

TEST(Scenario, HiddenInputValues) {
  EXPECT_EQ(hidden_input_value("<input name=\"a\" value=\"1\"><input name=\"b\" value=\"2\">", "b"), "2");
  EXPECT_EQ(hidden_input_value("<input data-name=\"b\" value=\"x\"><input value='3' name='b'>", "b"), "3");
  EXPECT_EQ(hidden_input_value("<input name=\"b\">", "b"), "");
  EXPECT_EQ(hidden_input_value("<input name=\"b\" value=\"with space\">", "b"), "");  // not a token
  EXPECT_EQ(hidden_input_value("<input name=\"b\" value=\"x\r\nInjected: 1\">", "b"), "");
  EXPECT_EQ(hidden_input_value("no inputs", "b"), "");
  EXPECT_EQ(hidden_input_value("<input name=\"b\" value=\"unclosed", "b"), "");
}

TEST(Scenario, ErrorsHaveOneKindEach) {
  LoadOptions o;
  ScenarioLogic logic(o, "rX");
  auto kind = [&](Answer a, Step step = Step::read) {
    Client c;
    c.step = step;
    auto out = logic.apply(1, c, step, a);
    EXPECT_TRUE(out.error);
    return out.error_kind;
  };
  EXPECT_EQ(kind(Answer{404, "", {}}), ErrorKind::http_4xx);
  EXPECT_EQ(kind(Answer{403, "", {}}, Step::write), ErrorKind::http_4xx);  // no token was sent
  EXPECT_EQ(kind(Answer{503, "", {}}), ErrorKind::http_5xx);
  EXPECT_EQ(kind(Answer{101, "", {}}), ErrorKind::protocol);
  EXPECT_EQ(kind(Answer{0, "", {}, ErrorKind::timeout}), ErrorKind::timeout);
  EXPECT_EQ(kind(Answer{0, "", {}, ErrorKind::connect}), ErrorKind::connect);
  Client c;
  EXPECT_FALSE(logic.apply(1, c, Step::read, Answer{200, "", {}}).error);
}
