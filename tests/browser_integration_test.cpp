// The pages in a real browser: Debian's Chromium, driven by playwright-core, through nginx in
// front of three memcached-backed instances. The browser script is tests/browser/session_pages.mjs.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/nginx.hpp"

using namespace sessdemo::test;
namespace fs = std::filesystem;

TEST(BrowserIntegration, PagesWorkThroughABalancerInChromium) {
  fs::path script = fs::path(SESSDEMO_SOURCE_DIR) / "tests" / "browser" / "session_pages.mjs";
  ASSERT_TRUE(fs::exists(fs::path(SESSDEMO_SOURCE_DIR) / "tests" / "browser" / "node_modules" / "playwright-core"))
      << "run `npm ci` in tests/browser (make test does)";
  Memcached mc;
  std::vector<Instance> inst;
  std::vector<std::string> addrs;
  for (char id : {'A', 'B', 'C'}) {
    inst.emplace_back(std::vector<std::string>{"--memcached", mc.address(), "--id", std::string("inst-") + id});
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
  for (auto shot : {"home.png", "details.png", "error.png"}) EXPECT_TRUE(fs::exists(out / shot)) << shot;
}
