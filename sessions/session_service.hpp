#pragma once
// The session life cycle on top of a SessionStore: sliding and absolute expiry, creation on
// first write with a fresh id (never adopting an id the client made up), and read-modify-write
// under one of three concurrency modes. No HTTP here.
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "sessions/store.hpp"

namespace sessdemo {

enum class Concurrency {
  none,  // read, change, plain set: the last writer wins (kept to show lost updates)
  cas,   // optimistic: gets + cas, re-apply the change on conflict, bounded retries
  lock,  // exclusive per-session lock key (add with TTL), waits up to lock_timeout
};
const char* to_string(Concurrency c);
std::optional<Concurrency> parse_concurrency(std::string_view text);

struct SessionPolicy {
  std::chrono::seconds ttl{20 * 60};       // idle timeout, sliding
  std::chrono::seconds max_age{8 * 3600};  // absolute lifetime from creation
  Concurrency concurrency = Concurrency::cas;
  int max_attempts = 10;                         // cas: attempts before giving up with conflict
  std::chrono::milliseconds lock_timeout{2000};  // lock: longest wait for the lock
  std::chrono::seconds lock_ttl{5};              // lock: a dead holder's lock expires after this
  // lock: a holder writes only while more than this is left of its lease (lock_ttl from when it
  // asked for the lock). memcached counts expiry in whole seconds, so this covers that second
  // plus the write itself (the store timeout).
  std::chrono::milliseconds lock_margin{1250};
};

// How long requests waited for the session lock (lock mode; nothing is recorded in the other
// modes), in fixed buckets a Prometheus histogram reads: buckets[i] counts waits of at most
// bounds_s[i], the last one the rest.
struct WaitHistogram {
  static constexpr std::array<double, 11> bounds_s{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,   0.25,   0.5,   1,    2.5};
  std::array<std::atomic<std::uint64_t>, bounds_s.size() + 1> buckets{};
  std::atomic<std::uint64_t> sum_ns{0};
  void record(std::chrono::nanoseconds waited);
};

// Counters read by /metrics. Each is monotonic.
struct SessionStats {
  std::atomic<std::uint64_t> created{0};        // sessions written for the first time
  std::atomic<std::uint64_t> refreshes{0};      // sliding-expiry rewrites made by reads
  std::atomic<std::uint64_t> expired{0};        // sessions found past their absolute lifetime
  std::atomic<std::uint64_t> corrupt{0};        // values that could not be decoded
  std::atomic<std::uint64_t> conflicts{0};      // cas writes that lost to another writer
  std::atomic<std::uint64_t> retries{0};        // re-reads after a conflict (<= conflicts)
  std::atomic<std::uint64_t> gave_up{0};        // updates that ran out of attempts (503)
  std::atomic<std::uint64_t> lock_waits{0};     // lock attempts that found the lock taken
  std::atomic<std::uint64_t> lock_timeouts{0};  // updates that never got the lock (503)
  std::atomic<std::uint64_t> lease_expired{0};  // lock holders too slow to write safely (503)
  std::atomic<std::uint64_t> lock_lost{0};      // unlocks that found the lock expired or taken over
  std::atomic<std::uint64_t> deadline_exceeded{0};  // updates stopped by the request deadline (503)
  WaitHistogram
      lock_wait;  // lock mode: from the first try for the lock to holding it (or giving up)
};

struct ReadOutcome {
  StoreStatus status = StoreStatus::not_found;  // ok, not_found or unavailable
  std::optional<Session> session;
  std::int64_t expires_in_s = 0;
};

struct WriteOutcome {
  StoreStatus status = StoreStatus::ok;  // ok; conflict: nothing was changed; unavailable: not
                                         // confirmed (with quorum copies it may still land)
  bool refused = false;                  // the guard said no: nothing was changed (status ok)
  std::string id;                        // the session id to keep (new when created is true)
  bool created = false;
  Session session;
};

class SessionService {
 public:
  using UnixClock = std::function<std::int64_t()>;
  // The steady clock a lock holder's lease is measured on (the lock's TTL runs on the store's
  // clock): injectable, so a test can let a lease run out without waiting for it.
  using LeaseClock = std::function<std::chrono::steady_clock::time_point()>;
  SessionService(SessionStore& store, SessionPolicy policy, UnixClock clock = {},
                 LeaseClock lease_clock = {});

  ReadOutcome read(std::string_view id);
  // Several reads with one store round trip; outcomes in id order.
  std::vector<ReadOutcome> read_many(const std::vector<std::string>& ids);
  // Says whether a change may be made, given the session as stored (nullptr: there is none and
  // the change would create one). Asked before every attempt, on the session that attempt read.
  using Guard = std::function<bool(const Session* current)>;
  // Applies change to the session under id, or to a new session when id holds none; with a
  // guard that says no, nothing is written and the outcome is refused.
  WriteOutcome update(std::string_view id, const std::function<void(Session&)>& change,
                      const Guard& guard = {});
  StoreStatus end(std::string_view id);

  const SessionPolicy& policy() const { return policy_; }
  SessionStats& stats() { return stats_; }
  SessionStore& store() { return store_; }

 private:
  std::int64_t now() const { return clock_(); }
  ReadOutcome finish_read(std::string_view id, LoadResult r);
  std::chrono::seconds expiry_for(const Session& s) const;
  bool is_expired(const Session& s) const;
  WriteOutcome create_new(const std::function<void(Session&)>& change, const Guard& guard);
  // One read-change-write round; nothing when a cas write lost to another writer.
  // With write_by set, nothing is written after that moment (a lock lease ending).
  std::optional<WriteOutcome> try_update(
      std::string_view id, const std::function<void(Session&)>& change, const Guard& guard,
      bool with_cas, std::optional<std::chrono::steady_clock::time_point> write_by = {});
  WriteOutcome update_cas(std::string_view id, const std::function<void(Session&)>& change,
                          const Guard& guard);
  WriteOutcome update_locked(std::string_view id, const std::function<void(Session&)>& change,
                             const Guard& guard);
  WriteOutcome update_plain(std::string_view id, const std::function<void(Session&)>& change,
                            const Guard& guard);

  SessionStore& store_;
  SessionPolicy policy_;
  UnixClock clock_;
  LeaseClock lease_clock_;
  SessionStats stats_;
};

}  // namespace sessdemo
