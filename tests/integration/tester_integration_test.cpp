// The tester against what real deployments need: JSON writes, CSRF tokens, extra headers, and
// errors said by kind. Real memcached and serve processes; broken servers from fake_servers.
#include <gtest/gtest.h>

#include "tests/support/fake_servers.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
std::int64_t kinds_sum(const LoadRun& r) {
  std::int64_t n = 0;
  for (const auto& [k, v] : r.total().at("errors_by_kind").as_object())
    n += v.to_number<std::int64_t>();
  return n;
}
}  // namespace

// --write json: names saved through the JSON API, read back on the Details page of other
// instances; no miss, no error.
TEST(Tester, JsonWritesThroughTheApi) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto r = run_load({"--instances", addresses(inst), "--clients", "30", "--duration", "2s",
                     "--write", "json", "--rename-every", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_EQ(r.total_of("errors"), 0);
  EXPECT_GT(r.total_of("hits"), 100);
  EXPECT_EQ(r.json.at("settings").at("write").as_string(), "json");
  EXPECT_EQ(r.json.at("settings").at("write_method").as_string(), "PUT");
}

// The same JSON writes sent where there is no JSON API (POST to a path that does not take it):
// every write is an http_4xx error, never a miss.
TEST(Tester, JsonWritesToAWrongPathAreHttp4xxErrors) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto r = run_load({"--instances", addresses(inst), "--clients", "10", "--duration", "1s",
                     "--write", "json", "--write-method", "POST", "--write-path", "/details"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.errors_of("http_4xx"), 0);
  EXPECT_EQ(kinds_sum(r), r.total_of("errors"));
  EXPECT_NE(r.out.find("errors by kind:  http_4xx"), std::string::npos) << r.out;
}

// serve --csrf refuses writes without the token; the tester with --csrf-field reads it from the
// Home page and sends it (form field, and header for JSON): no error, no miss.
TEST(Tester, CsrfTokensAreFetchedAndSent) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address(), "--csrf"});
  for (const char* write : {"form", "json"}) {
    auto r = run_load({"--instances", addresses(inst), "--clients", "20", "--duration", "2s",
                       "--write", write, "--csrf-field", "csrf_token", "--rename-every", "2"});
    EXPECT_EQ(r.exit_code, 0) << write << "\n" << r.out;
    EXPECT_EQ(r.total_of("errors"), 0) << write;
    EXPECT_EQ(r.total_of("misses"), 0) << write;
    EXPECT_GT(r.total_of("hits"), 50) << write;
  }
}

