// What load_options.hpp declares beyond the options themselves: the shard's part of the
// clients, and the shape the options give the load.
#include "loadgen/config/load_options.hpp"

#include <algorithm>

namespace sessdemo::loadgen {

ShardSlice shard_slice(const LoadOptions& o) {
  auto n = std::max(1u, o.shard_count);
  auto i = std::clamp(o.shard_index, 1u, n);
  auto at = [&](unsigned k) {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(o.clients) * k / n);
  };
  ShardSlice s;
  s.first_client = at(i - 1);
  s.clients = at(i) - s.first_client;
  s.share = o.clients ? static_cast<double>(s.clients) / o.clients : 0;
  return s;
}

LoadShape shape_of(const LoadOptions& o) {
  if (o.stages.empty()) return LoadShape::constant(o.rate > 0 ? o.rate : o.clients);
  return LoadShape::of(o.stages, o.rate > 0 ? o.rate : 0);
}

}  // namespace sessdemo::loadgen
