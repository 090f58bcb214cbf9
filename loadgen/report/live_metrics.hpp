#pragma once
// --metrics-bind ADDR:PORT: the tester's own figures as Prometheus text while the run lasts, so
// a fleet of shards can be watched (and alerted on) like any other job. The page is rendered by
// the runner after each interval (render_live_metrics) and served as it was last published by a
// listener on its own thread (LiveMetrics), so a scrape never touches the workers.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "loadgen/report/checks.hpp"
#include "loadgen/stats/stats.hpp"

namespace sessdemo::loadgen {

// What the page shows: the measured figures so far, per instance, and the load now.
struct LiveFigures {
  const StatsTable* so_far = nullptr;
  std::uint64_t active_clients = 0;
  double target_rps = 0;  // open model; 0 in the closed one
  std::uint64_t dropped = 0;
  std::string shard;  // "I/N" with --shard, or "": a shard label on every series
  const std::vector<Check>* checks = nullptr;  // the checks on the figures so far
};
std::string render_live_metrics(const LiveFigures& f);

// What the listener lets a client cost (the defaults serve's --metrics-bind has too).
struct LiveMetricsLimits {
  std::size_t max_open = 16;  // connections at once; the rest of the descriptors are the load's
  std::chrono::milliseconds deadline{2000};  // to send the request and take the answer
  std::size_t max_request = 8192;            // bytes of the request's head; no body
};

class LiveMetrics {
 public:
  // Listens on host:port (port 0: any free one); throws std::runtime_error saying why not.
  LiveMetrics(const std::string& host, std::uint16_t port, const LiveMetricsLimits& limits = {});
  ~LiveMetrics();
  LiveMetrics(const LiveMetrics&) = delete;
  LiveMetrics& operator=(const LiveMetrics&) = delete;
  void publish(std::string page);  // GET /metrics answers this from now on
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sessdemo::loadgen
