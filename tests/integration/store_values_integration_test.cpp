// Store values are untrusted input: bytes that are no session (garbage, a truncated value, a
// value of a newer codec) planted under the server's own key in a real memcached, on the primary
// or on the backup of a --copies 2 session. Every write must still go through (never a 503 for a
// write the primary took, never "being changed" for good), and the session read back.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/support/fake_servers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
// The value under key on the node ("" when none).
std::string value_of(std::uint16_t port, const std::string& key) {
  std::string reply = memcached_command(port, "get " + key + "\r\n");
  if (reply.rfind("VALUE", 0) != 0) return "";
  auto start = reply.find("\r\n") + 2;
  auto end = reply.rfind("\r\nEND");
  return reply.substr(start, end - start);
}

bool plant(std::uint16_t port, const std::string& key, const std::string& bytes) {
  return memcached_command(port, "set " + key + " 0 600 " + std::to_string(bytes.size()) + "\r\n" +
                                     bytes + "\r\n")
             .rfind("STORED", 0) == 0;
}

const std::string json = "Content-Type: application/json\r\n";
}  // namespace

TEST(StoreValues, AnUndecodableCopyNeverMakesWritesFailWithTwoCopies) {
  Memcached nodes[3];
  std::string list = nodes[0].address() + "," + nodes[1].address() + "," + nodes[2].address();
  auto inst = three_instances({"--memcached", list, "--copies", "2"});
  int round = 0;
  for (const std::string& bad : {std::string("garbage\x01\xff"), std::string("sd1 7 1700000000 17"),
                                 std::string("sd9 1 2 3 4 5 6 a future codec")}) {
    for (int holder = 0; holder < 2; ++holder, ++round) {
      auto created = http(inst[0].port, "PUT", "/api/session", R"({"name":"before"})", json);
      std::string sid = created.session_cookie();
      ASSERT_FALSE(sid.empty());
      std::string key = "sessdemo:" + sid, cookie = "Cookie: sessdemo_sid=" + sid + "\r\n";
      std::vector<std::uint16_t> holders;
      for (auto& n : nodes)
        if (!value_of(n.port, key).empty()) holders.push_back(n.port);
      ASSERT_EQ(holders.size(), 2u) << "two copies";
      // Corrupt the first copy found, then the second: one of them is the primary.
      ASSERT_TRUE(plant(holders[static_cast<std::size_t>(holder)], key, bad));
      std::string name = "after" + std::to_string(round);
      auto w =
          http(inst[1].port, "PUT", "/api/session", "{\"name\":\"" + name + "\"}", json + cookie);
      EXPECT_EQ(w.status, 200) << "round " << round << ": " << w.body;
      auto visit = http(inst[2].port, "POST", "/api/session/visits", "", json + cookie);
      EXPECT_EQ(visit.status, 200) << "round " << round << ": " << visit.body;
      auto again =
          http(inst[0].port, "PUT", "/api/session", "{\"name\":\"" + name + "b\"}", json + cookie);
      EXPECT_EQ(again.status, 200) << "round " << round << ": " << again.body;
      auto r = http(inst[2].port, "GET", "/api/session", "", cookie);
      EXPECT_NE(r.body.find(name + "b"), std::string::npos) << "round " << round << ": " << r.body;
    }
  }
}

// A node's `stats` are its own figures only when they could be: garbage or negative numbers
// (wrapped to nearly 2^64 by strtoull) make a node that did not answer, never a node with 0
// evictions or 18 exabytes on /metrics. The same stand-in with sane figures is exported.
TEST(StoreValues, AbsurdNodeFiguresAreNotExported) {
  auto node_lines = [](const std::string& page, const std::string& node) {
    std::size_t n = 0;
    for (std::size_t at = page.find("node=\"" + node + "\""); at != std::string::npos;
         at = page.find("node=\"" + node + "\"", at + 1))
      ++n;
    return n;
  };
  FakeMemcached sane(
      "STAT pid 7\r\nSTAT time 1700000000\r\nSTAT limit_maxbytes 67108864\r\nSTAT bytes 1000\r\n"
      "STAT evictions 3\r\nSTAT curr_items 9\r\n");
  FakeMemcached negative(
      "STAT pid 7\r\nSTAT time 1700000000\r\nSTAT limit_maxbytes 67108864\r\nSTAT bytes -5\r\n"
      "STAT evictions 3\r\nSTAT curr_items 9\r\n");
  FakeMemcached garbage("STAT pid 7\r\nSTAT evictions lots\r\nSTAT bytes many\r\n");
  for (auto* node : {&sane, &negative, &garbage}) {
    Instance a({"--memcached", node->address()});
    ASSERT_NE(a.port, 0);
    ASSERT_TRUE(eventually([&] { return bool(node->asked_stats); }, std::chrono::seconds(5)));
    // The answer handed to /metrics: no page shows that a refused answer was read, so this one
    // waits a time, well past the parse of a few lines.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto page = http(a.port, "GET", "/metrics").body;
    if (node == &sane) {
      EXPECT_NE(
          page.find("sessdemo_memcached_evictions_total{node=\"" + node->address() + "\"} 3\n"),
          std::string::npos)
          << page;
    } else {
      EXPECT_EQ(node_lines(page, node->address()), 0u) << page;
    }
    node->stop = true;
  }
}
