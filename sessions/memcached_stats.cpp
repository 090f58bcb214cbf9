// What the memcached store says of its nodes besides sessions: a ping for /readyz, and the
// nodes' own figures (evictions, fill) for the cache watch.
#include <cstdlib>

#include "sessions/memcached_handle.hpp"

namespace sessdemo {

StoreStatus MemcachedStore::ping() {
  memcached_st* mc = handle();
  if (!mc) return StoreStatus::unavailable;
  // A get of a key nobody writes: NOTFOUND proves a round trip to the node that owns it.
  std::string key = opts_.key_prefix + ":ping";
  size_t len = 0;
  uint32_t flags = 0;
  memcached_return_t rc = MEMCACHED_SUCCESS;
  char* v = memcached_get(mc, key.data(), key.size(), &len, &flags, &rc);
  free(v);
  return is_memcached_failure(rc) ? StoreStatus::unavailable : StoreStatus::ok;
}

namespace {
// A node's own figures are what it says: a node that answered garbage (fields left at 0), or
// negative numbers (which libmemcached's strtoull wraps to nearly 2^64), is a node that did not
// answer, not one with 0 evictions or 18 exabytes. A real memcached has a pid, a clock and a
// memory limit, and holds at most a little more than its limit.
bool plausible(const memcached_stat_st& s) {
  constexpr unsigned long long sane = 1ull << 53;  // what a double carries exactly, to /metrics
  return s.pid > 0 && s.time > 0 && s.limit_maxbytes > 0 && s.limit_maxbytes < sane &&
         s.bytes < sane && s.evictions < sane && s.curr_items < sane &&
         s.bytes <= 2 * s.limit_maxbytes;
}

// A handle of its own, made and freed here: the poller never takes a request thread's.
std::vector<NodeStats> fetch_node_stats(const MemcachedOptions& opts) {
  std::vector<NodeStats> out;
  memcached_st* mc = make_memcached_handle(opts);
  memcached_return_t rc;
  memcached_stat_st* st = memcached_stat(mc, nullptr, &rc);
  for (std::size_t i = 0; i < opts.servers.size(); ++i) {
    NodeStats n;
    n.node = opts.servers[i].to_string();
    // libmemcached fills one entry per server; one that did not answer keeps zero uptime.
    if (st && plausible(st[i])) {
      n.ok = true;
      n.evictions = st[i].evictions;
      n.bytes = st[i].bytes;
      n.limit_bytes = st[i].limit_maxbytes;
      n.items = st[i].curr_items;
    }
    out.push_back(std::move(n));
  }
  if (st) memcached_stat_free(mc, st);
  memcached_free(mc);
  return out;
}

class MemcachedStats final : public NodeStatsSource {
 public:
  explicit MemcachedStats(MemcachedOptions opts) : opts_(std::move(opts)) {}
  std::vector<NodeStats> fetch() override { return fetch_node_stats(opts_); }

 private:
  MemcachedOptions opts_;
};
}  // namespace

std::vector<NodeStats> MemcachedStore::node_stats() {
  return fetch_node_stats(opts_);
}

std::shared_ptr<NodeStatsSource> MemcachedStore::node_stats_source() {
  return std::make_shared<MemcachedStats>(opts_);
}

}  // namespace sessdemo
