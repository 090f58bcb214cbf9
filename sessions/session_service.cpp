#include "sessions/session_service.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "sessions/deadline.hpp"
#include "sessions/session_id.hpp"

namespace sessdemo {

const char* to_string(Concurrency c) {
  switch (c) {
    case Concurrency::none:
      return "none";
    case Concurrency::cas:
      return "cas";
    case Concurrency::lock:
      return "lock";
  }
  return "?";
}

std::optional<Concurrency> parse_concurrency(std::string_view t) {
  if (t == "none") return Concurrency::none;
  if (t == "cas") return Concurrency::cas;
  if (t == "lock") return Concurrency::lock;
  return std::nullopt;
}

namespace {

// Jittered exponential backoff: about 0.5-1 ms doubling per attempt, capped at 20 ms, and never
// past the request's deadline.
void backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  int cap_us = std::min(20000, 500 << std::min(attempt, 6));
  std::uniform_int_distribution<int> d(cap_us / 2, cap_us);
  auto until = std::min(std::chrono::steady_clock::now() + std::chrono::microseconds(d(rng)),
                        deadline::current());
  std::this_thread::sleep_until(until);
}

WriteOutcome failed(StoreStatus st) {
  WriteOutcome out;
  out.status = st;
  return out;
}

}  // namespace

void WaitHistogram::record(std::chrono::nanoseconds waited) {
  double s = std::chrono::duration<double>(waited).count();
  std::size_t b = 0;
  while (b < bounds_s.size() && s > bounds_s[b]) ++b;
  buckets[b].fetch_add(1, std::memory_order_relaxed);
  sum_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, waited.count())),
                   std::memory_order_relaxed);
}

SessionService::SessionService(SessionStore& store, SessionPolicy policy, UnixClock clock,
                               LeaseClock lease_clock)
    : store_(store), policy_(policy), clock_(std::move(clock)),
      lease_clock_(std::move(lease_clock)) {
  if (!lease_clock_) lease_clock_ = [] { return std::chrono::steady_clock::now(); };
  using std::chrono::system_clock;
  if (!clock_) clock_ = [] { return system_clock::to_time_t(system_clock::now()); };
}

std::chrono::seconds SessionService::expiry_for(const Session& s) const {
  auto left = s.created + policy_.max_age.count() - now();
  return std::chrono::seconds(std::max<std::int64_t>(1, std::min(policy_.ttl.count(), left)));
}

bool SessionService::is_expired(const Session& s) const {
  auto t = now();
  // A value stamped more than a day ahead of this clock did not come from a writer of ours (a
  // created decades ahead would switch the absolute lifetime off): ended, like an expired one.
  constexpr std::int64_t skew = 86400;
  if (s.created > t + skew || s.refreshed > t + skew) return true;
  return t >= s.created + policy_.max_age.count() || t >= s.refreshed + policy_.ttl.count();
}

ReadOutcome SessionService::read(std::string_view id) {
  if (!is_well_formed_session_id(id)) return {};
  return finish_read(id, store_.load(id));
}

std::vector<ReadOutcome> SessionService::read_many(const std::vector<std::string>& ids) {
  std::vector<ReadOutcome> out(ids.size());
  // The usual batch holds only well-formed ids and goes to the store as it is, uncopied; otherwise
  // only the well-formed ones are asked for (where: their places in ids).
  const std::vector<std::string>* asked = &ids;
  std::vector<std::string> wanted;
  std::vector<std::size_t> where;
  if (!std::all_of(ids.begin(), ids.end(),
                   [](const std::string& id) { return is_well_formed_session_id(id); })) {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (is_well_formed_session_id(ids[i])) {
        wanted.push_back(ids[i]);
        where.push_back(i);
      }
    if (wanted.empty()) return out;
    asked = &wanted;
  }
  auto loaded = store_.load_many(*asked);
  for (std::size_t k = 0; k < asked->size(); ++k)
    out[asked == &ids ? k : where[k]] = finish_read((*asked)[k], std::move(loaded[k]));
  return out;
}

ReadOutcome SessionService::finish_read(std::string_view id, LoadResult r) {
  ReadOutcome out;
  if (r.corrupt) stats_.corrupt++;
  if (r.status == StoreStatus::ok && r.session->ended) r = LoadResult{};  // a tombstone: ended
  if (r.status != StoreStatus::ok) {
    out.status =
        r.status == StoreStatus::unavailable ? StoreStatus::unavailable : StoreStatus::not_found;
    return out;
  }
  Session s = std::move(*r.session);
  if (is_expired(s)) {
    stats_.expired++;
    store_.remove(id);  // best effort; the store's own expiry ends it anyway
    return out;
  }
  // Sliding expiry costs a write only once half the idle timeout has passed.
  if (now() - s.refreshed >= policy_.ttl.count() / 2) {
    Session fresh = s;
    fresh.refreshed = now();
    fresh.version++;  // a new version, so every copy takes the refresh
    // A lost race means another writer just refreshed it; either way the session lives on.
    if (store_.save(id, fresh, expiry_for(fresh), r.cas) == StoreStatus::ok) {
      stats_.refreshes++;
      s = fresh;
    }
  }
  out.status = StoreStatus::ok;
  out.expires_in_s =
      std::min(s.refreshed + policy_.ttl.count(), s.created + policy_.max_age.count()) - now();
  out.session = std::move(s);
  return out;
}

namespace {
WriteOutcome refused_outcome() {
  WriteOutcome out;
  out.refused = true;
  return out;
}
}  // namespace

