#pragma once
// Sessions in memcached through libmemcached: shared by every instance. Several nodes in one
// store are spread by consistent hashing (ketama); ReplicatedStore puts one store per node.
//
// Handles: each calling thread gets its own memcached handle, made on its first call and kept
// until the store goes away. There is no shared pool, so no call ever waits for a handle; the
// server calls the store only from its store executor's threads, so their number is the number
// of handles (and of TCP connections per node).
//
// Timeouts: every network wait is bounded by the store timeout, shortened to what is left of the
// calling thread's deadline (sessions/deadline.hpp). A call whose deadline has passed fails at
// once with unavailable.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "common/endpoint.hpp"
#include "sessions/store.hpp"

struct memcached_st;

namespace sessdemo {

struct MemcachedOptions {
  std::vector<Endpoint> servers{{"127.0.0.1", 11211}};
  std::string key_prefix = "sessdemo";     // keys are <prefix>:<sid>
  std::chrono::milliseconds timeout{250};  // connect, send, receive, each
  std::chrono::seconds retry_after{1};     // a failed node is retried after this
};

class MemcachedStore final : public SessionStore {
 public:
  explicit MemcachedStore(MemcachedOptions opts);
  ~MemcachedStore() override;
  MemcachedStore(const MemcachedStore&) = delete;
  MemcachedStore& operator=(const MemcachedStore&) = delete;

  LoadResult load(std::string_view id) override;
  std::vector<LoadResult> load_many(const std::vector<std::string>& ids) override;
  void send_many(const std::vector<std::string>& ids, PendingLoad& pending) override;
  std::vector<LoadResult> receive_many(PendingLoad& pending) override;
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
  const char* kind() const override { return "memcached"; }

  std::string key_for(std::string_view id) const;
  std::string lock_key_for(std::string_view id) const;

 private:
  struct Raw {
    StoreStatus status = StoreStatus::not_found;  // ok, not_found or unavailable
    std::string value;
    std::uint64_t cas = 0;
  };
  // This thread's handle, with its waits set to what is left of the deadline; nullptr when the
  // deadline has passed.
  memcached_st* handle();
  // Sets the poll and connect waits of this thread's handle mc, when they differ.
  static void set_wait(memcached_st* mc, std::int64_t ms);
  Raw get_raw(const std::string& key);
  StoreStatus store_value(const std::string& key, std::string_view value, std::chrono::seconds ttl,
                          int mode, std::uint64_t cas);
  StoreStatus delete_key(const std::string& key);

  MemcachedOptions opts_;
  const std::uint64_t uid_;  // tells this store's handles apart in the threads' caches
  std::mutex mutex_;         // guards all_ (taken once per thread, on its first call)
  std::vector<memcached_st*> all_;
};

}  // namespace sessdemo
