#pragma once
// Sessions in the instance's own memory, with expiry. This is the broken set-up the project
// exists to expose: another instance cannot see them. Versions stand in for CAS tokens.
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "sessions/store.hpp"

namespace sessdemo {

class MemoryStore : public SessionStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit MemoryStore(Clock clock = [] { return std::chrono::steady_clock::now(); });

  LoadResult load(std::string_view id) override;
  StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                   std::uint64_t cas) override;
  StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds ttl) override;
  StoreStatus remove(std::string_view id) override;
  StoreStatus try_lock(std::string_view id, std::string_view owner,
                       std::chrono::seconds ttl) override;
  StoreStatus unlock(std::string_view id, std::string_view owner) override;
  StoreStatus ping() override { return StoreStatus::ok; }
  const char* kind() const override { return "memory"; }

  std::size_t size();

 private:
  struct Entry {
    std::string value;  // the encoded session, as memcached would hold it
    std::chrono::steady_clock::time_point expires;
    std::uint64_t cas = 0;
  };
  // Caller holds mutex_. Returns the live entry or nullptr, dropping an expired one.
  Entry* find_live(std::unordered_map<std::string, Entry>& map, const std::string& key);
  void sweep_if_due();

  Clock clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> sessions_;
  std::unordered_map<std::string, Entry> locks_;  // value: the holder's token
  std::uint64_t next_cas_ = 1;
  std::uint64_t ops_since_sweep_ = 0;
};

}  // namespace sessdemo
