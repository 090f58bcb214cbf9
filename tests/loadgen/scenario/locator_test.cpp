#include "loadgen/scenario/locator.hpp"

#include <gtest/gtest.h>

namespace sessdemo::loadgen {
namespace {

Locator at(Locator::Kind k, std::string expr, std::string attr = {}) {
  return Locator{k, std::move(expr), std::move(attr)};
}

TEST(Locator, FindsTheElementASelectorNamesNotTheFirstMention) {
  std::string page =
      "<html><body><div class='flash'>Display name changed from rq-1-1 to rq-1-2</div>"
      "<main><p>Your name: <span id=\"name\"> rq-1-2 </span></p>"
      "<form><input name=csrf_token value='tok123'></form></main></body></html>";
  CookieJar jar;
  EXPECT_EQ(locate(at(Locator::Kind::css, "#name"), page, jar), "rq-1-2");
  EXPECT_EQ(locate(at(Locator::Kind::css, "main p span"), page, jar), "rq-1-2");
  EXPECT_EQ(locate(at(Locator::Kind::css, "input[name=csrf_token]", "value"), page, jar), "tok123");
  EXPECT_EQ(locate(at(Locator::Kind::css, "#missing"), page, jar), std::nullopt);
  EXPECT_EQ(locate(at(Locator::Kind::regex, "changed from (\\S+)"), page, jar), "rq-1-1");
}

TEST(Locator, ReadsJsonByPointerAndCookiesFromTheJar) {
  CookieJar jar;
  jar.apply_set_cookie("XSRF-TOKEN=abc; Path=/");
  std::string body = R"({"user":{"name":"rq-2-5","visits":3},"token":null})";
  EXPECT_EQ(locate(at(Locator::Kind::json, "/user/name"), body, jar), "rq-2-5");
  EXPECT_EQ(locate(at(Locator::Kind::json, "/user/visits"), body, jar), "3");
  EXPECT_EQ(locate(at(Locator::Kind::json, "/token"), body, jar), std::nullopt);
  EXPECT_EQ(locate(at(Locator::Kind::json, "/nothing"), body, jar), std::nullopt);
  EXPECT_EQ(locate(at(Locator::Kind::json, "/user"), "not json", jar), std::nullopt);
  EXPECT_EQ(locate(at(Locator::Kind::cookie, "XSRF-TOKEN"), "", jar), "abc");
}

TEST(Locator, RefusesASelectorOrPatternThatCannotBeUsed) {
  EXPECT_EQ(check_locator(at(Locator::Kind::css, "#name")), "");
  EXPECT_NE(check_locator(at(Locator::Kind::css, "p[[")), "");
  EXPECT_NE(check_locator(at(Locator::Kind::regex, "(unclosed")), "");
}

TEST(Locator, AHugeOrDeepPageCostsNoStack) {
  std::string deep(200000, ' ');
  for (std::size_t i = 0; i < 100000; ++i) deep.replace(i * 2, 2, "<b");  // unclosed tags
  CookieJar jar;
  EXPECT_EQ(locate(at(Locator::Kind::css, "#name"), deep + "<i id=name>x</i>", jar), "x");
  std::string huge(max_located_page + 1, 'a');
  EXPECT_EQ(locate(at(Locator::Kind::css, "#name"), huge, jar), std::nullopt);
}

}  // namespace
}  // namespace sessdemo::loadgen
