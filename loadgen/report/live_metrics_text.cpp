// The tester's /metrics page in the Prometheus text exposition format (version 0.0.4).
#include <iterator>
#include <vector>

#include "common/prometheus_text.hpp"
#include "loadgen/report/live_metrics.hpp"

namespace sessdemo::loadgen {

namespace {
// Cumulative buckets from 1 ms to 10 s, as client latencies are usually bucketed.
constexpr double bounds_s[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                               0.25,  0.5,    1,     2.5,  5,     10};

void latency(PrometheusText& p, const StatsTable& t) {
  p.family("sessdemo_load_latency_seconds", "histogram",
           "Latency from when a request was due to its answer, by request kind.");
  const std::vector<double> bounds(std::begin(bounds_s), std::end(bounds_s));
  for (std::size_t k = 0; k < static_cast<std::size_t>(Kind::count_); ++k) {
    Histogram h;
    for (const auto& [id, s] : t.instances) h.merge(s.by_kind[k]);
    if (h.count() == 0) continue;
    std::vector<double> cumulative;
    for (double b : bounds)
      cumulative.push_back(
          static_cast<double>(h.count_at_most(static_cast<std::int64_t>(b * 1e6))));
    p.histogram("sessdemo_load_latency_seconds", "", bounds, cumulative,
                static_cast<double>(h.count()), static_cast<double>(h.sum()) / 1e6,
                {{"kind", to_string(static_cast<Kind>(k))}}, false);
  }
}
}  // namespace

std::string render_live_metrics(const LiveFigures& f) {
  PrometheusText p(f.shard.empty() ? MetricLabels{} : MetricLabels{{"shard", f.shard}});
  const StatsTable empty;
  const StatsTable& t = f.so_far ? *f.so_far : empty;
  p.family("sessdemo_load_requests_total", "counter",
           "Measured requests answered or failed, by instance and request kind.");
  for (const auto& [id, s] : t.instances)
    for (std::size_t k = 0; k < static_cast<std::size_t>(Kind::count_); ++k)
      p.sample("sessdemo_load_requests_total",
               {{"instance", id}, {"kind", to_string(static_cast<Kind>(k))}},
               static_cast<double>(s.by_kind[k].count()));
  p.family("sessdemo_load_errors_total", "counter",
           "Measured requests that failed, by instance and error kind.");
  for (const auto& [id, s] : t.instances)
    for (std::size_t k = 0; k < error_kind_count; ++k)
      p.sample("sessdemo_load_errors_total",
               {{"instance", id}, {"kind", to_string(static_cast<ErrorKind>(k))}},
               static_cast<double>(s.counters.error_kinds[k]));
  p.family("sessdemo_load_reads_total", "counter", "Judged reads, by instance and judgement.");
  for (const auto& [id, s] : t.instances) {
    const auto& c = s.counters;
    for (auto [judgement, n] :
         {std::pair{"hit", c.hits}, std::pair{"miss", c.misses}, std::pair{"stale", c.stale},
          std::pair{"monotonic", c.monotonic}, std::pair{"foreign", c.foreign},
          std::pair{"refused-applied", c.refused_applied}, std::pair{"resurrected", c.resurrected}})
      p.sample("sessdemo_load_reads_total", {{"instance", id}, {"judgement", judgement}},
               static_cast<double>(n));
  }
  p.family(
      "sessdemo_load_crossed_reads_total", "counter",
      "Judged reads served by another instance than the one that took the client's latest write.");
  for (const auto& [id, s] : t.instances)
    p.sample("sessdemo_load_crossed_reads_total", {{"instance", id}},
             static_cast<double>(s.counters.crossed));
  if (f.checks) {
    p.family("sessdemo_load_check", "gauge",
             "Each check on the figures so far: 1 on the series of its status.");
    for (const auto& c : *f.checks)
      for (auto st : {CheckStatus::pass, CheckStatus::fail, CheckStatus::unknown})
        p.sample("sessdemo_load_check", {{"check", c.name}, {"status", to_string(st)}},
                 c.status == st ? 1.0 : 0.0);
  }
  latency(p, t);
  p.family("sessdemo_load_active_clients", "gauge",
           "Clients active now (closed model: let to send; open: holding a tick).");
  p.sample("sessdemo_load_active_clients", static_cast<double>(f.active_clients));
  p.family("sessdemo_load_target_rps", "gauge",
           "The open model's scheduled rate now, in requests per second.");
  p.sample("sessdemo_load_target_rps", f.target_rps);
  p.family("sessdemo_load_dropped_total", "counter",
           "Scheduled requests no client could take (open model).");
  p.sample("sessdemo_load_dropped_total", static_cast<double>(f.dropped));
  return p.take();
}

}  // namespace sessdemo::loadgen
