#include "loadgen/report/merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <boost/json.hpp>

#include "loadgen/config/settings_schema.hpp"
#include "loadgen/report/checks.hpp"
#include "loadgen/report/outputs.hpp"

using namespace sessdemo::loadgen;

namespace {
// A shard's JSON as `load --json` writes it, with known latencies.
std::string shard_doc(LoadOptions o, unsigned index, unsigned count,
                      const std::vector<std::int64_t>& latencies_us, std::uint64_t misses = 0) {
  o.shard_index = index;
  o.shard_count = count;
  RunReport r;
  r.opts = &o;
  r.addresses = {"127.0.0.1:8081"};
  r.started_at = "2026-01-01T00:00:0" + std::to_string(index) + "Z";
  r.run_tag = "r" + std::to_string(index);
  r.measured_s = 2;
  r.threads = 2;
  auto& s = r.table.at("A");
  for (auto us : latencies_us) {
    s.latency.record(us);
    s.service.record(us / 2);
    s.by_kind[static_cast<std::size_t>(Kind::read)].record(us);
  }
  s.counters.requests = latencies_us.size();
  s.counters.hits = latencies_us.size() - misses;
  s.counters.misses = misses;
  s.note_address(0);
  r.total = r.table.total();
  r.intervals.push_back(record_of(1, 1, r.table));
  return to_json(r, evaluate(r));
}

std::vector<std::int64_t> latencies(unsigned seed, int n, double mu) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> d(mu, 0.8);
  std::vector<std::int64_t> v;
  for (int i = 0; i < n; ++i) v.push_back(static_cast<std::int64_t>(d(rng)) + 1);
  return v;
}
}  // namespace

TEST(Merge, PercentilesComeFromTheMergedHistogramsNotAverages) {
  LoadOptions o;
  o.clients = 900;
  auto a = latencies(1, 20000, 6.0), b = latencies(2, 20000, 7.0), c = latencies(3, 20000, 8.0);
  auto merged = merge_documents(
      {{"a", shard_doc(o, 1, 3, a)}, {"b", shard_doc(o, 2, 3, b)}, {"c", shard_doc(o, 3, 3, c)}});
  ASSERT_TRUE(std::holds_alternative<MergedRun>(merged)) << std::get<std::string>(merged);
  auto& r = std::get<MergedRun>(merged).report;
  EXPECT_EQ(r.total.counters.requests, 60000u);
  EXPECT_EQ(r.shards_merged, 3u);
  // The percentiles of all the raw latencies together, within the histogram's precision (3
  // significant digits: one part in 1000, plus the bucket's width at the low end).
  std::vector<std::int64_t> all = a;
  all.insert(all.end(), b.begin(), b.end());
  all.insert(all.end(), c.begin(), c.end());
  std::sort(all.begin(), all.end());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    auto exact = all[static_cast<std::size_t>(std::ceil(p / 100 * all.size())) - 1];
    auto got = r.total.latency.percentile(p);
    EXPECT_NEAR(static_cast<double>(got), static_cast<double>(exact), exact / 1000.0 + 1)
        << "p" << p;
  }
  // And not an average of the shards' percentiles: the p99 of the slowest shard dominates.
  Histogram slowest;
  for (auto v : c) slowest.record(v);
  EXPECT_GT(r.total.latency.percentile(99), 0);
  EXPECT_LE(r.total.latency.percentile(99), slowest.percentile(99));
  EXPECT_EQ(r.intervals.size(), 1u);
  EXPECT_EQ(r.intervals[0].instances.at("A").counters.requests, 60000u);
  EXPECT_EQ(r.intervals[0].instances.at("A").latency.count, 60000u);
}

TEST(Merge, TheVerdictIsOverTheMergedFigures) {
  LoadOptions o;
  o.clients = 4;
  o.max_miss_rate = 0.1;
  o.min_crossing = 0;  // these shards' reads name no instance they crossed
  // Each shard alone is within 10% misses; together too (8%); with a third shard at 20%, not.
  auto pass = merge_documents({{"a", shard_doc(o, 1, 2, latencies(1, 100, 6), 5)},
                               {"b", shard_doc(o, 2, 2, latencies(2, 100, 6), 11)}});
  ASSERT_TRUE(std::holds_alternative<MergedRun>(pass));
  auto& m = std::get<MergedRun>(pass);
  m.report.opts = &m.opts;
  EXPECT_EQ(exit_status(m.report, evaluate(m.report)), 0);
  auto fail = merge_documents({{"a", shard_doc(o, 1, 2, latencies(1, 100, 6), 5)},
                               {"b", shard_doc(o, 2, 2, latencies(2, 100, 6), 30)}});
  auto& f = std::get<MergedRun>(fail);
  f.report.opts = &f.opts;
  EXPECT_EQ(exit_status(f.report, evaluate(f.report)), 1);
}

