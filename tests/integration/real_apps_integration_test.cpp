// The tester against apps written the way frameworks write them (tests/support/framework_apps):
// each app as two instances sharing one session table (a correct farm: PASS) and with one table
// each behind a balancer that is not sticky (FAIL). The verdict must flip between the two.
#include <gtest/gtest.h>

#include "common/child_process.hpp"
#include "tests/support/framework_apps.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/pki.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;

namespace {

// A bounded run against the pair: a few hundred requests, a few seconds at the most.
LoadRun load(const AppPair& pair, std::vector<std::string> extra) {
  std::vector<std::string> args{"--instances",    pair.addresses(),
                                "--clients",      "10",
                                "--threads",      "1",
                                "--requests",     "400",
                                "--duration",     "5s",
                                "--rename-every", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_load(args);
}

// Shared table: a PASS with pages judged and nothing refused; one table each: a FAIL.
void flips(Flavor flavor, const std::vector<std::string>& flags, const AppOptions& options = {}) {
  {
    auto good = app_pair(flavor, true, options);
    auto r = load(good, flags);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_GT(r.total_of("hits"), 20) << r.out;
    EXPECT_EQ(r.total_of("misses"), 0);
    EXPECT_EQ(r.total_of("foreign"), 0);
    EXPECT_EQ(r.total_of("errors"), 0) << r.out;
    for (const auto& app : good.apps) EXPECT_EQ(app->refused(), 0u) << "the app refused a write";
  }
  {
    auto broken = app_pair(flavor, false, options);
    auto r = load(broken, flags);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_EQ(r.total_of("foreign"), 0) << "a lost session is never another visitor's data";
  }
}
}  // namespace

TEST(RealApps, SessdemoShapedForm) {
  flips(Flavor::basic, {});
}

// Unquoted attributes, forms in a comment and a <template> and a search form before the real
// one, which posts to /save and needs its hidden commit=Save, a checked box and the token.
TEST(RealApps, UnquotedFormPostingElsewhereWithHiddenFields) {
  flips(Flavor::unquoted, {"--csrf-field", "csrf_token"});
}

// Rails: the token in <meta name="csrf-token">, a JSON PUT with X-CSRF-Token.
TEST(RealApps, RailsMetaTokenWithJsonPut) {
  flips(Flavor::rails, {"--write", "json", "--write-method", "PUT", "--write-path", "/profile",
                        "--csrf-meta", "csrf-token"});
}

// Angular: the XSRF-TOKEN cookie (percent-encoded) echoed in X-XSRF-TOKEN; JSON PATCH, JSON reads.
TEST(RealApps, AngularCookieToHeaderWithJsonReads) {
  flips(Flavor::angular,
        {"--write", "json", "--write-method", "PATCH", "--write-path", "/api/me", "--csrf-cookie",
         "XSRF-TOKEN", "--csrf-header", "X-XSRF-TOKEN", "--details-path", "/api/me"});
}

// Django over HTTPS: a POST without a same-origin Referer is refused; single-quoted attributes,
// an empty action, the csrftoken cookie and the csrfmiddlewaretoken field.
TEST(RealApps, DjangoOverHttpsNeedsASameOriginReferer) {
  if (!sessdemo::on_path("openssl"))
    GTEST_SKIP() << "needs openssl (Debian package openssl) to make a test CA";
  TestPki pki;
  ASSERT_TRUE(pki.ok);
  AppOptions tls;
  tls.tls_cert = pki.file("server.pem");
  tls.tls_key = pki.file("server.key");
  flips(Flavor::django, {"--cacert", pki.file("ca.pem"), "--csrf-field", "csrfmiddlewaretoken"},
        tls);
}

// Login first: every page redirects to /login; the login form has a hidden token; the account
// form posts to a relative action and redirects to the page that shows the name.
TEST(RealApps, LoginFirstWithRedirects) {
  std::vector<std::string> flags{
      "--login-path",    "/login",      "--login-field", "username=user{client}", "--login-field",
      "password=secret", "--home-path", "/account/edit", "--details-path",        "/account/me"};
  flips(Flavor::login_first, flags);
  auto good = app_pair(Flavor::login_first, true);
  auto r = load(good, flags);
  // Each hop is a request of its own, kind redirect; the login steps are kind login.
  auto kinds = r.total().at("latency_ms_by_kind").as_object();
  EXPECT_TRUE(kinds.contains("redirect")) << r.out;
  EXPECT_TRUE(kinds.contains("login")) << r.out;
}

TEST(RealApps, AWrongPasswordIsALoginError) {
  auto good = app_pair(Flavor::login_first, true);
  auto r = load(
      good, {"--login-path", "/login", "--login-field", "username=u{client}", "--login-field",
             "password=wrong", "--home-path", "/account/edit", "--details-path", "/account/me"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.errors_of("login"), 0) << r.out;
  EXPECT_EQ(r.total_of("hits"), 0);
}

// Early hints before every answer: skipped, never taken for the answer.
TEST(RealApps, EarlyHintsBeforeEveryAnswer) {
  AppOptions hints;
  hints.early_hints = true;
  flips(Flavor::basic, {}, hints);
}

// Attribution by another header: X-Served-By names the two instances.
TEST(RealApps, InstanceHeaderNamesTheInstances) {
  AppOptions served_by;
  served_by.instance_header = "X-Served-By";
  auto pair = app_pair(Flavor::basic, true, served_by);
  auto r = load(pair, {"--instance-header", "X-Served-By"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto& per = r.json.at("instances").as_object();
  EXPECT_TRUE(per.contains("app-1")) << r.out;
  EXPECT_TRUE(per.contains("app-2")) << r.out;
  EXPECT_EQ(r.json.at("settings").at("instance_header").as_string(), "X-Served-By");
}

// A server that closes idle keep-alive connections after 50 ms, a think time of 150 ms: the
// requests go out again on new connections, counted as retries, not as errors.
TEST(RealApps, IdleConnectionsClosedByTheServerAreRetriedNotErrors) {
  AppOptions idle;
  idle.idle_close_ms = 50;
  auto pair = app_pair(Flavor::basic, true, idle);
  auto r = load(pair, {"--think", "150ms", "--requests", "100", "--connections", "4"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("errors"), 0) << r.out;
  EXPECT_GT(r.total_of("retries"), 0) << r.out;
}
