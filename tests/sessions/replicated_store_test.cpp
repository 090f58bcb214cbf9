// ReplicatedStore over fake nodes that fail, stall and hold old data: batching per node,
// failover, ejection, repair, divergence, and deadlines.
#include "sessions/replicated_store.hpp"

#include <gtest/gtest.h>

#include "sessions/deadline.hpp"
#include "sessions/session_id.hpp"
#include "tests/support/fake_store.hpp"

using namespace sessdemo;
using sessdemo::test::FakeStore;
using namespace std::chrono;

namespace {
struct Ring {
  explicit Ring(unsigned copies, unsigned n = 3) {
    std::vector<ReplicaNode> list;
    for (unsigned i = 0; i < n; ++i) {
      auto node = std::make_unique<FakeStore>();
      nodes.push_back(node.get());
      list.push_back({"127.0.0.1:" + std::to_string(11211 + i), std::move(node)});
    }
    ReplicationOptions o;
    o.copies = copies;
    o.health.eject_for = milliseconds(300);
    store = std::make_unique<ReplicatedStore>(std::move(list), o);
  }
  FakeStore& node(std::size_t i) { return *nodes[i]; }
  // A session id whose primary is node p.
  std::string id_on(std::size_t p) {
    for (;;) {
      auto id = new_session_id();
      if (store->copies_of(id).front() == p) return id;
    }
  }
  static Session named(const std::string& name, std::uint64_t version) {
    Session s;
    s.name = name;
    s.created = s.refreshed = 1;
    s.version = version;
    return s;
  }
  std::vector<FakeStore*> nodes;
  std::unique_ptr<ReplicatedStore> store;
};
}  // namespace

TEST(ReplicatedStore, LoadManyAsksEachNodeOnceForTheWholeBatch) {
  Ring r(1);
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    ids.push_back(new_session_id());
    ASSERT_EQ(r.store->create(ids.back(), Ring::named("n" + std::to_string(i), 1), seconds(60)),
              StoreStatus::ok);
  }
  auto out = r.store->load_many(ids);
  ASSERT_EQ(out.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(out[i].status, StoreStatus::ok) << i;
    EXPECT_EQ(out[i].session->name, "n" + std::to_string(i));  // results stay in id order
  }
  int total = 0;
  for (auto* n : r.nodes) {
    EXPECT_LE(n->load_manys.load(), 1);  // one round trip per node, never one per session
    EXPECT_EQ(n->loads.load(), 0);
    total += n->load_manys;
  }
  EXPECT_EQ(total, 3);  // 30 random ids reach all three nodes
}

TEST(ReplicatedStore, ADownPrimaryFailsOverToTheNextCopyAndIsEjected) {
  Ring r(2);
  auto id = r.id_on(0);
  ASSERT_EQ(r.store->create(id, Ring::named("Ada", 1), seconds(60)), StoreStatus::ok);
  auto second = r.store->copies_of(id)[1];
  ASSERT_EQ(r.node(second).data.load(id).status, StoreStatus::ok);  // the write reached both copies
  r.node(0).mode = FakeStore::Mode::down;
  for (int i = 0; i < 3; ++i) {
    auto got = r.store->load_many({id});
    ASSERT_EQ(got[0].status, StoreStatus::ok);
    EXPECT_EQ(got[0].session->name, "Ada");
  }
  EXPECT_EQ(r.store->stats().fallbacks, 3u);
  EXPECT_EQ(r.store->stats().ejections, 1u);  // three failures in a row
  int calls = r.node(0).loads + r.node(0).load_manys;
  EXPECT_EQ(r.store->load(id).session->name, "Ada");
  EXPECT_EQ(r.node(0).loads + r.node(0).load_manys, calls) << "an ejected node was still asked";
}

