// Concurrent requests of one session over several instances: lost updates with --concurrency
// none, none with cas or lock; a dead lock holder's lock is taken over after its TTL.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/http_client.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
LoadRun run_counter(const std::string& instances, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--instances", instances, "--scenario", "counter",
                                "--clients",   "40",      "--inflight", "4",
                                "--duration",  "2s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_load(args);
}

// Sends one memcached text-protocol command and returns the first reply line.
std::string memcached_command(std::uint16_t port, const std::string& cmd) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "";
  send(s, cmd.data(), cmd.size(), 0);
  char buf[512];
  ssize_t n = recv(s, buf, sizeof buf, 0);
  close(s);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
}
}  // namespace

TEST(ConcurrencyIntegration, NoneLosesUpdatesOnMemcached) {
  Memcached mc;
  auto keep = three_instances({"--memcached", mc.address(), "--concurrency", "none"});
  auto list = addresses(keep);
  auto r = run_counter(list);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.counter_of("lost_updates"), 0) << r.out;
  EXPECT_NE(r.out.find("FAIL  lost updates"), std::string::npos);
}

TEST(ConcurrencyIntegration, NoneLosesUpdatesOnTheMemoryStore) {
  // One instance, so the session itself is shared: the losses come from concurrent writes alone.
  Instance one({"--store", "memory", "--concurrency", "none", "--store-threads", "8"});
  auto r = run_counter(one.address(), {"--inflight", "8", "--duration", "3s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.counter_of("lost_updates"), 0) << r.out;
}

// Three memcached-backed instances in `mode`: nothing acknowledged may be lost. A rare 503
// (cas out of retries, lock wait over) is allowed: it is not acknowledged, so it is not lost.
void expect_nothing_lost(const std::string& mode, std::int64_t min_acknowledged) {
  Memcached mc;
  auto keep = three_instances({"--memcached", mc.address(), "--concurrency", mode});
  auto list = addresses(keep);
  auto r = run_counter(list, {"--max-error-rate", "0.01"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.counter_of("lost_updates"), 0);
  EXPECT_GT(r.counter_of("acknowledged"), min_acknowledged);
}

TEST(ConcurrencyIntegration, CasLosesNothing) {
  expect_nothing_lost("cas", 1000);
}
TEST(ConcurrencyIntegration, LockLosesNothing) {
  expect_nothing_lost("lock", 500);
}

TEST(ConcurrencyIntegration, CasOnTheMemoryStoreLosesNothing) {
  Instance one({"--store", "memory", "--concurrency", "cas", "--store-threads", "8"});
  auto r = run_counter(one.address(), {"--inflight", "8"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.counter_of("lost_updates"), 0);
}

TEST(ConcurrencyIntegration, DeadHoldersLockIsTakenOverAfterItsTtl) {
  Memcached mc;
  Instance patient({"--memcached", mc.address(), "--concurrency", "lock", "--lock-timeout", "6s"});
  Instance hasty({"--memcached", mc.address(), "--concurrency", "lock", "--lock-timeout", "300ms"});
  auto first = http(patient.port, "POST", "/api/session/visits");
  ASSERT_EQ(first.status, 200);
  std::string sid = first.session_cookie();
  // A holder that died: its lock key stays behind with a 2 s TTL.
  ASSERT_EQ(memcached_command(mc.port, "set sessdemo:lock:" + sid + " 0 2 1\r\n1\r\n"),
            "STORED\r\n");
  std::string cookie = "Cookie: sessdemo_sid=" + sid + "\r\n";
  auto refused = http(hasty.port, "POST", "/api/session/visits", "", cookie);
  EXPECT_EQ(refused.status, 503);  // never goes on without the lock
  auto t0 = steady_clock::now();
  auto taken = http(patient.port, "POST", "/api/session/visits", "", cookie, seconds(10));
  EXPECT_EQ(taken.status, 200) << taken.body;
  EXPECT_GE(steady_clock::now() - t0, milliseconds(500));
  EXPECT_NE(taken.body.find("\"visits\":2"), std::string::npos)
      << taken.body;  // the 503 changed nothing
  EXPECT_EQ(metric(hasty.port, "sessdemo_session_lock_timeouts_total"), 1);
}
