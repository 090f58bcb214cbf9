#pragma once
// Quorum copies (--copies 3 or more): sessions that survive a network partition.
//
// Each session lives on the first `copies` nodes of the ring from its id, always the same ones
// (an unreachable copy is not replaced by another node, which would let two sides of a partition
// each find a "majority"). A write is acknowledged when a majority of those copies accepted it;
// a read asks a majority at once (then the others, in turn, until a majority agrees or every copy
// answered) and takes the newest value, and before returning
// a value that is not yet on a majority it writes it back until it is (so a read never returns
// what a later read could contradict, and a write whose outcome was unknown is settled one way
// for good). Older copies on the way are repaired.
//
// Values are ordered by (version, write tag): every write carries a fresh random tag, and a
// copy accepts a write only when it holds nothing or an older version. Two writers that read
// the same version therefore cannot both reach a majority: majorities overlap, and the copy in
// both keeps the first. Writers go through the copies in ring order and stop at a refusal before
// any copy took their value, so the loser usually gets a clean `conflict` (the caller may re-read
// and retry). A loser that some copy did take (writers that see different copies, as across a
// partition) still gets `conflict` when a majority refused it: every majority a read can ask
// then holds a copy that outvotes it. Only with neither (copies silent) is the answer
// `unavailable`: the outcome is unknown, the value may yet be read back, so retrying it could
// apply the change twice.
//
// Locks (lock mode) are taken on a majority of the copies as well.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sessions/node_ring.hpp"
#include "sessions/replicated_store.hpp"
#include "sessions/store.hpp"

namespace sessdemo {

class QuorumStore final : public SessionStore {
 public:
  // repl.copies: 3 or more, at most the number of nodes.
  QuorumStore(std::vector<ReplicaNode> nodes, ReplicationOptions repl);

  LoadResult load(std::string_view id) override;
  // Each id asked of a majority of its copies, one load_many per node per batch; an id whose
  // answers disagree (or that a copy could not answer) takes the path of load().
  std::vector<LoadResult> load_many(const std::vector<std::string>& ids) override;
  StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                   std::uint64_t cas) override;
  StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds ttl) override;
  // Writes a tombstone (an ended version) to a majority rather than deleting: see remove().
  StoreStatus remove(std::string_view id) override;
  StoreStatus try_lock(std::string_view id, std::string_view owner,
                       std::chrono::seconds ttl) override;
  StoreStatus unlock(std::string_view id, std::string_view owner) override;
  // ok when a majority of the nodes answer.
  StoreStatus ping() override;
  std::vector<NodeStats> node_stats() override;
  std::shared_ptr<NodeStatsSource> node_stats_source() override;
  const char* kind() const override { return "memcached-quorum"; }

  std::vector<std::size_t> copies_of(std::string_view id) const;
  ReplicationStats& stats() { return stats_; }

 private:
  struct Answer {
    std::size_t node;
    LoadResult result;  // ok or not_found
  };
  enum class Put { accepted, refused, unavailable };

  std::size_t majority() const { return repl_.copies / 2 + 1; }
  // id's copies, those in rotation first (ring order within each group).
  std::vector<std::size_t> ask_order(std::string_view id) const;
  // Decides a read from the answers of at least a majority; may write back and repair.
  LoadResult settle(std::string_view id, std::vector<Answer>& answers);
  // Sends ids[k] to node nodes[k] (a multi-get) for every k before it reads any answer, so that
  // the copies are waited for at once, not one after another; answers in the same order.
  // The copies' answers to this thread's last read of a session, when they agreed: a write that
  // follows the read (read, modify, write) starts from them instead of asking the copies again.
  // A copy changed since then refuses the conditional write, which then reads it again.
  void remember(std::string_view id, const std::vector<Answer>& answers) const;
  const LoadResult* remembered(std::string_view id, std::size_t node) const;
  void forget() const;
  // Per copy in rotation (a prefix of order), what it holds: what a write can tell without
  // asking (remembered, or nothing for a create, whose add fails where a value is), the others
  // asked at once. Copies out of rotation: none (put reads them itself).
  std::vector<std::optional<LoadResult>> held_by(std::string_view id,
                                                 const std::vector<std::size_t>& order,
                                                 bool create);
  std::vector<std::vector<LoadResult>> ask_at_once(
      const std::vector<std::size_t>& nodes, const std::vector<std::vector<std::string>>& ids);
  // Writes s to one copy unless it holds the same or a newer version (create: unless it holds
  // anything). held: what the copy was just read to hold, if known (saves reading it again).
  Put put(std::size_t node, std::string_view id, const Session& s, std::chrono::seconds ttl,
          bool create, bool break_tie = false, const LoadResult* held = nullptr);
  StoreStatus write(std::string_view id, Session s, std::chrono::seconds ttl, bool create);

  ReplicationOptions repl_;
  ReplicationStats stats_;
  NodeRing ring_;
};

}  // namespace sessdemo
