// sessdemo check's models on hand-made histories: one for each anomaly, and the cases where an
// outcome is unknown (info) and must be judged neither lost nor stale.
#include "loadgen/report/history_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace sessdemo::loadgen;

namespace {
// A history in JSON lines, built operation by operation; time in ms.
struct H {
  std::string text;
  std::uint64_t index = 0;
  void op(std::int64_t ms, int process, const char* type, const char* f, const std::string& value,
          const std::string& instance = "A", int status = 200) {
    std::string key = "c" + std::to_string(process % 1000);
    text += "{\"index\":" + std::to_string(index++) + ",\"time\":" + std::to_string(ms * 1000000) +
            ",\"process\":" + std::to_string(process) + ",\"type\":\"" + type + "\",\"f\":\"" + f +
            "\",\"key\":\"" + key + "\",\"value\":" + value;
    if (std::string(type) != "invoke")
      text += ",\"instance\":\"" + instance + "\",\"status\":" + std::to_string(status);
    text += "}\n";
  }
  static std::string name(int client, int seq) {
    return "\"r1-c" + std::to_string(client) + "-w" + std::to_string(seq) + "\"";
  }
  void write(std::int64_t at, int c, int seq, const char* end = "ok", std::int64_t took = 1) {
    op(at, c, "invoke", "write", name(c, seq));
    op(at + took, c, end, "write", name(c, seq), "A", std::string(end) == "ok" ? 303 : 0);
  }
  void read(std::int64_t at, int c, const std::string& shown, const std::string& instance = "B",
            int process = -1) {
    op(at, process < 0 ? c : process, "invoke", "read", "null");
    op(at + 1, process < 0 ? c : process, "ok", "read", shown, instance);
  }
  HistoryVerdict judge() const {
    HistoryChecker checker;
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      auto parsed = parse_history_line(std::string_view(text).substr(start, end - start), false);
      EXPECT_TRUE(std::holds_alternative<HistoryOp>(parsed)) << std::get<std::string>(parsed);
      checker.add(std::get<HistoryOp>(parsed));
      start = end + 1;
    }
    return checker.finish();
  }
};
const Counters& counts(const HistoryVerdict& v) {
  return v.report.total.counters;
}
}  // namespace

TEST(HistoryCheck, AReadOfTheLatestAcknowledgedWriteIsAHit) {
  H h;
  h.write(0, 1, 1);
  h.read(10, 1, H::name(1, 1));
  h.write(20, 1, 2);
  h.read(30, 1, H::name(1, 2));
  auto v = h.judge();
  EXPECT_EQ(counts(v).hits, 2u);
  EXPECT_EQ(v.anomalies_total, 0u);
  EXPECT_EQ(v.scenario, Scenario::visit);
}

TEST(HistoryCheck, EachAnomalyIsFoundWithTheOperationsThatProveIt) {
  H h;
  h.write(0, 1, 1);
  h.write(10, 1, 2);
  h.read(20, 1, "null", "B");         // miss
  h.read(30, 1, H::name(1, 1), "C");  // stale: w2 was acknowledged at 11 ms
  h.read(40, 1, H::name(2, 1), "B");  // foreign: another client's
  h.read(50, 1, H::name(1, 9), "B");  // foreign: a write it never made
  h.read(60, 1, "\"Mallory\"", "B");  // foreign: a name the tester never wrote
  auto v = h.judge();
  EXPECT_EQ(counts(v).misses, 1u);
  EXPECT_EQ(counts(v).stale, 1u);
  EXPECT_EQ(counts(v).foreign, 3u);
  ASSERT_EQ(v.anomalies.size(), 5u);
  EXPECT_EQ(v.anomalies[0].kind, "read-your-writes");  // a miss
  EXPECT_EQ(v.anomalies[1].kind, "read-your-writes");  // stale
  // The stale read's proof: the write it should have seen, with its times and instance.
  EXPECT_NE(v.anomalies[1].text.find("r1-c1-w2 was acknowledged at 0.011 s"), std::string::npos)
      << v.anomalies[1].text;
  EXPECT_NE(v.anomalies[1].text.find("answered at 0.031 s by C"), std::string::npos)
      << v.anomalies[1].text;
  EXPECT_EQ(v.anomalies[2].kind, "foreign");
}

