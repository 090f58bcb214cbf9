// Logout that sticks: DELETE /api/session raced against 8 writers of the same session (a
// stolen id still writing), for 30 rounds per mode, then the session read by its old id on
// every instance. An acknowledged logout (204) must leave nothing readable, in every mode that
// claims it (copies 1, 2, 3 with cas and lock); a logout that could not be made to stick is a
// 503. Real memcached nodes and serve instances.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/http_client.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
struct Race {
  int ended = 0;        // logouts answered 204
  int resurrected = 0;  // of those, sessions still readable by the old id afterwards
  int refused = 0;      // logouts answered 503
  int overlapping = 0;  // writes sent before the logout was answered and answered after it was sent
};

// One round: 8 writers on the session; the logout is sent once each has been answered at least
// once, and the writers stop once 8 more writes have been answered after the logout's answer.
// Both waits are for what the writers observed, never for a time.
Race race_logouts(const std::vector<Instance>& inst, int rounds) {
  Race out;
  const std::string json = "Content-Type: application/json\r\n";
  using Clock = steady_clock;
  for (int round = 0; round < rounds; ++round) {
    auto created = http(inst[0].port, "PUT", "/api/session", R"({"name":"victim"})", json);
    std::string sid = created.session_cookie();
    if (sid.empty()) continue;
    std::string cookie = "Cookie: sessdemo_sid=" + sid + "\r\n";
    std::atomic<bool> stop{false};
    std::atomic<int> answered{0}, after_logout{0}, overlapping{0};
    std::atomic<Clock::rep> logout_sent{Clock::time_point::max().time_since_epoch().count()};
    std::atomic<Clock::rep> logout_answered{Clock::time_point::max().time_since_epoch().count()};
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w)
      writers.emplace_back([&, w] {
        while (!stop) {
          auto sent = Clock::now().time_since_epoch().count();
          http(inst[static_cast<std::size_t>(w) % inst.size()].port, "POST", "/api/session/visits",
               "", cookie + json);
          auto back = Clock::now().time_since_epoch().count();
          ++answered;
          if (sent <= logout_answered && back >= logout_sent) ++overlapping;
          if (sent > logout_answered) ++after_logout;
        }
      });
    eventually([&] { return answered >= 8; }, seconds(10), milliseconds(1));
    logout_sent = Clock::now().time_since_epoch().count();
    auto logout = http(inst[1 % inst.size()].port, "DELETE", "/api/session", "", cookie);
    logout_answered = Clock::now().time_since_epoch().count();
    eventually([&] { return after_logout >= 8; }, seconds(10),
               milliseconds(1));  // the writers go on after it
    stop = true;
    for (auto& t : writers) t.join();
    out.overlapping += overlapping;
    if (logout.status == 204) {
      out.ended++;
      bool seen = false;
      for (const auto& i : inst)
        seen = seen || http(i.port, "GET", "/api/session", "", cookie).body.find("victim") !=
                           std::string::npos;
      if (seen) out.resurrected++;
    } else {
      EXPECT_EQ(logout.status, 503) << logout.body;
      out.refused++;
    }
  }
  return out;
}

void sticks(const std::vector<std::string>& flags, int nodes) {
  std::vector<Memcached> mc(static_cast<std::size_t>(nodes));
  std::string list;
  for (const auto& m : mc) list += (list.empty() ? "" : ",") + m.address();
  std::vector<std::string> all{"--memcached", list};
  all.insert(all.end(), flags.begin(), flags.end());
  auto inst = three_instances(all);
  Race r = race_logouts(inst, 30);
  EXPECT_EQ(r.resurrected, 0) << r.resurrected << " of " << r.ended
                              << " acknowledged logouts came back";
  EXPECT_GE(r.ended, 10) << "logouts succeed (" << r.refused << " were 503)";
  // The race was run: writes were on the wire while the logout was.
  EXPECT_GE(r.overlapping, 30) << "writes overlapping the logouts";
}
}  // namespace

TEST(Logout, SticksWithOneCopyAndCas) {
  sticks({"--concurrency", "cas"}, 1);
}
TEST(Logout, SticksWithOneCopyAndLocks) {
  sticks({"--concurrency", "lock"}, 1);
}
TEST(Logout, SticksWithTwoCopiesAndCas) {
  sticks({"--copies", "2", "--concurrency", "cas"}, 3);
}
TEST(Logout, SticksWithTwoCopiesAndLocks) {
  sticks({"--copies", "2", "--concurrency", "lock"}, 3);
}
TEST(Logout, SticksWithQuorumCopiesAndCas) {
  sticks({"--copies", "3", "--concurrency", "cas"}, 3);
}
TEST(Logout, SticksWithQuorumCopiesAndLocks) {
  sticks({"--copies", "3", "--concurrency", "lock"}, 3);
}

// --concurrency none is last-writer-wins, documented as such: a writer that read the session
// before the logout writes it back after it. The race shows it (the set-up the tester's
// --scenario logout must catch).
TEST(Logout, LastWriterWinsBringsTheSessionBack) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address(), "--concurrency", "none"});
  Race r = race_logouts(inst, 30);
  EXPECT_GE(r.overlapping, 30) << "writes overlapping the logouts";
  EXPECT_GT(r.resurrected, 0) << "of " << r.ended << " logouts";
}

// The tester catches it from the outside: --scenario logout over two instances fails with
// --concurrency none (resurrected reads) and passes with cas.
TEST(Logout, TheTesterCatchesAResurrectedSession) {
  for (const char* mode : {"none", "cas"}) {
    Memcached mc;
    std::vector<Instance> inst;
    for (int i = 0; i < 2; ++i)
      inst.emplace_back(
          std::vector<std::string>{"--memcached", mc.address(), "--concurrency", mode});
    auto r = run_load({"--instances", addresses(inst), "--scenario", "logout", "--clients", "20",
                       "--inflight", "4", "--duration", "3s", "--requests", "20000"});
    if (std::string(mode) == "none") {
      EXPECT_EQ(r.exit_code, 1) << r.out;
      EXPECT_GT(r.total_of("resurrected"), 0) << r.out;
    } else {
      EXPECT_EQ(r.exit_code, 0) << r.out;
      EXPECT_EQ(r.total_of("resurrected"), 0) << r.out;
      EXPECT_GT(r.total_of("hits"), 50) << r.out;
      EXPECT_TRUE(r.total().at("latency_ms_by_kind").as_object().contains("logout"));
    }
  }
}
