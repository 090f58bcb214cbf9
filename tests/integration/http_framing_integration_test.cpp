// The tester's HTTP/1.1 client where framing decides whose answer is whose: interim answers
// skipped, bytes that belong to no request refused, and a verdict that never passes on nothing.
// Each broken server puts another visitor's name in the bytes that belong to no request, so an
// answer given to the wrong request would show as a foreign read.
#include <gtest/gtest.h>

#include "tests/support/fake_servers.hpp"
#include "tests/support/framework_apps.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;

// `serve` answers 100 Continue before the real answer when asked: no foreign read.
TEST(HttpFraming, ExpectContinueAgainstServe) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto r = run_load({"--instances", addresses(inst), "--clients", "20", "--requests", "1500",
                     "--duration", "5s", "-H", "Expect: 100-continue", "--rename-every", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("foreign"), 0);
  EXPECT_EQ(r.total_of("errors"), 0);
  EXPECT_GT(r.total_of("hits"), 100);
}

// The correct cookie app passes; it is the base of the broken ones below.
TEST(HttpFraming, TheCookieAppPasses) {
  FakeServer s(FakeServer::Mode::cookie_app);
  auto r = run_load({"--instances", s.address(), "--clients", "4", "--requests", "200",
                     "--duration", "5s", "--min-crossing", "0"});  // one server: nothing to cross
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_GT(r.total_of("hits"), 20);
}

// A second answer right behind each one: a protocol error, the connection closed, no answer
// handed to the next request.
TEST(HttpFraming, BytesPastTheAnswerAreAProtocolError) {
  FakeServer s(FakeServer::Mode::trailing_junk);
  auto r = run_load_with_log(
      {"--instances", s.address(), "--clients", "4", "--requests", "200", "--duration", "5s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.total_of("foreign"), 0) << r.out;
  EXPECT_GT(r.errors_of("protocol"), 0) << r.out;
  EXPECT_NE(r.err.find("bytes past the end of the answer"), std::string::npos) << r.err;
}

// An answer sent while no request was outstanding (the connection idle through the think
// time): found before the next request goes out, a protocol error. (Bytes that arrive while a
// request is outstanding are its answer as far as HTTP/1.1 can tell, so the test keeps the
// requests apart: one client, a think time, no redirect followed at once.)
TEST(HttpFraming, BytesOnAnIdleConnectionAreAProtocolError) {
  FakeServer s(FakeServer::Mode::unasked);
  auto r = run_load_with_log({"--instances", s.address(), "--clients", "1", "--think", "200ms",
                              "--requests", "20", "--duration", "10s", "--max-redirects", "0"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.total_of("foreign"), 0) << r.out;
  EXPECT_GT(r.errors_of("protocol"), 0) << r.out;
  EXPECT_NE(r.err.find("while no request was outstanding"), std::string::npos) << r.err;
}

// Pages without the instance header on an address whose other answers have it (a balancer's
// cache, its own 502) are the address's own row, never charged to the instance seen last.
TEST(HttpFraming, AnswersWithoutTheInstanceHeaderAreTheAddresssOwnRow) {
  FakeServer s(FakeServer::Mode::unnamed_pages);
  auto r = run_load(
      {"--instances", s.address(), "--clients", "4", "--requests", "300", "--duration", "5s"});
  const auto& rows = r.json.at("instances").as_object();
  ASSERT_TRUE(rows.contains("fake")) << r.out;
  std::string unnamed = s.address() + " (no X-Instance-Id)";
  ASSERT_TRUE(rows.contains(unnamed)) << r.out;
  auto requests = [&](const std::string& row) {
    return rows.at(row).at("requests").to_number<std::int64_t>();
  };
  EXPECT_GT(requests(unnamed), 50);
  EXPECT_GT(requests("fake"), 2 * requests(unnamed) - 50);
  // Before the address has named any instance, an unnamed answer is the address's plain row.
  std::int64_t before = rows.contains(s.address()) ? requests(s.address()) : 0;
  EXPECT_LE(before, 4);
  EXPECT_EQ(requests("fake") + requests(unnamed) + before, r.total_of("requests"));
}

// An unasked 101 is no interim answer to skip: a protocol error.
TEST(HttpFraming, AnUnasked101IsAProtocolError) {
  FakeServer s(FakeServer::Mode::switching);
  auto r = run_load(
      {"--instances", s.address(), "--clients", "4", "--requests", "100", "--duration", "5s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.total_of("foreign"), 0);
  EXPECT_EQ(r.errors_of("protocol"), r.total_of("errors"));
  EXPECT_GT(r.total_of("errors"), 0);
}

// Every page refused and --max-error-rate 1: nothing was judged, so the run fails, and says so.
TEST(HttpFraming, ARunThatJudgedNothingFails) {
  FakeServer s(FakeServer::Mode::status_404);
  auto r = run_load({"--instances", s.address(), "--clients", "4", "--requests", "100",
                     "--duration", "5s", "--max-error-rate", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("nothing judged: 0 reads"), std::string::npos) << r.out;
  for (const auto& c : r.json.at("checks").as_array())
    if (c.at("name").as_string() == "miss rate") {
      EXPECT_FALSE(c.at("passed").as_bool());
    }
}

// A --csrf-field that names no input on the page is said once, with the page and the name; the
// first failure of each kind is logged with its request, status and body.
TEST(HttpFraming, WhatCannotBeFoundIsSaidOnce) {
  auto pair = app_pair(Flavor::unquoted, true);
  auto r = run_load_with_log({"--instances", pair.addresses(), "--clients", "4", "--requests",
                              "100", "--duration", "5s", "--csrf-field", "authenticity_token"});
  EXPECT_EQ(r.exit_code, 0) << r.out;  // the token is a plain field of the form, sent as it is
  auto said = r.err.find("no input named 'authenticity_token'");
  ASSERT_NE(said, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("no input named 'authenticity_token'", said + 1), std::string::npos)
      << "said once";
  EXPECT_NE(r.err.find("on /"), std::string::npos);
  // A form without the name field: said, and the fallback write's refusal logged with its body.
  auto r2 = run_load_with_log({"--instances", pair.addresses(), "--clients", "4", "--requests",
                               "100", "--duration", "5s", "--name-field", "nickname"});
  EXPECT_NE(r2.err.find("no <form> with an input named 'nickname' on /"), std::string::npos)
      << r2.err;
  EXPECT_NE(r2.err.find("first http_4xx error from app-"), std::string::npos) << r2.err;
  EXPECT_NE(r2.err.find("POST / answered 404: no such page"), std::string::npos) << r2.err;
}
