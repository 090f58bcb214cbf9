#include "server/metrics.hpp"

#include <cstdio>
#include <vector>

#include "server/store_executor.hpp"

namespace sessdemo {

const char* to_string(Route r) {
  static constexpr const char* names[] = {"home",    "details", "api_session", "api_visits",
                                          "healthz", "readyz",  "metrics",     "other"};
  return names[static_cast<std::size_t>(r)];
}

const char* to_string(WriteRefusal r) {
  switch (r) {
    case WriteRefusal::origin_null:
      return "origin_null";
    case WriteRefusal::origin_scheme:
      return "origin_scheme";
    case WriteRefusal::origin_host:
      return "origin_host";
    case WriteRefusal::csrf:
      return "csrf";
    case WriteRefusal::count_:
      break;
  }
  return "?";
}

const char* to_string(StoreOp op) {
  static constexpr const char* names[] = {"load", "save",   "create", "remove",
                                          "lock", "unlock", "ping"};
  return names[static_cast<std::size_t>(op)];
}

void Metrics::count_request(Route route, unsigned status) {
  if (status < 100 || status > 599) status = 599;
  requests_[static_cast<std::size_t>(route)][status - 100].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::count_store(StoreOp op, StoreStatus outcome, std::chrono::nanoseconds took) {
  store_ops_[static_cast<std::size_t>(op)][static_cast<std::size_t>(outcome)].fetch_add(
      1, std::memory_order_relaxed);
  double s = std::chrono::duration<double>(took).count();
  std::size_t b = 0;
  while (b < latency_bounds_s.size() && s > latency_bounds_s[b]) ++b;
  latency_buckets_[b].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
}

namespace {
// A Prometheus histogram from per-bucket counts (the last bucket: above every bound).
template <std::size_t N>
void histogram(PrometheusText& out, const char* name, const char* help,
               const std::array<double, N>& bounds,
               const std::array<std::atomic<std::uint64_t>, N + 1>& buckets, double sum_s) {
  std::vector<double> cumulative;
  double total = 0;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    total += static_cast<double>(buckets[b].load(std::memory_order_relaxed));
    if (b < bounds.size()) cumulative.push_back(total);
  }
  out.histogram(name, help, std::vector<double>(bounds.begin(), bounds.end()), cumulative, total,
                sum_s);
}
void counter(PrometheusText& out, const char* name, const char* help,
             const std::atomic<std::uint64_t>& v) {
  out.family(name, "counter", help);
  out.sample(name, static_cast<double>(v.load(std::memory_order_relaxed)));
}
}  // namespace

std::string Metrics::render(const SessionStats& s) const {
  PrometheusText out;
  out.reserve(4096);
  render_traffic(out);
  render_sessions(out, s);
  render_nodes(out);
  render_executor(out);
  render_copies(out);
  return out.take();
}

// Requests by route and status, store calls, connections.
void Metrics::render_traffic(PrometheusText& out) const {
  out.family("sessdemo_http_requests_total", "counter",
             "HTTP requests answered, by route and status.");
  for (std::size_t r = 0; r < routes; ++r)
    for (std::size_t st = 0; st < 500; ++st)
      if (auto v = requests_[r][st].load(std::memory_order_relaxed))
        out.sample(
            "sessdemo_http_requests_total",
            {{"route", to_string(static_cast<Route>(r))}, {"status", std::to_string(st + 100)}},
            static_cast<double>(v));
  out.family("sessdemo_store_operations_total", "counter",
             "Session store calls, by kind and outcome.");
  for (std::size_t o = 0; o < ops; ++o)
    for (std::size_t k = 0; k < outcomes; ++k)
      out.sample("sessdemo_store_operations_total",
                 {{"op", to_string(static_cast<StoreOp>(o))},
                  {"outcome", to_string(static_cast<StoreStatus>(k))}},
                 static_cast<double>(store_ops_[o][k].load(std::memory_order_relaxed)));
  histogram(out, "sessdemo_store_latency_seconds", "Session store call latency.", latency_bounds_s,
            latency_buckets_,
            static_cast<double>(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  out.family("sessdemo_open_connections", "gauge", "HTTP connections open now.");
  out.sample("sessdemo_open_connections", static_cast<double>(open_connections()));
  out.family("sessdemo_refused_connections_total", "counter",
             "Connections closed at once: over the cap.");
  out.sample("sessdemo_refused_connections_total",
             static_cast<double>(refused_connections_.load()));
  out.family("sessdemo_write_refusals_total", "counter",
             "Writes refused (403) before they reached the session, by reason.");
  for (std::size_t r = 0; r < write_refusals_.size(); ++r)
    out.sample("sessdemo_write_refusals_total",
               {{"reason", to_string(static_cast<WriteRefusal>(r))}},
               static_cast<double>(write_refusals_[r].load(std::memory_order_relaxed)));
}

// The session service's counters and the lock wait histogram.
void Metrics::render_sessions(PrometheusText& out, const SessionStats& s) const {
  counter(out, "sessdemo_sessions_created_total", "Sessions written for the first time.",
          s.created);
  counter(out, "sessdemo_session_refreshes_total", "Sliding-expiry rewrites made by reads.",
          s.refreshes);
  counter(out, "sessdemo_sessions_expired_total", "Sessions found past their absolute lifetime.",
          s.expired);
  counter(out, "sessdemo_session_decode_failures_total", "Stored values that could not be decoded.",
          s.corrupt);
  counter(out, "sessdemo_session_conflicts_total", "CAS writes that lost to another writer.",
          s.conflicts);
  counter(out, "sessdemo_session_update_give_ups_total",
          "Updates that ran out of CAS attempts (503).", s.gave_up);
  counter(out, "sessdemo_session_lock_waits_total", "Lock attempts that found the lock taken.",
          s.lock_waits);
  counter(out, "sessdemo_session_lease_expired_total",
          "Lock holders too slow to write safely (503).", s.lease_expired);
  counter(out, "sessdemo_session_lock_lost_total",
          "Unlocks that found the lock expired or taken over.", s.lock_lost);
  counter(out, "sessdemo_session_deadline_exceeded_total",
          "Updates stopped by the request deadline (503).", s.deadline_exceeded);
  // The names operators search for when users stall on a lock or a write is retried: always
  // there, whatever the mode (the histogram stays empty outside lock mode). One name per series:
  // these two were also exported as sessdemo_session_lock_timeouts_total and
  // sessdemo_session_retries_total until 2026-12; the documented names stayed.
  histogram(out, "sessdemo_lock_wait_seconds",
            "Time a request waited for the session lock (lock mode; empty otherwise).",
            WaitHistogram::bounds_s, s.lock_wait.buckets,
            static_cast<double>(s.lock_wait.sum_ns.load(std::memory_order_relaxed)) / 1e9);
  counter(out, "sessdemo_lock_timeouts_total", "Updates that never got the session lock (503).",
          s.lock_timeouts);
  counter(out, "sessdemo_cas_retries_total", "Writes re-read and re-applied after a CAS conflict.",
          s.retries);
}

// The memcached nodes' own figures, as last polled.
void Metrics::render_nodes(PrometheusText& out) const {
  {
    std::lock_guard lock(nodes_mutex_);
    if (!nodes_.empty()) {
      auto per_node = [&](const char* name, const char* type, const char* help, auto value) {
        out.family(name, type, help);
        for (const auto& n : nodes_)
          if (n.ok) out.sample(name, {{"node", n.node}}, static_cast<double>(value(n)));
      };
      per_node("sessdemo_memcached_evictions_total", "counter",
               "Items the memcached node threw out to make room (sessions among them).",
               [](const NodeStats& n) { return n.evictions; });
      per_node("sessdemo_memcached_bytes", "gauge", "Bytes the memcached node holds.",
               [](const NodeStats& n) { return n.bytes; });
      per_node("sessdemo_memcached_limit_bytes", "gauge", "The memcached node's memory limit (-m).",
               [](const NodeStats& n) { return n.limit_bytes; });
      per_node("sessdemo_memcached_items", "gauge", "Items the memcached node holds.",
               [](const NodeStats& n) { return n.items; });
    }
  }
}

// What the store executor refused and batched.
void Metrics::render_executor(PrometheusText& out) const {
  {
    const auto& e = executor_;
    counter(out, "sessdemo_store_expired_total",
            "Requests answered 503 at their deadline before any store call.", e.expired);
    counter(out, "sessdemo_store_overloaded_total",
            "Requests answered 503 because a store queue was full.", e.overloaded);
    counter(out, "sessdemo_store_read_batches_total",
            "Read batches (one store round trip per node each).", e.batches);
    counter(out, "sessdemo_store_batched_reads_total", "Reads in those batches.", e.batched_reads);
    counter(out, "sessdemo_store_read_batches_here_total",
            "Of those batches, the ones an I/O thread loaded itself (the store answering fast).",
            e.batches_here);
    counter(out, "sessdemo_internal_errors_total", "Requests answered 500 after an exception.",
            e.internal_errors);
  }
}

// The copies' counters, with several memcached nodes.
void Metrics::render_copies(PrometheusText& out) const {
  if (replication_) {
    const auto& r = *replication_;
    counter(out, "sessdemo_store_fallbacks_total",
            "Reads answered by a copy other than the primary.", r.fallbacks);
    counter(out, "sessdemo_store_repairs_total", "Missing or older copies refilled by reads.",
            r.repairs);
    counter(out, "sessdemo_store_node_ejections_total",
            "Times a memcached node was taken out of rotation.", r.ejections);
    counter(out, "sessdemo_store_replica_write_failures_total", "Copy writes that failed.",
            r.replica_write_failures);
    counter(out, "sessdemo_store_divergences_total",
            "Writes refused: a copy held another primary's write.", r.divergences);
    counter(out, "sessdemo_store_quorum_reads_total",
            "Reads answered by a majority of a session's copies (--copies 3 or more).",
            r.quorum_reads);
    counter(out, "sessdemo_store_quorum_writes_total",
            "Writes a majority of a session's copies accepted.", r.quorum_writes);
    counter(out, "sessdemo_store_quorum_failures_total",
            "Reads, writes and locks no majority of the copies answered (503).", r.quorum_failures);
  }
}

}  // namespace sessdemo
