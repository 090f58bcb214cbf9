#pragma once
// Sessions in memcached through libmemcached: shared by every instance. Several nodes are
// spread by consistent hashing (ketama). Calls block for at most about the store timeout.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "sessions/endpoint.hpp"
#include "sessions/store.hpp"

struct memcached_st;

namespace sessdemo {

struct MemcachedOptions {
  std::vector<Endpoint> servers{{"127.0.0.1", 11211}};
  std::string key_prefix = "sessdemo";               // keys are <prefix>:<sid>
  std::chrono::milliseconds timeout{250};            // connect, send, receive, each
  std::chrono::seconds retry_after{1};               // a failed node is retried after this
  std::size_t connections = 16;                      // pooled handles; one per blocking caller
};

class MemcachedStore final : public SessionStore {
 public:
  explicit MemcachedStore(MemcachedOptions opts);
  ~MemcachedStore() override;
  MemcachedStore(const MemcachedStore&) = delete;
  MemcachedStore& operator=(const MemcachedStore&) = delete;

  LoadResult load(std::string_view id) override;
  std::vector<LoadResult> load_many(const std::vector<std::string>& ids) override;
  StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                   std::uint64_t cas) override;
  StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds ttl) override;
  StoreStatus remove(std::string_view id) override;
  StoreStatus try_lock(std::string_view id, std::chrono::seconds ttl) override;
  StoreStatus unlock(std::string_view id) override;
  StoreStatus ping() override;
  const char* kind() const override { return "memcached"; }

  std::string key_for(std::string_view id) const;
  std::string lock_key_for(std::string_view id) const;

 private:
  // Borrows a pooled handle for one call; returns it on destruction.
  class Handle {
   public:
    explicit Handle(MemcachedStore& store);
    ~Handle();
    memcached_st* get() const { return mc_; }
   private:
    MemcachedStore& store_;
    memcached_st* mc_;
  };

  StoreStatus store_value(const std::string& key, const std::string& value,
                          std::chrono::seconds ttl, int mode, std::uint64_t cas);

  StoreStatus delete_key(const std::string& key);

  MemcachedOptions opts_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<memcached_st*> idle_;
  std::vector<memcached_st*> all_;
};

}  // namespace sessdemo
