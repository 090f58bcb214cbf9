// A cache shared with other data: a small memcached filled by another user evicts sessions. The
// instance sees it in memcached's own stats (on /metrics); with -M the node refuses instead, and
// the sessions stay.
#include <gtest/gtest.h>
#include <libmemcached/memcached.h>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
// memcached on a free port with -m MB (and -M: an error when full instead of evicting).
struct SmallMemcached {
  SmallMemcached(int mb, bool no_evict) : port(free_port()) {
    std::vector<std::string> argv{"memcached", "-l", "127.0.0.1", "-p", std::to_string(port), "-U",
                                  "0",         "-u", "nobody",    "-m", std::to_string(mb),   "-t",
                                  "2"};
    if (no_evict) argv.push_back("-M");
    proc = Child(argv);
    if (!wait_for_port(port, seconds(10))) throw std::runtime_error("memcached did not start");
  }
  std::uint16_t port;
  Child proc;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

// Another user of the cache: n small values (64 to 448 bytes, the sizes sessions have, since
// memcached evicts within a size class) under keys of its own. Returns the sets refused.
int fill(std::uint16_t port, int n) {
  memcached_st* mc = memcached_create(nullptr);
  memcached_server_add(mc, "127.0.0.1", port);
  std::string value(448, 'x');
  int refused = 0;
  for (int i = 0; i < n; ++i) {
    std::string key = "other-app:" + std::to_string(i);
    std::size_t size = 64 + static_cast<std::size_t>(i % 7) * 64;
    if (memcached_set(mc, key.data(), key.size(), value.data(), size, 0, 0) != MEMCACHED_SUCCESS)
      refused++;
  }
  memcached_free(mc);
  return refused;
}

std::vector<std::string> make_sessions(const Instance& inst, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back(http(inst.port, "PUT", "/api/session", R"({"name":"kept"})",
                       "Content-Type: application/json\r\n")
                      .session_cookie());
  return ids;
}

int readable(const Instance& inst, const std::vector<std::string>& ids) {
  int n = 0;
  for (const auto& id : ids)
    n += http(inst.port, "GET", "/api/session", "", "Cookie: sessdemo_sid=" + id + "\r\n")
             .body.find("kept") != std::string::npos;
  return n;
}
}  // namespace

TEST(CacheEviction, AFullSharedCacheEvictsSessionsAndMetricsShowIt) {
  SmallMemcached mc(8, false);
  Instance inst({"--memcached", mc.address()});
  auto ids = make_sessions(inst, 50);
  ASSERT_EQ(readable(inst, ids), 50);
  EXPECT_EQ(fill(mc.port, 60000), 0);  // 15 MB into 8: everything fits by evicting
  std::string sample = "sessdemo_memcached_evictions_total{node=\"" + mc.address() + "\"}";
  EXPECT_TRUE(eventually([&] { return metric(inst.port, sample).value_or(0) > 0; }, seconds(10)));
  EXPECT_EQ(metric(inst.port, "sessdemo_memcached_limit_bytes{node=\"" + mc.address() + "\"}"),
            8 << 20);
  EXPECT_LT(readable(inst, ids), 50) << "sessions were thrown out with the other data";
}

TEST(CacheEviction, WithMinusMTheNodeRefusesInsteadOfEvicting) {
  SmallMemcached mc(8, true);
  Instance inst({"--memcached", mc.address()});
  auto ids = make_sessions(inst, 50);
  EXPECT_GT(fill(mc.port, 60000), 0) << "a full node refuses the other writes";
  EXPECT_EQ(readable(inst, ids), 50) << "no session was evicted";
  // A new session on the full node: a 503, never a miss passed off as success.
  auto more = http(inst.port, "PUT", "/api/session", R"({"name":"new"})",
                   "Content-Type: application/json\r\n");
  EXPECT_TRUE(more.status == 200 || more.status == 503) << more.status;
  std::string sample = "sessdemo_memcached_evictions_total{node=\"" + mc.address() + "\"}";
  EXPECT_TRUE(eventually([&] { return metric(inst.port, sample).has_value(); }, seconds(10)));
  EXPECT_EQ(metric(inst.port, sample), 0);
}
