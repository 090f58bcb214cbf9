// The one checker against a brute-force linearizability search written here (every order of the
// operations consistent with real time), on 10,000 random small histories of the shapes the
// tester writes; and on hand-made histories, one per case the checker must get right.
#include "loadgen/history/operation_checker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <map>
#include <random>
#include <set>

using namespace sessdemo::loadgen;

namespace {
constexpr std::int64_t never = INT64_MAX;  // the completion of an operation of unknown outcome

// One operation as the brute force sees it. value: a write's sequence number (0: a logout), a
// read's shown sequence number (0: no name, -1: another client's name), an add's 1, a counter
// read's value.
struct Op {
  OpF f = OpF::read;
  OpType end = OpType::ok;
  std::int64_t value = 0;
  std::int64_t invoked = 0, completed = 0;
  std::uint64_t process = 0;
};

// Whether some order of the operations, consistent with real time, explains every read: `ok`
// operations take effect between invoke and completion, `info` ones any time after invoke or
// never, `fail` ones never; reads that did not succeed show nothing.
class BruteForce {
 public:
  explicit BruteForce(const std::vector<Op>& ops) {
    for (const auto& o : ops) {
      bool read = o.f == OpF::read || o.f == OpF::read_counter;
      if (o.end == OpType::fail || (read && o.end != OpType::ok)) continue;
      ops_.push_back(o);
      if (o.end == OpType::info) ops_.back().completed = never;
    }
  }
  bool linearizable() { return search(0, 0); }

 private:
  bool search(std::uint32_t done, std::int64_t state) {
    bool all = true;
    for (std::size_t i = 0; i < ops_.size(); ++i)
      if (!(done >> i & 1) && ops_[i].completed != never) all = false;
    if (all) return true;  // what is left may take effect after everything, or never
    if (!seen_.insert({done, state}).second) return false;
    std::int64_t first_end = never;
    for (std::size_t i = 0; i < ops_.size(); ++i)
      if (!(done >> i & 1)) first_end = std::min(first_end, ops_[i].completed);
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (done >> i & 1) continue;
      const Op& o = ops_[i];
      if (o.invoked > first_end) continue;  // another operation ended before this one began
      std::int64_t next = state;
      switch (o.f) {
        case OpF::write:
          next = o.value;
          break;
        case OpF::logout:
          next = 0;
          break;
        case OpF::add:
          next = state + o.value;
          break;
        case OpF::read:
        case OpF::read_counter:
          if (o.value != state) continue;
          break;
        default:
          break;
      }
      if (search(done | 1u << i, next)) return true;
    }
    return false;
  }
  std::vector<Op> ops_;
  std::set<std::pair<std::uint32_t, std::int64_t>> seen_;
};

std::string name_of(std::uint32_t client, std::int64_t seq) {
  if (seq < 0) return "r1-c" + std::to_string(client + 1000) + "-w1";  // another client's
  return "r1-c" + std::to_string(client) + "-w" + std::to_string(seq);
}

// The checker's events of one key's operations, in time order.
void feed(OperationChecker& checker, std::uint32_t client, const std::vector<Op>& ops,
          std::vector<std::pair<std::int64_t, HistoryEvent>>& events) {
  for (const auto& o : ops) {
    HistoryEvent e;
    e.client = client;
    e.process = o.process;
    e.f = o.f;
    e.type = OpType::invoke;
    e.time_ns = o.invoked;
    if (o.f == OpF::write) {
      e.value_kind = HistoryEvent::Value::text;
      e.text.assign(name_of(client, o.value));
    } else if (o.f == OpF::add) {
      e.value_kind = HistoryEvent::Value::number;
      e.number = o.value;
    }
    events.emplace_back(o.invoked, e);
    e.type = o.end;
    e.time_ns = o.completed;
    e.instance.assign("A");
    if (o.f == OpF::read && o.end == OpType::ok) {
      e.value_kind = o.value == 0 ? HistoryEvent::Value::none : HistoryEvent::Value::text;
      if (o.value != 0) e.text.assign(name_of(client, o.value));
    } else if (o.f == OpF::read_counter && o.end == OpType::ok) {
      e.value_kind = HistoryEvent::Value::number;
      e.number = o.value;
    }
    events.emplace_back(o.completed, e);
  }
  (void)checker;
}

