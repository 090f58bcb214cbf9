#pragma once
// The deadline of the store work running on this thread. The store executor sets it for each
// job (the request's arrival plus its budget); the stores shorten their network waits to what
// is left of it, and retry loops stop at it. No deadline set means "the store's own timeout".
#include <chrono>

namespace sessdemo::deadline {

using Clock = std::chrono::steady_clock;

// Sets this thread's deadline for the scope's lifetime, restoring the previous one after.
class Scope {
 public:
  explicit Scope(Clock::time_point at);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Clock::time_point previous_;
};

// This thread's deadline; Clock::time_point::max() when none is set.
Clock::time_point current();
// What is left of the deadline, capped at cap; zero once it has passed.
std::chrono::milliseconds remaining(std::chrono::milliseconds cap);
bool passed();

}  // namespace sessdemo::deadline
