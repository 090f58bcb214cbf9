#pragma once
// Conversions the reports share: a latency in microseconds as milliseconds, a part of a whole.
#include <cstdint>

namespace sessdemo::loadgen {

inline double ms(std::int64_t us) {
  return static_cast<double>(us) / 1000.0;
}

// part / whole, 0 for an empty whole.
inline double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

}  // namespace sessdemo::loadgen
