#include "sessions/session.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;

TEST(SessionEncoding, RoundTripWithName) {
  Session s{std::string("Zoë \"<b>\" \n line2"), 42, 1700000000, 1700000100, 7, 3};
  auto d = decode_session(encode_session(s));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, s.name);
  EXPECT_EQ(d->visits, 42);
  EXPECT_EQ(d->created, 1700000000);
  EXPECT_EQ(d->refreshed, 1700000100);
  EXPECT_EQ(d->version, 7u);
  EXPECT_EQ(d->origin, 3u);
}

TEST(SessionEncoding, RoundTripWithoutName) {
  Session s;
  s.visits = 3;
  auto d = decode_session(encode_session(s));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->name);
  EXPECT_EQ(d->visits, 3);
}

TEST(SessionEncoding, RejectsCorruptValues) {
  std::string good = encode_session(Session{std::string("abc"), 1, 2, 3, 4, 0});
  EXPECT_FALSE(decode_session(""));
  EXPECT_FALSE(decode_session("garbage"));
  EXPECT_FALSE(decode_session("sd2 " + good.substr(4)));
  EXPECT_FALSE(decode_session(good.substr(0, good.size() - 1)));  // truncated name
  EXPECT_FALSE(decode_session(good + "x"));                        // trailing bytes
  EXPECT_FALSE(decode_session("sd1 x 1 2 3 -\n"));
  EXPECT_FALSE(decode_session("sd1 1 2 3 4 0 -\nextra"));
  EXPECT_FALSE(decode_session("sd1 1 2 3 4 -\n"));  // origin missing
  EXPECT_FALSE(decode_session("sd1 1 2 3 4 99999999999999999999999\nabc"));
  EXPECT_TRUE(decode_session(good));
}
