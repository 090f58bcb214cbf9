#pragma once
// Which client goes next on one load worker, and when. Socket-free and clock-free: every call
// is given the time, so the unit tests drive it with made-up times; the worker's timers
// (worker/schedule.cpp) call it with the steady clock.
//
// Each client holds tickets: requests it may have in flight. A released ticket goes to the
// balancer (the Release callback) stamped with the time it wanted to go, and comes back here
// when answered: to go again at once, after a think time, or (open model) at the pacer's next
// tick. What a workload wants of its tickets (more for a counter's adds, a logout's own number,
// a final read) is the scenario's policy; the worker asks the scenario and tells the scheduler.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include "loadgen/config/load_shape.hpp"

namespace sessdemo::loadgen {

// The open model's ticks. Tick k is due when the shape's integral (this worker's share of it)
// reaches k + offset: offset 1 with --stages, so a ramp from 0 does not send at time 0.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  Pacer(const LoadShape& shape, double share, Clock::time_point start, double offset,
        Clock::time_point measure_start);

  // When the next tick is due; nothing once the shape ends.
  std::optional<Clock::time_point> due() const { return due_; }
  void take();  // the next tick went out (to a client or the backlog)
  // No client is free and the backlog is full: every tick due by `now` is dropped at once
  // (one at a time, a rate beyond what the thread can count would never catch up with the
  // clock). Returns how many of them were due after the measured part began: counted, never
  // silent. The next tick is the first one due after now.
  std::uint64_t drop_due_by(Clock::time_point now);
  std::uint64_t next_tick() const { return tick_; }

 private:
  std::optional<Clock::time_point> due_at(std::uint64_t tick) const;
  double count_by(Clock::time_point t) const;  // ticks due by t, as a count (+ offset)

  const LoadShape& shape_;
  double share_;
  Clock::time_point start_;
  double offset_;
  Clock::time_point measure_start_;
  std::uint64_t tick_ = 0;
  std::optional<Clock::time_point> due_;
};

class Scheduler {
 public:
  using Clock = std::chrono::steady_clock;
  // A ticket of this client goes to the balancer; latency counts from `ready`.
  using Release = std::function<void(std::uint32_t client, Clock::time_point ready)>;
  static constexpr std::size_t default_max_backlog = 1'000'000;

  Scheduler(std::uint32_t clients, Clock::time_point measure_start, Clock::time_point measure_end,
            Release release, std::size_t max_backlog = default_max_backlog);

  // Tickets: a new one, one that goes again at once, one that ends.
  void add_ticket(std::uint32_t client, Clock::time_point now);
  void again(std::uint32_t client, Clock::time_point now) { release_(client, now); }
  void retire_ticket() { outstanding_--; }
  // Tickets queued, thinking or on the wire; 0 when the worker has nothing left to do.
  std::uint64_t outstanding() const { return outstanding_; }

  // Closed model: clients [0, active) may send. ramp_to gives each newly active client one
  // ticket (a client told to stop that has not stopped yet just goes on), telling `joined`
  // first; parks() takes the ticket of an answered client above the level, which waits until
  // the level rises again.
  using Joined = std::function<void(std::uint32_t client)>;
  void ramp_to(std::uint32_t want, Clock::time_point now, const Joined& joined = {});
  bool parks(std::uint32_t client);
  std::uint32_t active() const { return active_; }

  // Closed model with --think: the client pauses until `until`. True when it is now the first
  // to wake (the caller's timer must be moved earlier).
  bool think(std::uint32_t client, Clock::time_point until);
  std::optional<Clock::time_point> next_wake() const;
  void wake(Clock::time_point now);  // releases every client whose think time is over

  // Open model: every client starts free; a tick goes to a free client or waits in the backlog
  // (false: neither, the caller drops it); an answered client takes the oldest waiting tick or
  // becomes free.
  void open_model();
  bool tick(Clock::time_point intended);
  void free_client(std::uint32_t client);
  std::uint32_t busy_clients() const { return clients_ - static_cast<std::uint32_t>(idle_.size()); }

  // The stop: tickets that were released but never sent (n of them) and the thinking clients
  // are dropped.
  void drop(std::uint64_t released_unsent);

  // Figures, read from any thread. ticks_sent: measured ticks a client took; dropped: measured
  // ticks neither sent nor queued; active_now: clients active (closed) or holding a tick (open).
  std::uint64_t ticks_sent() const { return ticks_sent_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  void count_dropped(std::uint64_t n) { dropped_.fetch_add(n, std::memory_order_relaxed); }
  std::uint32_t active_now() const { return active_now_.load(std::memory_order_relaxed); }

 private:
  void send_tick(std::uint32_t client, Clock::time_point intended);
  void note_busy() { active_now_.store(busy_clients(), std::memory_order_relaxed); }

  std::uint32_t clients_;
  Clock::time_point measure_start_, measure_end_;
  Release release_;
  std::size_t max_backlog_;
  std::uint64_t outstanding_ = 0;
  std::uint32_t active_ = 0;
  std::vector<char> holds_ticket_;
  // Soonest first (a min-heap: drawn think times do not come out in the order they went in).
  using Thinking = std::pair<Clock::time_point, std::uint32_t>;
  std::priority_queue<Thinking, std::vector<Thinking>, std::greater<Thinking>> thinking_;
  std::deque<std::uint32_t> idle_;         // open model: clients free to take a tick
  std::deque<Clock::time_point> backlog_;  // open model: ticks no client was free for
  std::atomic<std::uint64_t> ticks_sent_{0}, dropped_{0};
  std::atomic<std::uint32_t> active_now_{0};
};

}  // namespace sessdemo::loadgen
