#include "loadgen/run/recorder.hpp"

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

// One cap for the run: eight recorders (threads) sharing the budget keep max_instances ids in
// all, not eight times as many.
TEST(Recorder, TheInstanceIdCapIsSharedByEveryThread) {
  InstanceIdBudget ids(Recorder::max_instances);
  std::vector<std::unique_ptr<Recorder>> threads;
  for (int t = 0; t < 8; ++t) threads.push_back(std::make_unique<Recorder>(&ids));
  Outcome o;
  for (int i = 0; i < 1000; ++i) {
    Recorder::Slot slot;
    threads[static_cast<std::size_t>(i % 8)]->record(slot, "id-" + std::to_string(i), 0, Kind::read,
                                                     o, 200, 1, 1, false);
  }
  StatsTable all;
  for (auto& r : threads) all.merge(r->totals());
  EXPECT_EQ(all.instances.size(), Recorder::max_instances + 1);
  EXPECT_EQ(all.total().counters.requests, 1000u);
}

// Ids are a server's bytes: printable in every output, never a reserved row name.
TEST(Recorder, InstanceIdsAreCleanedForTheOutputs) {
  EXPECT_EQ(clean_instance_id("web-1"), "web-1");
  EXPECT_EQ(clean_instance_id("a\xff\nb\"c"), "a\\xff\\x0ab\\x22c");
  EXPECT_EQ(clean_instance_id("all"), "id:all");
  EXPECT_EQ(clean_instance_id("other"), "id:other");
  EXPECT_EQ(clean_instance_id("total"), "id:total");
  EXPECT_EQ(clean_instance_id(std::string(100, 'x')).size(), 64u);
}
