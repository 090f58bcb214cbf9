// The live line on stderr while a run lasts: see progress_line.hpp.
#include "loadgen/report/progress_line.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sessdemo::loadgen {

std::string progress_line(double elapsed, double total, const std::string& stage,
                          const InstanceStats& s, double rps, std::uint64_t clients) {
  char eta[32] = "";
  if (std::isfinite(total))
    std::snprintf(eta, sizeof eta, "  eta %.0fs", std::max(0.0, total - elapsed));
  char buf[240];
  std::snprintf(buf, sizeof buf,
                "\r%6.1fs%s%s  clients %llu  %8.0f req/s  hits %llu  misses %llu  errors %llu  "
                "p99 %.2f ms   ",
                elapsed, stage.c_str(), eta, static_cast<unsigned long long>(clients), rps,
                static_cast<unsigned long long>(s.counters.hits),
                static_cast<unsigned long long>(s.counters.misses),
                static_cast<unsigned long long>(s.counters.errors),
                s.latency.percentile(99) / 1000.0);
  return buf;
}

}  // namespace sessdemo::loadgen
