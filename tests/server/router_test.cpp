// Request handling as a function of (request, store), without sockets.
#include "server/router.hpp"

#include <gtest/gtest.h>

#include "common/page_contract.hpp"
#include "server/origin_check.hpp"
#include "sessions/memory_store.hpp"
#include "sessions/session_id.hpp"
#include "tests/support/capture.hpp"

using namespace sessdemo;

namespace {
// A store that is down: every call fails.
struct DownStore final : SessionStore {
  LoadResult load(std::string_view) override {
    return {StoreStatus::unavailable, {}, 0, false, "down"};
  }
  StoreStatus save(std::string_view, const Session&, std::chrono::seconds, std::uint64_t) override {
    return StoreStatus::unavailable;
  }
  StoreStatus create(std::string_view, const Session&, std::chrono::seconds) override {
    return StoreStatus::unavailable;
  }
  StoreStatus remove(std::string_view) override { return StoreStatus::unavailable; }
  StoreStatus try_lock(std::string_view, std::string_view, std::chrono::seconds) override {
    return StoreStatus::unavailable;
  }
  StoreStatus unlock(std::string_view, std::string_view) override {
    return StoreStatus::unavailable;
  }
  StoreStatus ping() override { return StoreStatus::unavailable; }
  const char* kind() const override { return "down"; }
};

struct App {
  explicit App(SessionStore& s, RouterConfig config = {"inst-1", false})
      : sessions(s, SessionPolicy{}), router(std::move(config), sessions, metrics) {}
  SessionService sessions;
  Metrics metrics;
  Router router;

  http::Response call(http::Verb verb, std::string target, std::string body = "",
                      std::string cookie = "") {
    http::Request req{verb, target, 11};
    if (!cookie.empty()) req.set(http::Field::cookie, "sessdemo_sid=" + cookie);
    req.body() = std::move(body);
    req.prepare_payload();
    return router.handle(req);
  }
  std::string post_name(const std::string& form, const std::string& cookie = "") {
    auto res = call(http::Verb::post, "/", form, cookie);
    EXPECT_EQ(res.result_int(), 303u) << res.body();
    std::string sc(res[http::Field::set_cookie]);
    auto start = sc.find('=') + 1;
    return sc.empty() ? cookie : sc.substr(start, sc.find(';') - start);
  }
};
}  // namespace

TEST(Router, NameRoundTripAndInstanceHeader) {
  MemoryStore store;
  App app(store);
  std::string sid = app.post_name("name=Alice+%3Cb%3E");
  auto res = app.call(http::Verb::get, "/details", "", sid);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res["X-Instance-Id"], "inst-1");
  EXPECT_NE(res.body().find(std::string(sessdemo::page::name_marker) + "Alice &lt;b&gt;<"),
            std::string::npos);
  EXPECT_NE(res.body().find(std::string(sessdemo::page::instance_marker) + "inst-1<"),
            std::string::npos);
}

TEST(Router, HomeWritesNothing) {
  MemoryStore store;
  App app(store);
  auto res = app.call(http::Verb::get, "/");
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_NE(res.body().find("name=\"name\""), std::string::npos);
  EXPECT_TRUE(res[http::Field::set_cookie].empty());
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(app.router.route(http::Request{http::Verb::get, "/", 11}).lane, Lane::io);
}

TEST(Router, InvalidNameIs400AndSessionUnchanged) {
  MemoryStore store;
  App app(store);
  std::string sid = app.post_name("name=Alice");
  for (std::string bad :
       std::vector<std::string>{"name=", "name=+++", "name=" + std::string(101, 'x'), "name=%FF",
                                "other=1", "name=%G"}) {
    auto res = app.call(http::Verb::post, "/", bad, sid);
    EXPECT_EQ(res.result_int(), 400u) << bad;
    EXPECT_NE(res.body().find("id=\"error\""), std::string::npos);
  }
  EXPECT_NE(app.call(http::Verb::get, "/details", "", sid).body().find(">Alice<"),
            std::string::npos);
}

