#include "sessions/session_id.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

using namespace sessdemo;

TEST(SessionId, LengthAndAlphabet) {
  for (int i = 0; i < 1000; ++i) {
    auto id = new_session_id();
    ASSERT_EQ(id.size(), 22u);
    for (char c : id)
      ASSERT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << id;
    ASSERT_TRUE(is_well_formed_session_id(id)) << id;
  }
}

TEST(SessionId, NoRepeatsOverAMillion) {
  std::unordered_set<std::string> seen;
  seen.reserve(1'000'000);
  for (int i = 0; i < 1'000'000; ++i) ASSERT_TRUE(seen.insert(new_session_id()).second);
}

TEST(SessionId, RejectsMalformed) {
  EXPECT_FALSE(is_well_formed_session_id(""));
  EXPECT_FALSE(is_well_formed_session_id("short"));
  EXPECT_FALSE(is_well_formed_session_id("AAAAAAAAAAAAAAAAAAAAA="));   // padding
  EXPECT_FALSE(is_well_formed_session_id("AAAAAAAAAAAAAAAAAAAA+A"));   // not base64url
  EXPECT_FALSE(is_well_formed_session_id("AAAAAAAAAAAAAAAAAAAAAB"));   // low bits of last set
  EXPECT_FALSE(is_well_formed_session_id("AAAAAAAAAAAAAAAAAAAAAAA"));  // 23 chars
  EXPECT_TRUE(is_well_formed_session_id("AAAAAAAAAAAAAAAAAAAAAQ"));
}
