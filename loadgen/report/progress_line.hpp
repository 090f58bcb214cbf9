#pragma once
// The live line on stderr while a run lasts (--progress): where the run is (stage, ETA), the
// load it is under, and what it measured so far.
#include <cstdint>
#include <string>

#include "loadgen/stats/stats.hpp"

namespace sessdemo::loadgen {

// total: the run's length in seconds (infinite without one); stage: "  stage 2/3" or "".
std::string progress_line(double elapsed, double total, const std::string& stage,
                          const InstanceStats& so_far, double rps, std::uint64_t clients);

}  // namespace sessdemo::loadgen
