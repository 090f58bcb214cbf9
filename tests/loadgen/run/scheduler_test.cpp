// The scheduler and the pacer with made-up times: which client goes when, the open model's
// backlog and its drops (counted from the measured part on only), think times, the ramp.
#include "loadgen/run/scheduler.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

using namespace sessdemo::loadgen;
using namespace std::chrono;
using Clock = steady_clock;

namespace {
const Clock::time_point t0 = Clock::time_point{} + hours(1);

struct Released {
  std::vector<std::pair<std::uint32_t, Clock::time_point>> tickets;
  Scheduler::Release release() {
    return [this](std::uint32_t c, Clock::time_point t) { tickets.emplace_back(c, t); };
  }
};
}  // namespace

TEST(Pacer, AConstantRateDueEveryPeriodFromTheStart) {
  auto shape = LoadShape::constant(100);  // 100 ticks a second
  Pacer p(shape, 1.0, t0, 0, t0);
  ASSERT_TRUE(p.due());
  EXPECT_EQ(*p.due(), t0);
  p.take();
  EXPECT_EQ(duration_cast<milliseconds>(*p.due() - t0).count(), 10);
  p.take();
  EXPECT_EQ(duration_cast<milliseconds>(*p.due() - t0).count(), 20);
}

TEST(Pacer, AWorkersShareSpacesItsTicks) {
  auto shape = LoadShape::constant(100);
  Pacer p(shape, 0.25, t0, 0, t0);  // one worker of four: 25 a second
  p.take();
  EXPECT_EQ(duration_cast<milliseconds>(*p.due() - t0).count(), 40);
}

TEST(Pacer, StagesStartOneTickIn) {
  auto shape = LoadShape::of({{seconds(10), 100}});  // a ramp from 0 to 100 a second
  Pacer p(shape, 1.0, t0, 1, t0);
  ASSERT_TRUE(p.due());
  EXPECT_GT(*p.due(), t0) << "a ramp from 0 does not send at time 0";
  // The integral of a ramp to 100/s over 10 s: t^2 * 5, so tick 1 is due at sqrt(1/5) s.
  EXPECT_NEAR(duration<double>(*p.due() - t0).count(), 0.4472, 0.001);
}

TEST(Pacer, TheShapesEndEndsTheTicks) {
  auto shape = LoadShape::of({{seconds(1), 10}, {seconds(1), 0}});  // 10 ticks in all
  Pacer p(shape, 1.0, t0, 1, t0);
  int ticks = 0;
  while (p.due() && ticks < 100) {
    p.take();
    ++ticks;
  }
  EXPECT_EQ(ticks, 10) << "one tick per whole count of the integral, the last at the shape's end";
}

// Dropping: every tick due by now goes at once, and only the measured ones are counted.
TEST(Pacer, DropsEveryTickDueByNowAndCountsTheMeasuredOnes) {
  auto shape = LoadShape::constant(1000);
  Pacer p(shape, 1.0, t0, 0, t0);  // measured from the start
  for (int i = 0; i < 10; ++i) p.take();
  // At 1 s, ticks 10..1000 are due: 991 dropped, the next one is tick 1001.
  EXPECT_EQ(p.drop_due_by(t0 + seconds(1)), 991u);
  EXPECT_EQ(p.next_tick(), 1001u);
  EXPECT_GT(*p.due(), t0 + seconds(1));
}

TEST(Pacer, TicksDroppedDuringTheWarmUpAreNotCounted) {
  auto shape = LoadShape::constant(1000);
  Pacer p(shape, 1.0, t0, 0, t0 + milliseconds(500));  // measured from 0.5 s
  // Ticks 0..1000 are due at 1 s; those from 500 on are measured: 501.
  EXPECT_EQ(p.drop_due_by(t0 + seconds(1)), 501u);
  Pacer early(shape, 1.0, t0, 0, t0 + seconds(2));
  EXPECT_EQ(early.drop_due_by(t0 + seconds(1)), 0u) << "all of them in the warm-up";
  EXPECT_EQ(early.next_tick(), 1001u) << "dropped all the same";
}

TEST(Pacer, ADropWithNothingNewDueStillMovesOn) {
  auto shape = LoadShape::constant(10);
  Pacer p(shape, 1.0, t0, 0, t0);
  // Tick 0 is due at t0 and it is t0: that one tick goes.
  EXPECT_EQ(p.drop_due_by(t0), 1u);
  EXPECT_EQ(p.next_tick(), 1u);
}

