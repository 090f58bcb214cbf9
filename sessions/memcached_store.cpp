#include "sessions/memcached_store.hpp"

#include <libmemcached/memcached.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace sessdemo {

namespace {

enum WriteMode { set_mode, add_mode, cas_mode };

memcached_st* make_handle(const MemcachedOptions& o) {
  memcached_st* mc = memcached_create(nullptr);
  if (!mc) throw std::runtime_error("memcached_create failed");
  auto ms = static_cast<uint64_t>(o.timeout.count());
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_NO_BLOCK, 1);  // so the timeouts below apply
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, ms);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, ms * 1000);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, ms * 1000);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT,
                         static_cast<uint64_t>(o.retry_after.count()));
  for (const auto& s : o.servers) {
    memcached_return_t rc = memcached_server_add(mc, s.host.c_str(), s.port);
    if (rc != MEMCACHED_SUCCESS) {
      memcached_free(mc);
      throw std::runtime_error("bad memcached server " + s.to_string());
    }
  }
  return mc;
}

bool is_failure(memcached_return_t rc) {
  switch (rc) {
    case MEMCACHED_SUCCESS:
    case MEMCACHED_STORED:
    case MEMCACHED_DELETED:
    case MEMCACHED_END:
    case MEMCACHED_NOTFOUND:
    case MEMCACHED_DATA_EXISTS:
    case MEMCACHED_NOTSTORED:
      return false;
    default:
      return true;
  }
}

}  // namespace

MemcachedStore::MemcachedStore(MemcachedOptions opts) : opts_(std::move(opts)) {
  if (opts_.servers.empty()) throw std::invalid_argument("no memcached servers");
  if (opts_.connections == 0) opts_.connections = 1;
  for (std::size_t i = 0; i < opts_.connections; ++i) {
    memcached_st* mc = make_handle(opts_);
    all_.push_back(mc);
    idle_.push_back(mc);
  }
}

MemcachedStore::~MemcachedStore() {
  for (auto* mc : all_) memcached_free(mc);
}

MemcachedStore::Handle::Handle(MemcachedStore& store) : store_(store) {
  std::unique_lock lock(store_.mutex_);
  store_.available_.wait(lock, [&] { return !store_.idle_.empty(); });
  mc_ = store_.idle_.back();
  store_.idle_.pop_back();
}

MemcachedStore::Handle::~Handle() {
  {
    std::lock_guard lock(store_.mutex_);
    store_.idle_.push_back(mc_);
  }
  store_.available_.notify_one();
}

std::string MemcachedStore::key_for(std::string_view id) const {
  return opts_.key_prefix + ":" + std::string(id);
}

std::string MemcachedStore::lock_key_for(std::string_view id) const {
  return opts_.key_prefix + ":lock:" + std::string(id);
}

LoadResult MemcachedStore::load(std::string_view id) {
  return std::move(load_many({std::string(id)}).front());
}

