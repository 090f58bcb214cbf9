// The pages in a real browser: Debian's Chromium, driven by playwright-core, through nginx in
// front of three memcached-backed instances. The browser script is tests/browser/session_pages.mjs.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/nginx.hpp"

using namespace sessdemo::test;
namespace fs = std::filesystem;

TEST(BrowserIntegration, PagesWorkThroughABalancerInChromium) {
  fs::path script = fs::path(SESSDEMO_SOURCE_DIR) / "tests" / "browser" / "session_pages.mjs";
  ASSERT_TRUE(fs::exists(fs::path(SESSDEMO_SOURCE_DIR) / "tests" / "browser" / "node_modules" /
                         "playwright-core"))
      << "run `npm ci` in tests/browser (make test does)";
  Memcached mc;
  std::vector<Instance> inst;
  std::vector<std::string> addrs;
  for (char id : {'A', 'B', 'C'}) {
    inst.emplace_back(
        std::vector<std::string>{"--memcached", mc.address(), "--id", std::string("inst-") + id});
    addrs.push_back(inst.back().address());
  }
  Nginx lb("roundrobin", addrs);
  fs::path out = fs::path(SESSDEMO_BINARY_DIR) / "browser-output";
  fs::create_directories(out);
  setenv("BASE_URL", ("http://" + lb.address()).c_str(), 1);
  setenv("OUT_DIR", out.c_str(), 1);
  Child node({"node", script.string()});
  std::string log = node.read_all(std::chrono::seconds(120));
  int status = node.wait(std::chrono::seconds(10));
  EXPECT_EQ(status, 0) << log;
  for (auto shot : {"home.png", "details.png", "error.png"})
    EXPECT_TRUE(fs::exists(out / shot)) << shot;
}

// The demo's report page in Chromium: every scenario's row, verdicts coloured, plots inline.
TEST(BrowserIntegration, DemoReportPageInChromium) {
  fs::path script = fs::path(SESSDEMO_SOURCE_DIR) / "tests" / "browser" / "report_page.mjs";
  ASSERT_TRUE(fs::exists(fs::path(SESSDEMO_SOURCE_DIR) / "tests" / "browser" / "node_modules" /
                         "playwright-core"))
      << "run `npm ci` in tests/browser (make test does)";
  fs::path out = fs::path(SESSDEMO_BINARY_DIR) / "browser-output";
  fs::path demo_out = out / "demo";
  fs::remove_all(demo_out);
  // A short run: one scenario that passes, one the duration is too short to judge (skipped).
  Child demo({sessdemo_binary(), "demo", "--duration", "3s", "--clients", "40", "--scenarios",
              "memory-roundrobin,memcached-roundrobin,memcached-stalled", "--out",
              demo_out.string(), "--open"},
             (out / "demo.err").string());
  std::string printed = demo.read_all(std::chrono::seconds(120));
  ASSERT_EQ(demo.wait(std::chrono::seconds(10)), 0) << printed;
  auto at = printed.find("report: file://");
  ASSERT_NE(at, std::string::npos) << "--open prints the page's address: " << printed;
  std::string page = printed.substr(at + 15, printed.find('\n', at) - at - 15);
  EXPECT_EQ(fs::path(page), fs::absolute(demo_out / "index.html"));
  setenv("REPORT", page.c_str(), 1);
  setenv("SCENARIOS", "3", 1);
  setenv("OUT_DIR", out.c_str(), 1);
  Child node({"node", script.string()});
  std::string log = node.read_all(std::chrono::seconds(120));
  EXPECT_EQ(node.wait(std::chrono::seconds(10)), 0) << log;
  EXPECT_TRUE(fs::exists(out / "demo-report.png"));
}
