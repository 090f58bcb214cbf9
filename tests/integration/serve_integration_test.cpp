// `sessdemo serve` as a real process against a real memcached on loopback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/page_contract.hpp"
#include "tests/support/fake_servers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
std::string name_on(const Instance& inst, const std::string& sid) {
  auto r = http(inst.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n");
  auto start = r.body.find(sessdemo::page::name_marker);
  if (start == std::string::npos) return "";
  start += sessdemo::page::name_marker.size();
  return r.body.substr(start, r.body.find('<', start) - start);
}

std::string post_name(const Instance& inst, const std::string& name) {
  auto r = http(inst.port, "POST", "/", "name=" + name);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("location"), "/details");
  return r.session_cookie();
}
}  // namespace

TEST(ServeIntegration, MemcachedSessionIsSeenByAnotherInstance) {
  Memcached mc;
  Instance a({"--memcached", mc.address(), "--id", "A"});
  Instance b({"--memcached", mc.address(), "--id", "B"});
  std::string sid = post_name(a, "Alice");
  ASSERT_FALSE(sid.empty());
  EXPECT_EQ(name_on(b, sid), "Alice");
  EXPECT_EQ(name_on(a, sid), "Alice");
  auto r = http(b.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n");
  EXPECT_EQ(r.header("x-instance-id"), "B");
}

TEST(ServeIntegration, MemoryStoreSessionIsNotSeenByAnotherInstance) {
  // The broken set-up: the same check that passes above fails here.
  Instance a({"--store", "memory", "--id", "A"});
  Instance b({"--store", "memory", "--id", "B"});
  std::string sid = post_name(a, "Alice");
  EXPECT_EQ(name_on(a, sid), "Alice");
  EXPECT_EQ(name_on(b, sid), "");
  EXPECT_NE(http(b.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n")
                .body.find("no-name"),
            std::string::npos);
}

TEST(ServeIntegration, MemcachedDownIs503ThenRecovers) {
  Memcached mc;
  Instance a({"--memcached", mc.address(), "--id", "A"});
  std::string sid = post_name(a, "Alice");
  mc.proc.signal(SIGKILL);
  mc.proc.wait(seconds(5));
  auto down = http(a.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.body.find("no-name"), std::string::npos);
  EXPECT_EQ(http(a.port, "GET", "/readyz").status, 503);
  EXPECT_EQ(http(a.port, "POST", "/", "name=Bob").status, 503);
  mc.restart();  // empty: the old session is gone with the process, new ones work
  int status = 0;
  eventually([&] { return (status = http(a.port, "POST", "/", "name=Carol").status) == 303; },
             seconds(5));
  EXPECT_EQ(status, 303);
  // Each store thread has its own connection, and one that failed waits out libmemcached's
  // 1 s retry delay before it tries the node again: readiness is back within that.
  EXPECT_TRUE(eventually([&] { return http(a.port, "GET", "/readyz").status == 200; }, seconds(3)));
}

TEST(ServeIntegration, StalledMemcachedTimesOutWhileHealthzAnswers) {
  Memcached mc;
  Instance a({"--memcached", mc.address(), "--store-timeout", "1s"});
  std::string sid = post_name(a, "Alice");
  mc.proc.signal(SIGSTOP);
  auto t0 = steady_clock::now();
  auto health = http(a.port, "GET", "/healthz");
  auto health_time = steady_clock::now() - t0;
  EXPECT_EQ(health.status, 200);
  EXPECT_LT(health_time, milliseconds(300));  // far below the 1 s a store call may take
  t0 = steady_clock::now();
  auto stalled = http(a.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n");
  auto stalled_time = steady_clock::now() - t0;
  EXPECT_EQ(stalled.status, 503);
  EXPECT_GE(stalled_time, milliseconds(900));  // it did wait for the store ...
  EXPECT_LT(stalled_time, seconds(3));         // ... but no longer than the store timeout
  // /healthz still answers while store requests are stuck on the worker pool.
  std::thread slow(
      [&] { http(a.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n"); });
  t0 = steady_clock::now();
  EXPECT_EQ(http(a.port, "GET", "/healthz").status, 200);
  EXPECT_LT(steady_clock::now() - t0, milliseconds(300));
  slow.join();
  mc.proc.signal(SIGCONT);
  HttpReply r;
  eventually(
      [&] {
        r = http(a.port, "GET", "/details", "", "Cookie: sessdemo_sid=" + sid + "\r\n");
        return r.status == 200;
      },
      seconds(5));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(">Alice<"), std::string::npos);
}

TEST(ServeIntegration, HttpHygiene) {
  Instance a({"--store", "memory"});
  EXPECT_EQ(http(a.port, "GET", "/", "", "X-Big: " + std::string(9000, 'a') + "\r\n").status, 431);
  EXPECT_EQ(http(a.port, "POST", "/", "name=" + std::string(17000, 'a')).status, 413);
  EXPECT_EQ(raw_status(a.port, "GARBAGE\r\n\r\n"), 400);
  EXPECT_EQ(raw_status(a.port, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n"), 400);
  // Keep-alive: two requests on one connection both answered.
  std::string two =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n";
  EXPECT_EQ(raw_status(a.port, two), 200);
}

TEST(ServeIntegration, SigtermDrainsAndExitsZero) {
  Instance a({"--store", "memory"});
  EXPECT_EQ(http(a.port, "GET", "/healthz").status, 200);
  a.proc.signal(SIGTERM);
  EXPECT_EQ(a.proc.wait(seconds(10)), 0);
}

// A node that trickles its `stats` answer keeps the cache watch's poll waiting: SIGTERM still
// ends the instance promptly (the poll is left behind, never joined).
TEST(ServeIntegration, SigtermExitsWhileANodeTricklesItsStats) {
  FakeMemcached node(FakeMemcached::trickle);
  Instance a({"--memcached", node.address()});
  ASSERT_NE(a.port, 0);
  ASSERT_TRUE(eventually([&] { return bool(node.asked_stats); }, seconds(5)))
      << "the cache watch never asked for stats";
  auto start = steady_clock::now();
  a.proc.signal(SIGTERM);
  EXPECT_EQ(a.proc.wait(seconds(10)), 0);
  EXPECT_LT(steady_clock::now() - start, seconds(4));
  node.stop = true;
}

TEST(ServeIntegration, BadFlagExits2WithOneLine) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"serve", "--port", "notanumber"},
                                             {"serve", "--store", "redis"},
                                             {"serve", "--memcached", "localhost"},
                                             {"serve", "--ttl", "5 minutes"},
                                             {"serve", "--no-such-flag"}}) {
    args.insert(args.begin(), sessdemo_binary());
    Child c(args, "/dev/null");
    EXPECT_EQ(c.wait(seconds(10)), 2) << args[2];
  }
}

TEST(ServeIntegration, ConfigFileAndEnvironmentFallbacks) {
  auto conf = std::filesystem::temp_directory_path() /
              ("sessdemo-serve-" + std::to_string(getpid()) + ".ini");
  std::ofstream(conf) << "[serve]\nid=from-config\n";
  setenv("SESSDEMO_STORE", "memory", 1);  // the environment fallback for --store
  Instance a({"--config", conf.string()});
  unsetenv("SESSDEMO_STORE");
  auto r = http(a.port, "GET", "/");
  EXPECT_EQ(r.header("x-instance-id"), "from-config");
  // The memory store needs no memcached: the page answers without one running.
  EXPECT_EQ(http(a.port, "POST", "/", "name=Zed").status, 303);
  std::filesystem::remove(conf);
}

TEST(ServeIntegration, SigtermLetsTheRequestInFlightFinish) {
  Memcached mc;
  auto mport = free_port();
  Instance a({"--memcached", mc.address(), "--store-timeout", "1s", "--metrics-bind",
              "127.0.0.1:" + std::to_string(mport)});
  mc.proc.signal(SIGSTOP);  // the next store call takes the whole second
  HttpReply reply;
  std::thread slow([&] {
    reply = http(a.port, "GET", "/details", "", "Cookie: sessdemo_sid=AAAAAAAAAAAAAAAAAAAAAA\r\n");
  });
  // In flight once its connection is open (the metrics listener's own are not counted).
  EXPECT_TRUE(
      eventually([&] { return metric(mport, "sessdemo_open_connections") == 1.0; }, seconds(5)));
  a.proc.signal(SIGTERM);
  slow.join();
  mc.proc.signal(SIGCONT);
  EXPECT_EQ(reply.status, 503);  // answered, not cut off
  EXPECT_EQ(a.proc.wait(seconds(10)), 0);
  EXPECT_EQ(http(a.port, "GET", "/healthz").status, 0);  // no longer accepting
}

// Started with memcached down, the instance says so at once, logs the failing calls once (not
// once per 503), and says when the store answers again.
TEST(ServeIntegration, StoreOutagesAreLoggedOnceAndTheirEnd) {
  Memcached mc;
  mc.proc.signal(SIGKILL);
  mc.proc.wait(seconds(5));
  auto err = std::filesystem::temp_directory_path() /
             ("sessdemo-health-" + std::to_string(getpid()) + ".err");
  Child serve({sessdemo_binary(), "serve", "--port", "0", "--memcached", mc.address(),
               "--log-level", "info"},
              err.string());
  auto line = serve.read_line(seconds(10));
  ASSERT_TRUE(line && line->find("listening on http://127.0.0.1:") == 0);
  auto port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(http(port, "POST", "/", "name=Ann").status, 503);
  mc.restart();
  EXPECT_TRUE(
      eventually([&] { return http(port, "POST", "/", "name=Ann").status == 303; }, seconds(5)));
  serve.terminate();
  std::ifstream f(err);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string log = ss.str();
  EXPECT_NE(log.find("does not answer at start"), std::string::npos) << log;
  auto first = log.find("session store calls are failing");
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("session store calls are failing", first + 1), std::string::npos)
      << "logged once: " << log;
  EXPECT_NE(log.find("session store answers again"), std::string::npos) << log;
  std::filesystem::remove(err);
}

// SIGTERM while connections close and store calls fail must never crash the instance.
TEST(ServeIntegration, StoppingWhileConnectionsCloseNeverCrashes) {
  for (int round = 0; round < 8; ++round) {
    Instance a({"--memcached", "127.0.0.1:1", "--store-timeout", "50ms"});
    std::vector<std::thread> clients;
    std::atomic<bool> stop{false};
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&] {
        while (!stop) {
          http(a.port, "POST", "/", "name=Bob", "", milliseconds(500));  // 503, then closed
          int fd = connect_loopback(a.port);  // opened and closed at once
          if (fd >= 0) close(fd);
        }
      });
    std::this_thread::sleep_for(milliseconds(100 + 20 * round));
    a.proc.signal(SIGTERM);
    int status = a.proc.wait(seconds(10));
    stop = true;
    for (auto& c : clients) c.join();
    EXPECT_EQ(status, 0) << "round " << round << ": exit status " << status << " (134 is SIGABRT)";
  }
}