TEST(Scheduler, OpenModelGivesTicksToFreeClientsThenTheBacklogThenRefuses) {
  Released r;
  Scheduler s(2, t0, t0 + hours(1), r.release(), /*max_backlog=*/1);
  s.open_model();
  EXPECT_EQ(s.busy_clients(), 0u);
  EXPECT_TRUE(s.tick(t0));
  EXPECT_TRUE(s.tick(t0 + milliseconds(1)));
  EXPECT_EQ(s.busy_clients(), 2u);
  EXPECT_EQ(s.active_now(), 2u);
  EXPECT_TRUE(s.tick(t0 + milliseconds(2))) << "queued in the backlog";
  EXPECT_FALSE(s.tick(t0 + milliseconds(3))) << "no client free, the backlog full";
  ASSERT_EQ(r.tickets.size(), 2u);
  EXPECT_EQ(s.outstanding(), 2u);
  // Client 0 is answered: it takes the waiting tick, stamped with its own intended time.
  s.free_client(0);
  ASSERT_EQ(r.tickets.size(), 3u);
  EXPECT_EQ(r.tickets[2], std::make_pair(0u, t0 + milliseconds(2)));
  EXPECT_EQ(s.outstanding(), 2u);
  s.free_client(1);
  EXPECT_EQ(s.busy_clients(), 1u);
  EXPECT_EQ(s.outstanding(), 1u);
  EXPECT_EQ(s.ticks_sent(), 3u);
}

TEST(Scheduler, TicksOutsideTheMeasuredPartAreNotCountedAsSent) {
  Released r;
  Scheduler s(3, t0 + seconds(1), t0 + seconds(2), r.release());
  s.open_model();
  s.tick(t0);                       // warm-up
  s.tick(t0 + milliseconds(1500));  // measured
  s.tick(t0 + seconds(2));          // after the end
  EXPECT_EQ(r.tickets.size(), 3u);
  EXPECT_EQ(s.ticks_sent(), 1u);
}

TEST(Scheduler, ThinkingClientsWakeSoonestFirst) {
  Released r;
  Scheduler s(3, t0, t0 + hours(1), r.release());
  EXPECT_FALSE(s.next_wake());
  EXPECT_TRUE(s.think(0, t0 + milliseconds(30)));
  EXPECT_TRUE(s.think(1, t0 + milliseconds(10))) << "sooner: the timer must move";
  EXPECT_FALSE(s.think(2, t0 + milliseconds(20)));
  EXPECT_EQ(*s.next_wake(), t0 + milliseconds(10));
  s.wake(t0 + milliseconds(25));
  ASSERT_EQ(r.tickets.size(), 2u);
  EXPECT_EQ(r.tickets[0].first, 1u);
  EXPECT_EQ(r.tickets[1].first, 2u);
  EXPECT_EQ(*s.next_wake(), t0 + milliseconds(30));
}

TEST(Scheduler, TheRampAddsClientsAndParksThoseAboveTheLevel) {
  Released r;
  Scheduler s(4, t0, t0 + hours(1), r.release());
  s.ramp_to(3, t0);
  EXPECT_EQ(r.tickets.size(), 3u);
  EXPECT_EQ(s.outstanding(), 3u);
  EXPECT_EQ(s.active_now(), 3u);
  s.ramp_to(1, t0);
  EXPECT_FALSE(s.parks(0)) << "below the level: goes on";
  EXPECT_TRUE(s.parks(2));
  EXPECT_EQ(s.outstanding(), 2u);
  // Client 1 was told to stop but has not answered yet: rising again gives it no second ticket.
  std::vector<std::uint32_t> joined;
  s.ramp_to(4, t0, [&](std::uint32_t c) { joined.push_back(c); });
  EXPECT_EQ(r.tickets.size(), 5u) << "clients 2 and 3 join; 1 just goes on";
  EXPECT_EQ(joined, (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(s.outstanding(), 4u);
  s.ramp_to(9, t0);
  EXPECT_EQ(s.active(), 4u) << "never more than the worker's clients";
}

TEST(Scheduler, TheStopDropsUnsentAndThinkingTickets) {
  Released r;
  Scheduler s(3, t0, t0 + hours(1), r.release());
  s.ramp_to(3, t0);
  s.think(0, t0 + seconds(1));  // answered, now thinking: still holds its ticket
  s.drop(2);                    // two released tickets never sent
  EXPECT_EQ(s.outstanding(), 0u);
  EXPECT_FALSE(s.next_wake());
}
