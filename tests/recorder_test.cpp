#include "loadgen/recorder.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

TEST(Recorder, DistinctInstanceIdsAreCappedAndTheRestCountedAsOther) {
  Recorder r;
  Outcome o;
  for (int i = 0; i < 1000; ++i) {
    Recorder::Slot
        slot;  // a new connection each time, as a server that answers with a new id forces
    r.record(slot, "id-" + std::to_string(i), 0, Kind::read, o, 200, 1000, 900, false);
  }
  const auto& t = r.totals().instances;
  EXPECT_EQ(t.size(), Recorder::max_instances + 1);
  ASSERT_TRUE(t.count(Recorder::overflow_key));
  EXPECT_EQ(t.at(Recorder::overflow_key).counters.requests, 1000u - Recorder::max_instances);
  EXPECT_EQ(r.totals().total().counters.requests, 1000u);  // nothing lost, only pooled
  EXPECT_EQ(r.take_interval().instances.size(), Recorder::max_instances + 1);
}
