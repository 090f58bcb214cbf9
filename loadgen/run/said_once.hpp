#pragma once
// What the run says once, whatever thread meets it first: the first failure of each kind from each
// instance, the first failed TLS handshake with each instance. Shared by the workers (a lock, on
// failures only); bounded, so a server that makes up ids cannot grow it: past max keys nothing
// more is said.
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace sessdemo::loadgen {

class SaidOnce {
 public:
  explicit SaidOnce(std::size_t max_keys = 4096) : max_(max_keys) {}
  // True the first time key is asked for (and while fewer than max keys are kept).
  bool first(std::string_view key) {
    std::lock_guard lock(mutex_);
    if (said_.size() >= max_) return false;
    return said_.emplace(key).second;
  }

 private:
  std::mutex mutex_;
  std::size_t max_;
  std::unordered_set<std::string> said_;
};

}  // namespace sessdemo::loadgen
