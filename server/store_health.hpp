#pragma once
// Says in the log when the session store stops answering and when it answers again, without
// a line per failed call: the first failure at once, then at most one line per period with the
// number of failures since, and one line on recovery.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace sessdemo {

class StoreHealth {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Level { info, warn };
  using Log = std::function<void(Level, const std::string&)>;

  // log defaults to spdlog; period is the least time between two "still failing" lines.
  explicit StoreHealth(
      Log log = {}, std::chrono::seconds period = std::chrono::seconds(10),
      std::function<Clock::time_point()> clock = [] { return Clock::now(); });

  void failed(const std::string& what);  // a store call that got no answer
  void answered();                       // a store call that got one (hit, miss or conflict)

 private:
  Log log_;
  std::chrono::seconds period_;
  std::function<Clock::time_point()> clock_;
  std::mutex mutex_;
  std::atomic<bool> failing_{false};  // read without the lock on every answered call
  std::uint64_t since_line_ = 0;      // failures since the last line
  std::uint64_t in_outage_ = 0;       // failures since the store last answered
  Clock::time_point outage_start_{}, last_line_{};
};

}  // namespace sessdemo