// A random history of one key, as one client makes it: one register operation at a time (after
// an `info` one the client goes on as a new process), or batches of concurrent adds each
// followed by a read of the counter.
std::vector<Op> random_key(std::mt19937& rng, std::uint32_t client, bool counter) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto outcome = [&] {
    int r = pick(20);
    return r < 11 ? OpType::ok : r < 15 ? OpType::fail : OpType::info;
  };
  std::vector<Op> ops;
  std::int64_t t = 1;
  std::uint64_t next_process = client;
  std::int64_t acked = 0, attempted = 0, adds = 0;
  int n = 1 + pick(10);
  while (static_cast<int>(ops.size()) < n) {
    Op o;
    if (counter) {
      int batch = 1 + pick(3);
      std::int64_t end = t;
      for (int i = 0; i < batch && static_cast<int>(ops.size()) < n; ++i) {
        Op a{OpF::add, outcome(), 1, t + pick(3), 0, 0};
        a.completed = a.invoked + 1 + pick(4);
        a.process = next_process;
        next_process += 1000;  // each concurrent add is a process of its own
        end = std::max(end, a.completed);
        ops.push_back(a);
        adds++;
      }
      t = end + 1;
      if (static_cast<int>(ops.size()) >= n) break;
      o.f = OpF::read_counter;
      o.value = std::max<std::int64_t>(0, adds - pick(static_cast<int>(adds) + 2) + 1);
    } else {
      int k = pick(20);
      o.f = k < 8 ? OpF::write : k < 17 ? OpF::read : OpF::logout;
      if (o.f == OpF::write) o.value = attempted = acked + 1;
      if (o.f == OpF::read) {
        int r = pick(10);
        o.value = r < 3 ? acked : r < 5 ? 0 : r < 9 ? pick(static_cast<int>(attempted) + 2) : -1;
      }
    }
    o.end = o.f == OpF::read || o.f == OpF::read_counter
                ? (pick(10) == 0 ? OpType::fail : OpType::ok)
                : outcome();
    o.invoked = t;
    o.completed = t + 1 + pick(3);
    o.process = next_process;
    t = o.completed + 1 + pick(2);
    if (o.f == OpF::write && o.end == OpType::ok) acked = o.value;
    if (o.end == OpType::info) next_process += 1000;
    ops.push_back(o);
  }
  return ops;
}
}  // namespace

TEST(OperationCheckerDifferential, AgreesWithABruteForceSearchOnTenThousandRandomHistories) {
  std::mt19937 rng(20261207);
  int illegal_keys = 0, legal_keys = 0, disagreements = 0;
  std::string first;
  for (int h = 0; h < 10'000; ++h) {
    OperationChecker checker;
    std::vector<std::pair<std::int64_t, HistoryEvent>> events;
    std::map<std::uint32_t, std::vector<Op>> keys;
    int nkeys = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < nkeys; ++k) {
      auto client = static_cast<std::uint32_t>(k);
      keys[client] = random_key(rng, client, rng() % 3 == 0);
      feed(checker, client, keys[client], events);
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [time, e] : events) checker.add(e);
    checker.finish();
    for (const auto& [client, ops] : keys) {
      bool expected = BruteForce(ops).linearizable();
      (expected ? legal_keys : illegal_keys)++;
      if (expected != checker.key_legal(client)) {
        if (disagreements++ == 0) {
          first = "history " + std::to_string(h) + ", c" + std::to_string(client) +
                  ": brute force " + (expected ? "legal" : "illegal") + ", checker the other:";
          for (const auto& o : ops)
            first += std::string("\n  ") + to_string(o.f) + " " + std::to_string(o.value) + " " +
                     to_string(o.end) + " [" + std::to_string(o.invoked) + ", " +
                     std::to_string(o.completed) + "] p" + std::to_string(o.process);
        }
      }
    }
  }
  EXPECT_EQ(disagreements, 0) << first;
  // Both answers are common, or the comparison proves little.
  EXPECT_GT(legal_keys, 3000);
  EXPECT_GT(illegal_keys, 3000);
}

