#include "loadgen/report/report.hpp"

namespace sessdemo::loadgen {

std::string addresses_of(const RunReport& r, const InstanceStats& s) {
  std::string out;
  for (auto a : s.addresses) {
    if (!out.empty()) out += ' ';
    out += a < r.addresses.size() ? r.addresses[a] : "?";
  }
  return out.empty() ? "-" : out;
}

IntervalRecord record_of(double elapsed_s, double interval_s, const StatsTable& table) {
  IntervalRecord r{elapsed_s, interval_s, {}, {}};
  for (const auto& [name, s] : table.instances)
    r.instances[name] =
        IntervalFigures{s.counters, SparseHistogram::of(s.latency), SparseHistogram::of(s.service)};
  return r;
}

StatsTable table_of(const IntervalRecord& r) {
  StatsTable t;
  for (const auto& [name, f] : r.instances) {
    auto& s = t.at(name);
    s.counters = f.counters;
    s.latency = f.latency.expand();
    s.service = f.service.expand();
  }
  return t;
}

}  // namespace sessdemo::loadgen
