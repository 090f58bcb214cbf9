#include "loadgen/stats/stats.hpp"

#include <algorithm>

namespace sessdemo::loadgen {

void Timings::add(std::int64_t us) {
  auto u = static_cast<std::uint64_t>(us);
  count++;
  total_us += u;
  max_us = std::max(max_us, u);
}

void Timings::merge(const Timings& o) {
  count += o.count;
  total_us += o.total_us;
  max_us = std::max(max_us, o.max_us);
}

void Counters::merge(const Counters& o) {
  requests += o.requests;
  errors += o.errors;
  hits += o.hits;
  misses += o.misses;
  stale += o.stale;
  foreign += o.foreign;
  resurrected += o.resurrected;
  monotonic += o.monotonic;
  refused_applied += o.refused_applied;
  crossed += o.crossed;
  refused_crossed += o.refused_crossed;
  refused_same += o.refused_same;
  late += o.late;
  retries += o.retries;
  status_5xx += o.status_5xx;
  for (std::size_t k = 0; k < error_kinds.size(); ++k) error_kinds[k] += o.error_kinds[k];
  connects.merge(o.connects);
  handshakes.merge(o.handshakes);
}

void InstanceStats::merge(const InstanceStats& o) {
  counters.merge(o.counters);
  latency.merge(o.latency);
  service.merge(o.service);
  for (std::size_t i = 0; i < by_kind.size(); ++i) by_kind[i].merge(o.by_kind[i]);
  for (auto a : o.addresses) note_address(a);
}

void InstanceStats::note_address(std::uint16_t target) {
  if (!addresses.empty() && addresses.back() == target) return;  // the usual case: one address
  if (std::find(addresses.begin(), addresses.end(), target) == addresses.end()) {
    addresses.push_back(target);
    std::sort(addresses.begin(), addresses.end());
  }
}

void StatsTable::merge(const StatsTable& o) {
  for (const auto& [k, v] : o.instances) instances[k].merge(v);
}

InstanceStats StatsTable::total() const {
  InstanceStats t;
  for (const auto& [k, v] : instances) t.merge(v);
  return t;
}

}  // namespace sessdemo::loadgen
