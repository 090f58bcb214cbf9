#include "loadgen/http/user_headers.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

namespace {
std::string refused(std::vector<std::string> raw) {
  auto r = parse_user_headers(raw);
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}
}  // namespace

TEST(UserHeaders, SentAsGivenWithHostAndCookieApart) {
  auto r = parse_user_headers(
      {"X-Api-Key:  k1 ", "Host: staging", "Cookie: a=1", "cookie: b=2", "Accept: */*"});
  ASSERT_TRUE(std::holds_alternative<UserHeaders>(r));
  auto& u = std::get<UserHeaders>(r);
  EXPECT_EQ(u.lines, "X-Api-Key: k1\r\nAccept: */*\r\n");
  EXPECT_EQ(u.host, "staging");
  EXPECT_EQ(u.cookie, "a=1; b=2");
}

TEST(UserHeaders, WhatWouldBreakTheFramingIsRefused) {
  EXPECT_NE(refused({"NoColon"}).find("'Name: value'"), std::string::npos);
  EXPECT_NE(refused({": x"}).find("'Name: value'"), std::string::npos);
  EXPECT_NE(refused({"Bad Name: x"}).find("not allowed"), std::string::npos);
  EXPECT_NE(refused({"X: a\r\nInjected: 1"}).find("line break"), std::string::npos);
  EXPECT_NE(refused({"content-length: 3"}).find("frames requests itself"), std::string::npos);
  EXPECT_NE(refused({"Transfer-Encoding: chunked"}).find("frames requests itself"),
            std::string::npos);
  EXPECT_NE(refused({"Connection: close"}).find("frames requests itself"), std::string::npos);
  EXPECT_NE(refused({"Host:"}).find("empty Host"), std::string::npos);
}
