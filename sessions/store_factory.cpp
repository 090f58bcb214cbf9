#include "sessions/store_factory.hpp"

#include <algorithm>
#include <stdexcept>

#include "sessions/memcached_store.hpp"
#include "sessions/memory_store.hpp"
#include "sessions/quorum_store.hpp"

namespace sessdemo {

const char* to_string(StoreKind k) {
  return k == StoreKind::memory ? "memory" : "memcached";
}

std::optional<StoreKind> parse_store_kind(std::string_view name) {
  for (auto k : {StoreKind::memcached, StoreKind::memory})
    if (name == to_string(k)) return k;
  return std::nullopt;
}

std::string key_prefix_problem(std::string_view prefix) {
  // memcached keys are printable ASCII without spaces or control characters (a CR or LF in a
  // key would be a second command on the wire), at most 250 bytes: <prefix>:lock:<22-char id>.
  constexpr std::size_t longest = 250 - std::string_view(":lock:").size() - 22;
  bool printable = !prefix.empty() && std::all_of(prefix.begin(), prefix.end(),
                                                  [](char c) { return c > 0x20 && c < 0x7f; });
  if (printable && prefix.size() <= longest) return {};
  return "--key-prefix must be 1 to " + std::to_string(longest) +
         " printable ASCII characters without spaces";
}

BuiltStore make_store(const StoreSpec& spec) {
  if (spec.kind == StoreKind::memory) return {std::make_unique<MemoryStore>(), nullptr};
  if (auto why = key_prefix_problem(spec.key_prefix); !why.empty())
    throw std::invalid_argument(why);
  if (spec.copies > spec.nodes.size())
    throw std::invalid_argument("--copies " + std::to_string(spec.copies) + " needs at least " +
                                std::to_string(spec.copies) + " --memcached nodes (got " +
                                std::to_string(spec.nodes.size()) + ")");
  MemcachedOptions mo;
  mo.servers = spec.nodes;
  mo.key_prefix = spec.key_prefix;
  mo.timeout = std::max(std::chrono::milliseconds(1), spec.timeout);
  if (spec.nodes.size() == 1) return {std::make_unique<MemcachedStore>(mo), nullptr};
  // Several nodes: our own ring, so copies, failover and repair are under our control.
  ReplicationOptions ro;
  ro.copies = spec.copies;
  ro.repair_ttl = spec.repair_ttl;
  std::vector<ReplicaNode> nodes;
  for (const auto& ep : spec.nodes) {
    MemcachedOptions one = mo;
    one.servers = {ep};
    nodes.push_back({ep.to_string(), std::make_unique<MemcachedStore>(one)});
  }
  if (spec.copies >= 3) {
    // A majority of the copies for every read and write: survives a partition.
    auto quorum = std::make_unique<QuorumStore>(std::move(nodes), ro);
    const ReplicationStats* stats = &quorum->stats();
    return {std::move(quorum), stats};
  }
  auto replicated = std::make_unique<ReplicatedStore>(std::move(nodes), ro);
  const ReplicationStats* stats = &replicated->stats();
  return {std::move(replicated), stats};
}

}  // namespace sessdemo
