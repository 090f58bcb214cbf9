#include "loadgen/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include "common/page_contract.hpp"
#include "tests/support/capture.hpp"

using namespace sessdemo::loadgen;

namespace {
// The completion a read's answer makes of its operation, as the checker gets it: "ok NAME",
// "ok " (no name shown), "fail ".
std::string shown_by(const ScenarioLogic& logic, Client& c, const Answer& a, const Outcome& o,
                     std::uint32_t id) {
  c.hist_open = OpF::read;
  auto e = logic.history_end(id, c, OpF::read, a, o, true);
  if (!e) return "none";
  return std::string(to_string(e->type)) + " " + std::string(e->text.view());
}
}  // namespace

TEST(Scenario, VisitStepsAndRequests) {
  LoadOptions o;
  o.rename_every = 2;
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = logic.first_step();
  std::string req;
  EXPECT_EQ(logic.build_request(5, c, "h:1", req), Kind::home);
  EXPECT_EQ(req.rfind("GET / HTTP/1.1\r\nHost: h:1\r\n", 0), 0u);
  logic.apply(5, c, Step::home, Answer{.status = 200, .body = "home"});
  ASSERT_EQ(c.step, Step::write);
  req.clear();
  EXPECT_EQ(logic.build_request(5, c, "h:1", req), Kind::write);
  EXPECT_NE(req.find("\r\n\r\nname=rX-c5-w1"), std::string::npos);
  // A failed write is retried and leaves nothing acknowledged.
  logic.apply(5, c, Step::write, Answer{.status = 503, .body = ""});
  EXPECT_EQ(c.step, Step::write);
  EXPECT_EQ(c.writes.acked, 0u);
  std::string cookie = "sessdemo_sid=S1; Path=/";
  logic.apply(5, c, Step::write, Answer{.status = 303, .body = "", .set_cookies = {cookie}});
  EXPECT_EQ(c.writes.acked, 1u);
  ASSERT_EQ(c.step, Step::read);
  req.clear();
  logic.build_request(5, c, "h:1", req);
  EXPECT_NE(req.find("Cookie: sessdemo_sid=S1\r\n"), std::string::npos);
  // What each read showed goes to the checker as its completed operation.
  const std::string page1 = std::string(sessdemo::page::name_marker) + "rX-c5-w1<";
  Answer a1{200, page1, {}};
  auto o1 = logic.apply(5, c, Step::read, a1);
  EXPECT_EQ(shown_by(logic, c, a1, o1, 5), "ok rX-c5-w1");
  const std::string page2(sessdemo::page::no_name_marker);
  Answer a2{200, page2, {}};
  auto o2 = logic.apply(5, c, Step::read, a2);
  EXPECT_EQ(shown_by(logic, c, a2, o2, 5), "ok ");
  EXPECT_EQ(c.step, Step::write);  // renamed after 2 reads
  Answer a3{0, "", {}};
  auto err = logic.apply(5, c, Step::read, a3);
  EXPECT_TRUE(err.error);
  EXPECT_EQ(shown_by(logic, c, a3, err, 5), "fail ");  // an error is never a miss
  // A 401: the app no longer knows the visitor, a lost session (a read of no name), no error.
  c.step = Step::read;
  Answer a4{401, "{\"error\":\"log in\"}", {}};
  auto lost = logic.apply(5, c, Step::read, a4);
  EXPECT_FALSE(lost.error);
  EXPECT_EQ(shown_by(logic, c, a4, lost, 5), "ok ");
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
  logic.apply(0, c, Step::counter_setup,
              Answer{.status = 200, .body = R"({"visits":1})", .set_cookies = {"sessdemo_sid=Q"}});
  EXPECT_EQ(c.step, Step::increment);
  logic.build_request(0, c, "h", req);
  logic.apply(0, c, Step::increment, Answer{.status = 503, .body = ""});
  EXPECT_EQ(c.acked_increments, 1);
  EXPECT_EQ(c.sent_increments, 2);
  c.step = Step::final_read;
  logic.apply(0, c, Step::final_read,
              Answer{.status = 200, .body = R"({"instance":"a","visits": 7})"});
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
  logic.apply(3, c, Step::write, Answer{.status = 200, .body = "{}", .set_cookies = {cookie}});
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
              Answer{.status = 200,
                     .body = "<form><input type=\"hidden\" name=\"tok\" value=\"a&amp;b-1\"><input "
                             "name=n></form>"});
  EXPECT_EQ(c.csrf_token, "a&b-1");
  ASSERT_EQ(c.step, Step::write);
  std::string req;
  logic.build_request(1, c, "h", req);
  EXPECT_NE(req.find("name=rX-c1-w1&tok=a%26b-1"), std::string::npos) << req;
  // A refused token is a csrf error, and the page is fetched again before the next write.
  auto refused = logic.apply(1, c, Step::write, Answer{.status = 403, .body = ""});
  EXPECT_TRUE(refused.error);
  EXPECT_EQ(refused.error_kind, ErrorKind::csrf);
  EXPECT_EQ(c.step, Step::home);
  // So is an expired one refused as Flask-WTF (400), Laravel (419) or Rails (422) refuse it.
  for (int status : {400, 419, 422}) {
    c.step = Step::write;
    auto expired = logic.apply(1, c, Step::write, Answer{.status = status, .body = ""});
    EXPECT_EQ(expired.error_kind, ErrorKind::csrf) << status;
    EXPECT_EQ(c.step, Step::home) << status;
  }
  logic.apply(1, c, Step::home, Answer{.status = 200, .body = "<input name='tok' value='t2'>"});
  logic.apply(1, c, Step::write, Answer{.status = 303, .body = ""});
  ASSERT_EQ(c.step, Step::read);
  logic.apply(1, c, Step::read, Answer{.status = 200, .body = ""});
  EXPECT_EQ(c.step, Step::write);  // the page is read again only after a refusal
  // JSON writes send it as the header.
  o.write = LoadOptions::Write::json;
  c.step = Step::write;
  req.clear();
  logic.build_request(1, c, "h", req);
  EXPECT_NE(req.find("\r\nX-CSRF-Token: t2\r\n"), std::string::npos) << req;
}

