#include "server/cache_watch.hpp"

#include <spdlog/spdlog.h>

namespace sessdemo {

CacheWatch::CacheWatch(SessionStore& store, Metrics& metrics, const SessionStats& sessions,
                       std::chrono::milliseconds period)
    : store_(store), metrics_(metrics), sessions_(sessions), period_(period) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      poll();
      lock.lock();
      wake_.wait_for(lock, period_, [this] { return stop_; });
    }
  });
}

CacheWatch::~CacheWatch() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CacheWatch::poll() {
  std::lock_guard lock(poll_mutex_);  // the thread's polls and a test's never overlap
  auto nodes = store_.node_stats();
  if (nodes.empty()) return;
  bool holds_sessions = sessions_.created.load(std::memory_order_relaxed) > 0;
  for (const auto& n : nodes) {
    if (!n.ok) continue;
    auto [it, first] = evictions_.try_emplace(n.node, n.evictions);
    bool rising = !first && n.evictions > it->second;
    it->second = n.evictions;
    if (rising && holds_sessions && !warned_[n.node]) {
      warned_[n.node] = true;
      spdlog::warn(
          "memcached {} is evicting items ({} so far, {} of {} bytes used) while it holds sessions: "
          "sessions are being thrown out and their users logged out. Give sessions a node of their "
          "own, start it with -M (refuse instead of evict) or more -m, and watch "
          "sessdemo_memcached_evictions_total",
          n.node, n.evictions, n.bytes, n.limit_bytes);
    }
  }
  metrics_.update_node_stats(std::move(nodes));
}

}  // namespace sessdemo
