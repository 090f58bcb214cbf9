#include "common/endpoint.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;

namespace {
std::vector<Endpoint> ok(std::string_view text, bool url = false) {
  auto r = parse_endpoints(text, url);
  EXPECT_TRUE(std::holds_alternative<std::vector<Endpoint>>(r)) << text;
  return std::holds_alternative<std::vector<Endpoint>>(r) ? std::get<0>(r)
                                                          : std::vector<Endpoint>{};
}
std::string err(std::string_view text, bool url = false) {
  auto r = parse_endpoints(text, url);
  return std::holds_alternative<std::string>(r) ? std::get<1>(r) : "";
}
}  // namespace

TEST(Endpoints, ParsesLists) {
  auto v = ok("127.0.0.1:11211, localhost:2,[::1]:80");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], (Endpoint{"127.0.0.1", 11211}));
  EXPECT_EQ(v[1], (Endpoint{"localhost", 2}));
  EXPECT_EQ(v[2], (Endpoint{"::1", 80}));
  EXPECT_EQ(v[2].to_string(), "[::1]:80");
}

TEST(Endpoints, AcceptsUrlsWhenAsked) {
  auto v = ok("http://127.0.0.1:8080/,http://[::1]:9,https://shop.example:443", true);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].port, 8080);
  EXPECT_FALSE(v[0].tls);
  EXPECT_EQ(v[2], (Endpoint{"shop.example", 443, true}));
  EXPECT_NE(err("http://127.0.0.1:8080"), "");  // not without allow_url
}

TEST(Endpoints, ExplainsErrors) {
  EXPECT_NE(err("").find("empty"), std::string::npos);
  EXPECT_NE(err("127.0.0.1").find("no :PORT"), std::string::npos);
  EXPECT_NE(err("127.0.0.1:0").find("invalid port"), std::string::npos);
  EXPECT_NE(err("127.0.0.1:70000").find("invalid port"), std::string::npos);
  EXPECT_NE(err("127.0.0.1:8x").find("invalid port"), std::string::npos);
  EXPECT_NE(err("a:1,,b:2").find("empty"), std::string::npos);
  EXPECT_NE(err("::1:80").find("brackets"), std::string::npos);
  EXPECT_NE(err(":80").find("no host"), std::string::npos);
  EXPECT_NE(err("https://a:1"), "");  // not without allow_url
}

// Found by the fuzzer (tests/fuzz/duration_endpoint_fuzz.cpp): "[[\0]:8082" was taken as the
// host "[\0", which printed back as an address that no longer parsed. Hosts are names, IPv4
// or bracketed IPv6 (with an optional zone) only.
TEST(Endpoints, HostsOfOtherCharactersAreRefused) {
  using namespace std::string_literals;
  EXPECT_NE(err("1:8081,[[\0]:8082"s).find("invalid host"), std::string::npos);
  EXPECT_NE(err("[::1]]:80").find("not [IPv6]:PORT"), std::string::npos);
  EXPECT_NE(err("[abc]:80").find("invalid host"), std::string::npos);
  EXPECT_NE(err("a\tb:80").find("invalid host"), std::string::npos);
  EXPECT_NE(err("user@host:80").find("invalid host"), std::string::npos);
  auto v = ok("[fe80::1%eth0]:80,my-host_1.example:9");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].host, "fe80::1%eth0");
  for (const auto& ep : v) EXPECT_EQ(ok(ep.to_string())[0], ep);
}