TEST(Scenario, ClientsThatGotTheSameFormShareOneCopyAndKeepTheirOwnTokens) {
  LoadOptions o;
  o.csrf_field = "tok";
  ScenarioLogic logic(o, "rX");
  std::string filler(8000, 'f');  // what each client would keep 8 KB of
  auto home = [&](std::string_view token) {
    return "<form method=post action=/save><input type=hidden name=tok value=" +
           std::string(token) + "><input type=hidden name=big value=" + filler +
           "><input name=name></form>";
  };
  Client a, b, other;
  std::string page_a = home("ta"), page_b = home("tb");
  logic.apply(1, a, Step::home, Answer{.status = 200, .body = page_a});
  logic.apply(2, b, Step::home, Answer{.status = 200, .body = page_b});
  filler = "g";
  std::string page_other = home("tc");
  logic.apply(3, other, Step::home, Answer{.status = 200, .body = page_other});
  ASSERT_TRUE(a.form && b.form && other.form);
  EXPECT_EQ(a.form.get(), b.form.get());  // one copy of the 8 KB form for both
  EXPECT_NE(a.form.get(), other.form.get());
  std::string req_a, req_b;
  logic.build_request(1, a, "h", req_a);
  logic.build_request(2, b, "h", req_b);
  EXPECT_EQ(req_a.rfind("POST /save HTTP/1.1", 0), 0u);
  EXPECT_NE(req_a.find("tok=ta&big="), std::string::npos) << req_a.substr(0, 300);
  EXPECT_NE(req_b.find("tok=tb&big="), std::string::npos);
  EXPECT_EQ(req_b.find("tok=ta"), std::string::npos);
}

TEST(Scenario, AHomePagePastTheParseBoundsIsAProtocolErrorAndReadAgain) {
  LoadOptions o;
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = Step::home;
  std::string page = "<form>";
  for (int i = 0; i < 1100; ++i) page += "<input name=a>";
  page += "<input name=name></form>";
  auto out = logic.apply(1, c, Step::home, Answer{.status = 200, .body = page});
  EXPECT_TRUE(out.error);
  EXPECT_EQ(out.error_kind, ErrorKind::protocol);
  EXPECT_EQ(c.step, Step::home);
  EXPECT_FALSE(c.form);
  out = logic.apply(1, c, Step::home,
                    Answer{.status = 200, .body = "<form><input name=name></form>"});
  EXPECT_FALSE(out.error);
  EXPECT_EQ(c.step, Step::write);
}

