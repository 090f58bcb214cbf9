#pragma once
// The deadline of the store work running on this thread. The store executor sets it for each
// job (the request's arrival plus its budget); the stores shorten their network waits to what
// is left of it, and retry loops stop at it. No deadline set means "the store's own timeout".
#include <algorithm>
#include <chrono>
#include <cstddef>

namespace sessdemo::deadline {

using Clock = std::chrono::steady_clock;

// Sets this thread's deadline for the scope's lifetime, restoring the previous one after.
// An impatient deadline is the caller's, not the request's (an I/O thread that hands what the
// store has not answered by then to another thread): missing it says nothing of the store's
// health, so no node is counted as failing for it.
class Scope {
 public:
  explicit Scope(Clock::time_point at, bool impatient = false);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Clock::time_point previous_;
  bool previous_impatient_;
};

// This thread's deadline; Clock::time_point::max() when none is set.
Clock::time_point current();
// What is left of the deadline, capped at cap; zero once it has passed.
std::chrono::milliseconds remaining(std::chrono::milliseconds cap);
bool passed();
// Whether an impatient deadline has passed: a failure now is the caller's impatience.
bool gave_up();

// Splits what is left of this thread's deadline between the copies still to be asked, so that
// an unreachable copy (which answers only at its timeout) cannot use the time the others need.
class Shares {
 public:
  explicit Shares(std::size_t nodes) : left_(std::max<std::size_t>(nodes, 1)) {}
  // The deadline for the next `copies` copies' calls (asked at once); none when the thread has
  // none.
  Clock::time_point next(std::size_t copies = 1) {
    auto end = current();
    if (end == Clock::time_point::max()) return end;
    auto now = Clock::now();
    copies = std::clamp<std::size_t>(copies, 1, left_);
    auto share = end > now ? (end - now) * static_cast<long>(copies) / static_cast<long>(left_)
                           : Clock::duration{};
    left_ = left_ > copies ? left_ - copies : 1;
    return now + share;
  }

 private:
  std::size_t left_;
};

}  // namespace sessdemo::deadline
