// The run document's counters are one table: every counter the writer puts in a document,
// merge reads back as the same counter, in the total, per instance and per interval.
#include "loadgen/report/counter_fields.hpp"

#include <gtest/gtest.h>

#include <set>

#include "loadgen/report/checks.hpp"
#include "loadgen/report/merge.hpp"
#include "loadgen/report/outputs.hpp"

using namespace sessdemo::loadgen;

TEST(CounterFields, EachNameOnceAndEachCounterOnce) {
  std::set<std::string> names;
  for (const auto& f : counter_fields) EXPECT_TRUE(names.insert(f.name).second) << f.name;
  // Each member once: set each to its position and read them back.
  Counters c;
  std::uint64_t k = 1;
  for (const auto& f : counter_fields) c.*f.member = k++;
  k = 1;
  for (const auto& f : counter_fields) EXPECT_EQ(c.*f.member, k++) << f.name << " shares a counter";
}

TEST(CounterFields, EveryCounterWrittenIsReadBackByMerge) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  r.addresses = {"127.0.0.1:8081"};
  r.started_at = "2026-01-01T00:00:00Z";
  r.run_tag = "r";
  r.measured_s = 1;
  auto& c = r.table.at("A").counters;
  // A value of its own for each counter, small enough to keep the document's sums consistent:
  // requests above every other, errors all of one kind and all of them 5xx.
  std::uint64_t next = 2;
  for (const auto& f : counter_fields) c.*f.member = next++;
  c.requests = 1000;
  c.status_5xx = c.errors;
  c.error_kinds[0] = c.errors;
  r.total = r.table.total();
  r.intervals.push_back(record_of(1, 1, r.table));
  auto merged = merge_documents({{"a", to_json(r, evaluate(r))}});
  ASSERT_TRUE(std::holds_alternative<MergedRun>(merged)) << std::get<std::string>(merged);
  const auto& m = std::get<MergedRun>(merged).report;
  const auto& back = m.table.instances.at("A").counters;
  ASSERT_EQ(m.intervals.size(), 1u);
  const auto& in_interval = m.intervals[0].instances.at("A").counters;
  for (const auto& f : counter_fields) {
    EXPECT_EQ(back.*f.member, c.*f.member) << f.name;
    EXPECT_EQ(in_interval.*f.member, c.*f.member) << f.name << " (interval)";
  }
}