// A write whose outcome is unknown (info) may have happened: a later read showing it is a hit,
// and a read showing the write before it is a hit too (it may not have happened).
TEST(HistoryCheck, AnInfoWriteIsNeitherLostNorStale) {
  H h;
  h.write(0, 1, 1);
  h.write(10, 1, 2, "info", 1000);  // timed out: the client goes on as process 1001
  h.read(1020, 1, H::name(1, 1), "B", 1001);
  h.read(1030, 1, H::name(1, 2), "B", 1001);
  auto v = h.judge();
  EXPECT_EQ(counts(v).hits, 2u);
  EXPECT_EQ(counts(v).stale, 0u);
  EXPECT_EQ(v.unknown, 1u);
  EXPECT_EQ(v.anomalies_total, 0u);
}

// A read concurrent with a write of the same key: not a history the tester writes (a client
// does one register operation at a time), and not one the checker's rule covers: refused.
TEST(HistoryCheck, AReadConcurrentWithAWriteOfItsKeyIsRefused) {
  H h;
  h.write(0, 1, 1);
  h.op(10, 1, "invoke", "write", H::name(1, 2));
  h.op(11, 1001, "invoke", "read", "null");  // another process of the same key
  h.op(12, 1001, "ok", "read", H::name(1, 2), "B");
  h.op(13, 1, "ok", "write", H::name(1, 2), "A", 303);
  EXPECT_THROW(h.judge(), std::runtime_error);
}

TEST(HistoryCheck, AReadAfterAnAcknowledgedLogoutMustNotShowTheSession) {
  H h;
  h.write(0, 1, 1);
  h.op(10, 1, "invoke", "logout", "null");
  h.op(11, 1, "ok", "logout", "null", "A", 204);
  h.read(20, 1, "null");         // the logout held
  h.read(30, 1, H::name(1, 1));  // resurrected
  auto v = h.judge();
  EXPECT_EQ(v.scenario, Scenario::logout);
  EXPECT_EQ(counts(v).resurrected, 1u);
  EXPECT_EQ(counts(v).hits, 1u);
  ASSERT_EQ(v.anomalies.size(), 1u);
  EXPECT_NE(v.anomalies[0].text.find(
                "after the logout was acknowledged at 0.011 s (invoked at 0.010 s, answered by A)"),
            std::string::npos)
      << v.anomalies[0].text;
}

TEST(HistoryCheck, CountersLoseWhatTheFinalReadDoesNotShowAndNeverAnUnknownAdd) {
  H h;
  for (int i = 0; i < 5; ++i) {
    h.op(i * 10, 1, "invoke", "add", "1");
    h.op(i * 10 + 1, 1, "ok", "add", "1");
  }
  h.op(60, 1, "invoke", "add", "1");
  h.op(70, 1, "info", "add", "1", "A", 0);       // may or may not have happened
  h.op(80, 1001, "invoke", "add", "1");          // a new process after an info
  h.op(81, 1001, "fail", "add", "1", "A", 403);  // certainly did not
  h.op(100, 1001, "invoke", "read-counter", "null");
  h.op(101, 1001, "ok", "read-counter", "3");
  // Another key: its unknown add shows in the final read: not a phantom, nothing lost.
  h.op(0, 2, "invoke", "add", "1");
  h.op(1, 2, "ok", "add", "1");
  h.op(5, 2, "invoke", "add", "1");
  h.op(6, 2, "info", "add", "1", "A", 0);
  h.op(100, 1002, "invoke", "read-counter", "null");
  h.op(101, 1002, "ok", "read-counter", "2");
  // And one whose final read shows more than could have happened.
  h.op(0, 3, "invoke", "add", "1");
  h.op(1, 3, "ok", "add", "1");
  h.op(100, 3, "invoke", "read-counter", "null");
  h.op(101, 3, "ok", "read-counter", "4");
  // The file must be in time order for run_check; the checker itself takes it as given.
  auto v = h.judge();
  EXPECT_EQ(v.scenario, Scenario::counter);
  EXPECT_EQ(v.report.counter.lost_updates, 2);
  EXPECT_EQ(v.report.counter.phantom_updates, 3);
  EXPECT_EQ(v.report.counter.clients_checked, 3u);
}

