#include "loadgen/http/cookie_jar.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

TEST(CookieJar, StoresReplacesAndSends) {
  CookieJar jar;
  EXPECT_EQ(jar.cookie_header(), "");
  jar.apply_set_cookie("sessdemo_sid=abc; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(jar.cookie_header(), "sessdemo_sid=abc");
  jar.apply_set_cookie("other=1");
  jar.apply_set_cookie("sessdemo_sid=xyz; Path=/");
  EXPECT_EQ(jar.cookie_header(), "sessdemo_sid=xyz; other=1");
  ASSERT_TRUE(jar.find("other"));
  EXPECT_EQ(*jar.find("other"), "1");
}

TEST(CookieJar, ExpiresCookies) {
  CookieJar jar;
  jar.apply_set_cookie("a=1");
  jar.apply_set_cookie("b=2");
  jar.apply_set_cookie("a=; Path=/; Max-Age=0");
  EXPECT_EQ(jar.cookie_header(), "b=2");
  jar.apply_set_cookie("b=gone; expires=Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_TRUE(jar.empty());
  jar.apply_set_cookie("=nameless");
  jar.apply_set_cookie("garbage");
  EXPECT_TRUE(jar.empty());
}

TEST(CookieJar, JarsAreIndependent) {
  CookieJar a, b;
  a.apply_set_cookie("sessdemo_sid=A");
  EXPECT_TRUE(b.empty());
}

TEST(CookieJar, IsBoundedInCountAndSize) {
  CookieJar jar;
  for (int i = 0; i < 500; ++i) jar.apply_set_cookie("c" + std::to_string(i) + "=v; Path=/");
  EXPECT_NE(jar.find("c49"), nullptr);
  EXPECT_EQ(jar.find("c50"), nullptr) << "more than 50 cookies are not kept";
  jar.apply_set_cookie("c0=" + std::string(10000, 'x'));
  EXPECT_EQ(*jar.find("c0"), "v") << "a cookie over 4 KiB is not kept";
  EXPECT_LT(jar.cookie_header().size(), 50u * 16);
}

// All of a client's cookies are bounded together, not only each one: 8 KiB, what one Cookie
// header of most servers takes.
TEST(CookieJar, TheWholeJarIsBounded) {
  CookieJar jar;
  for (int i = 0; i < 50; ++i)
    jar.apply_set_cookie("c" + std::to_string(i) + "=" + std::string(3000, 'v'));
  EXPECT_LE(jar.cookie_header().size(), CookieJar::max_jar_bytes);
  EXPECT_NE(jar.find("c0"), nullptr);
  EXPECT_NE(jar.find("c1"), nullptr);
  EXPECT_EQ(jar.find("c2"), nullptr) << "the third 3 KB cookie does not fit";
  jar.apply_set_cookie("c0=small");  // replacing one frees its room
  jar.apply_set_cookie("c2=" + std::string(3000, 'v'));
  EXPECT_NE(jar.find("c2"), nullptr);
}