// Sinatra and Rails redirect to absolute URLs of the instance that answered: no warning of
// another origin; a Location that names another host gets it, once.
TEST(Scenario, AnAbsoluteRedirectToTheAnsweringInstanceIsNoOtherOrigin) {
  LoadOptions o;
  ScenarioLogic logic(o, "rX");
  sessdemo::test::LogCapture log;
  Client c;
  c.step = Step::write;
  std::string req;
  logic.build_request(1, c, "127.0.0.1:27380", req);
  Answer same{303, "", {}};
  same.location = "http://127.0.0.1:27380/details";
  same.authority = "127.0.0.1:27380";
  logic.apply(1, c, Step::write, same);
  EXPECT_EQ(c.step, Step::follow);
  EXPECT_EQ(c.next.path, "/details");
  EXPECT_EQ(log.said().find("another origin"), std::string::npos) << log.said();
  Client d;
  d.step = Step::write;
  logic.build_request(2, d, "127.0.0.1:27380", req);
  Answer other = same;
  other.location = "http://www.example.test/details";
  logic.apply(2, d, Step::write, other);
  EXPECT_NE(log.said().find("a redirect to another origin (http://www.example.test)"),
            std::string::npos)
      << log.said();
}

// What the page has that the options do not take is named: the forms' inputs when none holds
// --name-field, the flag for a token when writes are refused and no token option is in use.
TEST(Scenario, HintsNameWhatThePageHas) {
  LoadOptions o;
  ScenarioLogic logic(o, "rX");
  sessdemo::test::LogCapture log;
  Client c;
  c.step = Step::home;
  c.request_path = "/";
  logic.apply(
      1, c, Step::home,
      Answer{
          .status = 200,
          .body =
              "<head><meta name=csrf-token content=abc123></head><form method=post action=/login>"
              "<input name=user><input name=pass type=password></form><form><input "
              "name=q></form>"});
  EXPECT_NE(log.said().find("its forms: POST /login: user, pass; GET (this page): q"),
            std::string::npos)
      << log.said();
  ASSERT_EQ(c.step, Step::write);
  std::string req;
  logic.build_request(1, c, "h", req);
  auto refused = logic.apply(1, c, Step::write, Answer{.status = 403, .body = ""});
  EXPECT_EQ(refused.error_kind, ErrorKind::http_4xx);
  EXPECT_NE(log.said().find("writes are refused (403) and the page carries a token: try "
                            "--csrf-meta csrf-token (on /)"),
            std::string::npos)
      << log.said();
}

// What the tester does without a word otherwise: a form posting to another origin goes to the
// same path on the instance (said once); a token cookie too long to use is said too.
TEST(Scenario, AFormToAnotherOriginAndAnUnusableTokenCookieAreSaid) {
  LoadOptions o;
  ScenarioLogic logic(o, "rX");
  sessdemo::test::LogCapture log;
  Client c;
  c.step = Step::home;
  c.request_path = "/";
  Answer home{
      200, "<form method=post action='https://elsewhere.test/save'><input name=name></form>", {}};
  home.authority = "127.0.0.1:8080";
  logic.apply(1, c, Step::home, home);
  EXPECT_NE(log.said().find("a form of / posts to another origin (https://elsewhere.test)"),
            std::string::npos)
      << log.said();
  std::string req;
  logic.build_request(1, c, "127.0.0.1:8080", req);
  EXPECT_EQ(req.rfind("POST /save HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n", 0), 0u) << req;

  LoadOptions oc;
  oc.csrf_cookie = "XSRF-TOKEN";
  oc.write = LoadOptions::Write::json;
  ScenarioLogic cookie_logic(oc, "rX");
  Client d;
  d.step = Step::write;
  d.jar.apply_set_cookie("XSRF-TOKEN=" + std::string(300, 't') + "; Path=/");
  req.clear();
  cookie_logic.build_request(2, d, "h", req);
  EXPECT_EQ(req.find("X-CSRF-Token"), std::string::npos) << req;
  EXPECT_NE(log.said().find("the cookie 'XSRF-TOKEN' holds no usable token (300 bytes"),
            std::string::npos)
      << log.said();
}

