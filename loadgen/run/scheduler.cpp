// Which client goes next on one load worker: see scheduler.hpp.
#include "loadgen/run/scheduler.hpp"

#include <algorithm>
#include <cmath>

namespace sessdemo::loadgen {

Pacer::Pacer(const LoadShape& shape, double share, Clock::time_point start, double offset,
             Clock::time_point measure_start)
    : shape_(shape), share_(share), start_(start), offset_(offset), measure_start_(measure_start) {
  due_ = due_at(0);
}

std::optional<Pacer::Clock::time_point> Pacer::due_at(std::uint64_t tick) const {
  auto s = shape_.time_of_count((static_cast<double>(tick) + offset_) / share_);
  if (!s) return std::nullopt;
  return start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*s));
}

double Pacer::count_by(Clock::time_point t) const {
  return t <= start_
             ? 0.0
             : shape_.count_until(std::chrono::duration<double>(t - start_).count()) * share_;
}

void Pacer::take() {
  due_ = due_at(++tick_);
}

std::uint64_t Pacer::drop_due_by(Clock::time_point now) {
  auto last_due = std::max<double>(static_cast<double>(tick_), std::floor(count_by(now) - offset_));
  auto first_measured = std::max(0.0, std::ceil(count_by(measure_start_) - offset_));
  auto from = std::max(static_cast<double>(tick_), first_measured);
  std::uint64_t measured = last_due >= from ? static_cast<std::uint64_t>(last_due - from + 1) : 0;
  tick_ = static_cast<std::uint64_t>(last_due) + 1;
  due_ = due_at(tick_);
  return measured;
}

Scheduler::Scheduler(std::uint32_t clients, Clock::time_point measure_start,
                     Clock::time_point measure_end, Release release, std::size_t max_backlog)
    : clients_(clients), measure_start_(measure_start), measure_end_(measure_end),
      release_(std::move(release)), max_backlog_(max_backlog), holds_ticket_(clients, 0) {}

void Scheduler::add_ticket(std::uint32_t client, Clock::time_point now) {
  outstanding_++;
  release_(client, now);
}

void Scheduler::ramp_to(std::uint32_t want, Clock::time_point now, const Joined& joined) {
  want = std::min(want, clients_);
  for (std::uint32_t i = active_; i < want; ++i) {
    if (holds_ticket_[i]) continue;  // told to stop, and not yet stopped: it just goes on
    holds_ticket_[i] = 1;
    if (joined) joined(i);
    add_ticket(i, now);
  }
  active_ = want;
  active_now_.store(want, std::memory_order_relaxed);
}

bool Scheduler::parks(std::uint32_t client) {
  if (client < active_) return false;
  holds_ticket_[client] = 0;
  outstanding_--;
  return true;
}

bool Scheduler::think(std::uint32_t client, Clock::time_point until) {
  bool sooner = thinking_.empty() || until < thinking_.top().first;
  thinking_.emplace(until, client);
  return sooner;
}

std::optional<Scheduler::Clock::time_point> Scheduler::next_wake() const {
  if (thinking_.empty()) return std::nullopt;
  return thinking_.top().first;
}

void Scheduler::wake(Clock::time_point now) {
  while (!thinking_.empty() && thinking_.top().first <= now) {
    auto client = thinking_.top().second;
    thinking_.pop();
    release_(client, now);
  }
}

void Scheduler::open_model() {
  for (std::uint32_t i = 0; i < clients_; ++i) idle_.push_back(i);
  note_busy();
}

void Scheduler::send_tick(std::uint32_t client, Clock::time_point intended) {
  if (intended >= measure_start_ && intended < measure_end_)
    ticks_sent_.fetch_add(1, std::memory_order_relaxed);
  add_ticket(client, intended);
}

bool Scheduler::tick(Clock::time_point intended) {
  if (!idle_.empty()) {
    auto client = idle_.front();
    idle_.pop_front();
    send_tick(client, intended);
    note_busy();
    return true;
  }
  if (backlog_.size() >= max_backlog_) return false;
  backlog_.push_back(intended);
  return true;
}

void Scheduler::free_client(std::uint32_t client) {
  outstanding_--;
  if (!backlog_.empty()) {
    auto when = backlog_.front();
    backlog_.pop_front();
    send_tick(client, when);
    return;
  }
  idle_.push_back(client);
  note_busy();
}

void Scheduler::drop(std::uint64_t released_unsent) {
  outstanding_ -= released_unsent + thinking_.size();
  thinking_ = {};
}

}  // namespace sessdemo::loadgen
