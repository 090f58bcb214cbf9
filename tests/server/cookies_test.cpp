#include "server/cookies.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;

TEST(Cookies, FindsNamedCookie) {
  EXPECT_EQ(find_cookie("sessdemo_sid=abc", "sessdemo_sid"), "abc");
  EXPECT_EQ(find_cookie("a=1; sessdemo_sid=xyz; b=2", "sessdemo_sid"), "xyz");
  EXPECT_EQ(find_cookie("a=1;sessdemo_sid=\"q\"", "sessdemo_sid"), "q");
  EXPECT_EQ(find_cookie("  sessdemo_sid = v ;", "sessdemo_sid"), "v");
  EXPECT_FALSE(find_cookie("x_sessdemo_sid=1; sessdemo_sidx=2", "sessdemo_sid"));
  EXPECT_FALSE(find_cookie("", "sessdemo_sid"));
  EXPECT_FALSE(find_cookie("novalue; ;;", "sessdemo_sid"));
}

TEST(Cookies, FirstOfDuplicatesWins) {
  EXPECT_EQ(find_cookie("sessdemo_sid=first; sessdemo_sid=second", "sessdemo_sid"), "first");
}

TEST(Cookies, FormatsSessionCookie) {
  EXPECT_EQ(session_cookie("ID", false), "sessdemo_sid=ID; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(session_cookie("ID", true), "sessdemo_sid=ID; Path=/; HttpOnly; SameSite=Lax; Secure");
  auto gone = expired_session_cookie(false);
  EXPECT_EQ(gone.rfind("sessdemo_sid=;", 0), 0u);
  EXPECT_NE(gone.find("Max-Age=0"), std::string::npos);
}
