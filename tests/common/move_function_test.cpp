#include "common/move_function.hpp"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

namespace sessdemo {
namespace {

// Counts the live copies of a callable, so a test sees each one destroyed exactly once.
struct Tracked {
  explicit Tracked(int& live) : live_(&live) { ++*live_; }
  Tracked(Tracked&& o) noexcept : live_(o.live_) { ++*live_; }
  Tracked(const Tracked&) = delete;
  ~Tracked() { --*live_; }
  int* live_;
};

TEST(MoveFunction, HoldsAMoveOnlyCallableAndCallsIt) {
  auto owned = std::make_unique<int>(41);
  MoveFunction<int(int)> f = [p = std::move(owned)](int n) { return *p + n; };
  ASSERT_TRUE(f);
  EXPECT_EQ(f(1), 42);
  MoveFunction<int(int)> g = std::move(f);
  EXPECT_FALSE(f);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(g(2), 43);
}

TEST(MoveFunction, PassesAMoveOnlyArgument) {
  MoveFunction<std::string(std::unique_ptr<std::string>)> f = [](std::unique_ptr<std::string> s) {
    return *s + "!";
  };
  EXPECT_EQ(f(std::make_unique<std::string>("moved")), "moved!");
}

// Small callables live inside, large ones on the heap: either way each is destroyed once, by
// reset, by assignment over it, or with the last holder after moves.
TEST(MoveFunction, DestroysWhatItHoldsOnceInsideOrOnTheHeap) {
  int live = 0;
  {
    MoveFunction<void()> small = [t = Tracked(live)] {};
    std::array<char, 256> pad{};
    MoveFunction<void()> large = [t = Tracked(live), pad] { (void)pad; };
    EXPECT_EQ(live, 2);
    MoveFunction<void()> a = std::move(small), b = std::move(large);
    EXPECT_EQ(live, 2);
    a = std::move(b);  // a's callable goes, b's moves in
    EXPECT_EQ(live, 1);
    a = nullptr;
    EXPECT_EQ(live, 0);
    a = [t = Tracked(live)] {};
    EXPECT_EQ(live, 1);
  }
  EXPECT_EQ(live, 0);
}

}  // namespace
}  // namespace sessdemo
