#include "sessions/node_ring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "sessions/deadline.hpp"

namespace sessdemo {

namespace {
constexpr int points_per_node = 160;

// FNV-1a, then a splitmix64 finaliser: stable across builds, so every instance agrees.
std::uint64_t hash64(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

NodeRing::NodeRing(std::vector<ReplicaNode> nodes, NodeHealthOptions health,
                   std::atomic<std::uint64_t>& ejections)
    : health_(health), ejections_(ejections) {
  if (nodes.empty()) throw std::invalid_argument("no memcached servers");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto node = std::make_unique<Node>();
    node->name = std::move(nodes[i].name);
    node->store = std::move(nodes[i].store);
    for (int p = 0; p < points_per_node; ++p)
      ring_.emplace_back(hash64(node->name + "#" + std::to_string(p)), i);
    nodes_.push_back(std::move(node));
  }
  std::sort(ring_.begin(), ring_.end());
}

std::vector<std::size_t> NodeRing::order(std::string_view id) const {
  std::vector<std::size_t> order;
  order.reserve(nodes_.size());  // one allocation, not one per growth
  auto it =
      std::lower_bound(ring_.begin(), ring_.end(), std::make_pair(hash64(id), std::size_t{0}));
  for (std::size_t k = 0; k < ring_.size() && order.size() < nodes_.size(); ++k, ++it) {
    if (it == ring_.end()) it = ring_.begin();
    if (std::find(order.begin(), order.end(), it->second) == order.end())
      order.push_back(it->second);
  }
  return order;
}

bool NodeRing::usable(std::size_t node) const {
  return nodes_[node]->ejected_until_ns.load() <= now_ns();
}

void NodeRing::note(std::size_t node, StoreStatus st) {
  Node& n = *nodes_[node];
  if (st != StoreStatus::unavailable) {
    n.failures = 0;
    return;
  }
  // Cut short by an impatient caller: the request is tried again elsewhere, and the node may
  // be fine. Ejecting it would move its sessions' copies for nothing (stale reads after).
  if (deadline::gave_up()) return;
  if (++n.failures >= health_.failures_to_eject) {
    n.failures = 0;
    n.ejected_until_ns =
        now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(health_.eject_for).count();
    ejections_++;
    spdlog::warn("memcached node {} taken out of rotation for {} ms", n.name,
                 health_.eject_for.count());
  }
}

StoreStatus NodeRing::on_each(const std::vector<std::size_t>& nodes,
                              const std::function<StoreStatus(SessionStore&)>& call) {
  StoreStatus result = StoreStatus::unavailable;
  for (auto node : nodes) {
    StoreStatus st = call(store(node));
    note(node, st);
    if (st == StoreStatus::ok)
      result = StoreStatus::ok;
    else if (st == StoreStatus::not_found && result != StoreStatus::ok)
      result = st;
  }
  return result;
}

}  // namespace sessdemo
