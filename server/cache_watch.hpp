#pragma once
// Watches the cache nodes that hold the sessions: every period it asks each memcached node for
// its `stats` (on connections of its own, off the request path), hands the figures to /metrics,
// and warns once per node when the node starts evicting while this instance keeps sessions in
// it: a cache shared with other data, or too small, throws sessions out, and users are logged out.
//
// A node can keep a poll waiting as long as it likes (libmemcached's timeouts are per read, and a
// node that trickles its answer a byte at a time passes each), so the poll never holds up
// shutdown: the thread asks a NodeStatsSource that owns copies of what it needs, and hands the
// figures over under a lock only while the watch lives; the destructor waits for it at most
// stop_wait, then leaves it behind.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "server/metrics.hpp"
#include "sessions/session_service.hpp"
#include "sessions/store.hpp"

namespace sessdemo {

class CacheWatch {
 public:
  CacheWatch(SessionStore& store, Metrics& metrics, const SessionStats& sessions,
             std::chrono::milliseconds period = std::chrono::seconds(3),
             std::chrono::milliseconds stop_wait = std::chrono::milliseconds(500));
  ~CacheWatch();
  CacheWatch(const CacheWatch&) = delete;
  CacheWatch& operator=(const CacheWatch&) = delete;

  // One poll: the figures to /metrics, a warning for a node newly evicting. Called by the
  // thread; public for tests.
  void poll();

 private:
  // What the thread shares with the watch; it outlives the watch when a poll is left behind.
  struct Shared {
    std::mutex mutex;
    std::mutex fetching;  // one fetch at a time (the thread's and a test's poll()); never waited
                          // for at stop
    std::condition_variable wake;
    bool stop = false;      // the watch is gone: hand nothing over
    bool finished = false;  // the thread is past its last use of anything
  };
  void take(std::vector<NodeStats> nodes);  // with shared_->mutex held, and the watch alive

  std::shared_ptr<NodeStatsSource> source_;
  Metrics& metrics_;
  const SessionStats& sessions_;
  std::chrono::milliseconds period_, stop_wait_;
  std::map<std::string, std::uint64_t> evictions_;  // per node, at the last poll
  std::map<std::string, bool> warned_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  std::thread thread_;
};

}  // namespace sessdemo