namespace {
// A hand-made history of client 1, built operation by operation (times in ms).
struct Story {
  OperationChecker checker{"r1"};
  std::uint64_t process = 1;
  std::vector<Judgement> judgements;
  std::vector<bool> crossed;
  HistoryEvent event(std::int64_t ms, OpType type, OpF f) {
    HistoryEvent e;
    e.time_ns = ms * 1'000'000;
    e.client = 1;
    e.process = process;
    e.type = type;
    e.f = f;
    return e;
  }
  void mutation(std::int64_t ms, OpF f, int seq, OpType end, const char* instance = "A") {
    auto e = event(ms, OpType::invoke, f);
    if (f == OpF::write) {
      e.value_kind = HistoryEvent::Value::text;
      e.text.assign(name_of(1, seq));
    }
    checker.add(e);
    e.type = end;
    e.time_ns += 1'000'000;
    e.instance.assign(instance);
    checker.add(e);
    if (end == OpType::info) process += 1000;  // the client goes on as a new process
  }
  void write(std::int64_t ms, int seq, OpType end = OpType::ok, const char* instance = "A") {
    mutation(ms, OpF::write, seq, end, instance);
  }
  void read(std::int64_t ms, int seq,
            const char* instance = "B") {  // seq 0: no name; -1: another's
    checker.add(event(ms, OpType::invoke, OpF::read));
    auto e = event(ms + 1, OpType::ok, OpF::read);
    if (seq != 0) {
      e.value_kind = HistoryEvent::Value::text;
      e.text.assign(name_of(1, seq));
    }
    e.instance.assign(instance);
    auto j = checker.add(e);
    judgements.push_back(j ? j->judgement : Judgement::legal);
    crossed.push_back(j && j->crossed);
  }
  void add(std::int64_t ms, OpType end) {
    auto e = event(ms, OpType::invoke, OpF::add);
    e.value_kind = HistoryEvent::Value::number;
    e.number = 1;
    checker.add(e);
    e.type = end;
    e.time_ns += 1'000'000;
    e.instance.assign("A");
    checker.add(e);
    process += 1000;
  }
  void read_counter(std::int64_t ms, std::int64_t value) {
    checker.add(event(ms, OpType::invoke, OpF::read_counter));
    auto e = event(ms + 1, OpType::ok, OpF::read_counter);
    e.value_kind = HistoryEvent::Value::number;
    e.number = value;
    e.instance.assign("B");
    checker.add(e);
  }
};
}  // namespace

// Case 1: a write given up (info), sent again and acknowledged, a newer write acknowledged, then
// a read of the first: it took effect late. A late write, never a stale read.
TEST(OperationChecker, ALateWriteOfUnknownOutcomeIsCountedApartNotStale) {
  Story s;
  s.write(0, 1, OpType::info);
  s.write(10, 1);
  s.write(20, 2);
  s.read(30, 1);
  EXPECT_EQ(s.judgements.back(), Judgement::legal);
  const auto& f = s.checker.finish();
  EXPECT_EQ(f.late_writes, 1u);
  ASSERT_EQ(f.late.size(), 1u);
  EXPECT_NE(f.late[0].find("took effect after"), std::string::npos) << f.late[0];
  EXPECT_EQ(f.anomalies_total, 0u);
}

// Case 2: the new value, then the old one, while a write is of unknown outcome: each read alone
// is possible, the pair is not.
TEST(OperationChecker, AReadThatGoesBackInTimeIsAMonotonicReadsAnomaly) {
  Story s;
  s.write(0, 1);
  s.write(10, 2, OpType::info);
  s.read(20, 2);
  s.read(30, 1);
  EXPECT_EQ(s.judgements[0], Judgement::legal);
  EXPECT_EQ(s.judgements[1], Judgement::monotonic);
  // Seen, then not seen: the same.
  Story t;
  t.write(0, 1, OpType::info);
  t.read(10, 1);
  t.read(20, 0);
  EXPECT_EQ(t.judgements[1], Judgement::monotonic);
  EXPECT_EQ(t.checker.finish().anomalies[0].kind, "monotonic reads");
}

// Case 3: a write the server refused (4xx) that a read shows.
TEST(OperationChecker, ARefusedWriteThatShowsIsAnAnomaly) {
  Story s;
  s.write(0, 1);
  s.write(10, 2, OpType::fail);
  s.read(20, 2);
  EXPECT_EQ(s.judgements.back(), Judgement::refused_applied);
  // Refused, then sent again and acknowledged: shown, it is the read of that write.
  Story t;
  t.write(0, 1, OpType::fail);
  t.write(10, 1);
  t.read(20, 1);
  EXPECT_EQ(t.judgements.back(), Judgement::legal);
}

