#include "server/cache_watch.hpp"

#include <spdlog/spdlog.h>

namespace sessdemo {

CacheWatch::CacheWatch(SessionStore& store, Metrics& metrics, const SessionStats& sessions,
                       std::chrono::milliseconds period, std::chrono::milliseconds stop_wait)
    : source_(store.node_stats_source()), metrics_(metrics), sessions_(sessions), period_(period),
      stop_wait_(stop_wait) {
  // The thread's own references: the source and the shared state, both kept alive by it. It
  // touches the watch only under the mutex, while stop is false.
  thread_ = std::thread([this, shared = shared_, source = source_, period = period_] {
    std::unique_lock lock(shared->mutex);
    while (!shared->stop) {
      lock.unlock();
      std::vector<NodeStats> nodes;
      {
        std::lock_guard one(shared->fetching);
        nodes = source->fetch();
      }
      lock.lock();
      if (shared->stop) break;
      if (!nodes.empty()) take(std::move(nodes));
      shared->wake.wait_for(lock, period, [&] { return shared->stop; });
    }
    shared->finished = true;
    shared->wake.notify_all();
  });
}

CacheWatch::~CacheWatch() {
  std::unique_lock lock(shared_->mutex);
  shared_->stop = true;
  shared_->wake.notify_all();
  bool done = shared_->wake.wait_for(lock, stop_wait_, [this] { return shared_->finished; });
  lock.unlock();
  if (done) {
    thread_.join();
  } else {
    spdlog::warn(
        "a memcached node is still answering `stats` after {} ms: shutting down without it",
        stop_wait_.count());
    thread_.detach();  // it holds only its source and the shared state
  }
}

void CacheWatch::poll() {
  std::vector<NodeStats> nodes;
  {
    std::lock_guard one(shared_->fetching);  // the thread's polls and a test's never overlap
    nodes = source_->fetch();
  }
  std::lock_guard lock(shared_->mutex);
  if (!nodes.empty()) take(std::move(nodes));
}

void CacheWatch::take(std::vector<NodeStats> nodes) {
  bool holds_sessions = sessions_.created.load(std::memory_order_relaxed) > 0;
  for (const auto& n : nodes) {
    if (!n.ok) continue;
    auto [it, first] = evictions_.try_emplace(n.node, n.evictions);
    bool rising = !first && n.evictions > it->second;
    it->second = n.evictions;
    if (rising && holds_sessions && !warned_[n.node]) {
      warned_[n.node] = true;
      spdlog::warn(
          "memcached {} is evicting items ({} so far, {} of {} bytes used) while it holds "
          "sessions: "
          "sessions are being thrown out and their users logged out. Give sessions a node of their "
          "own, start it with -M (refuse instead of evict) or more -m, and watch "
          "sessdemo_memcached_evictions_total",
          n.node, n.evictions, n.bytes, n.limit_bytes);
    }
  }
  metrics_.update_node_stats(std::move(nodes));
}

}  // namespace sessdemo
