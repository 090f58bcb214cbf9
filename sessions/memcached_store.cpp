#include "sessions/memcached_store.hpp"

#include <libmemcached/memcached.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "sessions/deadline.hpp"
#include "sessions/memcached_handle.hpp"

namespace sessdemo {

namespace {

enum WriteMode { set_mode, add_mode, cas_mode };

// A released lock: the key stays for a moment with this value, so that the release is one
// conditional write (cas) that cannot remove a successor's lock. try_lock takes it over.
constexpr std::string_view free_lock = "-";
constexpr std::chrono::seconds free_lock_ttl{2};

// One thread's handles, one per store it has called: a store is found by its uid (never
// reused, so a cache entry of a store that is gone is never matched again).
struct CachedHandle {
  std::uint64_t store_uid;
  memcached_st* mc;
  std::int64_t wait_ms;  // the poll and connect timeout the handle holds now
};
thread_local std::vector<CachedHandle> thread_handles;
std::atomic<std::uint64_t> next_store_uid{1};

void set_wait(CachedHandle& h, std::int64_t ms) {
  if (h.wait_ms == ms) return;
  // Only the waits change with the deadline; both are plain fields in the handle.
  memcached_behavior_set(h.mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, static_cast<uint64_t>(ms));
  memcached_behavior_set(h.mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, static_cast<uint64_t>(ms));
  h.wait_ms = ms;
}

// <prefix><infix><id> appended to out: a session's key (infix ":") or its lock's (":lock:").
void append_key(std::string& out, std::string_view prefix, std::string_view infix,
                std::string_view id) {
  out.append(prefix).append(infix).append(id);
}

}  // namespace

MemcachedStore::MemcachedStore(MemcachedOptions opts)
    : opts_(std::move(opts)), uid_(next_store_uid++) {
  if (opts_.servers.empty()) throw std::invalid_argument("no memcached servers");
  memcached_free(make_memcached_handle(opts_));  // bad addresses fail here, not later
}

MemcachedStore::~MemcachedStore() {
  for (auto* mc : all_) memcached_free(mc);
}

memcached_st* MemcachedStore::handle() {
  auto wait = deadline::remaining(opts_.timeout);
  if (wait.count() <= 0) return nullptr;
  auto it = std::find_if(thread_handles.begin(), thread_handles.end(),
                         [&](const CachedHandle& h) { return h.store_uid == uid_; });
  if (it == thread_handles.end()) {
    memcached_st* mc = make_memcached_handle(opts_);
    {
      std::lock_guard lock(mutex_);
      all_.push_back(mc);
    }
    thread_handles.push_back({uid_, mc, opts_.timeout.count()});
    it = thread_handles.end() - 1;
  }
  sessdemo::set_wait(*it, wait.count());
  return it->mc;
}

void MemcachedStore::set_wait(memcached_st* mc, std::int64_t ms) {
  auto it = std::find_if(thread_handles.begin(), thread_handles.end(),
                         [&](const CachedHandle& h) { return h.mc == mc; });
  if (it != thread_handles.end()) sessdemo::set_wait(*it, ms);
}

std::string MemcachedStore::key_for(std::string_view id) const {
  std::string key;
  append_key(key, opts_.key_prefix, ":", id);
  return key;
}

std::string MemcachedStore::lock_key_for(std::string_view id) const {
  std::string key;
  append_key(key, opts_.key_prefix, ":lock:", id);
  return key;
}

LoadResult MemcachedStore::load(std::string_view id) {
  return std::move(load_many({std::string(id)}).front());
}

std::vector<LoadResult> MemcachedStore::load_many(const std::vector<std::string>& ids) {
  thread_local PendingLoad pending;  // its key buffer is reused batch after batch
  send_many(ids, pending);
  return receive_many(pending);
}

namespace {
std::vector<LoadResult> all_failed(std::size_t n, const std::string& why) {
  std::vector<LoadResult> out(n);
  for (auto& r : out) {
    r.status = StoreStatus::unavailable;
    r.error = why;
  }
  return out;
}
}  // namespace

void MemcachedStore::send_many(const std::vector<std::string>& ids, PendingLoad& pending) {
  pending.results.clear();
  pending.connection = nullptr;
  if (ids.empty()) return;
  memcached_st* mc = handle();
  if (!mc) {
    pending.results = all_failed(ids.size(), "deadline passed before the store was asked");
    return;
  }
  // The pointer and length arrays memcached_mget wants, kept per thread: no allocation per batch.
  thread_local std::vector<const char*> key_ptrs;
  thread_local std::vector<size_t> key_lens;
  key_ptrs.clear();
  key_lens.clear();
  // The keys into one buffer, then views into it once it stops moving: no allocation once grown.
  pending.key_bytes.clear();
  for (const auto& id : ids) {
    std::size_t before = pending.key_bytes.size();
    append_key(pending.key_bytes, opts_.key_prefix, ":", id);
    key_lens.push_back(pending.key_bytes.size() - before);
  }
  pending.keys.clear();
  const char* at = pending.key_bytes.data();
  for (std::size_t n : key_lens) {
    pending.keys.emplace_back(at, n);
    key_ptrs.push_back(at);
    at += n;
  }
  // One multi-get for the whole batch: a single round trip however many sessions it holds. It
  // returns once the request is sent; the answers are read by receive_many.
  memcached_return_t rc = memcached_mget(mc, key_ptrs.data(), key_lens.data(), key_ptrs.size());
  if (rc != MEMCACHED_SUCCESS) {
    pending.results = all_failed(ids.size(), memcached_last_error_message(mc));
    pending.keys.clear();
    return;
  }
  pending.connection = mc;
}

std::vector<LoadResult> MemcachedStore::receive_many(PendingLoad& pending) {
  if (!pending.connection) return std::move(pending.results);
  auto* mc = static_cast<memcached_st*>(pending.connection);
  pending.connection = nullptr;
  const auto& keys = pending.keys;
  // The wait is what is left of the deadline now (the answers are read even when it has passed,
  // briefly, so that the connection holds no unread answers).
  set_wait(mc, std::max<std::int64_t>(1, deadline::remaining(opts_.timeout).count()));
  std::vector<LoadResult> out(keys.size());
  memcached_return_t rc;
  memcached_result_st result;
  memcached_result_create(mc, &result);
  while (memcached_fetch_result(mc, &result, &rc) != nullptr) {
    std::string_view key(memcached_result_key_value(&result), memcached_result_key_length(&result));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] != key || out[i].status == StoreStatus::ok || out[i].corrupt) continue;
      std::string_view value(memcached_result_value(&result), memcached_result_length(&result));
      auto session = decode_session(value);
      if (!session) {
        out[i].corrupt = true;
        out[i].cas = memcached_result_cas(&result);  // so the bytes can be replaced conditionally
        spdlog::warn("session value under {} cannot be decoded ({} bytes); treated as absent",
                     keys[i], value.size());
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
    return all_failed(keys.size(), memcached_strerror(mc, rc));
  // libmemcached 1.1 can also end a fetch cut off by its wait with NOTFOUND (awesomized/
  // libmemcached#67): past the deadline, the keys it gave no value for are unanswered, not absent.
  if (rc != MEMCACHED_END && deadline::passed())
    for (auto& r : out)
      if (r.status != StoreStatus::ok && !r.corrupt) {
        r.status = StoreStatus::unavailable;
        r.error = "no answer by the deadline";
      }
  return out;
}

MemcachedStore::Raw MemcachedStore::get_raw(const std::string& key) {
  Raw out;
  memcached_st* mc = handle();
  if (!mc) {
    out.status = StoreStatus::unavailable;
    return out;
  }
  const char* kp = key.c_str();
  size_t kl = key.size();
  memcached_return_t rc = memcached_mget(mc, &kp, &kl, 1);
  if (rc != MEMCACHED_SUCCESS) {
    out.status = StoreStatus::unavailable;
    return out;
  }
  memcached_result_st result;
  memcached_result_create(mc, &result);
  while (memcached_fetch_result(mc, &result, &rc) != nullptr) {
    out.status = StoreStatus::ok;
    out.value.assign(memcached_result_value(&result), memcached_result_length(&result));
    out.cas = memcached_result_cas(&result);
  }
  memcached_result_free(&result);
  if (rc != MEMCACHED_END && rc != MEMCACHED_NOTFOUND && rc != MEMCACHED_SUCCESS)
    out.status = StoreStatus::unavailable;
  if (rc != MEMCACHED_END && out.status != StoreStatus::ok && deadline::passed())
    out.status = StoreStatus::unavailable;  // cut off by the wait, as in receive_many
  return out;
}

StoreStatus MemcachedStore::store_value(const std::string& key, std::string_view value,
                                        std::chrono::seconds ttl, int mode, std::uint64_t cas) {
  memcached_st* mc = handle();
  if (!mc) return StoreStatus::unavailable;
  auto exp = static_cast<time_t>(ttl.count());
  memcached_return_t rc;
  if (mode == cas_mode)
    rc = memcached_cas(mc, key.data(), key.size(), value.data(), value.size(), exp, 0, cas);
  else if (mode == add_mode)
    rc = memcached_add(mc, key.data(), key.size(), value.data(), value.size(), exp, 0);
  else
    rc = memcached_set(mc, key.data(), key.size(), value.data(), value.size(), exp, 0);
  if (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_STORED) return StoreStatus::ok;
  if (rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_NOTSTORED) return StoreStatus::conflict;
  if (rc == MEMCACHED_NOTFOUND) return StoreStatus::not_found;
  spdlog::debug("memcached write {}: {}", key, memcached_last_error_message(mc));
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
  memcached_st* mc = handle();
  if (!mc) return StoreStatus::unavailable;
  memcached_return_t rc = memcached_delete(mc, key.data(), key.size(), 0);
  if (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_DELETED) return StoreStatus::ok;
  if (rc == MEMCACHED_NOTFOUND) return StoreStatus::not_found;
  return StoreStatus::unavailable;
}

StoreStatus MemcachedStore::remove(std::string_view id) {
  return delete_key(key_for(id));
}

StoreStatus MemcachedStore::try_lock(std::string_view id, std::string_view owner,
                                     std::chrono::seconds ttl) {
  std::string key = lock_key_for(id);
  for (int attempt = 0; attempt < 2; ++attempt) {
    StoreStatus st = store_value(key, owner, ttl, add_mode, 0);
    if (st != StoreStatus::conflict) return st;
    // The key exists: held by someone, or released and not yet expired.
    Raw held = get_raw(key);
    if (held.status == StoreStatus::unavailable) return held.status;
    if (held.status == StoreStatus::not_found) continue;  // expired just now: add again
    if (held.value != free_lock) return StoreStatus::conflict;
    st = store_value(key, owner, ttl, cas_mode, held.cas);
    return st == StoreStatus::not_found ? StoreStatus::conflict : st;
  }
  return StoreStatus::conflict;
}

StoreStatus MemcachedStore::unlock(std::string_view id, std::string_view owner) {
  std::string key = lock_key_for(id);
  Raw held = get_raw(key);
  if (held.status != StoreStatus::ok) return held.status;
  if (held.value != owner) return StoreStatus::not_found;  // expired and taken by a successor
  // A cas, not a delete: if the lock changed hands since the get, this write fails.
  StoreStatus st = store_value(key, free_lock, free_lock_ttl, cas_mode, held.cas);
  if (st == StoreStatus::ok || st == StoreStatus::unavailable) return st;
  return StoreStatus::not_found;
}

}  // namespace sessdemo