// Case 4: nothing acknowledged, so no name is legal; after an acknowledged write it is a miss.
TEST(OperationChecker, NoNameAfterAWriteOfUnknownOutcomeIsLegal) {
  Story s;
  s.write(0, 1, OpType::info);
  s.read(10, 0);
  EXPECT_EQ(s.judgements.back(), Judgement::legal);
  s.write(20, 1);
  s.read(30, 0);
  EXPECT_EQ(s.judgements.back(), Judgement::miss);
  EXPECT_EQ(s.checker.finish().anomalies[0].kind, "read-your-writes");
}

// Case 5: adds of unknown outcome make the legal values a range.
TEST(OperationChecker, ACounterReadWithAddsOfUnknownOutcomeIsJudgedAgainstARange) {
  Story s;
  s.add(0, OpType::ok);
  s.add(0, OpType::info);
  s.add(0, OpType::info);
  s.read_counter(10, 1);  // both unknown ones not (yet) done: legal
  s.read_counter(20, 3);  // both done since: legal
  s.read_counter(30, 2);  // one undone: lost
  const auto& f = s.checker.finish();
  EXPECT_EQ(f.counter.lost_updates, 1);
  EXPECT_EQ(f.counter.phantom_updates, 0);
  ASSERT_EQ(f.anomalies_total, 1u);
  EXPECT_EQ(f.anomalies[0].kind, "lost");
  Story t;
  t.add(0, OpType::ok);
  t.add(0, OpType::fail);
  t.read_counter(10, 2);  // the refused add happened: phantom
  EXPECT_EQ(t.checker.finish().counter.phantom_updates, 1);
}

// Case 6: warm-up operations are judged (the model holds across the measured start) but left out
// of the figures.
TEST(OperationChecker, WarmUpOperationsAreJudgedButNotCounted) {
  Story s;
  HistoryEvent w = s.event(0, OpType::invoke, OpF::write);
  w.warmup = true;
  w.value_kind = HistoryEvent::Value::text;
  w.text.assign(name_of(1, 1));
  s.checker.add(w);
  w.type = OpType::ok;
  s.checker.add(w);
  s.read(10, 1);  // its own warm-up name: a hit, never foreign
  EXPECT_EQ(s.judgements.back(), Judgement::legal);
  const auto& f = s.checker.finish();
  EXPECT_EQ(f.operations, 1u);  // the read; the warm-up write is not counted
  EXPECT_EQ(f.reads[0], 1u);
}

// Case 8: a process goes on after an `info` completion only under a new number.
TEST(OperationChecker, AProcessThatGoesOnAfterAnInfoCompletionIsRefused) {
  Story s;
  s.write(0, 1, OpType::info);
  s.process -= 1000;  // as the tester did: the same process again
  EXPECT_THROW(s.read(10, 1), std::runtime_error);
}

// Two register operations of one key at once: not a history this checker's rule covers.
TEST(OperationChecker, TwoRegisterOperationsOfAKeyAtOnceAreRefused) {
  Story s;
  s.checker.add(s.event(0, OpType::invoke, OpF::read));
  s.process = 2;
  EXPECT_THROW(s.checker.add(s.event(1, OpType::invoke, OpF::read)), std::runtime_error);
}

TEST(OperationChecker, AReadCrossesWhenAnotherInstanceServesItThanTookTheWrite) {
  Story s;
  s.read(0, 0, "B");  // no write yet: nothing to cross
  s.write(10, 1, OpType::ok, "A");
  s.read(20, 1, "A");
  s.read(30, 1, "B");
  EXPECT_EQ(s.crossed, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(s.checker.finish().crossed, 1u);
}

TEST(OperationChecker, ResurrectedAndForeignReads) {
  Story s;
  s.write(0, 1);
  s.mutation(10, OpF::logout, 0, OpType::ok);
  s.read(20, 1);
  EXPECT_EQ(s.judgements.back(), Judgement::resurrected);
  s.read(30, -1);  // another client's name
  EXPECT_EQ(s.judgements.back(), Judgement::foreign);
  s.read(40, 7);  // a name this client never wrote
  EXPECT_EQ(s.judgements.back(), Judgement::foreign);
  // A logout of unknown outcome: the session may still be there.
  Story t;
  t.write(0, 1);
  t.mutation(10, OpF::logout, 0, OpType::info);
  t.read(20, 1);
  EXPECT_EQ(t.judgements.back(), Judgement::legal);
}