// A read that an impatient caller cut short (an I/O thread that hands it to another thread at its
// own deadline, not the request's) says nothing of the node: it is not ejected, and the session's
// copies stay where they are. The same failures under the request's own deadline eject it.
TEST(ReplicatedStore, ReadsCutShortByAnImpatientCallerEjectNoNode) {
  Ring r(2);
  auto id = r.id_on(0);
  ASSERT_EQ(r.store->create(id, Ring::named("Ada", 1), seconds(60)), StoreStatus::ok);
  r.node(0).mode = FakeStore::Mode::stall;  // answers at the caller's deadline, with nothing
  for (int i = 0; i < 4; ++i) {
    deadline::Scope impatient(deadline::Clock::now() + milliseconds(5), true);
    auto got = r.store->load_many({id});
    EXPECT_NE(got[0].status, StoreStatus::not_found) << "a cut-short read is never a miss";
  }
  EXPECT_EQ(r.store->stats().ejections, 0u) << "an impatient caller's deadline ejected a node";
  for (int i = 0; i < 3; ++i) {
    deadline::Scope patient(deadline::Clock::now() + milliseconds(5));
    r.store->load_many({id});
  }
  EXPECT_EQ(r.store->stats().ejections, 1u) << "the request's own deadline counts";
}

TEST(ReplicatedStore, AnEmptyPrimaryIsRefilledFromTheNewestCopy) {
  Ring r(3);
  auto id = r.id_on(1);
  auto copies = r.store->copies_of(id);
  // The primary came back empty; the two other copies hold an old and a newer version.
  r.node(copies[1]).data.create(id, Ring::named("old", 3), seconds(60));
  r.node(copies[2]).data.create(id, Ring::named("new", 4), seconds(60));
  auto got = r.store->load(id);
  ASSERT_EQ(got.status, StoreStatus::ok);
  EXPECT_EQ(got.session->name, "new");
  EXPECT_EQ(r.node(copies[0]).data.load(id).session->name, "new");
  EXPECT_EQ(r.store->stats().repairs, 1u);
}

TEST(ReplicatedStore, AWriteThatMeetsAnotherPrimarysNewerCopyIsNotAcknowledged) {
  Ring r(2);
  auto id = r.id_on(2);
  ASSERT_EQ(r.store->create(id, Ring::named("A", 1), seconds(60)), StoreStatus::ok);
  auto copies = r.store->copies_of(id);
  // During a failover another instance wrote version 5 through the second copy as primary.
  Session theirs = Ring::named("B", 5);
  theirs.write_tag = static_cast<std::uint32_t>(copies[1] + 1);
  r.node(copies[1]).data.save(id, theirs, seconds(60), 0);
  auto loaded = r.node(copies[0]).data.load(id);
  Session mine = *loaded.session;
  mine.name = "C";
  mine.version = 2;
  EXPECT_EQ(r.store->save(id, mine, seconds(60), loaded.cas), StoreStatus::unavailable);
  EXPECT_EQ(r.store->stats().divergences, 1u);
  EXPECT_EQ(r.node(copies[1]).data.load(id).session->name, "B");  // theirs is not overwritten
}

TEST(ReplicatedStore, AStalledNodeEndsTheCallAtTheDeadline) {
  Ring r(1);
  auto id = r.id_on(0);
  r.node(0).mode = FakeStore::Mode::stall;
  auto start = steady_clock::now();
  LoadResult got;
  {
    deadline::Scope scope(start + milliseconds(100));
    got = r.store->load_many({id})[0];
  }
  auto took = steady_clock::now() - start;
  EXPECT_EQ(got.status, StoreStatus::unavailable);  // a failure, never a miss
  EXPECT_GE(took, milliseconds(100));
  EXPECT_LT(took, milliseconds(1000));  // not the fake's 2 s stall
}

TEST(ReplicatedStore, AMissOnEveryReachableCopyIsARealMiss) {
  Ring r(2);
  auto id = r.id_on(0);
  r.node(0).mode = FakeStore::Mode::down;
  EXPECT_EQ(r.store->load(id).status, StoreStatus::not_found);
  r.node(r.store->copies_of(id)[1]).mode = FakeStore::Mode::down;
  EXPECT_EQ(r.store->load(id).status, StoreStatus::unavailable);
}
