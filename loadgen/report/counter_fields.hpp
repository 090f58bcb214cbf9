#pragma once
// The run document's counters (--json: "total", each instance, each interval's instances), one
// table for the writer (outputs.cpp) and the reader (merge.cpp): the JSON name of each counter,
// and whether a file must have it (the later ones were added after format 2 began; a file of an
// older version reads them as 0). errors_by_kind, connect and tls are written beside them.
#include <cstdint>

#include "loadgen/stats/stats.hpp"

namespace sessdemo::loadgen {

struct CounterField {
  const char* name;
  std::uint64_t Counters::*member;
  bool required;
};

inline constexpr CounterField counter_fields[] = {
    {"requests", &Counters::requests, true},
    {"errors", &Counters::errors, true},
    {"errors_5xx", &Counters::status_5xx, true},
    {"hits", &Counters::hits, true},
    {"misses", &Counters::misses, true},
    {"stale", &Counters::stale, true},
    {"foreign", &Counters::foreign, true},
    {"resurrected", &Counters::resurrected, false},
    {"monotonic", &Counters::monotonic, false},
    {"refused_applied", &Counters::refused_applied, false},
    {"crossed", &Counters::crossed, false},
    {"late", &Counters::late, true},
    {"retries", &Counters::retries, false},
    {"refused_crossed", &Counters::refused_crossed, false},
    {"refused_same", &Counters::refused_same, false},
};

}  // namespace sessdemo::loadgen
