#pragma once
// How the run reads the pages its clients need (Home, the login page), shared by the workers:
// scan_page within the bounds, plus what the run learns as it goes. The same refused page again
// is refused by its hash without a parse (a hostile page costs its hash, not another 100 ms of a
// worker; at most 64 kept); after one page has used its whole time, every page gets a tenth of
// it (an app that serves one will serve more); once the run ends, a parse stops at once.
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loadgen/scenario/html_form.hpp"

namespace sessdemo::loadgen {

class PageReader {
 public:
  // q's bounds are set here (time, cancel); the rest of the query is the caller's.
  PageScan read(std::string_view page, PageQuery q);
  void stop() { stop_.store(true, std::memory_order_relaxed); }  // the run ends: any thread

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> slow_seen_{false};
  std::atomic<bool> any_refused_{false};
  std::mutex mutex_;
  std::vector<std::pair<std::size_t, std::string>> refused_;  // page hash, why; under mutex_
};

}  // namespace sessdemo::loadgen
