#include "sessions/memory_store.hpp"

namespace sessdemo {

MemoryStore::MemoryStore(Clock clock) : clock_(std::move(clock)) {}

MemoryStore::Entry* MemoryStore::find_live(std::unordered_map<std::string, Entry>& map,
                                           const std::string& key) {
  auto it = map.find(key);
  if (it == map.end()) return nullptr;
  if (it->second.expires <= clock_()) {
    map.erase(it);
    return nullptr;
  }
  return &it->second;
}

void MemoryStore::sweep_if_due() {
  if (++ops_since_sweep_ < 4096) return;
  ops_since_sweep_ = 0;
  auto now = clock_();
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires <= now; });
  std::erase_if(locks_, [&](const auto& kv) { return kv.second.expires <= now; });
}

LoadResult MemoryStore::load(std::string_view id) {
  std::lock_guard lock(mutex_);
  LoadResult r;
  Entry* e = find_live(sessions_, std::string(id));
  if (!e) return r;
  r.session = decode_session(e->value);
  if (!r.session) {
    r.corrupt = true;
    return r;
  }
  r.status = StoreStatus::ok;
  r.cas = e->cas;
  return r;
}

StoreStatus MemoryStore::save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                              std::uint64_t cas) {
  std::lock_guard lock(mutex_);
  sweep_if_due();
  std::string key(id);
  Entry* e = find_live(sessions_, key);
  if (cas != 0) {
    if (!e) return StoreStatus::not_found;
    if (e->cas != cas) return StoreStatus::conflict;
  }
  sessions_[key] = Entry{encode_session(s), clock_() + ttl, next_cas_++};
  return StoreStatus::ok;
}

StoreStatus MemoryStore::create(std::string_view id, const Session& s, std::chrono::seconds ttl) {
  std::lock_guard lock(mutex_);
  sweep_if_due();
  std::string key(id);
  if (find_live(sessions_, key)) return StoreStatus::conflict;
  sessions_[key] = Entry{encode_session(s), clock_() + ttl, next_cas_++};
  return StoreStatus::ok;
}

StoreStatus MemoryStore::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  return sessions_.erase(std::string(id)) ? StoreStatus::ok : StoreStatus::not_found;
}

StoreStatus MemoryStore::try_lock(std::string_view id, std::string_view owner,
                                  std::chrono::seconds ttl) {
  std::lock_guard lock(mutex_);
  std::string key(id);
  if (find_live(locks_, key)) return StoreStatus::conflict;
  locks_[key] = Entry{std::string(owner), clock_() + ttl, next_cas_++};
  return StoreStatus::ok;
}

StoreStatus MemoryStore::unlock(std::string_view id, std::string_view owner) {
  std::lock_guard lock(mutex_);
  Entry* e = find_live(locks_, std::string(id));
  if (!e || e->value != owner) return StoreStatus::not_found;  // expired, or a successor's now
  locks_.erase(std::string(id));
  return StoreStatus::ok;
}

std::size_t MemoryStore::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace sessdemo