// Without --csrf-field the same server refuses every write; the tester knows it sent no token,
// so the refusals are http_4xx errors; with a field name the page does not have, the writes go
// out without a token and their 403s are csrf errors. Never misses.
TEST(Tester, WritesWithoutTheTokenFailAsCsrfErrors) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address(), "--csrf"});
  // The form's hidden token is sent as a browser sends it, unless it is taken out: then every
  // write is refused (no token option in use, so a plain http_4xx), never a miss.
  auto plain = run_load({"--instances", addresses(inst), "--clients", "10", "--duration", "1s",
                         "--form-field", "csrf_token="});
  EXPECT_EQ(plain.exit_code, 1) << plain.out;
  EXPECT_GT(plain.errors_of("http_4xx"), 0);
  EXPECT_EQ(plain.total_of("misses"), 0);
  // A token option that names no input on the page: the JSON writes go without one, and each
  // refusal is a csrf error.
  auto wrong = run_load_with_log({"--instances", addresses(inst), "--clients", "10", "--duration",
                                  "1s", "--write", "json", "--csrf-field", "not_there"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  EXPECT_GT(wrong.errors_of("csrf"), 0);
  EXPECT_EQ(wrong.errors_of("http_4xx"), 0);
  EXPECT_EQ(wrong.total_of("misses"), 0);
  EXPECT_NE(wrong.out.find("csrf"), std::string::npos);
  EXPECT_NE(wrong.err.find("no input named 'not_there'"), std::string::npos) << wrong.err;
  // The plain form with its own hidden token passes.
  auto form = run_load({"--instances", addresses(inst), "--clients", "10", "--duration", "1s"});
  EXPECT_EQ(form.exit_code, 0) << form.out;
}

// -H reaches the server on every request, Host replaced, a user Cookie after the client's own.
TEST(Tester, ExtraHeadersReachTheServer) {
  FakeServer echo(FakeServer::Mode::echo);
  Child c({sessdemo_binary(),
           "load",
           "--instances",
           echo.address(),
           "--scenario",
           "get",
           "--path",
           "/x",
           "--requests",
           "3",
           "--clients",
           "1",
           "-H",
           "X-Api-Key: k123",
           "-H",
           "Host: staging.example",
           "-H",
           "Cookie: extra=1",
           "--json",
           "-",
           "--quiet"});
  auto out = c.read_all(seconds(20));
  EXPECT_EQ(c.wait(seconds(5)), 0) << out;
  // The JSON names the headers, never their values (they may be secrets).
  EXPECT_NE(out.find("\"header_names\":[\"X-Api-Key\",\"Host\",\"Cookie\"]"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("k123"), std::string::npos);
  // What reached the server. The echo server sets sid=1, so from the second request on the
  // client's own cookie comes first and the user's after it.
  EXPECT_GE(echo.requests_seen(), 3u);
  auto last = echo.last_request();
  EXPECT_NE(last.find("\r\nHost: staging.example\r\n"), std::string::npos) << last;
  EXPECT_NE(last.find("\r\nX-Api-Key: k123"), std::string::npos) << last;
  EXPECT_NE(last.find("\r\nCookie: sid=1; extra=1"), std::string::npos) << last;
}

TEST(Tester, BadHeadersAreRefusedAtStart) {
  for (auto bad : {"NoColon", "Content-Length: 5", "Connection: close", "Bad Name: x",
                   "Transfer-Encoding: x"}) {
    Child c({sessdemo_binary(), "load", "--instances", "127.0.0.1:1", "-H", bad}, "/dev/null");
    EXPECT_EQ(c.wait(seconds(10)), 2) << bad;
  }
}

// Every error kind the tester can see over plain HTTP, each from a server broken that way.
TEST(Tester, EachBrokenServerGivesItsErrorKind) {
  struct Case {
    FakeServer::Mode mode;
    const char* kind;
  };
  for (auto [mode, kind] :
       {Case{FakeServer::Mode::silent, "timeout"}, Case{FakeServer::Mode::cut, "reset"},
        Case{FakeServer::Mode::closing, "reset"}, Case{FakeServer::Mode::garbage, "protocol"},
        Case{FakeServer::Mode::status_404, "http_4xx"},
        Case{FakeServer::Mode::status_503, "http_5xx"}}) {
    FakeServer s(mode);
    auto r = run_load(
        {"--instances", s.address(), "--clients", "4", "--duration", "1s", "--timeout", "200ms"});
    EXPECT_EQ(r.exit_code, 1) << kind << "\n" << r.out;
    EXPECT_GT(r.errors_of(kind), 0) << kind << "\n" << r.out;
    EXPECT_EQ(r.errors_of(kind), r.total_of("errors")) << kind << ": every error is of that kind\n"
                                                       << r.out;
    EXPECT_EQ(r.total_of("misses"), 0) << kind;
  }
  // Nothing listening on one of two instances (with none answering the tester stops with
  // exit 3 before it starts): its requests are connect errors, the other's are served.
  Instance live({"--store", "memory"});
  auto port = free_port();
  auto r = run_load({"--instances", live.address() + ",127.0.0.1:" + std::to_string(port),
                     "--clients", "4", "--duration", "1s", "--max-miss-rate", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.errors_of("connect"), 0) << r.out;
  EXPECT_EQ(r.errors_of("connect"), r.total_of("errors"));
}

// With per-instance sessions and CSRF tokens, a write carries the token of one instance's page
// and is refused by the next: a lost session, said in the summary, the JSON and a check, not
// only 403s. With a shared store (or a sticky balancer) no write is refused by another instance.
TEST(Tester, TokensRefusedByAnotherInstanceAreALostSession) {
  auto run = [](const std::vector<Instance>& inst, const char* balance) {
    return run_load({"--instances", addresses(inst), "--clients", "10", "--duration", "2s",
                     "--csrf-field", "csrf_token", "--balance", balance, "--max-error-rate", "1"});
  };
  auto check_named = [](const LoadRun& r, const std::string& name) -> const boost::json::object* {
    for (const auto& c : r.json.at("checks").as_array())
      if (c.at("name").as_string() == name) return &c.as_object();
    return nullptr;
  };
  auto split = three_instances({"--store", "memory", "--csrf"});
  auto r = run(split, "round-robin");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.total_of("refused_crossed"), 10) << r.out;
  EXPECT_EQ(r.total_of("refused_same"), 0) << r.out;
  auto* shared_check = check_named(r, "sessions shared");
  ASSERT_NE(shared_check, nullptr) << r.out;
  EXPECT_FALSE(shared_check->at("passed").as_bool());
  EXPECT_NE(r.out.find("were refused by another"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("never by the instance that issued it: the instances do not share sessions "
                       "(try --balance "
                       "sticky to confirm)"),
            std::string::npos)
      << r.out;
  ASSERT_EQ(r.json.at("diagnoses").as_array().size(), 1u);

  auto sticky = run(split, "sticky");
  EXPECT_EQ(sticky.total_of("refused_crossed"), 0) << sticky.out;
  EXPECT_EQ(check_named(sticky, "sessions shared"), nullptr);

  Memcached mc;
  auto shared = three_instances({"--memcached", mc.address(), "--csrf"});
  auto ok = run(shared, "round-robin");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.total_of("refused_crossed"), 0) << ok.out;
  EXPECT_EQ(check_named(ok, "sessions shared"), nullptr);
}
