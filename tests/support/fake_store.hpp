#pragma once
// A SessionStore for unit tests: a MemoryStore that can be switched to fail, to stall, or to
// throw, and counts the calls it gets. Stalls end at the calling thread's deadline, as a real
// store's network waits do.
#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>

#include "sessions/deadline.hpp"
#include "sessions/memory_store.hpp"
#include "tests/support/eventually.hpp"

namespace sessdemo::test {

class FakeStore final : public SessionStore {
 public:
  enum class Mode { ok, down, stall, throws };
  std::atomic<Mode> mode{Mode::ok};
  // Every answer comes this late; one later than the caller's deadline is no answer (unavailable).
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds stall_for{2000};  // longest stall when no deadline is set
  std::atomic<int> loads{0};                  // load() calls
  std::atomic<int> load_manys{0};             // load_many() calls (one round trip each)
  std::atomic<int> writes{0};                 // save() and create() calls
  MemoryStore data;                           // what the node holds; tests may plant values here
  // Runs (once, then cleared) before the next save() or create(): another writer's whole write
  // can be slipped in between a read and a write.
  std::function<void()> before_write;

  LoadResult load(std::string_view id) override {
    loads++;
    if (!up()) return {StoreStatus::unavailable, {}, 0, false, "fake node down"};
    return data.load(id);
  }
  std::vector<LoadResult> load_many(const std::vector<std::string>& ids) override {
    load_manys++;
    if (!up())
      return std::vector<LoadResult>(ids.size(),
                                     {StoreStatus::unavailable, {}, 0, false, "fake node down"});
    return data.load_many(ids);
  }
  StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds ttl,
                   std::uint64_t cas) override {
    writes++;
    interleave();
    return up() ? data.save(id, s, ttl, cas) : StoreStatus::unavailable;
  }
  StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds ttl) override {
    writes++;
    interleave();
    return up() ? data.create(id, s, ttl) : StoreStatus::unavailable;
  }
  StoreStatus remove(std::string_view id) override {
    return up() ? data.remove(id) : StoreStatus::unavailable;
  }
  StoreStatus try_lock(std::string_view id, std::string_view owner,
                       std::chrono::seconds ttl) override {
    return up() ? data.try_lock(id, owner, ttl) : StoreStatus::unavailable;
  }
  StoreStatus unlock(std::string_view id, std::string_view owner) override {
    return up() ? data.unlock(id, owner) : StoreStatus::unavailable;
  }
  StoreStatus ping() override { return up() ? StoreStatus::ok : StoreStatus::unavailable; }
  const char* kind() const override { return "fake"; }

 private:
  void interleave() {
    if (!before_write) return;
    auto f = std::move(before_write);
    before_write = nullptr;
    f();
  }
  // False for a node that does not answer; a stall first waits as long as the caller lets it.
  bool up() {
    if (delay.count() > 0) {
      auto answer_at = deadline::Clock::now() + delay;
      std::this_thread::sleep_until(std::min(deadline::current(), answer_at));
      if (deadline::Clock::now() < answer_at) return false;
    }
    switch (mode.load()) {
      case Mode::ok:
        return true;
      case Mode::down:
        return false;
      case Mode::throws:
        throw std::runtime_error("fake store failure");
      case Mode::stall:
        std::this_thread::sleep_until(
            std::min(deadline::current(), deadline::Clock::now() + stall_for));
        return false;
    }
    return false;
  }
};

}  // namespace sessdemo::test