TEST(Scenario, HiddenInputValues) {
  EXPECT_EQ(hidden_input_value("<input name=\"a\" value=\"1\"><input name=\"b\" value=\"2\">", "b"),
            "2");
  EXPECT_EQ(
      hidden_input_value("<input data-name=\"b\" value=\"x\"><input value='3' name='b'>", "b"),
      "3");
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
  EXPECT_EQ(kind(Answer{.status = 404, .body = ""}), ErrorKind::http_4xx);
  EXPECT_EQ(kind(Answer{.status = 403, .body = ""}, Step::write),
            ErrorKind::http_4xx);  // no token was sent
  EXPECT_EQ(kind(Answer{.status = 503, .body = ""}), ErrorKind::http_5xx);
  EXPECT_EQ(kind(Answer{.status = 101, .body = ""}), ErrorKind::protocol);
  EXPECT_EQ(kind(Answer{.status = 0, .body = "", .failure = ErrorKind::timeout}),
            ErrorKind::timeout);
  EXPECT_EQ(kind(Answer{.status = 0, .body = "", .failure = ErrorKind::connect}),
            ErrorKind::connect);
  Client c;
  EXPECT_FALSE(logic.apply(1, c, Step::read, Answer{.status = 200, .body = ""}).error);
}

namespace {
Answer redirect_to(int status, std::string_view location) {
  return Answer{.status = status, .body = "", .location = location};
}
}  // namespace

// A form write answered 303: acknowledged there, then a GET of Location, whose page is judged
// when it is the Details page.
TEST(Scenario, RedirectsAfterAWriteAreFollowedAndTheLandingPageJudged) {
  LoadOptions o;
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = Step::home;
  std::string req;
  logic.build_request(2, c, "h:1", req);
  logic.apply(
      2, c, Step::home,
      Answer{.status = 200, .body = "<form method=post action=save><input name=name></form>"});
  req.clear();
  logic.build_request(2, c, "h:1", req, true);
  EXPECT_EQ(req.rfind("POST /save HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\nOrigin: https://h:1\r\nReferer: https://h:1/\r\n"), std::string::npos)
      << req;
  auto o1 = logic.apply(2, c, Step::write, redirect_to(303, "details"));
  EXPECT_FALSE(o1.error);
  EXPECT_EQ(c.writes.acked, 1u);
  ASSERT_EQ(c.step, Step::follow);
  EXPECT_TRUE(ScenarioLogic::continues(c));
  req.clear();
  EXPECT_EQ(logic.build_request(2, c, "h:1", req), Kind::redirect);
  EXPECT_EQ(req.rfind("GET /details HTTP/1.1\r\n", 0), 0u) << req;
  const std::string details = std::string(sessdemo::page::name_marker) + "rX-c2-w1<";
  Answer page{200, details, {}};
  auto landing = logic.apply(2, c, Step::follow, page);
  EXPECT_EQ(landing.kind, Kind::redirect);
  EXPECT_EQ(shown_by(logic, c, page, landing, 2), "ok rX-c2-w1");
  EXPECT_EQ(c.step, Step::read);
}