std::vector<LoadResult> MemcachedStore::load_many(const std::vector<std::string>& ids) {
  std::vector<LoadResult> out(ids.size());
  if (ids.empty()) return out;
  Handle h(*this);
  std::vector<std::string> keys;
  std::vector<const char*> key_ptrs;
  std::vector<size_t> key_lens;
  keys.reserve(ids.size());
  for (const auto& id : ids) {
    keys.push_back(key_for(id));
    key_ptrs.push_back(keys.back().c_str());
    key_lens.push_back(keys.back().size());
  }
  auto fail_all = [&](const std::string& why) {
    for (auto& r : out) {
      r = LoadResult{};
      r.status = StoreStatus::unavailable;
      r.error = why;
    }
    return out;
  };
  // One multi-get for the whole batch: a single round trip however many sessions it holds.
  memcached_return_t rc = memcached_mget(h.get(), key_ptrs.data(), key_lens.data(), keys.size());
  if (rc != MEMCACHED_SUCCESS) return fail_all(memcached_last_error_message(h.get()));
  memcached_result_st result;
  memcached_result_create(h.get(), &result);
  while (memcached_fetch_result(h.get(), &result, &rc) != nullptr) {
    std::string_view key(memcached_result_key_value(&result), memcached_result_key_length(&result));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] != key || out[i].status == StoreStatus::ok || out[i].corrupt) continue;
      std::string_view value(memcached_result_value(&result), memcached_result_length(&result));
      auto session = decode_session(value);
      if (!session) {
        out[i].corrupt = true;
        spdlog::warn("session value under {} cannot be decoded ({} bytes); treated as absent", keys[i],
                     value.size());
      } else {
        out[i].status = StoreStatus::ok;
        out[i].session = std::move(session);
        out[i].cas = memcached_result_cas(&result);
      }
    }
  }
  memcached_result_free(&result);
  // The loop ends with END (all fetched) or NOTFOUND; anything else is a failure, never a miss.
  if (rc != MEMCACHED_END && rc != MEMCACHED_NOTFOUND && rc != MEMCACHED_SUCCESS)
    return fail_all(memcached_strerror(h.get(), rc));
  return out;
}

StoreStatus MemcachedStore::store_value(const std::string& key, const std::string& value,
                                        std::chrono::seconds ttl, int mode, std::uint64_t cas) {
  Handle h(*this);
  auto exp = static_cast<time_t>(ttl.count());
  memcached_return_t rc;
  if (mode == cas_mode)
    rc = memcached_cas(h.get(), key.data(), key.size(), value.data(), value.size(), exp, 0, cas);
  else if (mode == add_mode)
    rc = memcached_add(h.get(), key.data(), key.size(), value.data(), value.size(), exp, 0);
  else
    rc = memcached_set(h.get(), key.data(), key.size(), value.data(), value.size(), exp, 0);
  if (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_STORED) return StoreStatus::ok;
  if (rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_NOTSTORED) return StoreStatus::conflict;
  if (rc == MEMCACHED_NOTFOUND) return StoreStatus::not_found;
  spdlog::debug("memcached write {}: {}", key, memcached_last_error_message(h.get()));
  return StoreStatus::unavailable;
}

StoreStatus MemcachedStore::save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                                 std::uint64_t cas) {
  return store_value(key_for(id), encode_session(s), ttl, cas ? cas_mode : set_mode, cas);
}

StoreStatus MemcachedStore::create(std::string_view id, const Session& s,
                                   std::chrono::seconds ttl) {
  return store_value(key_for(id), encode_session(s), ttl, add_mode, 0);
}

StoreStatus MemcachedStore::delete_key(const std::string& key) {
  Handle h(*this);
  memcached_return_t rc = memcached_delete(h.get(), key.data(), key.size(), 0);
  if (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_DELETED) return StoreStatus::ok;
  if (rc == MEMCACHED_NOTFOUND) return StoreStatus::not_found;
  return StoreStatus::unavailable;
}

StoreStatus MemcachedStore::remove(std::string_view id) { return delete_key(key_for(id)); }

StoreStatus MemcachedStore::try_lock(std::string_view id, std::chrono::seconds ttl) {
  return store_value(lock_key_for(id), "1", ttl, add_mode, 0);
}

StoreStatus MemcachedStore::unlock(std::string_view id) { return delete_key(lock_key_for(id)); }

StoreStatus MemcachedStore::ping() {
  Handle h(*this);
  // A get of a key nobody writes: NOTFOUND proves a round trip to the node that owns it.
  std::string key = opts_.key_prefix + ":ping";
  size_t len = 0;
  uint32_t flags = 0;
  memcached_return_t rc = MEMCACHED_SUCCESS;
  char* v = memcached_get(h.get(), key.data(), key.size(), &len, &flags, &rc);
  free(v);
  return is_failure(rc) ? StoreStatus::unavailable : StoreStatus::ok;
}

}  // namespace sessdemo
