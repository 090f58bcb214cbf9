#include "sessions/deadline.hpp"

#include <algorithm>

namespace sessdemo::deadline {

namespace {
thread_local Clock::time_point current_deadline = Clock::time_point::max();
thread_local bool current_impatient = false;
}  // namespace

Scope::Scope(Clock::time_point at, bool impatient)
    : previous_(current_deadline), previous_impatient_(current_impatient) {
  current_deadline = at;
  current_impatient = impatient;
}
Scope::~Scope() {
  current_deadline = previous_;
  current_impatient = previous_impatient_;
}

Clock::time_point current() {
  return current_deadline;
}

std::chrono::milliseconds remaining(std::chrono::milliseconds cap) {
  if (current_deadline == Clock::time_point::max()) return cap;
  auto now = Clock::now();
  if (now >= current_deadline) return std::chrono::milliseconds(0);
  // Round up, so 0.4 ms left is still a (1 ms) chance rather than an instant failure.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(current_deadline - now);
  return std::min(cap, left);
}

bool passed() {
  return current_deadline != Clock::time_point::max() && Clock::now() >= current_deadline;
}

bool gave_up() {
  return current_impatient && passed();
}

}  // namespace sessdemo::deadline
