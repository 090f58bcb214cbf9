// What the quorum store asks of its copies, and when: the copies of a read are sent to before
// any is waited for, and a write that follows an agreed read (read, modify, write) does not read
// again the copies that read answered, nor reads anything before a create.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sessions/quorum_store.hpp"
#include "tests/support/fake_store.hpp"

using namespace sessdemo;
using sessdemo::test::FakeStore;
using namespace std::chrono;

namespace {
// A node that writes down, in one log shared by the nodes, every call it gets: "send 0",
// "receive 0", "load 1", "save 2", "create 0".
class Logged final : public SessionStore {
 public:
  Logged(FakeStore& node, int number, std::vector<std::string>& log)
      : node_(node), n_(number), log_(log) {}
  LoadResult load(std::string_view id) override { return note("load"), node_.load(id); }
  std::vector<LoadResult> load_many(const std::vector<std::string>& ids) override {
    return note("load"), node_.load_many(ids);
  }
  void send_many(const std::vector<std::string>& ids, PendingLoad& pending) override {
    note("send");
    pending.results = node_.load_many(ids);
  }
  std::vector<LoadResult> receive_many(PendingLoad& pending) override {
    note("receive");
    return std::move(pending.results);
  }
  StoreStatus save(std::string_view id, const Session& s, seconds ttl, std::uint64_t cas) override {
    return note("save"), node_.save(id, s, ttl, cas);
  }
  StoreStatus create(std::string_view id, const Session& s, seconds ttl) override {
    return note("create"), node_.create(id, s, ttl);
  }
  StoreStatus remove(std::string_view id) override { return node_.remove(id); }
  StoreStatus try_lock(std::string_view id, std::string_view o, seconds t) override {
    return node_.try_lock(id, o, t);
  }
  StoreStatus unlock(std::string_view id, std::string_view o) override {
    return node_.unlock(id, o);
  }
  StoreStatus ping() override { return node_.ping(); }
  const char* kind() const override { return "logged"; }

 private:
  void note(const char* what) { log_.push_back(std::string(what) + " " + std::to_string(n_)); }
  FakeStore& node_;
  int n_;
  std::vector<std::string>& log_;
};

struct Copies {
  FakeStore nodes[3];
  std::vector<std::string> log;
  std::unique_ptr<QuorumStore> store;
  Copies() {
    std::vector<ReplicaNode> list;
    for (int i = 0; i < 3; ++i)
      list.push_back(
          {"127.0.0.1:" + std::to_string(11211 + i), std::make_unique<Logged>(nodes[i], i, log)});
    ReplicationOptions o;
    o.copies = 3;
    store = std::make_unique<QuorumStore>(std::move(list), o);
  }
  std::vector<std::string> take() { return std::exchange(log, {}); }
  int count(const std::vector<std::string>& l, const std::string& what) {
    return static_cast<int>(std::count_if(
        l.begin(), l.end(), [&](const std::string& e) { return e.rfind(what, 0) == 0; }));
  }
};

Session named(const char* name, std::uint64_t version = 0) {
  Session s;
  s.name = name;
  s.version = version;
  return s;
}
}  // namespace

TEST(QuorumRoundTrips, AReadSendsToAMajorityBeforeItWaitsForAny) {
  Copies c;
  ASSERT_EQ(c.store->create("s1", named("Ada"), seconds(60)), StoreStatus::ok);
  c.take();
  auto r = c.store->load("s1");
  ASSERT_EQ(r.status, StoreStatus::ok);
  auto log = c.take();
  ASSERT_EQ(log.size(), 4u) << ::testing::PrintToString(log);
  EXPECT_EQ(log[0].substr(0, 4), "send");
  EXPECT_EQ(log[1].substr(0, 4), "send");
  EXPECT_EQ(c.count(log, "receive"), 2);
  EXPECT_EQ(c.count(log, "load"), 0)
      << "the agreeing majority settles it; the third copy is not asked";

  // A batch: one multi-get per node, every one sent before the first answer is read.
  ASSERT_EQ(c.store->create("s2", named("Bob"), seconds(60)), StoreStatus::ok);
  c.take();
  auto many = c.store->load_many({"s1", "s2"});
  ASSERT_EQ(many[1].status, StoreStatus::ok);
  log = c.take();
  auto first_receive =
      std::find_if(log.begin(), log.end(), [](auto& e) { return e.rfind("receive", 0) == 0; });
  EXPECT_EQ(c.count(std::vector<std::string>(first_receive, log.end()), "send"), 0)
      << ::testing::PrintToString(log);
}

TEST(QuorumRoundTrips, ACreateAddsToEachCopyWithoutReadingFirst) {
  Copies c;
  ASSERT_EQ(c.store->create("s1", named("Ada"), seconds(60)), StoreStatus::ok);
  auto log = c.take();
  EXPECT_EQ(c.count(log, "create"), 3) << ::testing::PrintToString(log);
  EXPECT_EQ(c.count(log, "send") + c.count(log, "load"), 0) << ::testing::PrintToString(log);
  // The add is conditional by itself: a second create of the id is refused, and nothing changes.
  EXPECT_EQ(c.store->create("s1", named("Mallory"), seconds(60)), StoreStatus::conflict);
  EXPECT_EQ(c.store->load("s1").session->name, "Ada");
}

TEST(QuorumRoundTrips, AWriteAfterAnAgreedReadReadsOnlyTheCopyTheReadDidNotAsk) {
  Copies c;
  ASSERT_EQ(c.store->create("s1", named("Ada"), seconds(60)), StoreStatus::ok);
  auto r = c.store->load("s1");
  c.take();
  Session next = *r.session;
  next.name = "Grace";
  next.version++;
  ASSERT_EQ(c.store->save("s1", next, seconds(60), r.cas), StoreStatus::ok);
  auto log = c.take();
  EXPECT_EQ(c.count(log, "send") + c.count(log, "load"), 1) << ::testing::PrintToString(log);
  EXPECT_EQ(c.count(log, "save"), 3) << ::testing::PrintToString(log);
  for (auto& n : c.nodes) EXPECT_EQ(n.data.load("s1").session->name, "Grace");
  // Without the read before it, the write reads all three.
  next.name = "Hedy";
  next.version++;
  ASSERT_EQ(c.store->save("s1", next, seconds(60), r.cas), StoreStatus::ok);
  log = c.take();
  EXPECT_EQ(c.count(log, "send"), 3) << ::testing::PrintToString(log);
}

TEST(QuorumRoundTrips, AReadThatAnotherWriterOvertookCostsARereadNotAWrongWrite) {
  Copies c;
  ASSERT_EQ(c.store->create("s1", named("Ada"), seconds(60)), StoreStatus::ok);
  auto r = c.store->load("s1");  // remembered: version 0 on copies 0 and 1
  // Another instance writes version 1 to every copy meanwhile.
  for (auto& n : c.nodes) {
    auto held = n.data.load("s1");
    Session theirs = named("Eve", 1);
    theirs.write_tag = 7;
    ASSERT_EQ(n.data.save("s1", theirs, seconds(60), held.cas), StoreStatus::ok);
  }
  Session mine = *r.session;
  mine.name = "Grace";
  mine.version = 1;
  EXPECT_EQ(c.store->save("s1", mine, seconds(60), r.cas), StoreStatus::conflict);
  for (auto& n : c.nodes) EXPECT_EQ(n.data.load("s1").session->name, "Eve");
}