TEST(Merge, RefusesFilesThatAreNotOneRun) {
  LoadOptions o;
  o.clients = 10;
  auto err = [](const std::variant<MergedRun, std::string>& r) {
    return std::holds_alternative<std::string>(r) ? std::get<std::string>(r)
                                                  : std::string("merged");
  };
  auto one = shard_doc(o, 1, 2, {100}), two = shard_doc(o, 2, 2, {100});
  EXPECT_EQ(err(merge_documents({{"a", one}, {"b", two}})), "merged");
  EXPECT_EQ(err(merge_documents({{"a", one}})), "shard 2/2 is missing");
  EXPECT_EQ(err(merge_documents({{"a", one}, {"b", one}})), "b: shard 1/2 is given twice");
  LoadOptions other = o;
  other.max_miss_rate = 0.5;
  EXPECT_NE(err(merge_documents({{"a", one}, {"b", shard_doc(other, 2, 2, {100})}}))
                .find("b: other settings than a (max_miss_rate"),
            std::string::npos);
  LoadOptions run2 = o;
  run2.run_id = "second";
  EXPECT_NE(err(merge_documents({{"a", one}, {"b", shard_doc(run2, 2, 2, {100})}}))
                .find("b: another run"),
            std::string::npos);
  EXPECT_NE(
      err(merge_documents({{"a", one}, {"b", "{\"tool\":\"x\"}"}})).find("b: not the JSON of"),
      std::string::npos);
  EXPECT_NE(err(merge_documents({{"a", "{"}})).find("a: not JSON"), std::string::npos);
}

TEST(Merge, ShardsSliceTheClientsExactly) {
  LoadOptions o;
  o.clients = 10;
  o.shard_count = 3;
  std::uint32_t next = 0, total = 0;
  for (unsigned i = 1; i <= 3; ++i) {
    o.shard_index = i;
    auto s = shard_slice(o);
    EXPECT_EQ(s.first_client, next) << "contiguous and disjoint";
    next += s.clients;
    total += s.clients;
  }
  EXPECT_EQ(total, 10u);
}

// A crafted file is refused, naming the file and the field, instead of a silent PASS: counters
// that wrap or are negative, limits outside the command line's ranges, non-finite numbers,
// histograms whose count disagrees with their buckets.
TEST(Merge, CraftedFilesAreRefused) {
  LoadOptions o;
  o.clients = 10;
  auto edited = [&](auto change) {
    auto doc = boost::json::parse(shard_doc(o, 1, 1, latencies(1, 100, 6.0))).as_object();
    change(doc);
    return merge_documents({{"crafted.json", boost::json::serialize(doc)}});
  };
  auto refused = [&](auto change, const std::string& says) {
    auto m = edited(change);
    ASSERT_TRUE(std::holds_alternative<std::string>(m)) << says;
    EXPECT_NE(std::get<std::string>(m).find("crafted.json"), std::string::npos);
    EXPECT_NE(std::get<std::string>(m).find(says), std::string::npos) << std::get<std::string>(m);
  };
  ASSERT_TRUE(std::holds_alternative<MergedRun>(edited([](auto&) {})));
  refused(
      [](boost::json::object& d) {
        d["instances"].as_object()["A"].as_object()["errors"] = UINT64_MAX;
      },
      "field errors is out of range");
  refused(
      [](boost::json::object& d) { d["instances"].as_object()["A"].as_object()["misses"] = -3; },
      "field misses is out of range");
  refused([](boost::json::object& d) { d["settings"].as_object()["max_error_rate"] = 2.0; },
          "field max_error_rate is out of range");
  refused([](boost::json::object& d) { d["measured_s"] = -1.0; },
          "field measured_s is out of range");
  // Found by the merge_json fuzz target: figures that no run of the tester can write.
  refused([](boost::json::object& d) { d["instances"].as_object()["A"].as_object()["errors"] = 1; },
          "field errors_by_kind does not add up to errors");
  refused(
      [](boost::json::object& d) {
        auto& a = d["instances"].as_object()["A"].as_object();
        a["hits"] = a["requests"].to_number<std::uint64_t>() + 1;
      },
      "more than requests");
  refused(
      [](boost::json::object& d) {
        d["instances"].as_object()["A"].as_object()["connect"] =
            boost::json::object{{"count", 1}, {"total_ms", 1e300}, {"max_ms", 1.0}};
      },
      "field total_ms is out of range");
  refused(
      [](boost::json::object& d) {
        d["instances"]
            .as_object()["A"]
            .as_object()["histograms"]
            .as_object()["latency"]
            .as_object()["count"] = 7;
      },
      "disagrees with its buckets");
  o.scenario = Scenario::counter;
  refused(
      [](boost::json::object& d) {
        d["counter"] = boost::json::object{{"clients_checked", 1}, {"unverified", 0},
                                           {"acknowledged", 5},    {"final_total", 5},
                                           {"lost_updates", -5},   {"phantom_updates", 0}};
      },
      "field lost_updates is out of range");
}