// 307 keeps the method and body and acknowledges nothing until the final answer; hops past
// --max-redirects are a protocol error.
TEST(Scenario, TemporaryRedirectsKeepTheMethodAndHopsAreBounded) {
  LoadOptions o;
  o.write = LoadOptions::Write::json;
  o.max_redirects = 2;
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = Step::write;
  std::string req;
  logic.build_request(1, c, "h", req);
  logic.apply(1, c, Step::write, redirect_to(307, "/v2/session"));
  EXPECT_EQ(c.writes.acked, 0u);
  req.clear();
  logic.build_request(1, c, "h", req);
  EXPECT_EQ(req.rfind("PUT /v2/session HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("{\"name\":\"rX-c1-w1\"}"), std::string::npos) << req;
  sessdemo::test::LogCapture log;
  logic.apply(1, c, Step::follow, redirect_to(308, "/v3"));
  auto too_many = logic.apply(1, c, Step::follow, redirect_to(308, "/v4"));
  EXPECT_TRUE(too_many.error);
  EXPECT_EQ(too_many.error_kind, ErrorKind::protocol);
  // The request that started the chain is named, and the last hop beside it.
  EXPECT_NE(log.said().find("more than 2 redirects from /api/session (the last to /v2/session;"),
            std::string::npos)
      << log.said();
  EXPECT_EQ(c.step, Step::write);  // sent again
  EXPECT_EQ(c.writes.acked, 0u);
}

// --login-path: the login form first, then Home; a read sent to the login page is a miss and
// the next write logs in again.
TEST(Scenario, LoginFirstAndALostSessionLogsInAgain) {
  LoadOptions o;
  o.login_path = "/login";
  o.login_fields = {{"user", "u{client}"}, {"password", "pw"}};
  o.rename_every = 1;
  ScenarioLogic logic(o, "rX");
  Client c;
  c.step = logic.first_step();
  ASSERT_EQ(c.step, Step::login_page);
  std::string req;
  logic.build_request(7, c, "h", req);
  logic.apply(7, c, Step::login_page,
              Answer{.status = 200,
                     .body = "<form method=post><input type=hidden name=t value=k><input name=user>"
                             "<input type=password name=password></form>"});
  ASSERT_EQ(c.step, Step::login_submit);
  req.clear();
  EXPECT_EQ(logic.build_request(7, c, "h", req), Kind::login);
  EXPECT_EQ(req.rfind("POST /login HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\n\r\nt=k&user=u7&password=pw"), std::string::npos) << req;
  logic.apply(7, c, Step::login_submit, redirect_to(302, "/"));
  req.clear();
  logic.build_request(7, c, "h", req);  // the hop: GET /
  EXPECT_EQ(req.rfind("GET / HTTP/1.1\r\n", 0), 0u) << req;
  logic.apply(7, c, Step::follow,
              Answer{.status = 200, .body = "<form method=post><input name=name></form>"});
  EXPECT_TRUE(c.logged_in);
  EXPECT_EQ(c.step, Step::home);
  logic.apply(7, c, Step::home,
              Answer{.status = 200, .body = "<form method=post><input name=name></form>"});
  EXPECT_EQ(c.step, Step::write);
  logic.apply(7, c, Step::write, Answer{.status = 200, .body = ""});
  auto bounce = redirect_to(302, "/login?next=/details");
  auto lost = logic.apply(7, c, Step::read, bounce);
  EXPECT_EQ(shown_by(logic, c, bounce, lost, 7), "ok ");  // a read that showed no name
  EXPECT_FALSE(c.logged_in);
  EXPECT_EQ(c.step, Step::login_page);
  // A login that lands back on the login page is a login error.
  c.step = Step::login_submit;
  auto back = logic.apply(7, c, Step::login_submit, redirect_to(302, "/login"));
  EXPECT_TRUE(back.error);
  EXPECT_EQ(back.error_kind, ErrorKind::login);
}

// Tokens from a <meta> and from a cookie go in the header; the cookie percent-decoded.
TEST(Scenario, MetaAndCookieTokens) {
  LoadOptions o;
  o.write = LoadOptions::Write::json;
  o.csrf_meta = "csrf-token";
  ScenarioLogic meta(o, "rX");
  Client c;
  c.step = Step::home;
  std::string req;
  meta.build_request(1, c, "h", req);
  meta.apply(1, c, Step::home,
             Answer{.status = 200, .body = "<meta name=\"csrf-token\" content=\"m1\">"});
  req.clear();
  meta.build_request(1, c, "h", req);
  EXPECT_NE(req.find("\r\nX-CSRF-Token: m1\r\n"), std::string::npos) << req;
  LoadOptions k;
  k.write = LoadOptions::Write::json;
  k.csrf_cookie = "XSRF-TOKEN";
  k.csrf_header = "X-XSRF-TOKEN";
  ScenarioLogic cookie(k, "rX");
  Client d;
  d.step = Step::home;
  req.clear();
  cookie.build_request(1, d, "h", req);
  std::string set = "XSRF-TOKEN=a%3Db; Path=/";
  cookie.apply(1, d, Step::home, Answer{.status = 200, .body = "", .set_cookies = {set}});
  req.clear();
  cookie.build_request(1, d, "h", req);
  EXPECT_NE(req.find("\r\nX-XSRF-TOKEN: a=b\r\n"), std::string::npos) << req;
}
