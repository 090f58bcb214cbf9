#pragma once
// The memcached nodes of a replicated store, placed on a consistent-hash ring, with their
// health: a node that keeps failing is taken out of rotation for a while, then tried again.
// Shared by the two replication modes (replicated_store.hpp: primary and backups;
// quorum_store.hpp: majorities).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sessions/store.hpp"

namespace sessdemo {

// One node of the ring: its name places it on the ring (every instance must use the same names,
// the HOST:PORT of the memcached node), its store holds its copies.
struct ReplicaNode {
  std::string name;
  std::unique_ptr<SessionStore> store;
};

struct NodeHealthOptions {
  unsigned failures_to_eject = 3;             // consecutive failures that eject a node
  std::chrono::milliseconds eject_for{2000};  // how long an ejected node is skipped
};

class NodeRing {
 public:
  // ejections counts the times a node was taken out of rotation.
  NodeRing(std::vector<ReplicaNode> nodes, NodeHealthOptions health,
           std::atomic<std::uint64_t>& ejections);

  std::size_t size() const { return nodes_.size(); }
  // Every node, in ring order from id's point: a session's copies are a prefix of it.
  std::vector<std::size_t> order(std::string_view id) const;
  SessionStore& store(std::size_t node) { return *nodes_[node]->store; }
  const std::string& name(std::size_t node) const { return nodes_[node]->name; }
  // In rotation: not ejected, or its ejection is over.
  bool usable(std::size_t node) const;
  // Records an answer (any status but unavailable) or a failure of the node.
  void note(std::size_t node, StoreStatus st);
  // Runs call on each of nodes (noting each result): ok when one said ok, else not_found when
  // one said so, else unavailable. For removals and unlocks, which go to every copy.
  StoreStatus on_each(const std::vector<std::size_t>& nodes,
                      const std::function<StoreStatus(SessionStore&)>& call);

 private:
  struct Node {
    std::string name;
    std::unique_ptr<SessionStore> store;
    std::atomic<unsigned> failures{0};
    std::atomic<std::int64_t> ejected_until_ns{0};
  };
  NodeHealthOptions health_;
  std::atomic<std::uint64_t>& ejections_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::pair<std::uint64_t, std::size_t>> ring_;  // (point, node), sorted
};

}  // namespace sessdemo
