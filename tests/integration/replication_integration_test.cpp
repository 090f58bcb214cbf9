// High availability against three real memcached nodes: a node killed in the middle of a run
// loses no session and no acknowledged update with --copies 2 and with quorum copies (3, locks
// included), and does with --copies 1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "sessions/memory_store.hpp"
#include "sessions/replicated_store.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
struct Cluster {
  Memcached nodes[3];
  std::string list() const {
    return nodes[0].address() + "," + nodes[1].address() + "," + nodes[2].address();
  }
};

std::vector<Instance> instances(const Cluster& c, const std::string& copies,
                                std::vector<std::string> extra = {}) {
  std::vector<std::string> flags{"--memcached", c.list(), "--copies", copies};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return three_instances(flags);
}

// Runs the load and kills node 1 with SIGKILL halfway through.
LoadRun load_with_node_killed(Cluster& c, const std::vector<Instance>& inst,
                              std::vector<std::string> extra) {
  std::vector<std::string> args{"--instances", addresses(inst), "--clients",
                                "60",          "--duration",    "4s"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto load = start_load(args);
  std::this_thread::sleep_for(seconds(2));
  c.nodes[1].proc.signal(SIGKILL);
  return load.finish();
}

// Whether a memcached node holds key, asked over its text protocol.
bool node_has(std::uint16_t port, const std::string& key) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
  std::string cmd = "get " + key + "\r\n";
  send(s, cmd.data(), cmd.size(), 0);
  char buf[2048];
  ssize_t n = recv(s, buf, sizeof buf, 0);
  close(s);
  return n > 5 && std::string(buf, 5) == "VALUE";
}
}  // namespace

TEST(ReplicationIntegration, TwoCopiesSurviveANodeKilledDuringVisits) {
  Cluster c;
  auto inst = instances(c, "2");
  auto r = load_with_node_killed(c, inst, {});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_EQ(r.total_of("stale"), 0);
  EXPECT_GT(r.total_of("hits"), 1000);
  EXPECT_GE(metric(inst[0].port, "sessdemo_store_node_ejections_total").value_or(0), 1)
      << "the kill was not noticed";
}

TEST(ReplicationIntegration, OneCopyLosesSessionsWhenANodeIsKilled) {
  Cluster c;
  auto inst = instances(c, "1");
  auto r = load_with_node_killed(c, inst, {"--max-error-rate", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.total_of("misses"), 0) << r.out;
}

TEST(ReplicationIntegration, TwoCopiesLoseNoUpdateWhenANodeIsKilled) {
  Cluster c;
  auto inst = instances(c, "2", {"--concurrency", "cas"});
  auto r = load_with_node_killed(
      c, inst, {"--scenario", "counter", "--clients", "30", "--max-error-rate", "0.01"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.counter_of("lost_updates"), 0);
  EXPECT_GT(r.counter_of("acknowledged"), 500);
}

TEST(ReplicationIntegration, QuorumCopiesSurviveANodeKilledDuringVisits) {
  Cluster c;
  auto inst = instances(c, "3");
  auto r = load_with_node_killed(c, inst, {});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_EQ(r.total_of("stale"), 0);
  EXPECT_GT(r.total_of("hits"), 1000);
  EXPECT_GT(metric(inst[0].port, "sessdemo_store_quorum_reads_total").value_or(0), 100);
  EXPECT_GT(metric(inst[0].port, "sessdemo_store_quorum_writes_total").value_or(0), 10);
}

TEST(ReplicationIntegration, QuorumCopiesKeepTheLockAndLoseNoUpdateWhenANodeIsKilled) {
  // Lock mode: the lock is held on a majority of the copies, so the node that dies takes no
  // holder's lock with it.
  Cluster c;
  auto inst = instances(c, "3", {"--concurrency", "lock"});
  auto r = load_with_node_killed(
      c, inst, {"--scenario", "counter", "--clients", "30", "--max-error-rate", "0.02"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.counter_of("lost_updates"), 0);
  EXPECT_GT(r.counter_of("acknowledged"), 300);
}

TEST(ReplicationIntegration, ANodeRestartedEmptyIsRefilledByReads) {
  Cluster c;
  Instance inst({"--memcached", c.list(), "--copies", "2"});
  auto post = http(inst.port, "POST", "/", "name=Grace");
  ASSERT_EQ(post.status, 303);
  std::string sid = post.session_cookie();
  std::string key = "sessdemo:" + sid;
  // The ring depends on the node addresses only, so the test can ask it where the copies are.
  std::vector<sessdemo::ReplicaNode> ring;
  for (auto& n : c.nodes) ring.push_back({n.address(), std::make_unique<sessdemo::MemoryStore>()});
  sessdemo::ReplicationOptions ro;
  ro.copies = 2;
  auto copies = sessdemo::ReplicatedStore(std::move(ring), ro).copies_of(sid);
  ASSERT_EQ(copies.size(), 2u);
  Memcached& primary = c.nodes[copies[0]];
  ASSERT_TRUE(node_has(primary.port, key))
      << "copies " << copies[0] << "," << copies[1] << " have: " << node_has(c.nodes[0].port, key)
      << node_has(c.nodes[1].port, key) << node_has(c.nodes[2].port, key);
  ASSERT_TRUE(node_has(c.nodes[copies[1]].port, key))
      << node_has(c.nodes[0].port, key) << node_has(c.nodes[1].port, key)
      << node_has(c.nodes[2].port, key);
  std::string cookie = "Cookie: sessdemo_sid=" + sid + "\r\n";
  primary.proc.signal(SIGKILL);
  primary.proc.wait(seconds(5));
  for (int i = 0; i < 5; ++i) {  // served by the second copy meanwhile
    auto r = http(inst.port, "GET", "/details", "", cookie);
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find(">Grace<"), std::string::npos);
  }
  primary.restart();  // empty
  EXPECT_FALSE(node_has(primary.port, key));
  // Once the node is back in rotation (after its ejection), a read finds its copy missing and
  // refills it; every read on the way is served from the other copy.
  bool refilled = eventually(
      [&] {
        auto r = http(inst.port, "GET", "/details", "", cookie);
        EXPECT_NE(r.body.find(">Grace<"), std::string::npos);
        return node_has(primary.port, key);
      },
      seconds(10));
  EXPECT_TRUE(refilled) << "the restarted primary was not refilled";
  EXPECT_GE(metric(inst.port, "sessdemo_store_repairs_total").value_or(0), 1);
}

TEST(ReplicationIntegration, MoreCopiesThanNodesIsABadFlag) {
  Memcached mc;
  Child c({sessdemo_binary(), "serve", "--port", "0", "--memcached", mc.address(), "--copies", "2"},
          "/dev/null");
  c.read_all(seconds(5));
  EXPECT_EQ(c.wait(seconds(10)), 2);
}
