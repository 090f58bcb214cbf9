#pragma once
// Counters for /metrics, in Prometheus text format. Lock-free: relaxed atomics on fixed arrays.
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "common/prometheus_text.hpp"
#include "server/executor_stats.hpp"
#include "server/route.hpp"
#include "sessions/replicated_store.hpp"
#include "sessions/session_service.hpp"
#include "sessions/store.hpp"

namespace sessdemo {

enum class StoreOp { load, save, create, remove, lock, unlock, ping, count_ };
const char* to_string(StoreOp op);

// Why a write was refused before it reached the session (403): an Origin that is "null" or not
// one, another scheme or another host than the request's own; a missing or stale CSRF token.
enum class WriteRefusal { origin_null, origin_scheme, origin_host, csrf, count_ };
const char* to_string(WriteRefusal r);

class Metrics {
 public:
  // replication: the copies' counters when sessions are kept on several memcached nodes.
  explicit Metrics(const ReplicationStats* replication = nullptr) : replication_(replication) {}
  void count_request(Route route, unsigned status);
  void count_store(StoreOp op, StoreStatus outcome, std::chrono::nanoseconds took);
  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_refused() { refused_connections_.fetch_add(1, std::memory_order_relaxed); }
  void count_write_refusal(WriteRefusal r) {
    write_refusals_[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed);
  }
  long open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

  // The whole exposition; session counters come from the service.
  std::string render(const SessionStats& sessions) const;
  // Counted by the server's store executor.
  ExecutorStats& executor_counters() { return executor_; }
  // The cache nodes' own figures, as last polled (server/cache_watch).
  void update_node_stats(std::vector<NodeStats> nodes) {
    std::lock_guard lock(nodes_mutex_);
    nodes_ = std::move(nodes);
  }

  static constexpr std::array<double, 12> latency_bounds_s{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};

 private:
  void render_traffic(PrometheusText& out) const;
  void render_sessions(PrometheusText& out, const SessionStats& s) const;
  void render_nodes(PrometheusText& out) const;
  void render_executor(PrometheusText& out) const;
  void render_copies(PrometheusText& out) const;
  static constexpr std::size_t routes = static_cast<std::size_t>(Route::count_);
  static constexpr std::size_t ops = static_cast<std::size_t>(StoreOp::count_);
  static constexpr std::size_t outcomes = 4;
  // requests_[route][status - 100]; statuses outside 100..599 land on 599.
  std::array<std::array<std::atomic<std::uint64_t>, 500>, routes> requests_{};
  std::array<std::array<std::atomic<std::uint64_t>, outcomes>, ops> store_ops_{};
  // Non-cumulative bucket counts; the last one is +Inf. Rendered cumulatively.
  std::array<std::atomic<std::uint64_t>, latency_bounds_s.size() + 1> latency_buckets_{};
  std::atomic<std::uint64_t> latency_sum_ns_{0};
  std::atomic<long> open_connections_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(WriteRefusal::count_)>
      write_refusals_{};
  const ReplicationStats* const replication_;
  ExecutorStats executor_;
  mutable std::mutex nodes_mutex_;  // the poller writes, /metrics reads; never on a page view
  std::vector<NodeStats> nodes_;
};

}  // namespace sessdemo