// serve --csrf: Home pages for visitors without a session write nothing to memcached (a client
// that never writes made one session per GET before, and evicted other users' sessions); the
// token of a pre-session cookie, signed with the farm's --csrf-secret, is taken by another
// instance with the same secret, and only the first write creates the session.
TEST(ServeIntegration, CsrfHomePagesWriteNothingToTheStore) {
  Memcached mc;
  auto dir = std::filesystem::temp_directory_path() / ("sessdemo-csrf-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto secret = dir / "secret";
  std::ofstream(secret) << "a farm secret of more than sixteen bytes\n";
  Instance a(
      {"--memcached", mc.address(), "--id", "A", "--csrf", "--csrf-secret", secret.string()});
  Instance b(
      {"--memcached", mc.address(), "--id", "B", "--csrf", "--csrf-secret", secret.string()});
  auto items = [&] {
    std::string stats = memcached_command(mc.port, "stats\r\n");
    auto at = stats.find("STAT total_items ");
    return at == std::string::npos ? -1 : std::stoll(stats.substr(at + 17));
  };
  HttpReply home;
  for (int i = 0; i < 300; ++i) home = http(a.port, "GET", "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(items(), 0) << "Home pages without a session wrote to the store";
  std::string sc = home.header("set-cookie");
  ASSERT_EQ(sc.rfind("sessdemo_csrf=", 0), 0u) << sc;
  std::string nonce = sc.substr(14, sc.find(';') - 14);
  auto at = home.body.find("name=\"csrf_token\" value=\"");
  ASSERT_NE(at, std::string::npos);
  std::string token = home.body.substr(at + 25, 22);
  auto refused = http(b.port, "POST", "/", "name=Eve&csrf_token=" + nonce,
                      "Cookie: sessdemo_csrf=" + nonce + "\r\n");
  EXPECT_EQ(refused.status, 403) << "a nonce is not its own token when tokens are signed";
  auto saved = http(b.port, "POST", "/", "name=Ann&csrf_token=" + token,
                    "Cookie: sessdemo_csrf=" + nonce + "\r\n");
  EXPECT_EQ(saved.status, 303);
  std::string sid = saved.session_cookie();
  ASSERT_FALSE(sid.empty());
  EXPECT_EQ(name_on(a, sid), "Ann");
  EXPECT_EQ(items(), 1);
  std::filesystem::remove_all(dir);
}
