#include "server/instrumented_store.hpp"

namespace sessdemo {

template <typename F>
StoreStatus InstrumentedStore::timed(StoreOp op, F&& call) {
  auto start = std::chrono::steady_clock::now();
  StoreStatus st = call();
  metrics_.count_store(op, st, std::chrono::steady_clock::now() - start);
  tell_health(op, st);
  return st;
}

void InstrumentedStore::tell_health(StoreOp op, StoreStatus st, const std::string& error) {
  if (!health_) return;
  if (st != StoreStatus::unavailable)
    health_->answered();
  else
    health_->failed(std::string(to_string(op)) + (error.empty() ? "" : ": " + error));
}

LoadResult InstrumentedStore::load(std::string_view id) {
  auto start = std::chrono::steady_clock::now();
  LoadResult r = inner_.load(id);
  metrics_.count_store(StoreOp::load, r.status, std::chrono::steady_clock::now() - start);
  tell_health(StoreOp::load, r.status, r.error);
  return r;
}

std::vector<LoadResult> InstrumentedStore::load_many(const std::vector<std::string>& ids) {
  auto start = std::chrono::steady_clock::now();
  auto results = inner_.load_many(ids);
  auto took = std::chrono::steady_clock::now() - start;
  const LoadResult* failure = nullptr;
  bool answered = false;
  for (const auto& r : results) {
    metrics_.count_store(StoreOp::load, r.status, took);  // each waited this long
    if (r.status == StoreStatus::unavailable) {
      if (!failure) failure = &r;
    } else {
      answered = true;
    }
  }
  // One report per batch, as for a single call: a read-only outage is logged, and its end too.
  if (answered)
    tell_health(StoreOp::load, StoreStatus::ok);
  else if (failure)
    tell_health(StoreOp::load, StoreStatus::unavailable, failure->error);
  return results;
}

StoreStatus InstrumentedStore::save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                                    std::uint64_t cas) {
  return timed(StoreOp::save, [&] { return inner_.save(id, s, ttl, cas); });
}

StoreStatus InstrumentedStore::create(std::string_view id, const Session& s,
                                      std::chrono::seconds ttl) {
  return timed(StoreOp::create, [&] { return inner_.create(id, s, ttl); });
}

StoreStatus InstrumentedStore::remove(std::string_view id) {
  return timed(StoreOp::remove, [&] { return inner_.remove(id); });
}

StoreStatus InstrumentedStore::try_lock(std::string_view id, std::string_view owner,
                                        std::chrono::seconds ttl) {
  return timed(StoreOp::lock, [&] { return inner_.try_lock(id, owner, ttl); });
}

StoreStatus InstrumentedStore::unlock(std::string_view id, std::string_view owner) {
  return timed(StoreOp::unlock, [&] { return inner_.unlock(id, owner); });
}

StoreStatus InstrumentedStore::ping() {
  return timed(StoreOp::ping, [&] { return inner_.ping(); });
}

}  // namespace sessdemo
