#include "loadgen/scenario/page_reader.hpp"

#include <functional>

namespace sessdemo::loadgen {

PageScan PageReader::read(std::string_view page, PageQuery q) {
  std::size_t hash = 0;
  if (any_refused_.load(std::memory_order_acquire)) {
    hash = std::hash<std::string_view>{}(page);
    std::lock_guard lock(mutex_);
    for (const auto& [h, why] : refused_)
      if (h == hash) {
        PageScan out;
        out.refused = why;
        return out;
      }
  }
  q.bounds.cancel = &stop_;
  if (slow_seen_.load(std::memory_order_relaxed)) q.bounds.max_time /= 10;
  PageScan scan = scan_page(page, q);
  if (scan.refused.empty() || scan.cancelled) return scan;
  if (scan.too_slow) slow_seen_.store(true, std::memory_order_relaxed);
  if (hash == 0) hash = std::hash<std::string_view>{}(page);
  std::lock_guard lock(mutex_);
  bool known = false;
  for (const auto& kept : refused_) known = known || kept.first == hash;
  if (!known && refused_.size() < 64) refused_.emplace_back(hash, scan.refused);
  any_refused_.store(true, std::memory_order_release);
  return scan;
}

}  // namespace sessdemo::loadgen
