#include "sessions/session.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;

TEST(SessionEncoding, RoundTripWithName) {
  Session s{std::string("Zoë \"<b>\" &amp; line2"), 42, 1700000000, 1700000100, 7, 3, ""};
  auto d = decode_session(encode_session(s));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, s.name);
  EXPECT_EQ(d->visits, 42);
  EXPECT_EQ(d->created, 1700000000);
  EXPECT_EQ(d->refreshed, 1700000100);
  EXPECT_EQ(d->version, 7u);
  EXPECT_EQ(d->write_tag, 3u);
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
  std::string good = encode_session(Session{std::string("abc"), 1, 2, 3, 4, 0, ""});
  EXPECT_FALSE(decode_session(""));
  EXPECT_FALSE(decode_session("garbage"));
  EXPECT_FALSE(decode_session("sd2 " + good.substr(4)));
  EXPECT_FALSE(decode_session(good.substr(0, good.size() - 1)));  // truncated name
  EXPECT_FALSE(decode_session(good + "x"));                       // trailing bytes
  EXPECT_FALSE(decode_session("sd1 x 1 2 3 -\n"));
  EXPECT_FALSE(decode_session("sd1 1 2 3 4 0 -\nextra"));
  EXPECT_FALSE(decode_session("sd1 1 2 3 4 -\n"));  // write tag missing
  EXPECT_FALSE(decode_session("sd1 1 2 3 4 99999999999999999999999\nabc"));
  EXPECT_TRUE(decode_session(good));
}

// serve --csrf keeps the session's token in the value: sd2, and sd1 without one (so instances
// without --csrf still read every session that has none).
TEST(SessionEncoding, CsrfTokenRoundTripAndFormats) {
  Session s{std::string("Ann"), 2, 1700000000, 1700000100, 5, 0, ""};
  EXPECT_EQ(encode_session(s).rfind("sd1 ", 0), 0u);
  s.csrf = "AbCdEfGhIjKlMnOpQrStU-_";
  auto bytes = encode_session(s);
  EXPECT_EQ(bytes.rfind("sd2 5 1700000000 1700000100 2 0 AbCdEfGhIjKlMnOpQrStU-_ 3\n", 0), 0u)
      << bytes;
  auto d = decode_session(bytes);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->csrf, s.csrf);
  EXPECT_EQ(d->name, s.name);
  EXPECT_FALSE(decode_session("sd2 1 2 3 4 0 bad!token -\n"));
  EXPECT_FALSE(decode_session("sd2 1 2 3 4 0  -\n"));
  EXPECT_FALSE(decode_session("sd2 1 2 3 4 0 -\n"));  // the token is missing
}

TEST(Session, ATombstoneKeepsItsVersionAndOrigin) {
  Session t;
  t.ended = true;
  t.version = 42;
  t.write_tag = 7;
  auto bytes = encode_session(t);
  EXPECT_EQ(bytes, "sd0 42 7\n");
  auto back = decode_session(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->ended);
  EXPECT_EQ(back->version, 42u);
  EXPECT_EQ(back->write_tag, 7u);
  EXPECT_FALSE(decode_session("sd0 42 7").has_value());
  EXPECT_FALSE(decode_session("sd0 42 7\nx").has_value());
  EXPECT_FALSE(decode_session("sd0 -1 7\n").has_value());
  EXPECT_FALSE(decode_session("sd1 42 7\n").has_value());
}

// Decoded numbers and names are untrusted input: out of range is corrupt, never arithmetic.
TEST(SessionEncoding, OutOfRangeFieldsAndBadNamesAreCorrupt) {
  EXPECT_TRUE(decode_session(
      "sd1 5 1700000000 1700000000 9007199254740992 0 -\n"));  // 2^53 visits: the most
  EXPECT_FALSE(decode_session("sd1 5 1700000000 1700000000 9223372036854775807 0 -\n"));
  EXPECT_FALSE(decode_session("sd1 5 1700000000 1700000000 -1 0 -\n"));
  EXPECT_FALSE(
      decode_session("sd1 18446744073709551615 1 1 0 0 -\n"));  // a version that cannot be followed
  EXPECT_FALSE(decode_session("sd0 18446744073709551615 0\n"));
  EXPECT_FALSE(decode_session("sd1 1 -9223372036854775808 1 0 0 -\n"));
  EXPECT_FALSE(decode_session("sd1 1 9223372036854775807 1 0 0 -\n"));
  EXPECT_FALSE(decode_session("sd1 1 1 1 0 0 2\n\xc3("));  // not UTF-8
  EXPECT_FALSE(
      decode_session("sd1 1 1 1 0 0 3\na\x1b"
                     "b"));  // a control character
  EXPECT_FALSE(
      decode_session("sd1 1 1 1 0 0 2\n\x7f"
                     "a"));
  EXPECT_TRUE(decode_session("sd1 1 1 1 0 0 2\n\xc3\xa9"));
}