TEST(HistoryCheck, EdnLinesReadAsJsonLines) {
  auto e = parse_history_line(
      "{:index 3, :time 120, :process 7, :type :ok, :f :read, :value [\"c7\" \"r1-c7-w2\"], "
      ":instance \"B\", :status 200}",
      true);
  ASSERT_TRUE(std::holds_alternative<HistoryOp>(e)) << std::get<std::string>(e);
  const auto& op = std::get<HistoryOp>(e);
  EXPECT_EQ(op.key, "c7");
  EXPECT_EQ(op.text, "r1-c7-w2");
  EXPECT_EQ(op.instance, "B");
  EXPECT_EQ(op.status, 200);
  auto nil = parse_history_line(
      "{:index 0, :time 1, :process 7, :type :invoke, :f :read, :value [\"c7\" nil]}", true);
  ASSERT_TRUE(std::holds_alternative<HistoryOp>(nil));
  EXPECT_EQ(std::get<HistoryOp>(nil).value_kind, HistoryOp::Value::null);
  auto nemesis = parse_history_line(
      "{:index 0, :time 1, :process :nemesis, :type :info, :f :start, :value \"kill inst-A\"}",
      true);
  ASSERT_TRUE(std::holds_alternative<HistoryOp>(nemesis));
  EXPECT_EQ(std::get<HistoryOp>(nemesis).process, -1);
  for (const char* bad :
       {"{:index 0 :time", "[1 2]", "{:type :maybe, :process 1, :f :read, :value [\"c1\" nil]}"})
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_history_line(bad, true))) << bad;
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_history_line("{\"index\":1}", false)));
}

// run_check: a file out of time order, or a line that is no operation, is exit 2.
TEST(HistoryCheck, FilesOutOfOrderOrBrokenAreRefused) {
  auto dir =
      std::filesystem::temp_directory_path() / ("history-check-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  H h;
  h.write(10, 1, 1);
  h.read(5, 1, H::name(1, 1));
  std::ofstream(dir / "backwards.jsonl") << h.text;
  std::ofstream(dir / "broken.jsonl") << "{\"index\":0,\"time\":1}\n";
  H good;
  good.write(0, 1, 1);
  good.read(10, 1, H::name(1, 1));
  std::ofstream(dir / "good.jsonl") << good.text;
  CheckOptions o;
  o.quiet = true;
  o.limits.min_crossing = 0;  // one read: too few to ask for crossings
  o.files = {(dir / "backwards.jsonl").string()};
  EXPECT_EQ(run_check(o), 2);
  o.files = {(dir / "broken.jsonl").string()};
  EXPECT_EQ(run_check(o), 2);
  o.files = {(dir / "good.jsonl").string()};
  EXPECT_EQ(run_check(o), 0);
  std::filesystem::remove_all(dir);
}

// A history that is not well formed is refused with its reason, never judged: an invoke over an
// open operation would hide the read it replaces (and its foreign value with it).
TEST(HistoryCheck, AHistoryThatIsNotWellFormedIsRefused) {
  auto refused = [](const H& h) {
    try {
      h.judge();
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  H twice;
  twice.op(0, 1, "invoke", "read", "null");
  twice.op(1, 1, "invoke", "read", "null");
  EXPECT_NE(refused(twice).find(
                "not a well-formed history: process 1 invokes read at 0.001 s while its last "
                "operation is open"),
            std::string::npos);
  H orphan;
  orphan.op(0, 1, "ok", "read", H::name(2, 1));
  EXPECT_NE(refused(orphan).find("completes (ok read at 0.000 s) an operation it never invoked"),
            std::string::npos)
      << refused(orphan);
  H other;
  other.op(0, 1, "invoke", "write", H::name(1, 1));
  other.op(1, 1, "ok", "read", H::name(2, 1));
  EXPECT_NE(refused(other).find("completes read of c1 at 0.001 s but invoked write of c1"),
            std::string::npos)
      << refused(other);
  H negative;
  negative.op(0, 1, "invoke", "add", "-5");
  EXPECT_NE(refused(negative).find("an add of -5"), std::string::npos) << refused(negative);
  H huge;
  huge.op(0, 1, "invoke", "add", "9007199254740993");
  EXPECT_FALSE(refused(huge).empty());
  H fine;
  fine.write(0, 1, 1);
  EXPECT_EQ(refused(fine), "");
}