// A histogram's buckets in any order, or one bucket given twice, are read as the tester wrote
// them: the merge sorts and adds them up before packing them.
TEST(Merge, HistogramBucketsInAnyOrderReadAsWritten) {
  LoadOptions o;
  o.clients = 10;
  auto text = shard_doc(o, 1, 1, latencies(1, 500, 6.0));
  auto plain = merge_documents({{"a.json", text}});
  ASSERT_TRUE(std::holds_alternative<MergedRun>(plain));
  auto doc = boost::json::parse(text).as_object();
  auto& h = doc["instances"]
                .as_object()["A"]
                .as_object()["histograms"]
                .as_object()["latency"]
                .as_object();
  auto& buckets = h["buckets"].as_array();
  ASSERT_GT(buckets.size(), 2u);
  std::reverse(buckets.begin(), buckets.end());
  // The first bucket split in two entries: its count less one, then one more at the end.
  auto index = buckets[0].as_array()[0];
  auto n = buckets[0].as_array()[1].to_number<std::uint64_t>();
  buckets[0].as_array()[1] = n - 1;
  buckets.push_back(boost::json::array{index, 1});
  auto shuffled = merge_documents({{"b.json", boost::json::serialize(doc)}});
  ASSERT_TRUE(std::holds_alternative<MergedRun>(shuffled)) << std::get<std::string>(shuffled);
  const auto& a = std::get<MergedRun>(plain).report.table.instances.at("A").latency;
  const auto& b = std::get<MergedRun>(shuffled).report.table.instances.at("A").latency;
  EXPECT_EQ(b.counts(), a.counts());
  EXPECT_EQ(b.percentile(99), a.percentile(99));
}

// More instance ids than the tester keeps apart (a file of 2,000) are pooled, not grown.
TEST(Merge, InstanceIdsAreCappedAsTheTesterCapsThem) {
  LoadOptions o;
  o.clients = 10;
  auto doc = boost::json::parse(shard_doc(o, 1, 1, latencies(1, 100, 6.0))).as_object();
  auto one = doc["instances"].as_object()["A"];
  for (int i = 0; i < 200; ++i) doc["instances"].as_object()["id-" + std::to_string(i)] = one;
  auto m = merge_documents({{"many.json", boost::json::serialize(doc)}});
  ASSERT_TRUE(std::holds_alternative<MergedRun>(m)) << std::get<std::string>(m);
  EXPECT_LE(std::get<MergedRun>(m).report.table.instances.size(), 65u);
  EXPECT_EQ(std::get<MergedRun>(m).report.total.counters.requests, 201u * 100u);
}

// One schema writes and reads the settings: a merged run says what its shards ran (a JSON write
// over TLS with --insecure stays that), and the round trip changes nothing.
TEST(Merge, SettingsSurviveTheRoundTrip) {
  LoadOptions o;
  o.clients = 10;
  o.write = LoadOptions::Write::json;
  o.write_method = "PATCH";
  o.write_path = "/api/me";
  o.insecure = true;
  o.csrf_cookie = "XSRF-TOKEN";
  o.instances = {sessdemo::Endpoint{"127.0.0.1", 8443, true}};
  o.max_latency = {{99, std::chrono::milliseconds(250)}, {99.9, std::chrono::milliseconds(900)}};
  o.max_service = {{50, std::chrono::milliseconds(5)}};
  o.think = ThinkTime{ThinkTime::Kind::uniform, std::chrono::milliseconds(100),
                      std::chrono::milliseconds(500)};
  o.stages = {{std::chrono::seconds(30), 100},
              {std::chrono::minutes(2), 100},
              {std::chrono::seconds(30), 0}};
  o.min_rps = 50;
  o.abort_on_fail = true;
  auto m = merge_documents({{"a", shard_doc(o, 1, 1, latencies(1, 100, 6.0))}});
  ASSERT_TRUE(std::holds_alternative<MergedRun>(m)) << std::get<std::string>(m);
  const auto& back = std::get<MergedRun>(m).opts;
  EXPECT_EQ(back.write, LoadOptions::Write::json);
  EXPECT_EQ(back.write_method, "PATCH");
  EXPECT_TRUE(back.insecure);
  ASSERT_EQ(back.instances.size(), 1u);
  EXPECT_TRUE(back.instances[0].tls);
  ASSERT_EQ(back.max_latency.size(), 2u);
  EXPECT_EQ(back.max_latency[0].limit, std::chrono::microseconds(250000));
  EXPECT_EQ(back.max_latency[1].percentile, 99.9);
  EXPECT_EQ(back.think.kind, ThinkTime::Kind::uniform);
  EXPECT_EQ(back.stages.size(), 3u);
  EXPECT_TRUE(back.abort_on_fail);
  EXPECT_EQ(settings_json(back), settings_json(o));
}
