#pragma once
// Sessions on several memcached nodes, each session on `copies` distinct nodes chosen by
// consistent hashing. Writes go to every live copy before they are acknowledged; cas and locks
// are enforced on the first reachable copy in ring order (the primary), so a dead primary hands
// its role to the next node without a second writer winning. Reads try the primary and fall
// back to the next copy on an error or a miss; a copy found missing on the way is repaired.
// A node that keeps failing is taken out of rotation for a while and then tried again.
// The nodes are SessionStores: MemcachedStores in production, fakes that fail, stall or hold
// old data in the unit tests.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sessions/node_ring.hpp"
#include "sessions/store.hpp"

namespace sessdemo {

struct ReplicationStats {
  std::atomic<std::uint64_t> fallbacks{0};  // reads answered by a copy other than the primary
  std::atomic<std::uint64_t> repairs{0};    // copies rewritten because they were missing
  std::atomic<std::uint64_t> ejections{0};  // times a node was taken out of rotation
  std::atomic<std::uint64_t> replica_write_failures{0};  // copy writes that failed (node down)
  std::atomic<std::uint64_t> divergences{0};  // writes refused: a copy took another primary's write
  // Quorum copies (quorum_store.hpp) only:
  std::atomic<std::uint64_t> quorum_reads{0};     // reads answered by a majority of copies
  std::atomic<std::uint64_t> quorum_writes{0};    // writes a majority of copies accepted
  std::atomic<std::uint64_t> quorum_failures{0};  // no majority answered: 503
};

struct ReplicationOptions {
  unsigned copies = 1;                    // distinct nodes per session
  NodeHealthOptions health;               // when a failing node is taken out of rotation
  std::chrono::seconds repair_ttl{1200};  // expiry of a refilled copy (the idle timeout)
};

class ReplicatedStore final : public SessionStore {
 public:
  ReplicatedStore(std::vector<ReplicaNode> nodes, ReplicationOptions repl);

  LoadResult load(std::string_view id) override;
  // One load_many per node per batch, each id asked of its primary; the ids that the primary
  // cannot answer take the one-by-one path of load() (fallback, repair).
  std::vector<LoadResult> load_many(const std::vector<std::string>& ids) override;
  StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                   std::uint64_t cas) override;
  StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds ttl) override;
  StoreStatus remove(std::string_view id) override;
  StoreStatus try_lock(std::string_view id, std::string_view owner,
                       std::chrono::seconds ttl) override;
  StoreStatus unlock(std::string_view id, std::string_view owner) override;
  StoreStatus ping() override;
  std::vector<NodeStats> node_stats() override;
  std::shared_ptr<NodeStatsSource> node_stats_source() override;
  const char* kind() const override { return "memcached-replicated"; }

  // The nodes holding id's copies, primary first (indexes into the --memcached list).
  std::vector<std::size_t> copies_of(std::string_view id) const;
  ReplicationStats& stats() { return stats_; }

 private:
  // Reads id from its copies in ring order, skipping failed_node (a primary that was just asked
  // and did not answer).
  LoadResult load_copies(std::string_view id, std::optional<std::size_t> failed_node);
  // The copies of id that are in rotation now, in ring order.
  std::vector<std::size_t> live_copies(std::string_view id) const;
  // Writes s to every copy after the primary (copies[0]). Fails with conflict when a copy holds
  // a write that another primary accepted meanwhile (a failover race).
  StoreStatus write_replicas(const std::vector<std::size_t>& copies, std::string_view id,
                             const Session& s, std::chrono::seconds ttl);
  StoreStatus write_replica(std::size_t node, std::string_view id, const Session& s,
                            std::chrono::seconds ttl);
  // Conditional write on the first reachable copy, then the others.
  template <typename PrimaryWrite>
  StoreStatus write_all(std::string_view id, const Session& s, std::chrono::seconds ttl,
                        PrimaryWrite&& write);

  ReplicationOptions repl_;
  ReplicationStats stats_;
  NodeRing ring_;
};

}  // namespace sessdemo
