#include "sessions/store.hpp"

namespace sessdemo {

const char* to_string(StoreStatus s) {
  switch (s) {
    case StoreStatus::ok:
      return "ok";
    case StoreStatus::not_found:
      return "not_found";
    case StoreStatus::conflict:
      return "conflict";
    case StoreStatus::unavailable:
      return "unavailable";
  }
  return "unknown";
}

namespace {
class OwnStats final : public NodeStatsSource {
 public:
  explicit OwnStats(SessionStore& store) : store_(store) {}
  std::vector<NodeStats> fetch() override { return store_.node_stats(); }

 private:
  SessionStore& store_;
};

class AllStats final : public NodeStatsSource {
 public:
  explicit AllStats(std::vector<std::shared_ptr<NodeStatsSource>> parts)
      : parts_(std::move(parts)) {}
  std::vector<NodeStats> fetch() override {
    std::vector<NodeStats> out;
    for (auto& p : parts_)
      for (auto& n : p->fetch()) out.push_back(std::move(n));
    return out;
  }

 private:
  std::vector<std::shared_ptr<NodeStatsSource>> parts_;
};
}  // namespace

std::shared_ptr<NodeStatsSource> SessionStore::node_stats_source() {
  return std::make_shared<OwnStats>(*this);
}

std::shared_ptr<NodeStatsSource> all_node_stats(
    std::vector<std::shared_ptr<NodeStatsSource>> parts) {
  return std::make_shared<AllStats>(std::move(parts));
}

}  // namespace sessdemo
