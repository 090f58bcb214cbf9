#include "loadgen/scenario/form_pool.hpp"

#include <functional>
#include <string_view>

namespace sessdemo::loadgen {

namespace {
std::size_t hash_of(const KeptForm& f) {
  std::hash<std::string_view> h;
  std::size_t x = h(f.action) ^ (h(f.method) << 1) ^ static_cast<std::size_t>(f.multipart);
  for (const auto& field : f.fields) x = x * 1099511628211u ^ h(field.name) ^ (h(field.value) << 1);
  return x;
}
}  // namespace

std::shared_ptr<const KeptForm> FormPool::share(KeptForm f) {
  std::size_t h = hash_of(f);
  std::lock_guard lock(mutex_);
  auto [from, to] = by_hash_.equal_range(h);
  for (auto it = from; it != to; ++it)
    if (*it->second == f) return it->second;
  auto kept = std::make_shared<const KeptForm>(std::move(f));
  if (kept_ >= max_distinct_) forget_unused();
  if (kept_ < max_distinct_) {
    by_hash_.emplace(h, kept);
    ++kept_;
  }
  return kept;
}

void FormPool::forget_unused() {
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    if (it->second.use_count() == 1) {
      it = by_hash_.erase(it);
      --kept_;
    } else {
      ++it;
    }
  }
}

std::size_t FormPool::distinct() const {
  std::lock_guard lock(mutex_);
  return kept_;
}

}  // namespace sessdemo::loadgen