TEST(Router, NoSessionGivesClearPage) {
  MemoryStore store;
  App app(store);
  auto res = app.call(http::Verb::get, "/details", "", "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_NE(res.body().find(sessdemo::page::no_name_marker), std::string::npos);
  EXPECT_NE(res.body().find("href=\"/\""), std::string::npos);
}

TEST(Router, StoreFailureIs503NotAnEmptySession) {
  DownStore store;
  App app(store);
  auto res = app.call(http::Verb::get, "/details", "", "AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(res.body().find("no-name"), std::string::npos);
  EXPECT_NE(res.body().find("session store is unavailable"), std::string::npos);
  EXPECT_EQ(app.call(http::Verb::post, "/", "name=A").result_int(), 503u);
  EXPECT_EQ(app.call(http::Verb::get, "/api/session", "", "AAAAAAAAAAAAAAAAAAAAAA").result_int(),
            503u);
  EXPECT_EQ(app.call(http::Verb::get, "/readyz").result_int(), 503u);
  EXPECT_EQ(app.call(http::Verb::get, "/healthz").result_int(), 200u);
}

TEST(Router, JsonApi) {
  MemoryStore store;
  App app(store);
  auto empty = app.call(http::Verb::get, "/api/session");
  EXPECT_NE(empty.body().find("\"name\":null"), std::string::npos);
  auto put = app.call(http::Verb::put, "/api/session", R"({"name":"Bob"})");
  ASSERT_EQ(put.result_int(), 200u) << put.body();
  std::string sc(put[http::Field::set_cookie]);
  std::string sid = sc.substr(13, 22);
  auto v1 = app.call(http::Verb::post, "/api/session/visits", "", sid);
  EXPECT_EQ(v1.result_int(), 200u);
  EXPECT_NE(v1.body().find("\"visits\":1"), std::string::npos) << v1.body();
  auto v2 = app.call(http::Verb::post, "/api/session/visits", "", sid);
  EXPECT_NE(v2.body().find("\"visits\":2"), std::string::npos) << v2.body();
  auto got = app.call(http::Verb::get, "/api/session", "", sid);
  EXPECT_NE(got.body().find("\"name\":\"Bob\""), std::string::npos);
  EXPECT_NE(got.body().find("\"expires_in_s\":"), std::string::npos);
  EXPECT_EQ(app.call(http::Verb::put, "/api/session", "{bad", sid).result_int(), 400u);
  EXPECT_EQ(app.call(http::Verb::put, "/api/session", R"({"name":""})", sid).result_int(), 400u);
  auto del = app.call(http::Verb::delete_, "/api/session", "", sid);
  EXPECT_EQ(del.result_int(), 204u);
  EXPECT_NE(del[http::Field::set_cookie].find("Max-Age=0"), std::string::npos);
  EXPECT_NE(app.call(http::Verb::get, "/api/session", "", sid).body().find("\"name\":null"),
            std::string::npos);
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  MemoryStore store;
  App app(store);
  EXPECT_EQ(app.call(http::Verb::get, "/nope").result_int(), 404u);
  auto res = app.call(http::Verb::delete_, "/details");
  EXPECT_EQ(res.result_int(), 405u);
  EXPECT_EQ(res[http::Field::allow], "GET, HEAD");
  EXPECT_EQ(app.call(http::Verb::get, "/api/session/visits").result_int(), 405u);
}

TEST(Router, MetricsCountRoutesAndSessions) {
  MemoryStore store;
  App app(store);
  app.post_name("name=A");
  app.call(http::Verb::get, "/nope");
  auto m = app.call(http::Verb::get, "/metrics").body();
  EXPECT_NE(m.find("sessdemo_http_requests_total{route=\"home\",status=\"303\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("sessdemo_http_requests_total{route=\"other\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(m.find("sessdemo_sessions_created_total 1"), std::string::npos);
  EXPECT_NE(m.find("sessdemo_open_connections"), std::string::npos);
}

TEST(Router, BatchedReadAnswersLikeTheDirectPath) {
  MemoryStore store;
  App app(store);
  std::string sid = app.post_name("name=Alice");
  http::Request req{http::Verb::get, "/details", 11};
  req.set(http::Field::cookie, "sessdemo_sid=" + sid);
  Routed routed = app.router.route(req);
  ASSERT_EQ(routed.lane, Lane::read);
  EXPECT_EQ(routed.session_id, sid);
  EXPECT_EQ(app.router.route(http::Request{http::Verb::post, "/details", 11}).lane, Lane::io);
  auto outcomes = app.sessions.read_many({routed.session_id});
  auto batched = app.router.handle_read(routed, outcomes[0]);
  auto direct = app.router.handle(req);
  EXPECT_EQ(batched.result_int(), 200u);
  EXPECT_EQ(batched.body(), direct.body());
  DownStore down;
  App broken(down);
  auto failed =
      broken.router.handle_read(broken.router.route(req), broken.sessions.read_many({sid})[0]);
  EXPECT_EQ(failed.result_int(), 503u);  // a store failure is never an empty session
}

// The route table decides, in one place, what needs the store, what is batched, and what the
// Allow header of a 405 lists.
TEST(Router, RouteTable) {
  MemoryStore store;
  App app(store);
  struct Case {
    http::Verb verb;
    const char* target;
    bool store;
    bool batched;
  };
  for (auto c : std::vector<Case>{{http::Verb::get, "/", false, false},
                                  {http::Verb::post, "/", true, false},
                                  {http::Verb::get, "/details?x=1", true, true},
                                  {http::Verb::get, "/api/session", true, true},
                                  {http::Verb::put, "/api/session", true, false},
                                  {http::Verb::delete_, "/api/session", true, false},
                                  {http::Verb::post, "/api/session/visits", true, false},
                                  {http::Verb::get, "/healthz", false, false},
                                  {http::Verb::get, "/readyz", true, false},
                                  {http::Verb::get, "/metrics", false, false},
                                  {http::Verb::get, "/nope", false, false},
                                  {http::Verb::post, "/details", false, false}}) {
    http::Request req{c.verb, c.target, 11};
    Lane lane = app.router.route(req).lane;
    EXPECT_EQ(lane != Lane::io, c.store) << c.target;
    EXPECT_EQ(lane == Lane::read, c.batched) << c.target;
  }
  auto home = app.call(http::Verb::put, "/");
  EXPECT_EQ(home.result_int(), 405u);
  EXPECT_EQ(home[http::Field::allow], "GET, HEAD, POST");
  auto api = app.call(http::Verb::post, "/api/session");
  EXPECT_EQ(api.result_int(), 405u);
  EXPECT_EQ(api[http::Field::allow], "GET, HEAD, PUT, DELETE");
}

TEST(Router, RefusalsMatchTheRouteAndAreCounted) {
  MemoryStore store;
  App app(store);
  http::Request page{http::Verb::get, "/details", 11};
  http::Request api{http::Verb::post, "/api/session/visits", 11};
  auto busy = app.router.refusal(page, Route::details, http::Status::service_unavailable);
  EXPECT_EQ(busy.result_int(), 503u);
  EXPECT_EQ(busy[http::Field::retry_after], "1");
  EXPECT_NE(busy.body().find("session store is unavailable"), std::string::npos);
  EXPECT_EQ(busy[http::Field::content_length], std::to_string(busy.body().size()));
  auto failed = app.router.refusal(api, Route::api_visits, http::Status::internal_server_error);
  EXPECT_EQ(failed.result_int(), 500u);
  EXPECT_EQ(failed[http::Field::content_type], "application/json");
  auto m = app.call(http::Verb::get, "/metrics").body();
  EXPECT_NE(m.find("sessdemo_http_requests_total{route=\"details\",status=\"503\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("sessdemo_http_requests_total{route=\"api_visits\",status=\"500\"} 1"),
            std::string::npos)
      << m;
}

TEST(Router, PagesSendTheHeadersEveryPageShould) {
  MemoryStore store;
  App app(store);
  auto home = app.call(http::Verb::get, "/");
  EXPECT_EQ(home["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(home["X-Frame-Options"], "DENY");
  EXPECT_EQ(home["Referrer-Policy"], "same-origin");
  EXPECT_NE(home["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(home["Content-Security-Policy"].find("form-action 'self'"), std::string::npos);
  auto api = app.call(http::Verb::get, "/api/session");
  EXPECT_EQ(api["X-Content-Type-Options"], "nosniff");
}

TEST(Router, StateChangesFromAnotherSiteAreRefused) {
  MemoryStore store;
  App app(store);
  auto with = [&](http::Verb verb, const std::string& target, const std::string& body,
                  const std::string& origin, const std::string& host) {
    http::Request req{verb, target, 11};
    req.set(http::Field::host, host);
    if (!origin.empty()) req.set(http::Field::origin, origin);
    req.body() = body;
    req.prepare_payload();
    return app.router.handle(req).result_int();
  };
  EXPECT_EQ(with(http::Verb::post, "/", "name=Eve", "https://evil.example", "shop.example:8080"),
            403u);
  EXPECT_EQ(with(http::Verb::post, "/", "name=Eve", "null", "shop.example"), 403u);
  EXPECT_EQ(with(http::Verb::put, "/api/session", R"({"name":"Eve"})", "http://evil.example",
                 "shop.example"),
            403u);
  EXPECT_EQ(with(http::Verb::delete_, "/api/session", "", "http://evil.example", "shop.example"),
            403u);
  EXPECT_EQ(store.size(), 0u) << "nothing was written";
  // Another port, another scheme, or a scheme that is no web origin: another site.
  EXPECT_EQ(with(http::Verb::post, "/", "name=Eve", "http://127.0.0.1:9999", "127.0.0.1:8081"),
            403u);
  EXPECT_EQ(with(http::Verb::post, "/", "name=Eve", "https://127.0.0.1", "127.0.0.1:8081"), 403u);
  EXPECT_EQ(with(http::Verb::post, "/", "name=Eve", "ftp://127.0.0.1:8081", "127.0.0.1:8081"),
            403u);
  EXPECT_EQ(with(http::Verb::post, "/", "name=Eve", "http://shop.example:8080", "shop.example"),
            403u);
  EXPECT_EQ(store.size(), 0u) << "nothing was written";
  // The same origin (default ports written or not, case, IPv6), and no Origin at all, go through.
  EXPECT_EQ(
      with(http::Verb::post, "/", "name=Ann", "http://shop.example:8080", "shop.example:8080"),
      303u);
  EXPECT_EQ(with(http::Verb::post, "/", "name=Ann", "http://Shop.Example", "shop.example:80"),
            303u);
  EXPECT_EQ(with(http::Verb::post, "/", "name=Ann", "http://[::1]:8081", "[::1]:8081"), 303u);
  EXPECT_EQ(with(http::Verb::post, "/", "name=Bob", "", "shop.example"), 303u);
  EXPECT_EQ(with(http::Verb::get, "/", "", "https://evil.example", "shop.example"),
            200u);  // reads are not changes
}

// A balancer that rewrites Host (nginx's default proxy_pass sends Host: app) makes every
// browser write look cross-site: said once per reason in the log, naming the Origin and the
// Host, counted by reason on /metrics; --trusted-origin takes that Origin.
TEST(Router, RefusedOriginsAreSaidCountedAndCanBeTrusted) {
  MemoryStore store;
  sessdemo::test::LogCapture log;
  auto post = [](App& app, const std::string& origin) {
    http::Request req{http::Verb::post, "/", 11};
    req.set(http::Field::host, "app");
    req.set(http::Field::origin, origin);
    req.body() = "name=Ann";
    req.prepare_payload();
    return app.router.handle(req).result_int();
  };
  App plain(store);
  EXPECT_EQ(post(plain, "http://127.0.0.1:8080"), 403u);
  EXPECT_EQ(post(plain, "http://127.0.0.1:8080"), 403u);
  EXPECT_EQ(post(plain, "null"), 403u);
  auto said = log.said();
  auto line = said.find(
      "refused writes whose Origin http://127.0.0.1:8080 is not this request's origin http://app "
      "(Host: app)");
  ASSERT_NE(line, std::string::npos) << said;
  EXPECT_EQ(said.find("refused writes whose Origin http://127.0.0.1:8080", line + 1),
            std::string::npos)
      << "once";
  EXPECT_NE(said.find("proxy_set_header Host $http_host"), std::string::npos);
  EXPECT_NE(said.find("--trusted-origin http://127.0.0.1:8080"), std::string::npos);
  auto page = plain.metrics.render(SessionStats{});
  EXPECT_NE(page.find("sessdemo_write_refusals_total{reason=\"origin_host\"} 2\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("sessdemo_write_refusals_total{reason=\"origin_null\"} 1\n"),
            std::string::npos);
  RouterConfig trusting{"inst-1", false};
  trusting.trusted_origins = {trusted_origin("HTTP://127.0.0.1:8080")};
  App app(store, trusting);
  EXPECT_EQ(post(app, "http://127.0.0.1:8080"), 303u);
  EXPECT_EQ(post(app, "http://127.0.0.1:8081"), 403u);
  EXPECT_EQ(trusted_origin("https://app.example"), "https://app.example:443");
  EXPECT_EQ(trusted_origin("https://app.example/path"), "");
  EXPECT_EQ(trusted_origin("app.example"), "");
  EXPECT_EQ(trusted_origin("null"), "");
}

namespace {
std::string token_in(const std::string& page) {
  auto at = page.find("name=\"csrf_token\" value=\"");
  if (at == std::string::npos) return "";
  at += 25;
  return page.substr(at, page.find('"', at) - at);
}
}  // namespace

// The value of cookie `name` set by an answer, or empty.
std::string set_cookie_value(const http::Response& res, std::string_view name) {
  for (const auto& f : res)
    if (f.name() == http::Field::set_cookie) {
      std::string_view v(f.value().data(), f.value().size());
      if (v.substr(0, name.size()) == name && v.size() > name.size() && v[name.size()] == '=')
        return std::string(v.substr(name.size() + 1, v.find(';') - name.size() - 1));
    }
  return "";
}

struct CsrfRouter {
  MemoryStore& store;
  SessionService sessions;
  Metrics metrics;
  Router router;
  CsrfRouter(MemoryStore& st, std::string secret = {})
      : store(st), sessions(st, SessionPolicy{}),
        router(config(std::move(secret)), sessions, metrics) {}
  static RouterConfig config(std::string secret) {
    RouterConfig rc{"inst-1", false};
    rc.csrf = true;
    rc.csrf_secret = std::move(secret);
    return rc;
  }
  http::Response call(http::Verb verb, std::string target, std::string body, std::string sid,
                      std::string header_token = "", std::string nonce = "") {
    http::Request req{verb, target, 11};
    std::string cookies;
    if (!sid.empty()) cookies = "sessdemo_sid=" + sid;
    if (!nonce.empty()) cookies += (cookies.empty() ? "" : "; ") + ("sessdemo_csrf=" + nonce);
    if (!cookies.empty()) req.set(http::Field::cookie, cookies);
    if (!header_token.empty()) req.set("X-CSRF-Token", header_token);
    req.body() = std::move(body);
    req.prepare_payload();
    return router.handle(req);
  }
};

// serve --csrf: Home gives a new visitor a pre-session cookie and a token made from it, and writes
// nothing to the store; writes without the token, with another one, or without the cookie it was
// made from are 403 and change nothing; the first write with it creates the session, which then
// keeps that token.
TEST(Router, CsrfTokensGuardEveryWrite) {
  MemoryStore store;
  CsrfRouter r(store);
  auto call = [&](http::Verb verb, std::string target, std::string body, std::string sid,
                  std::string header_token = "", std::string nonce = "") {
    return r.call(verb, std::move(target), std::move(body), std::move(sid), std::move(header_token),
                  std::move(nonce));
  };
  EXPECT_EQ(r.router.route(http::Request{http::Verb::get, "/", 11}).lane, Lane::io);
  for (int i = 0; i < 50; ++i) call(http::Verb::get, "/", "", "");
  EXPECT_EQ(store.size(), 0u) << "a Home page without a session writes nothing";
  auto home = call(http::Verb::get, "/", "", "");
  EXPECT_EQ(home.result_int(), 200u);
  std::string nonce = set_cookie_value(home, "sessdemo_csrf"), token = token_in(home.body());
  ASSERT_EQ(nonce.size(), 22u);
  ASSERT_EQ(token.size(), 22u);
  EXPECT_TRUE(set_cookie_value(home, "sessdemo_sid").empty());
  // The same visitor's Home (cookie sent back) shows the same token and sets nothing.
  auto again = call(http::Verb::get, "/", "", "", "", nonce);
  EXPECT_EQ(token_in(again.body()), token);
  EXPECT_TRUE(again[http::Field::set_cookie].empty());
  // Without the cookie, without the token, with another visitor's: 403, nothing created.
  EXPECT_EQ(call(http::Verb::post, "/", "name=Eve&csrf_token=" + token, "").result_int(), 403u);
  EXPECT_EQ(call(http::Verb::post, "/", "name=Eve", "", "", nonce).result_int(), 403u);
  std::string other = set_cookie_value(call(http::Verb::get, "/", "", ""), "sessdemo_csrf");
  EXPECT_EQ(call(http::Verb::post, "/", "name=Eve&csrf_token=" + token, "", "", other).result_int(),
            403u);
  EXPECT_EQ(call(http::Verb::put, "/api/session", "{\"name\":\"Eve\"}", "", "", nonce).result_int(),
            403u);
  EXPECT_EQ(store.size(), 0u);
  // With it: the session is created with a token of its own, not the pre-session one (which
  // anyone may have asked the server for and planted with its nonce: token fixation).
  auto saved = call(http::Verb::post, "/", "name=Ann&csrf_token=" + token, "", "", nonce);
  EXPECT_EQ(saved.result_int(), 303u);
  std::string sid = set_cookie_value(saved, "sessdemo_sid");
  ASSERT_FALSE(sid.empty());
  EXPECT_EQ(store.size(), 1u);
  auto with_session = call(http::Verb::get, "/", "", sid);
  std::string fixed = token;
  token = token_in(with_session.body());
  EXPECT_EQ(token.size(), 22u);
  EXPECT_NE(token, fixed);
  EXPECT_EQ(
      call(http::Verb::post, "/", "name=Eve&csrf_token=" + fixed, sid, "", nonce).result_int(),
      403u)
      << "the pre-session token still writes to the session it created";
  EXPECT_TRUE(with_session[http::Field::set_cookie].empty());
  EXPECT_EQ(r.router
                .route([&] {
                  http::Request req{http::Verb::get, "/", 11};
                  req.set(http::Field::cookie, "sessdemo_sid=" + sid);
                  return req;
                }())
                .lane,
            Lane::write);
  // From now on the session's token is checked, with or without the pre-session cookie.
  EXPECT_EQ(call(http::Verb::post, "/", "name=Eve", sid).result_int(), 403u);
  EXPECT_EQ(
      call(http::Verb::post, "/", "name=Eve&csrf_token=" + std::string(22, 'A'), sid).result_int(),
      403u);
  std::string others_token = token_in(call(http::Verb::get, "/", "", "", "", other).body());
  EXPECT_EQ(call(http::Verb::post, "/", "name=Eve&csrf_token=" + others_token, sid, "", other)
                .result_int(),
            403u);
  EXPECT_EQ(call(http::Verb::put, "/api/session", "{\"name\":\"Eve\"}", sid).result_int(), 403u);
  EXPECT_EQ(call(http::Verb::post, "/api/session/visits", "", sid).result_int(), 403u);
  EXPECT_EQ(call(http::Verb::delete_, "/api/session", "", sid).result_int(), 403u);
  EXPECT_EQ(call(http::Verb::get, "/details", "", sid).body().find("Eve"), std::string::npos);
  EXPECT_NE(call(http::Verb::get, "/details", "", sid).body().find("Ann"), std::string::npos);
  EXPECT_EQ(call(http::Verb::put, "/api/session", "{\"name\":\"Bo\"}", sid, token).result_int(),
            200u);
  EXPECT_EQ(call(http::Verb::post, "/api/session/visits", "", sid, token).result_int(), 200u);
  EXPECT_EQ(call(http::Verb::delete_, "/api/session", "", sid, token).result_int(), 204u);
  EXPECT_EQ(store.size(), 0u);  // ended
}

// --csrf-secret: the token of a pre-session cookie is an HMAC under the farm's secret, so any
// instance with the same secret takes it, one with another secret or none does not, and a
// cookie planted with a token of the planter's choosing (plain double submit's weakness) fails.
TEST(Router, SignedPreSessionTokensNeedTheFarmsSecret) {
  MemoryStore shared, elsewhere, unsigned_store;
  const std::string secret = "0123456789abcdef-farm-secret";
  CsrfRouter a(shared, secret), b(shared, secret), c(elsewhere, "another secret of 16+ bytes"),
      plain(unsigned_store);
  auto home = a.call(http::Verb::get, "/", "", "");
  std::string nonce = set_cookie_value(home, "sessdemo_csrf"), token = token_in(home.body());
  ASSERT_EQ(token.size(), 22u);
  EXPECT_NE(token, nonce);
  EXPECT_EQ(
      c.call(http::Verb::post, "/", "name=Eve&csrf_token=" + token, "", "", nonce).result_int(),
      403u);
  EXPECT_EQ(
      plain.call(http::Verb::post, "/", "name=Eve&csrf_token=" + token, "", "", nonce).result_int(),
      403u);
  // Planted: the nonce as its own token passes where tokens are not signed, never where they are.
  std::string planted = new_session_id();
  EXPECT_EQ(
      b.call(http::Verb::post, "/", "name=Eve&csrf_token=" + planted, "", "", planted).result_int(),
      403u);
  EXPECT_EQ(plain.call(http::Verb::post, "/", "name=Eve&csrf_token=" + planted, "", "", planted)
                .result_int(),
            303u);
  EXPECT_EQ(shared.size(), 0u);
  auto saved = b.call(http::Verb::post, "/", "name=Ann&csrf_token=" + token, "", "", nonce);
  EXPECT_EQ(saved.result_int(), 303u);
  std::string sid = set_cookie_value(saved, "sessdemo_sid");
  // The session's own token, fresh, is taken by every instance of the farm.
  std::string own = token_in(a.call(http::Verb::get, "/", "", sid).body());
  EXPECT_NE(own, token);
  EXPECT_EQ(token_in(b.call(http::Verb::get, "/", "", sid).body()), own);
}
