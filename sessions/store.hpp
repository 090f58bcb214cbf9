#pragma once
// The SessionStore interface shared by the memcached store and the in-process memory store.
// Every call blocks; the server runs them on its store executor, never on its I/O threads.
// A call made under a deadline (sessions/deadline.hpp) gives up when it passes.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sessions/session.hpp"

namespace sessdemo {

enum class StoreStatus {
  ok,
  not_found,    // no such session (never returned for a store failure)
  conflict,     // a conditional write lost: the value changed since it was read, or the key exists
  unavailable,  // the store could not be reached or answered in time
};

const char* to_string(StoreStatus s);

struct LoadResult {
  StoreStatus status = StoreStatus::not_found;
  std::optional<Session> session;  // set when status == ok
  std::uint64_t cas = 0;           // token for a conditional save of this value (or of the
                                   // undecodable bytes, when corrupt)
  bool corrupt = false;            // a value was there but could not be decoded (status not_found)
  std::string error;               // what went wrong, when status == unavailable
};

// What a cache node says of itself (memcached's `stats`): whether it is throwing out items to
// make room, and how full it is. ok false: the node did not answer.
struct NodeStats {
  std::string node;  // HOST:PORT
  bool ok = false;
  std::uint64_t evictions = 0, bytes = 0, limit_bytes = 0, items = 0;
};

// Asks the nodes for their figures. It holds copies of what it needs, nothing of the store it
// came from: a node that trickles its answer keeps a fetch running, and the cache watch may leave
// it behind at shutdown (serve must exit), after the store is gone.
class NodeStatsSource {
 public:
  virtual ~NodeStatsSource() = default;
  virtual std::vector<NodeStats> fetch() = 0;
};

// The figures of several sources, one after the other (the nodes of a replicated store).
std::shared_ptr<NodeStatsSource> all_node_stats(
    std::vector<std::shared_ptr<NodeStatsSource>> parts);

// A multi-get sent and not yet read (SessionStore::send_many, then receive_many).
struct PendingLoad {
  std::vector<LoadResult> results;  // the answers, when the store had them at once
  // The store's keys of the ids, while their answers are due: views into key_bytes, written whole
  // before the views are taken. A PendingLoad kept from batch to batch allocates for neither.
  std::string key_bytes;
  std::vector<std::string_view> keys;
  void* connection = nullptr;  // the store's connection the answers come on, then
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  virtual LoadResult load(std::string_view id) = 0;
  // Several sessions in one go (one round trip where the store can); results in id order.
  virtual std::vector<LoadResult> load_many(const std::vector<std::string>& ids) {
    std::vector<LoadResult> out;
    out.reserve(ids.size());
    for (const auto& id : ids) out.push_back(load(id));
    return out;
  }
  // A multi-get in two halves, so that one thread can ask several stores before it waits for
  // any of them (the quorum store asks a session's copies at once): send_many sends the
  // requests, receive_many (on the same thread, before this store is called again) reads the
  // answers, in id order. A store that cannot split it answers in send_many.
  virtual void send_many(const std::vector<std::string>& ids, PendingLoad& pending) {
    pending.results = load_many(ids);
  }
  virtual std::vector<LoadResult> receive_many(PendingLoad& pending) {
    return std::move(pending.results);
  }
  // cas == 0 writes unconditionally; otherwise only if the value is still the one read with cas.
  virtual StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                           std::uint64_t cas = 0) = 0;
  // Writes only if no value exists under id (conflict otherwise).
  virtual StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds ttl) = 0;
  virtual StoreStatus remove(std::string_view id) = 0;

  // An exclusive per-session lock with its own expiry, so a crashed holder cannot keep it. The
  // lock holds owner, a token unique to the holder: conflict while anyone else holds it.
  virtual StoreStatus try_lock(std::string_view id, std::string_view owner,
                               std::chrono::seconds ttl) = 0;
  // Releases the lock only while owner still holds it (ok); not_found when it expired or is
  // someone else's now, which is then left alone.
  virtual StoreStatus unlock(std::string_view id, std::string_view owner) = 0;

  // Checks that the store answers (not_found and ok both count as reachable).
  virtual StoreStatus ping() = 0;
  // Each cache node's own figures, asked on a connection of its own (off the request path);
  // none for a store that has no nodes.
  virtual std::vector<NodeStats> node_stats() { return {}; }
  // The same figures from a source that outlives the store (see NodeStatsSource). The default
  // asks this store's node_stats(), so it lives only as long as the store: right for a store
  // whose node_stats() never waits on a node.
  virtual std::shared_ptr<NodeStatsSource> node_stats_source();
  virtual const char* kind() const = 0;
};

}  // namespace sessdemo
