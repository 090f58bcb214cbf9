#pragma once
// The one way a test waits for a state: poll an observable (a counter on /metrics, a fake
// store's call count, a file's contents) until it holds or the time runs out. A test never
// sleeps for a state it could observe.
#include <chrono>
#include <functional>
#include <thread>

namespace sessdemo::test {

// Calls pred until it returns true or timeout passes; returns its last answer. The first call
// is immediate; then it polls every `every`.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5),
                       std::chrono::milliseconds every = std::chrono::milliseconds(10)) {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(every);
  }
}

}  // namespace sessdemo::test
