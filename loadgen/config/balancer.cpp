#include "loadgen/config/balancer.hpp"

namespace sessdemo::loadgen {

std::size_t pick_instance(Balance b, std::uint32_t client, std::uint64_t request_no,
                          std::size_t instances, std::minstd_rand& rng) {
  if (instances <= 1) return 0;
  switch (b) {
    case Balance::sticky:
      return client % instances;
    case Balance::random:
      return std::uniform_int_distribution<std::size_t>(0, instances - 1)(rng);
    case Balance::round_robin:
      break;
  }
  // Offset by client so that all clients do not hit instance 0 at the same moment.
  return static_cast<std::size_t>((client + request_no) % instances);
}

}  // namespace sessdemo::loadgen