WriteOutcome SessionService::create_new(const std::function<void(Session&)>& change,
                                        const Guard& guard) {
  if (guard && !guard(nullptr)) return refused_outcome();
  WriteOutcome out;
  Session s;
  s.created = s.refreshed = now();
  s.version = 1;
  change(s);
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string id = new_session_id();
    StoreStatus st = store_.create(id, s, expiry_for(s));
    if (st == StoreStatus::conflict) continue;  // an id collision: 2^-128, but never overwrite
    out.status = st;
    if (st == StoreStatus::ok) {
      stats_.created++;
      out.id = std::move(id);
      out.created = true;
      out.session = s;
    }
    return out;
  }
  out.status = StoreStatus::conflict;
  return out;
}

WriteOutcome SessionService::update(std::string_view id,
                                    const std::function<void(Session&)>& change,
                                    const Guard& guard) {
  if (!is_well_formed_session_id(id)) return create_new(change, guard);
  switch (policy_.concurrency) {
    case Concurrency::none:
      return update_plain(id, change, guard);
    case Concurrency::lock:
      return update_locked(id, change, guard);
    case Concurrency::cas:
      break;
  }
  return update_cas(id, change, guard);
}

std::optional<WriteOutcome> SessionService::try_update(
    std::string_view id, const std::function<void(Session&)>& change, const Guard& guard,
    bool with_cas, std::optional<std::chrono::steady_clock::time_point> write_by) {
  LoadResult r = store_.load(id);
  if (r.corrupt) stats_.corrupt++;
  if (r.status == StoreStatus::unavailable) {
    WriteOutcome out;
    out.status = StoreStatus::unavailable;
    return out;
  }
  if (r.status != StoreStatus::ok || r.session->ended || is_expired(*r.session))
    return create_new(change, guard);
  if (guard && !guard(&*r.session)) return refused_outcome();
  Session s = *r.session;
  change(s);
  s.refreshed = now();
  s.version++;
  if (write_by && lease_clock_() > *write_by) {
    // The lock may have expired and been taken by another writer: writing now could overwrite
    // that writer's update. Nothing is written; the client gets 503 and may retry.
    stats_.lease_expired++;
    return failed(StoreStatus::conflict);
  }
  StoreStatus st = store_.save(id, s, expiry_for(s), with_cas ? r.cas : 0);
  if (with_cas && st == StoreStatus::conflict) {
    stats_.conflicts++;
    return std::nullopt;
  }
  if (st == StoreStatus::not_found) return create_new(change, guard);  // ended meanwhile
  WriteOutcome out;
  out.status = st;
  out.id = std::string(id);
  out.session = s;
  return out;
}

WriteOutcome SessionService::update_plain(std::string_view id,
                                          const std::function<void(Session&)>& change,
                                          const Guard& guard) {
  return *try_update(id, change, guard, false);
}

WriteOutcome SessionService::update_cas(std::string_view id,
                                        const std::function<void(Session&)>& change,
                                        const Guard& guard) {
  for (int attempt = 0; attempt < policy_.max_attempts; ++attempt) {
    if (attempt > 0) {
      if (deadline::passed()) {
        stats_.deadline_exceeded++;
        return failed(StoreStatus::unavailable);
      }
      stats_.retries++;
      backoff(attempt);
    }
    if (auto out = try_update(id, change, guard, true)) return *out;
  }
  stats_.gave_up++;
  return failed(StoreStatus::conflict);
}

WriteOutcome SessionService::update_locked(std::string_view id,
                                           const std::function<void(Session&)>& change,
                                           const Guard& guard) {
  using Clock = std::chrono::steady_clock;
  // No lock key for an id the store does not hold: a client cannot make the server write lock
  // keys for ids it made up. A new session needs no lock (its id is new).
  LoadResult existing = store_.load(id);
  if (existing.status == StoreStatus::unavailable) return failed(existing.status);
  if (existing.status != StoreStatus::ok || existing.session->ended)
    return create_new(change, guard);
  // A token of this holder's own, so that unlocking can never remove a successor's lock.
  const std::string owner = new_session_id();
  auto give_up_at = std::min(Clock::now() + policy_.lock_timeout, deadline::current());
  Clock::time_point asked;
  const auto wait_started = Clock::now();
  for (int attempt = 0;; ++attempt) {
    asked = lease_clock_();  // the lease runs from before the request, to be on the safe side
    StoreStatus st = store_.try_lock(id, owner, policy_.lock_ttl);
    if (st == StoreStatus::ok) break;
    if (st == StoreStatus::unavailable) return failed(st);
    stats_.lock_waits++;
    if (Clock::now() >= give_up_at) {
      // Never go on without the lock: that would be the lost update the lock exists to stop.
      stats_.lock_timeouts++;
      stats_.lock_wait.record(Clock::now() - wait_started);
      return failed(StoreStatus::conflict);
    }
    backoff(attempt);
  }
  stats_.lock_wait.record(Clock::now() - wait_started);
  auto write_by = asked + policy_.lock_ttl - policy_.lock_margin;
  // cas as well: should the lease check ever be wrong (a clock jump), a successor's write in
  // between makes this one fail rather than overwrite it.
  auto result = try_update(id, change, guard, true, write_by);
  WriteOutcome out = result ? *result : failed(StoreStatus::conflict);
  if (store_.unlock(id, owner) == StoreStatus::not_found) stats_.lock_lost++;
  return out;
}

StoreStatus SessionService::end(std::string_view id) {
  if (!is_well_formed_session_id(id)) return StoreStatus::not_found;
  return store_.remove(id);
}

}  // namespace sessdemo
