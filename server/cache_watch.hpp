#pragma once
// Watches the cache nodes that hold the sessions: every period it asks each memcached node for
// its `stats` (on connections of its own, off the request path), hands the figures to /metrics,
// and warns once per node when the node starts evicting while this instance keeps sessions in
// it: a cache shared with other data, or too small, throws sessions out, and users are logged out.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "server/metrics.hpp"
#include "sessions/session_service.hpp"
#include "sessions/store.hpp"

namespace sessdemo {

class CacheWatch {
 public:
  CacheWatch(SessionStore& store, Metrics& metrics, const SessionStats& sessions,
             std::chrono::milliseconds period = std::chrono::seconds(3));
  ~CacheWatch();
  CacheWatch(const CacheWatch&) = delete;
  CacheWatch& operator=(const CacheWatch&) = delete;

  // One poll: the figures to /metrics, a warning for a node newly evicting. Called by the
  // thread; public for tests.
  void poll();

 private:
  SessionStore& store_;
  Metrics& metrics_;
  const SessionStats& sessions_;
  std::chrono::milliseconds period_;
  std::map<std::string, std::uint64_t> evictions_;  // per node, at the last poll
  std::map<std::string, bool> warned_;
  std::mutex poll_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sessdemo
