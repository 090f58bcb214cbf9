#include "server/store_health.hpp"

#include <spdlog/spdlog.h>

namespace sessdemo {

StoreHealth::StoreHealth(Log log, std::chrono::seconds period,
                         std::function<Clock::time_point()> clock)
    : log_(std::move(log)), period_(period), clock_(std::move(clock)) {
  if (!log_)
    log_ = [](Level level, const std::string& line) {
      if (level == Level::warn)
        spdlog::warn("{}", line);
      else
        spdlog::info("{}", line);
    };
}

void StoreHealth::failed(const std::string& what) {
  std::string line;
  {
    std::lock_guard lock(mutex_);
    auto now = clock_();
    ++in_outage_;
    if (!failing_) {
      failing_ = true;
      outage_start_ = last_line_ = now;
      since_line_ = 0;
      line = "session store calls are failing (" + what + "); requests that need it get 503";
    } else if (++since_line_, now - last_line_ >= period_) {
      line = "session store still failing: " + std::to_string(since_line_) +
             " failed calls in the last " +
             std::to_string(
                 std::chrono::duration_cast<std::chrono::seconds>(now - last_line_).count()) +
             " s (" + what + ")";
      last_line_ = now;
      since_line_ = 0;
    }
  }
  if (!line.empty()) log_(Level::warn, line);  // logged outside the lock
}

void StoreHealth::answered() {
  if (!failing_.load(std::memory_order_relaxed)) return;  // the common case: nothing to say
  std::string line;
  {
    std::lock_guard lock(mutex_);
    if (!failing_) return;
    failing_ = false;
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock_() - outage_start_);
    line = "session store answers again, after " + std::to_string(in_outage_) +
           " failed calls over " + std::to_string(took.count()) + " ms";
    in_outage_ = 0;
  }
  log_(Level::info, line);
}

}  // namespace sessdemo
